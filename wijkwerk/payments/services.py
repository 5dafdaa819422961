"""Payment records and refunds, and the work with Stripe that follows a commit (a recorded refund
is sent by :func:`send_pending_refunds`, after the commit: see
:func:`wijkwerk.registrations.lifecycle.send_refunds`).

The registration side (what a payment means for a place) is in
:mod:`wijkwerk.registrations.lifecycle`; this module keeps the money records and talks to Stripe
through :mod:`wijkwerk.payments.gateway`, never while a transaction holds locks.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from wijkwerk import aftercommit
from wijkwerk.extensions import db
from wijkwerk.payments import gateway
from wijkwerk.payments.models import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from wijkwerk.timeutil import now_utc

if TYPE_CHECKING:  # types only: the registrations build on the payments
    from wijkwerk.registrations.models import Registration

logger = logging.getLogger(__name__)

MAX_REFUND_ATTEMPTS = 10


class NothingToPay(Exception):
    """The registration has no open payment (paid, expired or never owed)."""


def open_payment(
    registration: Registration, now: dt.datetime, *, promoted: bool = False
) -> Payment:
    """A pending Stripe payment for what ``registration`` owes, holding its place until
    ``expires_at`` (longer for someone ``promoted`` from the waiting list, who learns it by mail).
    The Checkout Session itself is made after the commit (:func:`checkout_url`)."""
    setting = "STRIPE_WAITLIST_HOLD_MINUTES" if promoted else "STRIPE_CHECKOUT_MINUTES"
    minutes = int(current_app.config[setting])
    payment = Payment(
        registration=registration,
        method=PaymentMethod.STRIPE,
        amount_cents=registration.price.total_cents,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    db.session.add(payment)
    return payment


def checkout_url(registration: Registration) -> str:
    """Where the registrant pays: the open Checkout Session of their pending payment, made now if
    it does not exist yet. Commits. Raises :class:`NothingToPay` or ``gateway.GatewayError``."""
    payment = registration.open_payment
    now = now_utc()
    if payment is None or payment.expires_at <= now:
        raise NothingToPay
    if payment.stripe_checkout_url:
        return payment.stripe_checkout_url
    payment.expires_at = min(payment.expires_at, now + gateway.MAX_CHECKOUT_LIFETIME)
    if payment.expires_at < now + gateway.MIN_CHECKOUT_LIFETIME:
        # Stripe needs 30 minutes at least; the hold grows to match.
        payment.expires_at = now + gateway.MIN_CHECKOUT_LIFETIME + dt.timedelta(minutes=1)
    session = gateway.create_checkout(payment, registration)
    payment.stripe_checkout_session_id = session["id"]
    payment.stripe_checkout_url = session["url"]
    db.session.commit()
    return session["url"]


def payment_for_checkout(session: dict) -> Payment | None:
    """Our payment behind a Stripe Checkout Session (by its id, else by its metadata)."""
    payment = db.session.scalar(
        select(Payment).where(Payment.stripe_checkout_session_id == session["id"])
    )
    if payment is not None:
        return payment
    return payment_in_metadata(session)


def payment_in_metadata(stripe_object: dict) -> Payment | None:
    """Our payment named by ``metadata.payment_id`` of a Stripe object, when it names one."""
    metadata = stripe_object.get("metadata")
    payment_id = str(metadata.get("payment_id", "")) if isinstance(metadata, dict) else ""
    if payment_id.isdigit() and len(payment_id) < 10:  # an id the database can hold
        return db.session.get(Payment, int(payment_id))
    return None


def mark_paid(payment: Payment, session: dict, now: dt.datetime) -> bool:
    """Record a completed, paid checkout on ``payment``: true for the one caller that changed it
    (a replayed or concurrent notice finds it paid already). A paid amount that is not what we
    asked is refused and logged; the organiser sees it on the payment."""
    if session.get("amount_total") != payment.amount_cents or (
        str(session.get("currency", "")).upper() != payment.currency
    ):
        logger.error(
            "checkout %s: amount or currency differs from payment %s", session["id"], payment.id
        )
        payment.failure_message = _(
            "Het betaalde bedrag (%(paid)s %(currency)s in centen) wijkt af van het gevraagde; "
            "de organisatie neemt contact met u op.",
            paid=session.get("amount_total"),
            currency=str(session.get("currency", "")).upper(),
        )
        return False
    result = db.session.execute(
        update(Payment)
        .where(
            Payment.id == payment.id,
            Payment.status.in_(
                [PaymentStatus.PENDING, PaymentStatus.EXPIRED, PaymentStatus.FAILED]
            ),
        )
        .values(
            status=PaymentStatus.PAID,
            paid_at=now,
            stripe_payment_intent_id=session.get("payment_intent"),
            stripe_checkout_session_id=session["id"],
            failure_message=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(payment)
    return result.rowcount == 1


def refund(payment: Payment, amount_cents: int, reason: str) -> Refund | None:
    """Record a refund of at most what is left to refund; it goes to Stripe after the commit."""
    amount_cents = min(amount_cents, payment.refundable_cents)
    if amount_cents <= 0:
        return None
    entry = Refund(payment=payment, amount_cents=amount_cents, reason=reason)
    db.session.add(entry)
    db.session.flush()
    aftercommit.expect(db.session, aftercommit.REFUNDS, [entry.id])
    return entry


def send_pending_refunds(tell: Callable[[Refund], None]) -> int:
    """Send recorded refunds to Stripe (one call each, idempotent by the refund's id); failures
    stay pending for the next ``tick``. ``tell(refund)`` queues the registrant's mail in the
    transaction that records a refund as sent (:func:`wijkwerk.registrations.lifecycle.send_refunds`
    gives it). Returns how many succeeded."""
    pending = db.session.scalars(
        select(Refund.id).where(
            Refund.status == RefundStatus.PENDING, Refund.attempts < MAX_REFUND_ATTEMPTS
        )
    ).all()
    db.session.commit()
    done = 0
    for refund_id in pending:
        claimed = db.session.execute(
            update(Refund)
            .where(Refund.id == refund_id, Refund.status == RefundStatus.PENDING)
            .values(attempts=Refund.attempts + 1)
        )
        db.session.commit()
        if claimed.rowcount != 1:
            continue
        entry = db.session.get(Refund, refund_id)
        try:
            made = gateway.create_refund(entry)
        except gateway.GatewayError as exc:
            logger.warning("refund %s not sent yet: %s", refund_id, exc)
            entry.last_error = str(exc)[:1000]
            db.session.commit()
            continue
        if _record_refund(entry, made):
            tell(entry)
            done += 1
        db.session.commit()
    return done


def _record_refund(entry: Refund, made: dict) -> bool:
    """Store Stripe's answer on ``entry``, once: a concurrent sender of the same refund (Stripe
    gave both the same refund, by its idempotency key) finds it done."""
    status = RefundStatus.FAILED if made.get("status") == "failed" else RefundStatus.SUCCEEDED
    result = db.session.execute(
        update(Refund)
        .where(Refund.id == entry.id, Refund.status == RefundStatus.PENDING)
        .values(status=status, stripe_refund_id=made["id"], processed_at=now_utc(), last_error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(entry)
    if result.rowcount != 1 or status is RefundStatus.FAILED:
        return False
    _sync_refunded(entry.payment)
    return True


def _sync_refunded(payment: Payment, stripe_total: int = 0) -> None:
    """``refunded_cents`` from our succeeded refunds or Stripe's total, whichever is more."""
    ours = sum(r.amount_cents for r in payment.refunds if r.status is RefundStatus.SUCCEEDED)
    payment.refunded_cents = min(
        max(payment.refunded_cents, ours, stripe_total), payment.amount_cents
    )
    if payment.refunded_cents >= payment.amount_cents:
        payment.status = PaymentStatus.REFUNDED


def charge_refunded(charge: dict) -> None:
    """Stripe's own total of what was refunded on a charge (refunds made in its dashboard too)."""
    intent = charge.get("payment_intent")
    if not intent:
        return
    payment = db.session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == intent))
    if payment is None:
        return
    _sync_refunded(payment, int(charge.get("amount_refunded") or 0))
