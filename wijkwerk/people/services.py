"""Finding a person by e-mail address, or making them: safe when requests race.

Two registrations that name the same person (the same trio sent twice at once, four
municipalities with one regional director as approver) must both find one person. A SELECT
followed by an INSERT lets both see nobody and both insert; the second then fails on the unique
e-mail address, and the request with it (a 500, or a valid registration refused). Instead
whoever is not found is written with ``INSERT … ON CONFLICT (email) DO NOTHING`` and then read
(someone already known costs one SELECT and takes no lock, which matters on SQLite): on PostgreSQL
the INSERT waits for a concurrent transaction that inserted the same address and then does
nothing once that one commits; on SQLite the INSERT is the transaction's first write and waits
for the database's write lock, after which the row is there to be read.

Several people are written in one statement, in the order of their addresses, so two
transactions that share more than one person take their row locks in the same order and never
deadlock (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from wijkwerk.audit import recorder
from wijkwerk.db import dialect_insert
from wijkwerk.extensions import db
from wijkwerk.people.models import Person
from wijkwerk.timeutil import now_utc


@dataclass(frozen=True)
class NewPerson:
    """Who to find by ``email`` (already normalised by the input readers), and what a new person
    gets: an existing person's name and function are not overwritten by what someone else typed."""

    email: str
    name: str
    function: str | None = None
    locale: str = "nl"
    phone: str | None = None


def find_or_create_all(wanted: Iterable[NewPerson]) -> dict[str, Person]:
    """The person of each address, made where there is none yet; by address.

    An existing person without a phone number gets the one given."""
    by_email = {w.email: w for w in wanted}
    if not by_email:
        return {}
    found = {
        person.email: person
        for person in db.session.scalars(select(Person).where(Person.email.in_(by_email)))
    }
    missing = sorted(set(by_email) - set(found))
    if missing:
        found |= _insert(by_email[email] for email in missing)
    for email, person in found.items():
        phone = by_email[email].phone
        if phone and not person.phone:
            person.phone = phone
    return found


def _insert(wanted: Iterable[NewPerson]) -> dict[str, Person]:
    """Insert these people, unless a concurrent transaction just did (then wait for it, as the
    INSERT does, and read theirs)."""
    now = now_utc()
    rows = {
        w.email: {
            "email": w.email,
            "name": w.name,
            "function": w.function,
            "locale": w.locale,
            "phone": w.phone,
            "created_at": now,
            "updated_at": now,
        }
        for w in wanted
    }
    statement = (
        dialect_insert(db.session, Person)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["email"])
        .returning(Person.id, Person.email)
    )
    made = db.session.execute(statement).all()
    for person_id, email in made:
        # Written without the unit of work, so the audit hook does not see it: recorded here.
        values = {"id": person_id} | rows[email]
        del values["updated_at"]
        recorder.record_insert("person", str(person_id), values)
    return {
        person.email: person
        for person in db.session.scalars(select(Person).where(Person.email.in_(rows)))
    }


def find_or_create(wanted: NewPerson) -> Person:
    """The person with this address; made when there is none (see :func:`find_or_create_all`)."""
    return find_or_create_all([wanted])[wanted.email]
