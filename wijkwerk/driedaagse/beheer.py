"""The driedaagse's page in the back-office: the coach conversations of a course. Nested into the
back-office here, so the back-office's one guard covers it and the back-office knows no kind."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wijkwerk import backoffice
from wijkwerk.driedaagse import services as individuals
from wijkwerk.driedaagse.forms import CoachSlotForm
from wijkwerk.extensions import db
from wijkwerk.programmes.services import get_programme
from wijkwerk.timeutil import at_local
from wijkwerk.validation import RuleViolation

bp = Blueprint("driedaagse", __name__)


@bp.route("/programmas/<slug>/coachgesprekken", methods=["GET", "POST"])
def coach_slots(slug: str):
    """The coach conversations of a course: who booked which time; organisers add times."""
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    form = CoachSlotForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():  # the form only reads the date and times
            try:
                individuals.publish_coach_slot(
                    found,
                    at_local(form.day.data, form.start.data),
                    form.minutes.data,
                    form.coach_name.data or "",
                    form.location.data or "",
                )
            except RuleViolation as violation:
                db.session.rollback()
                problems = violation.problems
            else:
                db.session.commit()
                flash(_("Tijd toegevoegd."), "success")
                return redirect(url_for("backoffice.driedaagse.coach_slots", slug=slug))
        else:  # report the slot's own rules too, all at once
            problems = individuals.coach_slot_problems(
                form.minutes.data, form.coach_name.data or ""
            )
        for problem in problems:
            if problem.message not in form[problem.field].errors:
                form[problem.field].errors = [*form[problem.field].errors, problem.message]
        status = 422
    return render_template(
        "backoffice/coach_slots.html",
        programme=found,
        slots=individuals.coach_slots(found),
        form=form,
    ), status


backoffice.bp.register_blueprint(bp)  # once per process: a module is imported once
