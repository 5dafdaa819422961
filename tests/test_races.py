"""No overbooking, no double registration: real threads race against the real database (a SQLite
file and the PostgreSQL server), each in its own app context, session and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tests import factories, trio_helpers
from tests.course_helpers import course, individual
from tests.test_backoffice_trios import counted_queries
from tests.test_trio_form import FORM, form_data
from tests.trio_helpers import trio
from wijkwerk.driedaagse import services as individuals
from wijkwerk.extensions import db as _db
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations import approval
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.validation import RuleViolation
from wijkwerk.werkplaatsen import services as trios

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
            approval.approve(registration)
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
        approval.approve(registration)
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
    write of any table takes the lock, the place is the first write after a new person (who must
    be written race-safe before anything refers to them) and the rest follows in one flush."""
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
        # A new person is written first (race-safe, wijkwerk.people.services), then the place.
        assert writes[:place] == ["INSERT INTO person"], writes
        assert writes.count("UPDATE registration SET") == 0, writes  # written once, confirmed


# --- people shared between registrations at the same moment ----------------------------------------

API_TRIOS = "/api/v1/programmes/werkplaatsen/registrations"


def post_trios(app, bodies: list[dict]) -> list[object]:
    """POST each trio to the API at the same moment, each from its own client (its own request,
    session and connection; the ``client`` fixture makes them isolated); the answers as
    (status, body)."""

    def post(body: dict) -> Callable[[], tuple[int, dict]]:
        def job() -> tuple[int, dict]:
            response = app.test_client().post(API_TRIOS, json=body)
            return response.status_code, response.get_json()

        return job

    return race(app, [post(body) for body in bodies])


def statuses(answers: list[object]) -> list[object]:
    """Each answer's status; an exception a request raised (a 500 in production) as itself."""
    return [a[0] if isinstance(a, tuple) else a for a in answers]


def error_codes(answer: tuple[int, dict]) -> list[str]:
    return [e["code"] for e in answer[1]["errors"]]


def test_ten_identical_trios_posted_at_once_register_once_and_refuse_nine(app, db, client):
    """The same trio ten times at once (a script retrying, a double click): each request finds its
    people new and makes them; all but one of those makes lose. One registration, nine
    already_registered, never a 500."""
    trio_helpers.load_municipalities()
    trio_helpers.werkplaats()
    db.session.commit()

    answers = post_trios(app, [trio("GM0606")] * 10)

    assert statuses(answers).count(201) == 1, answers
    assert statuses(answers).count(422) == 9, answers
    refused = [a for a in answers if a[0] == 422]
    assert all(error_codes(a) == ["already_registered"] for a in refused), refused
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(Person)) == 4


def test_four_municipalities_with_one_approver_at_once_are_all_registered(app, db, client):
    """Four trios from different municipalities name the same approver (a regional director) and
    arrive at once: the approver is one person, made once, and every trio is registered."""
    trio_helpers.load_municipalities()
    trio_helpers.werkplaats()
    db.session.commit()
    approver = {"name": "Dirk Smit", "email": "dirk@regio.nl", "function": "directeur"}
    bodies = [trio(code, f"team{n}.nl", approver=approver) for n, code in enumerate(CODES[:4])]

    answers = post_trios(app, bodies)

    assert statuses(answers) == [201] * 4, answers
    people = db.session.scalars(select(Person).where(Person.email == "dirk@regio.nl")).all()
    assert len(people) == 1
    approvers = db.session.scalars(select(Registration.approver_person_id)).all()
    assert approvers == [people[0].id] * 4


def test_four_trio_forms_with_one_approver_at_once_are_all_registered(app, db, client):
    """The web form calls the same service as the API, so the same holds there."""
    trio_helpers.load_municipalities()
    trio_helpers.werkplaats()
    db.session.commit()
    clients, bodies = [], []
    for n, code in enumerate(["GM0141", "GM1959", "GM0363", "GM0518"]):
        client = app.test_client()
        page = client.get(FORM).text
        body = form_data(page, municipality=code, **{"approver-email": "dirk@regio.nl"})
        for index in range(3):
            key = f"members-{index}-email"
            body[key] = body[key].replace("almelo.nl", f"team{n}.nl")
        clients.append(client)
        bodies.append(body)

    def post(client, body) -> Callable[[], int]:
        return lambda: client.post(FORM, data=body).status_code

    results = race(app, [post(c, b) for c, b in zip(clients, bodies, strict=True)])

    assert results == [302] * 4, results
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 4
    approver = select(func.count()).select_from(Person).where(Person.email == "dirk@regio.nl")
    assert db.session.scalar(approver) == 1


def test_eight_simultaneous_approve_clicks_show_the_decision_taken_not_an_error(app, db, smtp):
    """An organiser's impatient clicks: every click ends on the registration page, which says the
    trio is approved; one approval is recorded and one confirmation sent per member."""
    from tests.conftest import IsolatedClient, csrf_token, log_in
    from tests.test_pages import text_of

    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(capacity=4, min_participants=1)
    factories.account("org@example.nl")
    registration = trios.register_trio(programme, trio_helpers.trio()).registration
    db.session.commit()
    url = f"/beheer/aanmeldingen/{registration.id}"
    app.test_client_class = IsolatedClient
    clients, forms = [], []
    for _ in range(8):
        client = app.test_client()
        log_in(client, "org@example.nl", factories.PASSWORD)
        clients.append(client)
        forms.append({"csrf_token": csrf_token(client.get(f"{url}/acties/approve").text)})
    barrier = threading.Barrier(len(clients))
    answers: list = [None] * len(clients)

    def click(index: int) -> None:
        barrier.wait()
        answers[index] = clients[index].post(f"{url}/acties/approve", data=forms[index])

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [302] * 8, [a.status_code for a in answers]
    for client, answer in zip(clients, answers, strict=True):
        shown = text_of(client.get(answer.headers["Location"]))
        assert "Plaats bevestigd" in shown
        assert (
            "Het akkoord is vastgelegd." in shown
            or "Op hetzelfde moment werd al een besluit" in shown
            or "Misschien was een collega u voor" in shown
        )
        assert "409" not in shown
    db.session.expire_all()
    found = db.session.get(Registration, registration.id)
    assert found.state is RegistrationState.CONFIRMED
    assert [e.to_state for e in found.events].count(RegistrationState.CONFIRMED) == 1
    confirmations = [m for m in smtp.to("anna@schiedam.nl") if "Plaats bevestigd" in m["Subject"]]
    assert len(confirmations) == 1
