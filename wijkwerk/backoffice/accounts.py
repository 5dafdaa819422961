"""Accounts: everyone's own API tokens (a viewer too), and the admins' page of accounts and
roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from wijkwerk.accounts.models import Account, ApiToken, Role
from wijkwerk.accounts.services import (
    AccountError,
    change_account,
    create_account,
    create_api_token,
    revoke_api_token,
)
from wijkwerk.backoffice.forms import AccountForm, NewAccountForm
from wijkwerk.backoffice.guards import require_admin
from wijkwerk.extensions import db
from wijkwerk.webforms import CheckedForm

bp = Blueprint("accounts", __name__)


@bp.get("/tokens")
def tokens():
    """Your API tokens: make one (shown once), see when each was last used, revoke one."""
    own = sorted(current_user.tokens, key=lambda t: t.created_at, reverse=True)
    return render_template("backoffice/tokens.html", tokens=own, new_token=None)


@bp.post("/tokens")
def create_token():
    if not CheckedForm().validate_on_submit():
        abort(400)
    value = create_api_token(current_user)
    db.session.commit()
    own = sorted(current_user.tokens, key=lambda t: t.created_at, reverse=True)
    response = render_template("backoffice/tokens.html", tokens=own, new_token=value)
    return response, 201, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/intrekken")
def revoke_token(token_id: int):
    api_token = db.get_or_404(ApiToken, token_id)
    if api_token.account_id != current_user.id or not CheckedForm().validate_on_submit():
        abort(404)
    revoke_api_token(api_token)
    db.session.commit()
    flash(_("Token %(prefix)s… is ingetrokken.", prefix=api_token.prefix), "success")
    return redirect(url_for("backoffice.accounts.tokens"))


@bp.route("/accounts", methods=["GET", "POST"])
@require_admin
def accounts():
    """Admins make accounts and see who has which role."""
    form = NewAccountForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                made = create_account(
                    form.email.data, form.password.data, Role(form.role.data), form.name.data or ""
                )
            except AccountError as exc:
                db.session.rollback()
                shown_at = form.password if exc.field == "password" else form.email
                shown_at.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Account voor %(email)s gemaakt.", email=made.email), "success")
                return redirect(url_for("backoffice.accounts.accounts"))
        status = 422
    everyone = db.session.scalars(select(Account).order_by(Account.email)).all()
    return render_template("backoffice/accounts.html", accounts=everyone, form=form), status


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@require_admin
def account(account_id: int):
    found = db.get_or_404(Account, account_id)
    form = AccountForm(role=found.role.value, active="yes" if found.active else "no")
    if request.method == "POST" and form.validate_on_submit():
        try:
            change_account(found, Role(form.role.data), form.active.data == "yes", by=current_user)
        except AccountError as exc:
            db.session.rollback()
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Opgeslagen."), "success")
            return redirect(url_for("backoffice.accounts.accounts"))
    status = 422 if form.errors else 200
    return render_template("backoffice/account.html", account=found, form=form), status
