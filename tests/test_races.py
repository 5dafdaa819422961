"""No overbooking, no double registration: real threads race against the real database (a SQLite
file and the PostgreSQL server), each in its own app context, session and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tests import trio_helpers
from tests.course_helpers import course, individual
from tests.test_backoffice_trios import counted_queries
from tests.trio_helpers import trio
from wijkwerk.extensions import db as _db
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations import individuals, trios
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.validation import RuleViolation

CODES = [code for code, *_ in trio_helpers.MUNICIPALITIES]


def race(app, jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job at the same moment in its own thread; return results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
                _db.session.commit()
            except Exception as exc:
                _db.session.rollback()
                results[index] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def full_series(app, db):
    """A series with one place left and eight complete trios that have not yet been approved."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(capacity=1, min_participants=1)
    db.session.commit()
    ids = []
    for index, code in enumerate(CODES[:8]):
        outcome = trios.register_trio(programme, trio(code, f"gemeente{index}.nl"))
        db.session.commit()
        ids.append(outcome.registration.id)
    return programme, ids


def test_eight_approvals_race_for_the_last_place_and_one_gets_it(app, db, full_series):
    programme, ids = full_series

    def approve(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            registration = _db.session.get(Registration, registration_id)
            trios.approve(registration)
            return registration.state.value

        return job

    results = race(app, [approve(i) for i in ids])
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sorted(results) == ["confirmed"] + ["waitlisted"] * 7
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).places_taken == 1
    holding = db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.holds_place.is_(True))
    )
    assert holding == 1


def test_a_double_click_on_approve_confirms_once(app, db, full_series):
    programme, ids = full_series

    def approve() -> str:
        registration = _db.session.get(Registration, ids[0])
        trios.approve(registration)
        return registration.state.value

    results = race(app, [approve, approve])
    # one click wins; the other is refused as stale (or, if it came after the commit, does nothing)
    assert "confirmed" in results
    assert all(r == "confirmed" or isinstance(r, StaleDataError) for r in results), results
    db.session.expire_all()
    registration = db.session.get(Registration, ids[0])
    assert registration.state is RegistrationState.CONFIRMED
    assert db.session.get(Programme, programme.id).places_taken == 1
    confirmations = [
        e
        for e in registration.events
        if e.to_state is RegistrationState.CONFIRMED and e.is_transition
    ]
    assert len(confirmations) == 1


def test_two_trios_of_one_municipality_at_the_same_moment_only_one_is_registered(app, db):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    db.session.commit()
    programme_id = programme.id

    def register(domain: str) -> Callable[[], int]:
        def job() -> int:
            series = _db.session.get(Programme, programme_id)
            return trios.register_trio(series, trio("GM0606", domain)).registration.id

        return job

    results = race(app, [register(f"team{n}.schiedam.nl") for n in range(4)])
    registered = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(registered) == 1, results
    assert len(refused) == 3
    assert all(r.problems[0].code == "already_registered" for r in refused)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_a_double_click_on_a_course_registration_registers_once_and_takes_one_place(app, db):
    programme = course(capacity=10)
    db.session.commit()
    programme_id = programme.id

    def register() -> int:
        found = _db.session.get(Programme, programme_id)
        return individuals.register_individual(found, individual()).registration.id

    results = race(app, [register] * 4)

    registered = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(registered) == 1, results
    assert len(refused) == 3, results
    assert all(r.problems[0].code == "already_registered" for r in refused)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.get(Programme, programme_id).places_taken == 1  # the others' places undone


def test_a_course_registration_holds_the_programme_locked_as_briefly_as_its_database_allows(
    app, db
):
    """Taking a place locks the programme's row (PostgreSQL) or the whole database (SQLite) until
    the commit, and every other registration waits for it. On PostgreSQL the new registration's
    rows are written before the place is taken, outside that wait; on SQLite, where the first
    write of any table takes the lock, the place is the first write and the rest follows in one
    flush."""
    programme = course(capacity=10)
    db.session.commit()
    with counted_queries(db.engine) as statements:
        individuals.register_individual(programme, individual())
        db.session.commit()
    writes = [" ".join(s.split()[:3]) for s in statements if s.startswith(("INSERT", "UPDATE"))]
    place = writes.index("UPDATE programme SET")
    if db.engine.dialect.name == "postgresql":
        assert place > writes.index("INSERT INTO registration"), writes
        assert place > writes.index("INSERT INTO person"), writes
    else:
        assert place == 0, writes
        assert writes.count("UPDATE registration SET") == 0, writes  # written once, confirmed
