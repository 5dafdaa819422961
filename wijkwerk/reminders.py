"""Scheduled mail, sent by ``tick``: reminders before sessions, payment reminders, and the
"how was it" mail after a programme.

Exactly once: every mail is an outbox message with a unique key per (purpose, person, session,
kind), committed on its own before it is sent; a second run finds the key and queues nothing, and of
two machines queuing the same key at the same moment one commit fails and is dropped. Delivery then
claims each message before sending it (see :mod:`wijkwerk.outbox.services`).

A reminder is due from its moment until the session starts, so a late or missed run catches up;
when several are due at once (``tick`` did not run for a week), only the latest is sent.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from wijkwerk.calendars.changes import participants
from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue, queued_before
from wijkwerk.payments.invoices import credited_cents
from wijkwerk.payments.models import Invoice, InvoiceKind, Payment, PaymentStatus
from wijkwerk.payments.pdf import invoice_attachment
from wijkwerk.programmes.models import Programme, ProgrammeSession, ProgrammeStatus, SessionStatus
from wijkwerk.registrations import links, notifications
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.registrations.sessions import session_mail

logger = logging.getLogger(__name__)

LOOKAHEAD = dt.timedelta(days=60)  # reminders are never set further ahead than this
INVOICE_REMINDERS = (dt.timedelta(days=1), dt.timedelta(days=14))  # after the due date
CHECKOUT_REMINDER_BEFORE = dt.timedelta(hours=3)  # for holds longer than a few hours
CHECKOUT_REMINDER_MIN_HOLD = dt.timedelta(hours=4)
AFTERCARE_WINDOW = dt.timedelta(days=14)


def queue_once(key: str, recipient: str, template: str, **context: object) -> bool:
    """Queue one message and commit it on its own; false when it existed or a concurrent run
    queued it first."""
    try:
        message = queue(key, recipient, template, **context)
        if message is None:
            db.session.rollback()
            return False
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        logger.info("%s: queued by a concurrent run", key)
        return False
    return True


def due_reminder(session: ProgrammeSession, now: dt.datetime) -> int | None:
    """Which reminder (in days before) is due for ``session`` at ``now``: the latest whose moment
    has passed, as long as the session has not begun; None when none is."""
    if session.status is not SessionStatus.SCHEDULED or now >= session.starts_at:
        return None
    passed = [
        d
        for d in session.programme.reminder_days
        if session.starts_at - dt.timedelta(days=d) <= now
    ]
    return min(passed) if passed else None


def session_reminders(now: dt.datetime) -> int:
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .join(Programme)
        .where(
            Programme.status == ProgrammeStatus.PUBLISHED,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
            ProgrammeSession.starts_at <= now + LOOKAHEAD,
        )
        .options(selectinload(ProgrammeSession.programme).selectinload(Programme.contacts))
        .order_by(ProgrammeSession.starts_at)
    ).all()
    count = 0
    for session in sessions:
        days = due_reminder(session, now)
        if days is None:
            continue
        for registration, person in participants(session):
            key = f"reminder:{session.id}:{person.id}:{days}d"
            later = [d for d in session.programme.reminder_days if d < days]
            if queued_before(key) or any(  # sent, or superseded by a later one already sent
                queued_before(f"reminder:{session.id}:{person.id}:{d}d") for d in later
            ):
                continue
            count += queue_once(
                key,
                person.email,
                "session_reminder",
                **session_mail(registration, person, session),
                days=days,
            )
    return count


def invoice_reminders(now: dt.datetime) -> int:
    """Remind the invoice address of an invoice that is overdue (a day after the due date and
    again two weeks later), with the invoice attached again."""
    overdue = db.session.scalars(
        select(Invoice).where(
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.paid_at.is_(None),
            Invoice.due_at <= now - INVOICE_REMINDERS[0],
        )
    ).all()
    count = 0
    for invoice in overdue:
        if credited_cents(invoice) >= invoice.amount_cents:
            continue
        number = sum(invoice.due_at + after <= now for after in INVOICE_REMINDERS)
        key = f"invoice-reminder:{invoice.id}:{number}"
        if queued_before(key):
            continue
        count += queue_once(
            key,
            invoice.buyer_email,
            "invoice_reminder",
            locale="nl",
            registration_id=invoice.registration_id,
            attachments=[invoice_attachment(invoice)],
            invoice=invoice,
            number=number,
        )
    return count


def checkout_reminders(now: dt.datetime) -> int:
    """Someone holding a place for a long time (moved up from the waiting list) is reminded a few
    hours before the hold ends."""
    pending = db.session.scalars(
        select(Payment).where(
            Payment.status == PaymentStatus.PENDING,
            Payment.expires_at > now,
            Payment.expires_at <= now + CHECKOUT_REMINDER_BEFORE,
        )
    ).all()
    count = 0
    for payment in pending:
        if payment.expires_at - payment.created_at < CHECKOUT_REMINDER_MIN_HOLD:
            continue
        registration = payment.registration
        person = registration.contact_person
        if person is None or registration.state is not RegistrationState.AWAITING_PAYMENT:
            continue
        count += queue_once(
            f"checkout-reminder:{payment.id}",
            person.email,
            "checkout_reminder",
            locale=registration.locale,
            registration_id=registration.id,
            person_id=person.id,
            payment=payment,
            registration=registration,
            person=person,
            payment_url=links.payment_url(registration),
            manage_url=links.manage_url(registration),
            sessions=registration.programme.public_sessions,  # what the place is for
        )
    return count


def aftercare(now: dt.datetime) -> int:
    """After a programme's last session: ask each participant how it was (once, within two
    weeks of the end, so a late first run does not mail about old programmes)."""
    programmes = db.session.scalars(
        select(Programme)
        .where(Programme.status == ProgrammeStatus.PUBLISHED)
        .options(selectinload(Programme.sessions), selectinload(Programme.contacts))
    ).all()
    count = 0
    for programme in programmes:
        held = [s for s in programme.sessions if s.status is SessionStatus.SCHEDULED]
        if not held:
            continue
        ended = max(s.ends_at for s in held)
        if not ended <= now < ended + AFTERCARE_WINDOW:
            continue
        registrations = db.session.scalars(
            select(Registration)
            .where(
                Registration.programme_id == programme.id,
                Registration.state == RegistrationState.CONFIRMED,
            )
            .options(selectinload(Registration.members).selectinload(RegistrationMember.person))
        ).all()
        for registration in registrations:
            for person in notifications.people_of(registration):
                count += queue_once(
                    f"aftercare:{programme.id}:{person.id}",
                    person.email,
                    "aftercare",
                    locale=registration.locale,
                    registration_id=registration.id,
                    person_id=person.id,
                    programme=programme,
                    registration=registration,
                    person=person,
                )
    return count
