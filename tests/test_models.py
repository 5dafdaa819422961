"""The model guards its invariants, in Python and in the database, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tests import factories
from wijkwerk.programmes.models import Programme, ProgrammeStatus, RegistrationWindow
from wijkwerk.registrations.models import IllegalTransition, RegistrationState
from wijkwerk.timeutil import AMSTERDAM, local


def test_datetimes_are_stored_in_utc_and_read_back_aware(db):
    programme = factories.programme()
    s = factories.session(programme, day=(2027, 10, 12), start=(13, 0))
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(type(s), s.id)
    assert loaded.starts_at.tzinfo is not None
    assert loaded.starts_at == dt.datetime(2027, 10, 12, 11, 0, tzinfo=dt.UTC)  # CEST = UTC+2
    assert loaded.starts_at.astimezone(AMSTERDAM).hour == 13


def test_a_naive_datetime_is_refused(db):
    programme = factories.programme()
    programme.registration_deadline = dt.datetime(2027, 9, 1, 12, 0)  # noqa: DTZ001
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_registration_moves_only_along_the_lifecycle(db):
    registration = factories.registration(factories.programme())
    registration.transition(RegistrationState.AWAITING_APPROVAL, reason="wacht op wethouder")
    registration.transition(RegistrationState.CONFIRMED)
    with pytest.raises(IllegalTransition):
        registration.transition(RegistrationState.WAITLISTED)
    registration.transition(RegistrationState.CANCELLED, actor_label="registrant", reason="ziek")
    with pytest.raises(IllegalTransition):
        registration.transition(RegistrationState.CONFIRMED)
    db.session.commit()
    history = [(e.from_state, e.to_state, e.actor_label, e.reason) for e in registration.events]
    assert history == [
        ("submitted", "awaiting_approval", "system", "wacht op wethouder"),
        ("awaiting_approval", "confirmed", "system", ""),
        ("confirmed", "cancelled", "registrant", "ziek"),
    ]


def test_one_active_trio_per_municipality_per_series_is_a_database_rule(db):
    programme = factories.programme()
    schiedam = factories.municipality()
    first = factories.registration(programme, municipality=schiedam)
    db.session.commit()
    with pytest.raises(IntegrityError):
        factories.registration(programme, municipality=schiedam)
    db.session.rollback()

    # An organiser may allow a second trio: it takes the second slot.
    factories.registration(programme, municipality=schiedam, active_slot=2)
    db.session.commit()
    # Once the first is cancelled its slot is free again.
    first.transition(RegistrationState.CANCELLED)
    assert first.active_slot is None
    factories.registration(programme, municipality=schiedam)
    db.session.commit()


def test_the_database_refuses_more_places_than_capacity(db):
    programme = factories.programme(capacity=2, min_participants=1)
    db.session.commit()
    take_place = (
        update(Programme)
        .where(Programme.id == programme.id, Programme.places_taken < Programme.capacity)
        .values(places_taken=Programme.places_taken + 1)
    )
    assert db.session.execute(take_place).rowcount == 1
    assert db.session.execute(take_place).rowcount == 1
    assert db.session.execute(take_place).rowcount == 0  # full: the conditional update does nothing
    db.session.commit()
    with pytest.raises(IntegrityError):  # and a blunt update is stopped by the check constraint
        db.session.execute(update(Programme).values(places_taken=3))
    db.session.rollback()
    assert db.session.scalar(select(Programme.places_taken)) == 2


def test_programme_window_follows_status_opening_and_deadline(db):
    programme = factories.programme(
        registration_opens_at=local(2027, 3, 1), registration_deadline=local(2027, 9, 14, 23, 59)
    )
    assert programme.window(local(2027, 2, 28)) is RegistrationWindow.UPCOMING
    assert programme.window(local(2027, 3, 1)) is RegistrationWindow.OPEN
    assert programme.window(local(2027, 9, 14, 23, 59)) is RegistrationWindow.OPEN
    assert programme.window(local(2027, 9, 15)) is RegistrationWindow.CLOSED
    programme.status = ProgrammeStatus.DRAFT
    assert programme.window(local(2027, 5, 1)) is RegistrationWindow.DRAFT


def test_exempt_registration_owes_nothing_but_keeps_the_fee_it_was_offered(db):
    registration = factories.registration(
        factories.programme(),
        fee_cents=20_000,
        vat_rate_bp=2100,
        exempt=True,
        exemption_reason="middelgrote gemeente",
    )
    assert registration.price.total_cents == 0
    assert registration.fee_cents == 20_000


def test_middelgroot_override_beats_the_rule_in_python_and_sql(db):
    from wijkwerk.municipalities.models import Municipality

    big = factories.municipality("GM0363", "Amsterdam", 941_927)
    assert big.middelgroot is False
    big.middelgroot_override = True
    db.session.flush()
    assert big.middelgroot is True
    codes = db.session.scalars(select(Municipality.code).where(Municipality.middelgroot)).all()
    assert codes == ["GM0363"]
