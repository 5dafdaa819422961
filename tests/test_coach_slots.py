"""Coach conversations during the driedaagse: organisers publish times, each confirmed participant
picks one, and one time holds one person, also when two click at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, log_in
from tests.course_helpers import URL, course, individual
from tests.test_races import race
from wijkwerk.driedaagse import services as individuals
from wijkwerk.extensions import db as _db
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration, StateConflict
from wijkwerk.registrations.parts import CoachSlot
from wijkwerk.timeutil import local
from wijkwerk.validation import RuleViolation


@pytest.fixture
def programme(db):
    found = course()
    for hour in (13, 14):
        individuals.publish_coach_slot(found, local(2099, 11, 22, hour), 45, "Cisca", "Serre")
    db.session.commit()
    return found


def registered(client, db, email: str) -> Registration:
    response = client.post(URL, json=individual(email))
    return db.session.get(Registration, response.json["id"])


def book(client, registration: Registration, slot: str):
    page = client.get(f"/aanmelding/{registration.manage_token}")
    return client.post(
        f"/aanmelding/{registration.manage_token}/coachgesprek",
        data={"csrf_token": csrf_token(page.text), "slot": slot},
    )


def test_a_participant_picks_changes_and_gives_up_a_time(client, db, programme):
    anna = registered(client, db, "anna@example.nl")
    page = client.get(f"/aanmelding/{anna.manage_token}")
    assert "Persoonlijk gesprek met een coach" in page.text
    first, second = db.session.scalars(select(CoachSlot).order_by(CoachSlot.starts_at)).all()
    response = book(client, anna, str(first.id))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Uw coachgesprek staat vast" in page.text and "13:00" in page.text

    book(client, anna, str(second.id))  # changing frees the first time
    db.session.expire_all()
    assert db.session.get(CoachSlot, first.id).registration_id is None
    assert db.session.get(CoachSlot, second.id).registration_id == anna.id

    book(client, anna, "none")
    db.session.expire_all()
    assert db.session.get(CoachSlot, second.id).registration_id is None


def test_a_taken_time_is_refused_with_a_clear_message(client, db, programme):
    anna = registered(client, db, "anna@example.nl")
    bas = registered(client, db, "bas@example.nl")
    slot = db.session.scalars(select(CoachSlot)).first()
    book(client, anna, str(slot.id))
    response = book(client, bas, str(slot.id))
    page = client.get(response.headers["Location"])
    assert "Deze tijd is net door iemand anders gekozen" in page.text
    db.session.expire_all()
    assert db.session.get(CoachSlot, slot.id).registration_id == anna.id


def test_only_confirmed_participants_book_and_cancelling_frees_the_time(client, db, programme):
    for n in range(3):
        registered(client, db, f"deelnemer{n}@example.nl")
    waiting = registered(client, db, "wacht@example.nl")
    assert waiting.state.value == "waitlisted"
    assert (
        "Persoonlijk gesprek met een coach"
        not in client.get(f"/aanmelding/{waiting.manage_token}").text
    )
    slot = db.session.scalars(select(CoachSlot)).first()
    with pytest.raises(StateConflict):
        individuals.book_coach_slot(waiting, slot.id)
    db.session.rollback()

    holder = db.session.scalar(select(Registration).order_by(Registration.id))
    individuals.book_coach_slot(holder, slot.id)
    db.session.commit()
    lifecycle.cancel(holder)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(CoachSlot, slot.id).registration_id is None


def test_two_participants_clicking_the_same_time_at_once_one_gets_it(app, client, db, programme):
    ids = [registered(client, db, f"deelnemer{n}@example.nl").id for n in range(3)]
    slot_id = db.session.scalars(select(CoachSlot.id)).first()

    def pick(registration_id: int):
        def job():
            registration = _db.session.get(Registration, registration_id)
            return individuals.book_coach_slot(registration, slot_id).id

        return job

    results = race(app, [pick(i) for i in ids])
    assert results.count(slot_id) == 1
    assert all(isinstance(r, RuleViolation) for r in results if r != slot_id)
    db.session.expire_all()
    assert db.session.get(CoachSlot, slot_id).registration_id in ids


def test_organisers_publish_times_and_see_who_booked(client, db, programme):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    url = f"/beheer/programmas/{programme.slug}/coachgesprekken"
    page = client.get(url)
    assert page.status_code == 200
    bad = client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            "day": "2099-11-23",
            "start": "",
            "minutes": "999",
            "coach_name": "",
        },
    )
    assert bad.status_code == 422
    assert "Kies een begintijd." in bad.text and "Vul de naam van de coach in." in bad.text
    assert "Kies een duur tussen 5 en 240 minuten." in bad.text
    assert 'value="2099-11-23"' in bad.text  # what was typed stays
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            "day": "2099-11-23",
            "start": "15:30",
            "minutes": "30",
            "coach_name": "Imke",
            "location": "Bibliotheek",
        },
    )
    assert response.status_code == 302
    slot = db.session.scalar(select(CoachSlot).where(CoachSlot.coach_name == "Imke"))
    assert slot.starts_at == local(2099, 11, 23, 15, 30)
    assert (slot.ends_at - slot.starts_at).seconds == 30 * 60
