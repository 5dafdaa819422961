"""The municipality list, an organiser's override of whether one counts as middelgroot, and a
municipality's OIN (where its e-invoices are addressed)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk.backoffice.forms import NO, RULE, YES, MiddelgrootOverrideForm, OinForm
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.municipalities.services import (
    search_municipalities,
    set_middelgroot_override,
    set_oin,
)
from wijkwerk.registrations.forms import show_problems
from wijkwerk.validation import RuleViolation

bp = Blueprint("municipalities", __name__)
OIN_PREFIX = "oin"  # its own ids: the page holds two forms, each with its CSRF token


@bp.get("/gemeenten")
def municipalities():
    query = request.args.get("q", "")
    return render_template(
        "backoffice/municipalities.html",
        municipalities=search_municipalities(query),
        query=query,
    )


@bp.get("/gemeenten/<code>")
def municipality(code: str):
    return _page(db.get_or_404(Municipality, code))


def _page(found: Municipality, form=None, oin_form=None, status: int = 200):
    override = found.middelgroot_override
    form = form or MiddelgrootOverrideForm(
        formdata=None,
        choice=RULE if override is None else (YES if override else NO),
        reason=found.middelgroot_override_reason or "",
    )
    oin_form = oin_form or OinForm(formdata=None, prefix=OIN_PREFIX, oin=found.oin or "")
    return render_template(
        "backoffice/municipality.html", municipality=found, form=form, oin_form=oin_form
    ), status


@bp.post("/gemeenten/<code>/oin")
def update_oin(code: str):
    found = db.get_or_404(Municipality, code)
    form = OinForm(prefix=OIN_PREFIX)
    if form.validate_on_submit():
        try:
            set_oin(found, form.oin.data or "")
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems)
        else:
            db.session.commit()
            flash(_("Het OIN van %(name)s is opgeslagen.", name=found.display_name), "success")
            return redirect(url_for("backoffice.municipalities.municipality", code=found.code))
    return _page(found, oin_form=form, status=422)


@bp.post("/gemeenten/<code>")
def update_municipality(code: str):
    found = db.get_or_404(Municipality, code)
    form = MiddelgrootOverrideForm()
    if form.validate_on_submit():
        try:
            set_middelgroot_override(found, form.override, form.reason.data or "", current_user)
        except RuleViolation as violation:
            db.session.rollback()
            for problem in violation.problems:
                form[problem.field].errors.append(problem.message)
        else:
            db.session.commit()
            flash(
                _("De instelling voor %(name)s is opgeslagen.", name=found.display_name), "success"
            )
            return redirect(
                url_for("backoffice.municipalities.municipalities", q=found.display_name)
            )
    return _page(found, form=form, status=422)
