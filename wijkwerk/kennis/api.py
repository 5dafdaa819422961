"""The Kennisprogramma's endpoints of the JSON API: its cities, the people a city sends to each
meeting, and a meeting's host, presenters and naming deadline. They join the API blueprint (the
app factory imports this module before registering it) and declare their part of the OpenAPI
document (@documented; their answers are in wijkwerk/kennis/answers.py). A city is admitted
through the core's ``POST /programmes/{slug}/registrations``."""

from __future__ import annotations

from typing import Annotated

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.api import bp
from wijkwerk.api.auth import organiser_required
from wijkwerk.api.openapi import documented
from wijkwerk.extensions import db
from wijkwerk.kennis import answers
from wijkwerk.kennis import services as kennis
from wijkwerk.kennis.delegates import DelegatesInput, delegates_of, name_delegates
from wijkwerk.kennis.meetings import MAX_PRESENTERS, set_meeting
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.registrations.models import Registration
from wijkwerk.schema import Count, Moment, Says, Shape, parse


@bp.get("/programmes/<slug>/cities")
@documented(
    "De steden van een kennisprogramma met hun deelnemers per bijeenkomst",
    answer=[answers.City],
)
@organiser_required(write=False)
def cities(slug: str):
    programme = kennis.programme_or_404(slug)
    return jsonify([answers.city(c, programme.sessions) for c in kennis.cities(programme)])


@bp.put("/registrations/<int:registration_id>/sessions/<int:session_id>/delegates")
@documented(
    "Wie een stad naar een bijeenkomst stuurt (twee of drie; meer wordt geweigerd)",
    body=DelegatesInput,
    answer=answers.Delegates,
    conflict=True,
)
@organiser_required(write=True)
def delegates(registration_id: int, session_id: int):
    registration = db.get_or_404(Registration, registration_id)
    session = db.get_or_404(ProgrammeSession, session_id)
    warnings = name_delegates(
        registration,
        session,
        request.get_json(silent=True),
        actor=g.api_account,
        actor_label="organiser",
    )
    db.session.commit()
    return jsonify(answers.delegates(delegates_of(registration, session), warnings))


class MeetingSettingsInput(Shape):
    """A theme meeting's host city, presenting cities and naming deadline."""

    host: Annotated[
        Count | None,
        Field(description="aanmelding van de gaststad"),
        Says(int_type=lambda: _("Geef het id van een aanmelding.")),
    ] = None
    presenters: Annotated[
        list[Count],
        Field(max_length=MAX_PRESENTERS),
        Says(
            list_type=lambda: _("Geef een lijst van id's."),
            too_long=lambda: _(
                "Hooguit %(max)s wijken presenteren per bijeenkomst.", max=MAX_PRESENTERS
            ),
        ),
    ] = []
    naming_deadline: Moment | None = None


@bp.put("/sessions/<int:session_id>/meeting")
@documented(
    "Gastwijk, presenterende wijken en opgeeftermijn van een themabijeenkomst",
    body=MeetingSettingsInput,
    answer=answers.Meeting,
)
@organiser_required(write=True)
def meeting(session_id: int):
    session = db.get_or_404(ProgrammeSession, session_id)
    if session.programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        abort(404)
    settings = parse(MeetingSettingsInput, request.get_json(silent=True))
    warnings = set_meeting(
        session,
        host_id=settings.host,
        presenter_ids=settings.presenters,
        naming_deadline=settings.naming_deadline,
        actor=g.api_account,
    )
    db.session.commit()
    return jsonify(answers.meeting(session, warnings))
