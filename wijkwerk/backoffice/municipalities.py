"""The municipality list, and an organiser's override of whether one counts as middelgroot."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk.backoffice.forms import NO, RULE, YES, MiddelgrootOverrideForm
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.municipalities.services import search_municipalities, set_middelgroot_override
from wijkwerk.validation import RuleViolation

bp = Blueprint("municipalities", __name__)


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
    found = db.get_or_404(Municipality, code)
    override = found.middelgroot_override
    form = MiddelgrootOverrideForm(
        choice=RULE if override is None else (YES if override else NO),
        reason=found.middelgroot_override_reason or "",
    )
    return render_template("backoffice/municipality.html", municipality=found, form=form)


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
    return render_template("backoffice/municipality.html", municipality=found, form=form), 422
