from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wijkwerk.accounts.forms import LoginForm
from wijkwerk.accounts.services import authenticate, login_blocked, record_login_attempt
from wijkwerk.extensions import db
from wijkwerk.urls import local_target

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("backoffice.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "?"
        if login_blocked(form.email.data, ip):
            form.password.errors.append(
                _("Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")
            )
            return render_template("accounts/login.html", form=form), 429
        account = authenticate(form.email.data, form.password.data)
        record_login_attempt(form.email.data, ip, account is not None)
        db.session.commit()
        if account is not None:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without use
            login_user(account)
            return redirect(local_target(request.args.get("next"), url_for("backoffice.index")))
        form.password.errors.append(_("Deze combinatie van e-mailadres en wachtwoord klopt niet."))
    if form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("programmes.home"))
