"""The Kennisprogramma's pages in the back-office: organisers admit cities, set each meeting's
host and presenters, attach wijkanalyses and name a city's people on its behalf. Nested into the
back-office here, so the back-office's one guard covers them and the back-office knows no kind."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk import backoffice
from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.kennis.delegates import MIN_DELEGATES, delegates_of, naming_deadline
from wijkwerk.kennis.forms import CityForm, MeetingForm, WijkanalyseForm
from wijkwerk.kennis.meetings import attach_wijkanalyse, meeting_of, set_meeting
from wijkwerk.kennis.models import CityParticipation
from wijkwerk.kennis.views import delegates_form, delegates_page, save_delegates, session_of
from wijkwerk.municipalities.services import search_municipalities
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import AMSTERDAM, at_local
from wijkwerk.validation import Problem, RuleViolation

bp = Blueprint("kennis", __name__)


def _city_form() -> CityForm:
    form = CityForm()
    form.municipality.choices = [("", _("Kies een gemeente"))] + [
        (m.code, m.display_name) for m in search_municipalities()
    ]
    return form


def _overview(programme, form=None, status=200, upload_errors=None):
    cities = kennis.cities(programme)
    meetings = [(s, naming_deadline(s)) for s in programme.sessions]
    return render_template(
        "kennis/overview.html",
        programme=programme,
        cities=cities,
        meetings=meetings,
        form=form or _city_form(),
        upload_form=WijkanalyseForm(),
        upload_errors=upload_errors or {},
        minimum=MIN_DELEGATES,
        delegates_of=delegates_of,
    ), status


@bp.get("/kennis/<slug>")
def overview(slug: str):
    return _overview(kennis.programme_or_404(slug))


@bp.post("/kennis/<slug>/steden")
def admit(slug: str):
    programme = kennis.programme_or_404(slug)
    form = _city_form()
    if not form.validate_on_submit():
        abort(400)
    try:
        kennis.admit_city(programme, form.as_request(str(get_locale())), actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        form.show_problems(violation.problems)
        return _overview(kennis.programme_or_404(slug), form, 422)
    db.session.commit()
    flash(_("De stad is toegevoegd; de contactpersoon krijgt de bijeenkomsten."), "success")
    return redirect(url_for("backoffice.kennis.overview", slug=slug))


@bp.route("/kennis/bijeenkomsten/<int:session_id>", methods=["GET", "POST"])
def meeting(session_id: int):
    session = db.get_or_404(ProgrammeSession, session_id)
    programme = session.programme
    if programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        abort(404)
    cities = kennis.cities(programme)
    current = meeting_of(session)
    deadline = naming_deadline(session, current).astimezone(AMSTERDAM)
    form = MeetingForm(
        host=str(current.host_registration_id or ""),
        presenters=[str(p.registration_id) for p in current.presenters],
        deadline_day=deadline.date() if current.naming_deadline else None,
        deadline_time=deadline.time() if current.naming_deadline else None,
    )
    choices = [(str(c.registration_id), f"{c.wijk} ({c.name})") for c in cities]
    form.host.choices = [("", _("Nog niet gekozen")), *choices]
    form.presenters.choices = choices
    warnings: list[Problem] = []
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            day, time = form.deadline_day.data, form.deadline_time.data
            moment = at_local(day, time or dt.time(23, 59)) if day else None
            try:
                warnings = set_meeting(
                    session,
                    host_id=int(form.host.data) if form.host.data else None,
                    presenter_ids=[int(p) for p in form.presenters.data or []],
                    naming_deadline=moment,
                    actor=current_user,
                )
            except RuleViolation as violation:
                db.session.rollback()
                show_problems(form, violation.problems, fields={"naming_deadline": "deadline_day"})
                status = 422
            else:
                db.session.commit()
                for warning in warnings:
                    flash(warning.message, "warning")
                flash(_("Opgeslagen."), "success")
                return redirect(url_for("backoffice.kennis.overview", slug=programme.slug))
        else:
            status = 422
    return render_template(
        "kennis/meeting.html", session=session, programme=programme, form=form
    ), status


@bp.post("/kennis/steden/<int:city_id>/wijkanalyse")
def upload_wijkanalyse(city_id: int):
    city = db.get_or_404(CityParticipation, city_id)
    form = WijkanalyseForm()
    if not form.validate_on_submit():
        abort(400)
    filename, content = documents.read_upload(form.document.data)
    try:
        attach_wijkanalyse(city, filename, content, actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        city = db.get_or_404(CityParticipation, city_id)
        errors = {city.id: [p.message for p in violation.problems]}
        return _overview(city.registration.programme, upload_errors=errors, status=422)
    db.session.commit()
    flash(_("De wijkanalyse is opgeslagen en gedeeld met de deelnemers."), "success")
    return redirect(url_for("backoffice.kennis.overview", slug=city.registration.programme.slug))


@bp.get("/kennis/steden/<int:city_id>/wijkanalyse")
def download_wijkanalyse(city_id: int):
    city = db.get_or_404(CityParticipation, city_id)
    if city.wijkanalyse is None:
        abort(404)
    return documents.download(city.wijkanalyse)


@bp.route(
    "/aanmeldingen/<int:registration_id>/deelnemers/<int:session_id>",
    methods=["GET", "POST"],
)
def delegates_on_behalf(registration_id: int, session_id: int):
    registration = db.get_or_404(Registration, registration_id)
    session = session_of(registration, session_id)
    form = delegates_form(registration, session)
    if request.method == "POST":
        status = save_delegates(
            registration, session, form, actor=current_user, actor_label="organiser"
        )
        if status is None:
            return redirect(url_for("backoffice.kennis.overview", slug=registration.programme.slug))
        return delegates_page(registration, session, form, status=status, organiser=True)
    return delegates_page(registration, session, form, organiser=True)


backoffice.bp.register_blueprint(bp)  # once per process: a module is imported once
