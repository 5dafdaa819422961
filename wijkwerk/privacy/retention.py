"""The retention period: once a programme has ended longer ago than PERSONAL_DATA_RETENTION_DAYS, the
personal data of its registrations is anonymised, by the same steps as an erasure
(wijkwerk/privacy/services.py). ``flask wijkwerk purge`` runs it.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.people.models import Person
from wijkwerk.privacy.export import registrations_of
from wijkwerk.privacy.services import (
    Anonymised,
    anonymise_person,
    anonymise_registration,
    mask_audit,
    scrub_audit,
)
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.models import Registration


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=int(current_app.config["PERSONAL_DATA_RETENTION_DAYS"]))


def purge(now: dt.datetime) -> Anonymised:
    """Anonymise the personal data of every programme whose last session ended before the
    retention period. A person is anonymised once none of their registrations is still needed;
    until then only the per-registration details go. Idempotent: a second run changes nothing."""
    cutoff = retention_cutoff(now)
    ended = (
        select(ProgrammeSession.programme_id)
        .group_by(ProgrammeSession.programme_id)
        .having(db.func.max(ProgrammeSession.ends_at) < cutoff)
    )
    done = Anonymised()
    expired = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.programme_id.in_(ended), Registration.anonymised_at.is_(None))
            .order_by(Registration.id)
        )
    )
    people: set[int] = set()
    for registration in expired:
        anonymise_registration(registration, now, done)
        people |= {m.person_id for m in registration.members}
        people |= {registration.contact_person_id, registration.approver_person_id} - {None}
    db.session.flush()
    for person_id in sorted(people):
        person = db.session.get(Person, person_id)
        if person.anonymised_at is None and all(
            r.anonymised_at is not None for r in registrations_of(person)
        ):
            anonymise_person(person, now, done)
    db.session.flush()
    mask_audit(done.rows)
    scrub_audit(done.texts)
    return done
