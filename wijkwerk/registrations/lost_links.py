"""A registrant who lost the link to their page asks for it again: the same answer whether or not
the address is known (nobody learns who registered), a mail only when it is, and the limit on
public writes per client and per address (wijkwerk/ratelimit.py) on the asking."""

from __future__ import annotations

from sqlalchemy import or_, select

from wijkwerk.email_address import InvalidEmail, checked_email
from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue
from wijkwerk.people.models import Person
from wijkwerk.registrations.links import manage_url
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation


def registrations_of(person: Person) -> list[Registration]:
    """Every registration ``person`` registered or takes part in, newest first."""
    member_of = select(RegistrationMember.registration_id).where(
        RegistrationMember.person_id == person.id
    )
    return list(
        db.session.scalars(
            select(Registration)
            .where(or_(Registration.contact_person_id == person.id, Registration.id.in_(member_of)))
            .order_by(Registration.created_at.desc())
        )
    )


def send_links(email: str) -> str:
    """Mail the person with this address the links to their registrations (nothing when there is
    no such person or they have none). The caller commits and answers the same either way.
    Returns the address as we read it; raises :class:`RuleViolation` for one our mail could not
    deliver to."""
    try:
        address = checked_email(email)
    except InvalidEmail as exc:
        raise RuleViolation(Problem("invalid", "email", exc.message)) from exc
    person = db.session.scalar(select(Person).where(Person.email == address))
    if person is None:
        return address
    found = registrations_of(person)
    if not found:
        return address
    queue(
        f"lost-links:{person.id}:{now_utc():%Y%m%d%H%M%S%f}",
        person.email,
        "registration_links",
        locale=found[0].locale,
        person_id=person.id,
        person=person,
        links=[(registration, manage_url(registration)) for registration in found],
    )
    return address
