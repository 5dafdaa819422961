"""``flask wijkwerk tick``: approval reminders, allocation at the deadline and mail that failed,
each done once however often or however concurrently tick runs."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import trio_helpers
from tests.test_races import race
from tests.trio_helpers import trio
from wijkwerk.extensions import db as _db
from wijkwerk.jobs import run_due_jobs
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.programmes.models import Allocation, Programme
from wijkwerk.registrations import approval
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local
from wijkwerk.werkplaatsen import services as trios

REGISTERED_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def waiting(db):
    """A trio registered on 1 December, its approver silent."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    db.session.commit()
    with frozen_at(REGISTERED_AT):
        registration = trios.register_trio(programme, trio()).registration
    db.session.commit()
    return registration


def tick(runner, moment: str) -> str:
    result = runner.invoke(args=["wijkwerk", "tick", "--now", moment])
    assert result.exit_code == 0, result.output
    return result.output


def reminders(smtp) -> list:
    return [m for m in smtp.to("dirk@schiedam.nl") if m["Subject"].startswith("Herinnering")]


def test_approval_reminder_is_sent_once_after_the_waiting_days(app, runner, smtp, waiting):
    days = app.config["APPROVAL_REMINDER_DAYS"]
    almost = REGISTERED_AT + dt.timedelta(days=days) - dt.timedelta(minutes=1)
    assert "0 herinneringen" in tick(runner, almost.isoformat())
    assert reminders(smtp) == []
    due = REGISTERED_AT + dt.timedelta(days=days)
    assert "1 herinnering" in tick(runner, due.isoformat())
    [reminder] = reminders(smtp)
    assert reminder["Subject"] == "Herinnering: akkoord gevraagd voor het trio van Schiedam"
    assert "/akkoord/" in reminder.get_body(("plain",)).get_content()
    assert "0 herinneringen" in tick(runner, (due + dt.timedelta(hours=1)).isoformat())
    assert len(reminders(smtp)) == 1


def test_no_reminder_once_the_approver_answered(app, runner, smtp, db, waiting):
    approval.approve(db.session.get(Registration, waiting.id))
    db.session.commit()
    tick(runner, (REGISTERED_AT + dt.timedelta(days=30)).isoformat())
    assert reminders(smtp) == []


def test_two_ticks_at_the_same_moment_send_one_reminder(app, db, smtp, waiting):
    moment = REGISTERED_AT + dt.timedelta(days=10)

    def job():
        with frozen_at(moment):
            return run_due_jobs(moment)

    results = race(app, [job, job])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(reminders(smtp)) == 1


def test_allocation_happens_at_the_deadline_once(app, runner, db, smtp):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(
        allocation=Allocation.PRIORITY_AT_CLOSE,
        capacity=1,
        min_participants=1,
        registration_deadline=local(2027, 9, 14, 23, 59),
    )
    db.session.commit()
    with frozen_at(REGISTERED_AT):
        for code, domain in [("GM0606", "schiedam.nl"), ("GM0141", "almelo.nl")]:
            approval.approve(trios.register_trio(programme, trio(code, domain)).registration)
    db.session.commit()
    assert "0 verdelingen" in tick(runner, "2027-09-14T23:58:00+02:00")
    output = tick(runner, "2027-09-15T00:00:00+02:00")
    assert "1 verdeling (werkplaatsen)" in output
    db.session.expire_all()
    states = {r.municipality_code: r.state.value for r in db.session.query(Registration)}
    assert states == {"GM0141": "confirmed", "GM0606": "waitlisted"}  # middelgroot first
    assert "0 verdelingen" in tick(runner, "2027-09-16T00:00:00+02:00")
    assert _db.session.get(Programme, programme.id).places_taken == 1


def test_mail_that_could_not_be_sent_is_retried_by_tick_and_sent_once(
    app, client, db, smtp, runner
):
    trio_helpers.load_municipalities()
    trio_helpers.werkplaats()
    db.session.commit()
    mail_state = app.extensions["mail"]  # Flask-Mail keeps its settings from init_app
    mail_state.port = 9  # nothing listens there: the SMTP server is "down"
    response = client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio())
    assert response.status_code == 201  # the registration is not lost
    assert smtp.messages == []
    queued = db.session.query(OutboxMessage).count()
    assert queued == 4  # three receipts and the approval request, waiting in the outbox
    mail_state.port = smtp.port  # the server is back
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)  # before any reminder is due
    assert f"{queued} mails verstuurd" in tick(runner, soon.isoformat())
    assert len(smtp.messages) == queued
    assert "0 mails verstuurd" in tick(runner, (soon + dt.timedelta(minutes=5)).isoformat())
    assert len(smtp.messages) == queued


def test_two_ticks_at_the_deadline_allocate_once(app, db, smtp):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(
        allocation=Allocation.PRIORITY_AT_CLOSE,
        capacity=1,
        min_participants=1,
        registration_deadline=local(2027, 9, 14, 23, 59),
    )
    db.session.commit()
    with frozen_at(REGISTERED_AT):
        approval.approve(trios.register_trio(programme, trio()).registration)
    db.session.commit()
    moment = local(2027, 9, 15, 0, 0)

    def job():
        with frozen_at(moment):
            return run_due_jobs(moment)

    results = race(app, [job, job])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(len(r.allocations) for r in results) == 1
    placed = [m for m in smtp.to("anna@schiedam.nl") if m["Subject"].startswith("Plaats bevestigd")]
    assert len(placed) == 1
