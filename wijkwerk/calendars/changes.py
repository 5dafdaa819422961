"""Organisers move, relocate or cancel a session (back-office and ``PATCH /api/v1/sessions/{id}``).

A change keeps the session's UID and raises its SEQUENCE; every confirmed participant gets one
Dutch mail (or in their locale) saying what changed, with the updated event attached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from flask_babel import force_locale
from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.formatting import period
from wijkwerk.outbox.services import queue
from wijkwerk.programmes.models import ProgrammeSession, SessionStatus
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.registrations.sessions import session_mail, sessions_of
from wijkwerk.schema import Moment, Says, Shape, Text, parse
from wijkwerk.validation import Problem, RuleViolation


@dataclass(frozen=True)
class SessionChange:
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location_name: str | None = None
    location_address: str | None = None
    status: SessionStatus | None = None
    reason: str = ""
    # What the session is about; a change raises SEQUENCE so calendars update, without a mail.
    details: dict[str, str] | None = None


class LocationInput(Shape):
    """Where a session moves to; a part left out stays as it was."""

    name: Annotated[str, Text(blank=True)] | None = None
    address: Annotated[str, Text(300, blank=True)] | None = None


class SessionChangeInput(Shape):
    """``PATCH /sessions/{id}``: every field optional; what is left out stays."""

    starts_at: Moment | None = None
    ends_at: Annotated[
        Moment | None,
        Field(description="zonder ends_at houdt een verplaatste bijeenkomst haar duur"),
    ] = None
    location: LocationInput | None = None
    status: Annotated[
        SessionStatus | None, Says(enum=lambda: _("Kies scheduled of cancelled."))
    ] = None
    reason: Annotated[
        str,
        Text(1000, multiline=True, optional=True),
        Field(description="komt in de mail aan de deelnemers"),
    ] = ""

    def change(self) -> SessionChange:
        location = self.location or LocationInput()
        return SessionChange(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            location_name=location.name,
            location_address=location.address,
            status=self.status,
            reason=self.reason,
        )


def read_change(data: Any) -> SessionChange:
    """A PATCH body read (:class:`SessionChangeInput`). Raises :class:`RuleViolation`."""
    return parse(SessionChangeInput, data).change()


def change_session(
    session: ProgrammeSession, change: SessionChange, *, actor: Account | None = None
) -> list[str]:
    """Apply ``change``; returns what changed (``moved``, ``relocated``, ``cancelled``,
    ``restored``; empty when nothing did). Participants are told once per change."""
    starts_at = change.starts_at or session.starts_at
    ends_at = change.ends_at or session.ends_at
    if change.starts_at and not change.ends_at:  # moved: keep the length
        ends_at = starts_at + (session.ends_at - session.starts_at)
    if ends_at <= starts_at:
        raise RuleViolation(
            Problem("invalid", "ends_at", _("De bijeenkomst eindigt na het begin."))
        )
    before = (
        session.starts_at,
        session.ends_at,
        session.location_name,
        session.location_address,
        session.status,
    )
    session.starts_at, session.ends_at = starts_at, ends_at
    if change.location_name is not None:
        session.location_name = change.location_name
    if change.location_address is not None:
        session.location_address = change.location_address
    if change.status is not None:
        session.status = change.status
    after = (
        session.starts_at,
        session.ends_at,
        session.location_name,
        session.location_address,
        session.status,
    )
    details_before = {key: getattr(session, key) for key in DETAILS}
    for key, value in (change.details or {}).items():
        if key in DETAILS:
            setattr(session, key, value)
    if after == before and details_before == {key: getattr(session, key) for key in DETAILS}:
        return []
    session.sequence += 1
    db.session.flush()
    if after == before:
        return ["details"]
    what = _what_changed(before, after)
    _tell_participants(session, before, what, change.reason)
    return what


DETAILS = ("title", "theme", "outcome", "practical")


def tell_added(session: ProgrammeSession) -> None:
    """Everyone confirmed who attends a newly added session gets its .ics."""
    _tell_participants(session, (session.starts_at, session.ends_at), ["added"], "")


def _what_changed(before: tuple, after: tuple) -> list[str]:
    what = []
    if before[:2] != after[:2]:
        what.append("moved")
    if before[2:4] != after[2:4]:
        what.append("relocated")
    if after[4] is not before[4]:
        what.append("cancelled" if after[4] is SessionStatus.CANCELLED else "restored")
    return what


def participants(session: ProgrammeSession) -> list[tuple[Registration, object]]:
    """(registration, person) for everyone confirmed who attends ``session``."""
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.programme_id == session.programme_id,
            Registration.state == RegistrationState.CONFIRMED,
        )
        .options(selectinload(Registration.members).selectinload(RegistrationMember.person))
    ).all()
    found = []
    for registration in registrations:
        if session not in sessions_of(registration):
            continue
        people = {m.person_id: m.person for m in registration.members if m.expected_at(session.id)}
        if not people and registration.contact_person is not None:
            people = {registration.contact_person_id: registration.contact_person}
        found += [(registration, person) for person in people.values()]
    return found


def _tell_participants(
    session: ProgrammeSession, before: tuple, what: list[str], reason: str
) -> None:
    """One mail per person per version of the session (the outbox key holds its SEQUENCE)."""
    old_start, old_end = before[:2]
    for registration, person in participants(session):
        with force_locale(registration.locale):
            was = period(old_start, old_end)
        queue(
            f"session-change:{session.id}:{session.sequence}:{person.id}",
            person.email,
            "session_changed",
            **session_mail(registration, person, session),
            was=was,
            what=what,
            reason=reason,
        )
