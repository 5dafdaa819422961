"""Reminders and other scheduled mail through `tick`: due and not due at the edges, catching up,
never after the start, exactly once across runs and across concurrent runs, retried after an SMTP
failure."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests import trio_helpers
from tests.calendar_helpers import attached_calendar
from tests.conftest import end_unit_of_work
from tests.course_helpers import course, individual
from tests.test_races import race
from tests.trio_helpers import plain, subject, trio
from wijkwerk.driedaagse import services as individuals
from wijkwerk.jobs import run_due_jobs
from wijkwerk.programmes.models import ContactTopic, ProgrammeContact, SessionStatus
from wijkwerk.registrations import approval, lifecycle
from wijkwerk.registrations.models import Registration
from wijkwerk.reminders import due_reminder
from wijkwerk.timeutil import frozen_at, local
from wijkwerk.werkplaatsen import services as trios

MEMBERS = ("anna@schiedam.nl", "bram@schiedam.nl", "chantal@schiedam.nl")
STARTS = local(2099, 10, 13, 13, 0)  # the werkplaats


def tick(at: dt.datetime):
    with frozen_at(at):
        return run_due_jobs(at)


def reminders(smtp) -> list[str]:
    return [subject(m) for _, m in smtp.messages if subject(m).startswith("Herinnering")]


@pytest.fixture
def series(db, smtp):
    """Werkplaatsen (session 13 October 2099, 13:00) with contacts and a confirmed trio."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    session = programme.sessions[0]
    session.location_name, session.location_address = "Stadhuis", "Stadserf 1, Schiedam"
    programme.contacts.append(
        ProgrammeContact(topic=ContactTopic.CONTENT, name="Cisca", phone="06 21561175")
    )
    programme.contacts.append(
        ProgrammeContact(topic=ContactTopic.PRACTICAL, name="Romy", email="romy@example.nl")
    )
    registration = trios.register_trio(programme, trio()).registration
    approval.approve(registration)
    registration.invoices[0].paid_at = local(2099, 1, 10)  # no payment reminders in the way
    end_unit_of_work()
    smtp.clear()
    return programme


def test_the_week_reminder_is_due_from_its_moment_not_a_minute_before(db, smtp, series):
    week = STARTS - dt.timedelta(days=7)
    assert tick(week - dt.timedelta(minutes=1)).session_reminders == 0
    assert smtp.messages == []
    assert tick(week).session_reminders == 3
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == sorted(MEMBERS)
    mail = smtp.to("anna@schiedam.nl")[0]
    assert subject(mail) == (
        "Herinnering: Werkplaatsen wijkgericht werken, Werkplaats 1 (13 oktober 2099)"
    )
    text = plain(mail)
    assert "Wanneer: dinsdag 13 oktober 2099, 13:00–17:00" in text
    assert "Waar: Stadhuis, Stadserf 1, Schiedam" in text
    assert "Inhoudelijke vragen: Cisca, 06 21561175" in text
    assert "Praktische vragen: Romy, romy@example.nl" in text
    assert mail["From"] == "Kennisinstituut Wijkwerk <noreply@wijkwerk.localhost>"
    assert mail["Reply-To"] == "wijkaanpak@wijkwerk.localhost"
    assert mail.get_body(("html",)) is not None
    [event] = attached_calendar(mail).events
    assert event.dtstart == STARTS

    # the same moment again, and an hour later: nothing new
    assert tick(week).session_reminders == 0
    assert tick(week + dt.timedelta(hours=1)).session_reminders == 0
    assert len(smtp.messages) == 3


def test_the_day_reminder_follows_and_nothing_is_sent_once_the_session_began(db, smtp, series):
    tick(STARTS - dt.timedelta(days=7))
    assert tick(STARTS - dt.timedelta(days=1, minutes=1)).session_reminders == 0
    assert tick(STARTS - dt.timedelta(days=1)).session_reminders == 3
    assert "Morgen is het zover" in plain(smtp.to("anna@schiedam.nl")[-1])
    assert len(reminders(smtp)) == 6
    assert tick(STARTS).session_reminders == 0
    assert tick(STARTS + dt.timedelta(hours=1)).session_reminders == 0
    assert len(reminders(smtp)) == 6


def test_a_missed_run_catches_up_with_the_latest_reminder_only(db, smtp, series):
    """tick did not run for a week: twelve hours before, one reminder each, not two."""
    assert tick(STARTS - dt.timedelta(hours=12)).session_reminders == 3
    assert len(reminders(smtp)) == 3
    assert "Morgen is het zover" in plain(smtp.to("anna@schiedam.nl")[0])
    assert tick(STARTS - dt.timedelta(hours=6)).session_reminders == 0
    # the week reminder it skipped is superseded: never sent, even if the clock is set back
    assert tick(STARTS - dt.timedelta(days=2)).session_reminders == 0


def test_a_late_run_still_sends_the_week_reminder_before_the_day_one(db, smtp, series):
    assert tick(STARTS - dt.timedelta(days=3)).session_reminders == 3
    assert "Binnenkort is het zover" in plain(smtp.to("anna@schiedam.nl")[0])


def test_a_cancelled_session_gets_no_reminder(db, smtp, series):
    series.sessions[0].status = SessionStatus.CANCELLED
    db.session.commit()
    assert tick(STARTS - dt.timedelta(days=1)).session_reminders == 0


def test_reminder_days_are_set_per_programme(db, series):
    series.reminder_days = [3]
    db.session.commit()
    session = series.sessions[0]
    assert due_reminder(session, STARTS - dt.timedelta(days=7)) is None
    assert due_reminder(session, STARTS - dt.timedelta(days=3)) == 3
    assert tick(STARTS - dt.timedelta(days=7)).session_reminders == 0
    assert tick(STARTS - dt.timedelta(days=3)).session_reminders == 3


def test_two_ticks_at_the_same_moment_send_each_reminder_once(app, db, smtp, series):
    moment = STARTS - dt.timedelta(days=1)

    def run():
        with frozen_at(moment):
            return run_due_jobs(moment).session_reminders

    results = race(app, [run, run, run])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 3
    assert len(reminders(smtp)) == 3
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == sorted(MEMBERS)


def test_a_failed_smtp_delivery_is_reported_and_retried_not_lost(app, db, smtp, series):
    mail = app.extensions["mail"]
    port = mail.port
    mail.port = 1  # nothing listens there
    report = tick(STARTS - dt.timedelta(days=1))
    assert report.session_reminders == 3 and report.mail_failed == 3 and report.mail_sent == 0
    assert smtp.messages == []
    mail.port = port
    report = tick(STARTS - dt.timedelta(hours=20))
    assert report.session_reminders == 0 and report.mail_sent == 3
    assert len(reminders(smtp)) == 3
    assert tick(STARTS - dt.timedelta(hours=19)).mail_sent == 0


def test_only_attending_participants_are_reminded(db, smtp, series):
    waiting = trios.register_trio(series, trio("GM0363", "amsterdam.nl")).registration
    end_unit_of_work()
    smtp.clear()
    tick(STARTS - dt.timedelta(days=1))
    recipients = sorted(
        r for rcpts, m in smtp.messages if "Werkplaats 1" in subject(m) for r in rcpts
    )
    assert recipients == sorted(MEMBERS)  # not the trio still waiting for approval
    assert waiting.state.value == "awaiting_approval"


def test_after_the_last_session_each_participant_is_asked_how_it_was_once(db, smtp, series):
    ends = local(2099, 10, 13, 17, 0)
    assert tick(ends - dt.timedelta(minutes=1)).aftercare == 0
    assert tick(ends).aftercare == 3
    mail = smtp.to("bram@schiedam.nl")[-1]
    assert subject(mail) == "Hoe was het? Werkplaatsen wijkgericht werken"
    assert "Praktische vragen: Romy" in plain(mail)
    assert tick(ends + dt.timedelta(days=1)).aftercare == 0
    assert tick(ends + dt.timedelta(days=30)).aftercare == 0


def test_an_overdue_invoice_is_reminded_twice_with_the_invoice_attached(db, smtp):
    programme = course()
    db.session.commit()
    registered = local(2027, 3, 1, 10)
    with frozen_at(registered):
        outcome = individuals.register_individual(programme, individual())
        end_unit_of_work()
    invoice = outcome.registration.invoices[0]
    due = invoice.due_at
    assert tick(due).payment_reminders == 0
    assert tick(due + dt.timedelta(days=1)).payment_reminders == 1
    mail = smtp.to("facturen@rotterdam.nl")[-1]
    assert subject(mail) == "Herinnering: factuur 2027-0001"
    assert "De vervaldatum was 31 maart 2027" in plain(mail)
    assert [p.get_filename() for p in mail.iter_attachments()] == ["factuur-2027-0001.pdf"]
    assert tick(due + dt.timedelta(days=2)).payment_reminders == 0
    assert tick(due + dt.timedelta(days=14)).payment_reminders == 1
    assert subject(smtp.to("facturen@rotterdam.nl")[-1]).startswith("Tweede herinnering")
    assert tick(due + dt.timedelta(days=40)).payment_reminders == 0


def test_a_paid_or_credited_invoice_is_not_reminded(db, smtp):
    programme = course()
    db.session.commit()
    with frozen_at(local(2027, 3, 1, 10)):
        paid = individuals.register_individual(programme, individual("a@example.nl")).registration
        credited = individuals.register_individual(
            programme, individual("b@example.nl")
        ).registration
        end_unit_of_work()
        paid.invoices[0].paid_at = local(2027, 3, 5)
        lifecycle.cancel(credited)
        end_unit_of_work()
    assert tick(local(2027, 5, 1)).payment_reminders == 0


@pytest.fixture
def app_overrides(request):
    if "stripe" in request.fixturenames:
        return request.getfixturevalue("stripe_settings")
    return {}


def test_someone_holding_a_place_for_a_day_is_reminded_before_it_ends(db, smtp, stripe):
    programme = course(capacity=1)
    db.session.commit()
    with frozen_at(local(2027, 3, 1, 10)):
        first = individuals.register_individual(programme, individual("a@example.nl"))
        second = individuals.register_individual(
            programme, individual("fatima@rotterdam.nl", payment_method="stripe")
        )
        end_unit_of_work()
        assert second.registration.state.value == "waitlisted"
        lifecycle.cancel(first.registration)
        end_unit_of_work()
    payment = second.registration.payments[0]
    assert tick(payment.expires_at - dt.timedelta(hours=3, minutes=1)).payment_reminders == 0
    assert tick(payment.expires_at - dt.timedelta(hours=3)).payment_reminders == 1
    mail = smtp.to("fatima@rotterdam.nl")[-1]
    assert subject(mail).startswith("Uw plaats is nog gereserveerd tot")
    assert "/betalen" in plain(mail)
    assert tick(payment.expires_at - dt.timedelta(hours=1)).payment_reminders == 0


def test_a_short_checkout_hold_gets_no_reminder(db, smtp, stripe):
    programme = course()
    db.session.commit()
    with frozen_at(local(2027, 3, 1, 10)):
        individuals.register_individual(programme, individual(payment_method="stripe"))
        end_unit_of_work()
    assert tick(local(2027, 3, 1, 10, 45)).payment_reminders == 0


def test_a_registrant_who_chose_english_is_reminded_in_english(db, smtp, series):
    registration = db.session.scalars(select(Registration)).first()
    registration.locale = "en"
    db.session.commit()
    tick(STARTS - dt.timedelta(days=1))
    mail = smtp.to("anna@schiedam.nl")[-1]
    assert subject(mail).startswith("Reminder: Werkplaatsen wijkgericht werken, Werkplaats 1")
    text = plain(mail)
    assert "Tomorrow is the day:" in text and "When: Tuesday 13 October 2099, 13:00–17:00" in text
