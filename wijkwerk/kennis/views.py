"""Kennisprogramma pages for a city: its contact names its people per meeting and reads the
wijkanalyses, and so do the people named. The organisers' pages are in
:mod:`wijkwerk.kennis.beheer`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.kennis.delegates import (
    delegate_by_token,
    delegates_of,
    name_delegates,
    naming_deadline,
)
from wijkwerk.kennis.forms import DelegatesForm
from wijkwerk.kennis.meetings import may_read_wijkanalyses
from wijkwerk.kennis.models import CityParticipation
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import StateConflict
from wijkwerk.validation import RuleViolation

bp = Blueprint("kennis", __name__)


# --- the city's contact (organisers, on their behalf: kennis/beheer.py) ---------------------------


def delegates_page(registration, session, form, *, status=200, organiser=False):
    return render_template(
        "kennis/delegates.html",
        registration=registration,
        session=session,
        form=form,
        organiser=organiser,
        deadline=naming_deadline(session),
    ), status


def delegates_form(registration, session) -> DelegatesForm:
    named = delegates_of(registration, session)
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


def save_delegates(registration, session, form, *, actor=None, actor_label="registrant"):
    """Returns None when saved, or the page's status code when not."""
    if not form.validate_on_submit():
        return 422
    body, rows = form.as_request()
    try:
        warnings = name_delegates(registration, session, body, actor=actor, actor_label=actor_label)
    except StateConflict:
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


def session_of(registration, session_id: int) -> ProgrammeSession:
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
    session = session_of(registration, session_id)
    form = delegates_form(registration, session)
    if request.method == "POST":
        status = save_delegates(registration, session, form)
        if status is None:
            return redirect(url_for("registrations.manage", token=token))
        return delegates_page(registration, session, form, status=status)
    return delegates_page(registration, session, form)


@bp.get("/aanmelding/<token>/wijkanalyses/<int:city_id>")
def read_wijkanalyse(token: str, city_id: int):
    """Every participating city's contact reads every wijkanalyse of the programme."""
    registration = lifecycle.by_manage_token_or_404(token)
    city = db.get_or_404(CityParticipation, city_id)
    if (
        not may_read_wijkanalyses(registration)
        or city.registration.programme_id != registration.programme_id
        or city.wijkanalyse is None
    ):
        abort(404)
    return documents.download(city.wijkanalyse)


@bp.get("/kennis/deelnemer/<token>")
def delegate_documents(token: str):
    """A person named for a meeting: the meetings their city named them for (date, time, place),
    whom to ask, and the wijkanalyses of the participating wijken."""
    member = delegate_by_token(token)
    if member is None:
        abort(404)
    registration = member.registration
    programme = registration.programme
    named_for = {m.session_id for m in registration.members if m.person_id == member.person_id}
    return render_template(
        "kennis/for_delegate.html",
        member=member,
        programme=programme,
        city=kennis.city_of(registration),
        contact=registration.contact_person,
        meetings=[s for s in programme.sessions if s.id in named_for],
        cities=kennis.cities(programme),
        token=token,
    )


@bp.get("/kennis/deelnemer/<token>/wijkanalyses/<int:city_id>")
def delegate_wijkanalyse(token: str, city_id: int):
    member = delegate_by_token(token)
    city = db.session.get(CityParticipation, city_id)
    if (
        member is None
        or city is None
        or city.wijkanalyse is None
        or city.registration.programme_id != member.registration.programme_id
    ):
        abort(404)
    return documents.download(city.wijkanalyse)
