"""The Kennisprogramma's endpoints of the JSON API: its cities, the people a city sends to each
meeting, and a meeting's host, presenters and naming deadline. They join the API blueprint (the
app factory imports this module before registering it); their part of the OpenAPI document
is in wijkwerk/kennis/openapi.py. A city is admitted through the core's
``POST /programmes/{slug}/registrations``."""

from __future__ import annotations

from typing import Annotated

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.api import bp, serialise
from wijkwerk.api.auth import organiser_required
from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.kennis.delegates import delegates_of, name_delegates, naming_deadline
from wijkwerk.kennis.meetings import MAX_PRESENTERS, meeting_of, set_meeting
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.registrations.models import Registration
from wijkwerk.schema import Count, Moment, Says, Shape, parse


@bp.get("/programmes/<slug>/cities")
@organiser_required(write=False)
def cities(slug: str):
    programme = kennis.programme_or_404(slug)
    return jsonify([city_json(c, programme.sessions) for c in kennis.cities(programme)])


@bp.put("/registrations/<int:registration_id>/sessions/<int:session_id>/delegates")
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
    return jsonify(
        {
            "delegates": [serialise.member(m) for m in delegates_of(registration, session)],
            "warnings": [{"code": w.code, "message": w.message} for w in warnings],
        }
    )


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
    return jsonify(meeting_json(session) | {"warnings": [w.as_json() for w in warnings]})


# --- Model → JSON (docs/api.md) ----------------------------------------------------------------


def city_json(c, sessions) -> dict:
    """A participating city or region with its people per meeting."""
    return {
        "registration": c.registration_id,
        "name": c.name,
        "municipality": c.registration.municipality_code,
        "wijk": c.wijk,
        "region": c.region or None,
        "contact": {
            "name": c.registration.contact_person.name,
            "email": c.registration.contact_person.email,
        },
        "wijkanalyse": c.wijkanalyse.filename if c.wijkanalyse else None,
        "meetings": [
            {
                "session": s.id,
                "delegates": [
                    serialise.member(m) for m in c.registration.members if m.session_id == s.id
                ],
            }
            for s in sessions
        ],
    }


def meeting_json(s) -> dict:
    found = meeting_of(s)
    return {
        "session": serialise.session(s),
        "host": found.host_registration_id,
        "presenters": sorted(p.registration_id for p in found.presenters),
        "naming_deadline": serialise.timestamp(naming_deadline(s, found)),
    }
