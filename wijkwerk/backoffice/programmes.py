"""Running a programme: make and edit it, its contact persons, its sessions (add one; move,
relocate or cancel one), its page with the registrations, allocating places and its status."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from wijkwerk.backoffice import charts
from wijkwerk.backoffice.forms import (
    CancelProgrammeForm,
    NewSessionForm,
    SessionForm,
    session_values,
)
from wijkwerk.backoffice.guards import require_write
from wijkwerk.backoffice.labels import label
from wijkwerk.backoffice.programme_forms import (
    PROGRAMME_FORM_FIELD,
    contacts_form,
    programme_form,
    programme_values,
)
from wijkwerk.backoffice.queries import RegistrationCounts, RegistrationFilter, registrations_of
from wijkwerk.calendars import changes
from wijkwerk.extensions import db
from wijkwerk.planning import editing
from wijkwerk.programmes.models import (
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
    SessionStatus,
)
from wijkwerk.programmes.services import get_programme
from wijkwerk.registrations import allocation, cancelling
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.models import StateConflict
from wijkwerk.timeutil import AMSTERDAM, now_utc
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("programmes", __name__)


def _programme_or_404(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    return found


@bp.route("/programmas/nieuw", methods=["GET", "POST"])
@require_write
def new_programme():
    """A new programme, saved as a draft; sessions are added on its page."""
    form = programme_form()
    if form.validate_on_submit():
        try:
            made = editing.new_programme(
                form.slug.data.strip(), ProgrammeKind(form.kind.data), programme_values(form)
            )
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems, fields=PROGRAMME_FORM_FIELD)
        else:
            db.session.commit()
            flash(
                _("Het programma is aangemaakt als concept. Voeg nu de bijeenkomsten toe."),
                "success",
            )
            return redirect(url_for("backoffice.programmes.programme", slug=made.slug))
    return _programme_form_page(form, None)


@bp.route("/programmas/<slug>/bewerken", methods=["GET", "POST"])
@require_write
def edit_programme(slug: str):
    found = _programme_or_404(slug)
    form = programme_form(found)
    if form.validate_on_submit():
        try:
            promoted = editing.change_programme(found, programme_values(form), actor=current_user)
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems, fields=PROGRAMME_FORM_FIELD)
        else:
            db.session.commit()
            flash(_("Opgeslagen."), "success")
            if promoted:
                flash(
                    ngettext(
                        "%(num)d aanmelding van de wachtlijst kreeg een plaats.",
                        "%(num)d aanmeldingen van de wachtlijst kregen een plaats.",
                        len(promoted),
                    ),
                    "success",
                )
            return redirect(url_for("backoffice.programmes.programme", slug=slug))
    return _programme_form_page(form, found)


def _programme_form_page(form, found):
    status = 422 if form.errors else 200
    return render_template("backoffice/programme_form.html", form=form, programme=found), status


@bp.route("/programmas/<slug>/contactpersonen", methods=["GET", "POST"])
@require_write
def programme_contacts(slug: str):
    """Who to ask about a programme: shown on its page, in every mail and calendar event."""
    found = _programme_or_404(slug)
    form = contacts_form(found)
    if form.validate_on_submit():
        rows, indexes = form.as_rows()
        try:
            editing.set_contacts(found, rows)
        except RuleViolation as violation:
            db.session.rollback()
            form.show_problems(violation.problems, rows={"contacts": indexes})
        else:
            db.session.commit()
            flash(_("De contactpersonen zijn opgeslagen."), "success")
            return redirect(url_for("backoffice.programmes.programme", slug=slug))
    status = 422 if form.has_problems else 200
    return render_template("backoffice/contacts.html", form=form, programme=found), status


@bp.route("/programmas/<slug>/bijeenkomsten/nieuw", methods=["GET", "POST"])
@require_write
def new_session(slug: str):
    found = _programme_or_404(slug)
    form = NewSessionForm()
    if form.validate_on_submit():
        try:
            editing.add_session(found, session_values(form))
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems, fields={"ends_at": "end", "starts_at": "start"})
        else:
            db.session.commit()
            flash(_("De bijeenkomst is toegevoegd."), "success")
            return redirect(url_for("backoffice.programmes.programme", slug=slug))
    status = 422 if form.errors else 200
    return render_template("backoffice/new_session.html", form=form, programme=found), status


@bp.get("/programmas/<slug>")
def programme(slug: str):
    found = _programme_or_404(slug)
    registrations = registrations_of(found)
    chosen = RegistrationFilter.from_args(request.args)
    page = chosen.page_of(registrations)
    return render_template(
        "backoffice/programme.html",
        programme=found,
        growth=charts.growth(found),
        sessions_attended=charts.per_session(found),
        registrations=page.rows,
        page=page,
        total=len(registrations),
        chosen=chosen,
        counts=RegistrationCounts.of(found, registrations),
        form=CheckedForm(),
    )


@bp.route("/programmas/<slug>/verdelen", methods=["GET", "POST"])
@require_write
def allocate(slug: str):
    """First who would get a place and who would wait (and, before the closing date, that
    registrations still come in); only the page's button allocates."""
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    form = CheckedForm()
    if form.validate_on_submit():
        result = allocation.allocate(found, actor=current_user)
        db.session.commit()
        flash(
            _(
                "Plaatsen verdeeld: %(confirmed)s geplaatst, %(waiting)s op de wachtlijst.",
                confirmed=len(result.confirmed),
                waiting=len(result.waitlisted),
            ),
            "warning" if result.below_minimum else "success",
        )
        return redirect(url_for("backoffice.programmes.programme", slug=slug))
    return render_template(
        "backoffice/allocate.html",
        programme=found,
        form=form,
        preview=allocation.preview(found, now_utc()),
    )


@bp.post("/programmas/<slug>/status")
def programme_status(slug: str):
    """Publish a programme or take it back to draft (wijkwerk/planning/editing.py); cancelling
    goes to its confirmation page."""
    found = get_programme(slug, published_only=False)
    if found is None or not CheckedForm().validate_on_submit():
        abort(404 if found is None else 400)
    try:
        status = ProgrammeStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    if status is ProgrammeStatus.CANCELLED:  # with its consequences, after a confirmation
        return redirect(url_for("backoffice.programmes.cancel_programme", slug=slug), 303)
    try:
        editing.set_status(found, status)
    except RuleViolation as violation:
        db.session.rollback()
        flash(violation.problems[0].message, "error")
        return redirect(url_for("backoffice.programmes.programme", slug=slug))
    db.session.commit()
    flash(
        _(
            "De status van het programma is nu: %(status)s.",
            status=label("programme", found.status),
        ),
        "success",
    )
    return redirect(url_for("backoffice.programmes.programme", slug=slug))


@bp.route("/programmas/<slug>/laten-vervallen", methods=["GET", "POST"])
@require_write
def cancel_programme(slug: str):
    """The programme does not go ahead: what that means for whom, then everything at once
    (wijkwerk/registrations/cancelling.py)."""
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    form = CancelProgrammeForm()
    if form.validate_on_submit():
        try:
            done = cancelling.cancel_programme(found, reason=form.reason.data, actor=current_user)
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems)
        except StateConflict as conflict:  # someone else cancelled it a moment ago
            db.session.rollback()
            flash(conflict.said, "error")
            return redirect(url_for("backoffice.programmes.programme", slug=slug))
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Het programma is vervallen; %(num)s aanmelding is geannuleerd en heeft bericht gekregen.",
                    "Het programma is vervallen; %(num)s aanmeldingen zijn geannuleerd en hebben bericht gekregen.",
                    done.registrations,
                ),
                "success",
            )
            return redirect(url_for("backoffice.programmes.programme", slug=slug))
    return render_template(
        "backoffice/programme_cancel.html",
        programme=found,
        form=form,
        preview=cancelling.preview(found),
        started=cancelling.started(found, now_utc()),
    ), 422 if request.method == "POST" else 200


@bp.route("/bijeenkomsten/<int:session_id>", methods=["GET", "POST"])
def session(session_id: int):
    """Move, relocate or cancel a session; every confirmed participant is told once."""
    found = db.get_or_404(ProgrammeSession, session_id)
    starts, ends = found.starts_at.astimezone(AMSTERDAM), found.ends_at.astimezone(AMSTERDAM)
    form = SessionForm(
        title=found.title,
        theme=found.theme,
        outcome=found.outcome,
        practical=found.practical,
        day=starts.date(),
        start=starts.time(),
        end=ends.time(),
        location_name=found.location_name,
        location_address=found.location_address,
        status=found.status.value,
    )
    if request.method == "GET":
        return _session_page(found, form)
    if not form.validate_on_submit():
        return _session_page(found, form, 422)
    change = changes.SessionChange(
        starts_at=form.starts_at,
        ends_at=form.ends_at,
        location_name=form.location_name.data or "",
        location_address=form.location_address.data or "",
        status=SessionStatus(form.status.data),
        reason=form.reason.data or "",
        details={key: (form[key].data or "").strip() for key in changes.DETAILS},
    )
    try:
        what = changes.change_session(found, change, actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        form.end.errors = [p.message for p in violation.problems]
        return _session_page(found, form, 422)
    told = len(changes.participants(found)) if what and what != ["details"] else 0
    db.session.commit()
    if what == ["details"]:
        flash(_("Opgeslagen; agenda's werken zich bij."), "success")
    elif what:
        flash(
            ngettext(
                "Opgeslagen; %(num)s deelnemer krijgt bericht.",
                "Opgeslagen; %(num)s deelnemers krijgen bericht.",
                told,
            ),
            "success",
        )
    else:
        flash(_("Er is niets gewijzigd."), "info")
    return redirect(url_for("backoffice.programmes.programme", slug=found.programme.slug))


def _session_page(found, form, status: int = 200):
    return render_template("backoffice/session.html", session=found, form=form), status
