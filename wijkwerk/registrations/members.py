"""What a member of a registration does with their own link (docs/registrants.md): a trio's
members each get one. They see the registration, correct their own details and name a substitute;
cancelling is for the registration's contact (who registered) and the organisers. Everyone
concerned hears of a change."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue
from wijkwerk.programmes import kinds
from wijkwerk.registrations.inputs import Line, PersonInput
from wijkwerk.registrations.intake import find_or_create_person
from wijkwerk.registrations.links import page_url
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.registrations.sessions import sessions_of
from wijkwerk.schema import Shape, parse, read, within
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation


def by_token_or_404(token: str) -> RegistrationMember:
    """For the member's page: an unknown token is a 404."""
    return db.first_or_404(
        select(RegistrationMember).where(RegistrationMember.access_token == token)
    )


def _still_under_way(member: RegistrationMember) -> None:
    """A member changes nothing once the registration is cancelled, declined or rejected."""
    if not member.registration.state.is_active:
        raise RuleViolation(
            Problem(
                "invalid", None, _("Deze aanmelding loopt niet meer; er valt niets te wijzigen.")
            )
        )


class OwnDetails(Shape):
    """How a member wants their name and function written."""

    name: Line
    function: Line


def correct(member: RegistrationMember, data: Any) -> None:
    """The member's own name and function, as they want them written (``data``: name,
    function). Raises :class:`RuleViolation`."""
    _still_under_way(member)
    given = parse(OwnDetails, data)
    name, function = given.name, given.function
    registration = member.registration
    member.person.name = name
    member.function = function
    registration.note_change(
        actor_label=f"member {member.person.email}",
        reason=_("%(name)s heeft de eigen gegevens verbeterd.", name=name),
    )


def substitute(member: RegistrationMember, data: Any) -> RegistrationMember:
    """Someone else takes the member's place (``data``: name, email, function), with a link of
    their own; the member's old link stops working. The new and the old member and the
    registration's contact are told. Raises :class:`RuleViolation`."""
    _still_under_way(member)
    if not kinds.of(member.registration.programme).substitutes:
        raise RuleViolation(
            Problem(
                "invalid", None, _("Bij dit programma geeft de contactpersoon de deelnemers op.")
            )
        )
    wanted, problems = read(PersonInput, data)
    problems = within("substitute", problems)
    registration = member.registration
    taken = {m.person.email for m in registration.members}
    if registration.approver is not None:
        taken.add(registration.approver.email)
    if wanted.email and wanted.email in taken:
        problems.append(
            Problem(
                "duplicate_member",
                "substitute.email",
                _("Deze persoon is al bij deze aanmelding betrokken."),
            )
        )
    if problems:
        raise RuleViolation(*problems)
    before = member.person
    member.person = find_or_create_person(wanted, registration.locale)
    member.function = wanted.function
    member.access_token = secrets.token_urlsafe(32)
    db.session.flush()
    reason = _("%(new)s neemt deel in plaats van %(old)s.", new=member.person.name, old=before.name)
    registration.note_change(actor_label=f"member {before.email}", reason=reason)
    _tell_all(registration, reason, [member.person, before])
    return member


def _tell_all(registration, what: str, people: list) -> None:
    """The people changed and the registration's contact, each with their own link."""
    stamp = f"{now_utc():%Y%m%d%H%M%S%f}"
    told = {p.id: p for p in people}
    if registration.contact_person is not None:
        told.setdefault(registration.contact_person.id, registration.contact_person)
    for person in told.values():
        still_in = any(m.person_id == person.id for m in registration.members) or (
            person.id == registration.contact_person_id
        )
        queue(
            f"member-change:{registration.id}:{person.id}:{stamp}",
            person.email,
            "member_changed",
            locale=registration.locale,
            registration_id=registration.id,
            person_id=person.id,
            person=person,
            registration=registration,
            what=what,
            link=page_url(registration, person) if still_in else None,
            sessions=sessions_of(registration) if still_in else [],
        )
