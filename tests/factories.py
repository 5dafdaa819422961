"""Small factories: a valid object with sensible defaults, every field overridable."""

from __future__ import annotations

import itertools

from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_account
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import (
    Allocation,
    FeeUnit,
    Programme,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
)
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import local

_counter = itertools.count(1)

PASSWORD = "correct horse battery"


def account(email: str = "organiser@example.nl", role: Role = Role.ORGANISER):
    return create_account(email, PASSWORD, role)


def municipality(code: str = "GM0606", name: str = "Schiedam", population: int = 81_931, **kw):
    values = {
        "common_name": name,
        "province_code": "PV28",
        "province_name": "Zuid-Holland",
        "population_date": local(2026, 1, 1).date(),
        "m50_member": False,
        "middelgroot_by_rule": 30_000 <= population <= 80_000,
    }
    values.update(kw)
    m = Municipality(code=code, name=name, population=population, **values)
    db.session.add(m)
    db.session.flush()
    return m


def programme(**kw) -> Programme:
    n = next(_counter)
    values = {
        "slug": f"programma-{n}",
        "kind": ProgrammeKind.WERKPLAATS,
        "title": f"Programma {n}",
        "status": ProgrammeStatus.PUBLISHED,
        "fee_cents": 20_000,
        "fee_per": FeeUnit.TRIO,
        "capacity": 8,
        "min_participants": 6,
        "allocation": Allocation.FIRST_COME,
    }
    values.update(kw)
    p = Programme(**values)
    db.session.add(p)
    db.session.flush()
    return p


def session(programme: Programme, day=(2027, 10, 12), start=(13, 0), end=(17, 0), **kw):
    s = ProgrammeSession(
        programme=programme,
        title=kw.pop("title", "Werkplaats"),
        starts_at=local(*day, *start),
        ends_at=local(*day, *end),
        **kw,
    )
    db.session.add(s)
    db.session.flush()
    return s


def person(email: str | None = None, name: str = "Anna de Vries") -> Person:
    p = Person(email=email or f"persoon{next(_counter)}@example.nl", name=name)
    db.session.add(p)
    db.session.flush()
    return p


def registration(programme: Programme, **kw) -> Registration:
    r = Registration(programme=programme, **kw)
    db.session.add(r)
    db.session.flush()
    return r
