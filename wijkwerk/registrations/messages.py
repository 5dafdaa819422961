"""A message from the organisers to the people of a programme, or of a group in it: everyone still
taking part, the confirmed, the waiting list, the people expected at one session, or one
registration's people (a trio, a city's delegates).

Each person gets it once: the message is stored under the token of the form it was written in
(``INSERT … ON CONFLICT (token) DO NOTHING``), so a double click or a resent form adds nothing,
and each mail's outbox key is the message and the person. Each registration's history records it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, selectinload

from wijkwerk.accounts.models import Account
from wijkwerk.db import UTCDateTime, dialect_insert
from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations.links import page_url
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.notifications import people_of
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation

S = RegistrationState
STILL_TAKING_PART = (
    S.SUBMITTED,
    S.AWAITING_APPROVAL,
    S.AWAITING_PAYMENT,
    S.CONFIRMED,
    S.WAITLISTED,
)


class ProgrammeMessage(db.Model):
    """A message sent to a programme's people; ``token`` is the form's, unique."""

    __tablename__ = "programme_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    audience: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class MessageInput:
    audience: str
    subject: str
    body: str


def audiences(programme: Programme) -> list[tuple[str, str]]:
    """The groups a message can go to: ``(value, label)``."""
    choices = [
        ("all", _("Iedereen die nog meedoet (ook wachtlijst en wie nog wacht)")),
        ("confirmed", _("Alle bevestigde deelnemers")),
        ("waitlisted", _("De wachtlijst")),
    ]
    choices += [
        (f"session:{s.id}", _("Wie verwacht wordt bij %(session)s", session=s.title))
        for s in programme.sessions
    ]
    if kinds.of(programme).municipal:  # one trio, one city's delegates
        choices += [
            (f"registration:{r.id}", _("Alleen %(name)s", name=r.municipality.display_name))
            for r in _registrations(programme, STILL_TAKING_PART)
            if r.municipality is not None
        ]
    return choices


def _registrations(programme: Programme, states) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.programme_id == programme.id, Registration.state.in_(states))
            .options(
                joinedload(Registration.contact_person),
                joinedload(Registration.municipality),
                selectinload(Registration.members).joinedload(RegistrationMember.person),
            )
            .order_by(Registration.id)
        ).unique()
    )


def recipients(programme: Programme, audience: str) -> list[tuple[Registration, object]]:
    """Who ``audience`` is: ``(registration, person)``, each person once, in registration order.
    A session's people are the members of confirmed registrations expected at it (a city's
    delegates only at the meeting they were named for)."""
    kind, _sep, argument = audience.partition(":")
    if kind == "all":
        registrations, session_id = _registrations(programme, STILL_TAKING_PART), None
    elif kind in ("confirmed", "waitlisted"):
        registrations, session_id = _registrations(programme, [S(kind)]), None
    elif kind == "session" and argument.isdigit():
        session_id = int(argument)
        if session_id not in {s.id for s in programme.sessions}:
            return []
        registrations = _registrations(programme, [S.CONFIRMED])
    elif kind == "registration" and argument.isdigit():
        registrations = [
            r for r in _registrations(programme, STILL_TAKING_PART) if r.id == int(argument)
        ]
        session_id = None
    else:
        return []
    found, seen = [], set()
    for registration in registrations:
        if session_id is None:  # its members and its contact, as its mail goes
            people = list(people_of(registration))
        else:
            people = [m.person for m in registration.members if m.expected_at(session_id)]
        for person in people:
            if person.id not in seen:
                seen.add(person.id)
                found.append((registration, person))
    return found


def read_message(programme: Programme, data: dict) -> MessageInput:
    """The message as typed; raises :class:`RuleViolation` with every problem."""
    audience = str(data.get("audience") or "")
    subject = str(data.get("subject") or "").strip()
    body = str(data.get("body") or "").strip()
    problems = []
    if audience not in {value for value, _label in audiences(programme)}:
        problems.append(Problem("invalid", "audience", _("Kies aan wie het bericht gaat.")))
    if not subject:
        problems.append(Problem("required", "subject", _("Geef het bericht een onderwerp.")))
    elif len(subject) > 200:
        problems.append(Problem("invalid", "subject", _("Gebruik hooguit 200 tekens.")))
    if not body:
        problems.append(Problem("required", "body", _("Schrijf het bericht.")))
    elif len(body) > 10_000:
        problems.append(Problem("invalid", "body", _("Gebruik hooguit 10.000 tekens.")))
    if problems:
        raise RuleViolation(*problems)
    return MessageInput(audience, subject, body)


def send(
    programme: Programme, token: str, wanted: MessageInput, actor: Account | None
) -> tuple[ProgrammeMessage, bool]:
    """Send ``wanted`` to its audience, once for ``token``: returns the message and whether this
    call sent it (false: it was sent before with this token, by a double click or a colleague
    sending the same form at the same moment)."""
    table = ProgrammeMessage.__table__
    made = db.session.execute(
        dialect_insert(db.session, table)
        .values(
            programme_id=programme.id,
            token=token,
            audience=wanted.audience,
            subject=wanted.subject,
            body=wanted.body,
            sent_by_id=actor.id if actor is not None else None,
            created_at=now_utc(),
            recipients=0,
        )
        .on_conflict_do_nothing(index_elements=[table.c.token])
        .returning(table.c.id)
    ).scalar_one_or_none()
    message = db.session.scalars(
        select(ProgrammeMessage).where(ProgrammeMessage.token == token)
    ).one()
    if made is None:
        return message, False
    people = recipients(programme, wanted.audience)
    noted = set()
    for registration, person in people:
        queue(
            f"message:{message.id}:{person.id}",
            person.email,
            "programme_message",
            locale=registration.locale,
            registration_id=registration.id,
            person_id=person.id,
            message=message,
            programme=programme,
            person=person,
            link=page_url(registration, person),
        )
        if registration.id not in noted:
            noted.add(registration.id)
            registration.note_change(
                actor=actor,
                reason=_("Bericht van de organisatie: %(subject)s", subject=wanted.subject),
            )
    message.recipients = len(people)
    return message, True
