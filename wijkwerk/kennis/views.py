"""Kennisprogramma pages: organisers admit cities, set each meeting's host and presenters and
attach wijkanalyses; a city's contact names its people per meeting and reads the wijkanalyses."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.kennis.forms import CityForm, DelegatesForm, MeetingForm, WijkanalyseForm
from wijkwerk.kennis.models import CityParticipation
from wijkwerk.municipalities.services import search_municipalities
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import lifecycle
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
    meetings = [(s, kennis.naming_deadline(s)) for s in programme.sessions]
    return render_template(
        "kennis/overview.html",
        programme=programme,
        cities=cities,
        meetings=meetings,
        form=form or _city_form(),
        upload_form=WijkanalyseForm(),
        upload_errors=upload_errors or {},
        minimum=kennis.MIN_DELEGATES,
        delegates_of=kennis.delegates_of,
    ), status


@bp.get("/beheer/kennis/<slug>")
def overview(slug: str):
    return _overview(kennis.programme_or_404(slug))


@bp.post("/beheer/kennis/<slug>/steden")
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
    return redirect(url_for("kennis.overview", slug=slug))


@bp.route("/beheer/kennis/bijeenkomsten/<int:session_id>", methods=["GET", "POST"])
def meeting(session_id: int):
    session = db.get_or_404(ProgrammeSession, session_id)
    programme = session.programme
    if programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        abort(404)
    cities = kennis.cities(programme)
    current = kennis.meeting_of(session)
    deadline = kennis.naming_deadline(session, current).astimezone(AMSTERDAM)
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
                warnings = kennis.set_meeting(
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
                return redirect(url_for("kennis.overview", slug=programme.slug))
        else:
            status = 422
    return render_template(
        "kennis/meeting.html", session=session, programme=programme, form=form
    ), status


@bp.post("/beheer/kennis/steden/<int:city_id>/wijkanalyse")
def upload_wijkanalyse(city_id: int):
    city = db.get_or_404(CityParticipation, city_id)
    form = WijkanalyseForm()
    if not form.validate_on_submit():
        abort(400)
    filename, content = documents.read_upload(form.document.data)
    try:
        kennis.attach_wijkanalyse(city, filename, content, actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        city = db.get_or_404(CityParticipation, city_id)
        errors = {city.id: [p.message for p in violation.problems]}
        return _overview(city.registration.programme, upload_errors=errors, status=422)
    db.session.commit()
    flash(_("De wijkanalyse is opgeslagen en gedeeld met de deelnemers."), "success")
    return redirect(url_for("kennis.overview", slug=city.registration.programme.slug))


@bp.get("/beheer/kennis/steden/<int:city_id>/wijkanalyse")
def download_wijkanalyse(city_id: int):
    city = db.get_or_404(CityParticipation, city_id)
    if city.wijkanalyse is None:
        abort(404)
    return documents.download(city.wijkanalyse)


# --- the city's contact, and organisers on their behalf -------------------------------------------


def _delegates_page(registration, session, form, *, status=200, organiser=False):
    return render_template(
        "kennis/delegates.html",
        registration=registration,
        session=session,
        form=form,
        organiser=organiser,
        deadline=kennis.naming_deadline(session),
    ), status


def _delegates_form(registration, session) -> DelegatesForm:
    named = kennis.delegates_of(registration, session)
    data = [
        {
            "name": m.person.name,
            "email": m.person.email,
            "organisation": m.organisation_name or "",
            "discipline": m.function or "",
        }
        for m in named
    ]
    return DelegatesForm(data={"delegates": data + [{}] * (3 - len(data))})


def _save_delegates(registration, session, form, *, actor=None, actor_label="registrant"):
    """Returns None when saved, or the page's status code when not."""
    if not form.validate_on_submit():
        return 422
    body, rows = form.as_request()
    try:
        warnings = kennis.name_delegates(
            registration, session, body, actor=actor, actor_label=actor_label
        )
    except lifecycle.StateConflict:
        db.session.rollback()
        form.form_errors.append(_("Dat kan niet in de huidige status van deze aanmelding."))
        return 409
    except RuleViolation as violation:
        db.session.rollback()
        form.show_problems(violation.problems, rows={"delegates": rows})
        return 422
    db.session.commit()
    for warning in warnings:
        flash(warning.message, "warning")
    flash(
        _("De deelnemers zijn opgeslagen; wie nieuw is krijgt de afspraak per e-mail."), "success"
    )
    return None


def _session_of(registration, session_id: int) -> ProgrammeSession:
    session = db.get_or_404(ProgrammeSession, session_id)
    if (
        session.programme_id != registration.programme_id
        or registration.programme.kind is not ProgrammeKind.KENNISPROGRAMMA
    ):
        abort(404)
    return session


@bp.route("/aanmelding/<token>/deelnemers/<int:session_id>", methods=["GET", "POST"])
@limited("actions")
def delegates(token: str, session_id: int):
    registration = lifecycle.by_manage_token_or_404(token)
    session = _session_of(registration, session_id)
    form = _delegates_form(registration, session)
    if request.method == "POST":
        status = _save_delegates(registration, session, form)
        if status is None:
            return redirect(url_for("registrations.manage", token=token))
        return _delegates_page(registration, session, form, status=status)
    return _delegates_page(registration, session, form)


@bp.route(
    "/beheer/aanmeldingen/<int:registration_id>/deelnemers/<int:session_id>",
    methods=["GET", "POST"],
)
def delegates_on_behalf(registration_id: int, session_id: int):
    registration = db.get_or_404(Registration, registration_id)
    session = _session_of(registration, session_id)
    form = _delegates_form(registration, session)
    if request.method == "POST":
        status = _save_delegates(
            registration, session, form, actor=current_user, actor_label="organiser"
        )
        if status is None:
            return redirect(url_for("kennis.overview", slug=registration.programme.slug))
        return _delegates_page(registration, session, form, status=status, organiser=True)
    return _delegates_page(registration, session, form, organiser=True)


@bp.get("/aanmelding/<token>/wijkanalyses/<int:city_id>")
def read_wijkanalyse(token: str, city_id: int):
    """Every participating city's contact reads every wijkanalyse of the programme."""
    registration = lifecycle.by_manage_token_or_404(token)
    city = db.get_or_404(CityParticipation, city_id)
    if (
        not kennis.may_read_wijkanalyses(registration)
        or city.registration.programme_id != registration.programme_id
        or city.wijkanalyse is None
    ):
        abort(404)
    return documents.download(city.wijkanalyse)


@bp.get("/kennis/deelnemer/<token>")
def delegate_documents(token: str):
    """What a person named for a meeting may read: the wijkanalyses of the participating wijken."""
    member = kennis.delegate_by_token(token)
    if member is None:
        abort(404)
    programme = member.registration.programme
    return render_template(
        "kennis/for_delegate.html",
        member=member,
        programme=programme,
        cities=kennis.cities(programme),
        token=token,
    )


@bp.get("/kennis/deelnemer/<token>/wijkanalyses/<int:city_id>")
def delegate_wijkanalyse(token: str, city_id: int):
    member = kennis.delegate_by_token(token)
    city = db.session.get(CityParticipation, city_id)
    if (
        member is None
        or city is None
        or city.wijkanalyse is None
        or city.registration.programme_id != member.registration.programme_id
    ):
        abort(404)
    return documents.download(city.wijkanalyse)
