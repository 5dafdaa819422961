"""Stripe's events, each handled once: the event id is recorded in the same transaction as its
effects, so a replayed (or concurrently redelivered) event changes nothing and sends nothing."""

from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from wijkwerk.extensions import db
from wijkwerk.payments import services
from wijkwerk.payments.models import Payment, PaymentStatus, StripeEvent
from wijkwerk.registrations import lifecycle
from wijkwerk.timeutil import now_utc

logger = logging.getLogger(__name__)


def handle(event) -> bool:
    """Apply ``event``; false when it was handled before. The caller commits."""
    db.session.add(StripeEvent(id=event.id, type=event.type))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        logger.info("stripe event %s seen before; ignored", event.id)
        return False
    handler = HANDLERS.get(event.type)
    if handler is not None:
        with force_locale("nl"):
            handler(event.data.object.to_dict(), event.id)
    return True


def _checkout_completed(session, event_id: str) -> None:
    if session.get("payment_status") != "paid":
        return  # a delayed method (bank transfer): wait for async_payment_succeeded
    _paid(session)


def _paid(session) -> None:
    payment = services.payment_for_checkout(session)
    if payment is None:
        logger.warning("paid checkout %s matches no payment", session["id"])
        return
    now = now_utc()
    if services.mark_paid(payment, session, now):
        lifecycle.payment_received(payment, now=now)


def _async_succeeded(session, event_id: str) -> None:
    _paid(session)


def _checkout_expired(session, event_id: str) -> None:
    payment = services.payment_for_checkout(session)
    if payment is not None:
        lifecycle.payment_expired(payment, _("De betaling is niet op tijd afgerond."))


def _async_failed(session, event_id: str) -> None:
    payment = services.payment_for_checkout(session)
    if payment is not None:
        lifecycle.payment_expired(
            payment, _("De betaling is mislukt."), status=PaymentStatus.FAILED
        )


def _intent_failed(intent, event_id: str) -> None:
    metadata = intent.get("metadata") or {}
    payment_id = str(metadata.get("payment_id", ""))
    if not payment_id.isdigit():
        return
    payment = db.session.get(Payment, int(payment_id))
    if payment is None:
        return
    error = intent.get("last_payment_error") or {}
    # Stripe's own wording is English and technical: it goes to the log, the registrant reads ours.
    logger.info("payment %s failed at Stripe: %s", payment.id, error.get("message"))
    lifecycle.payment_failed(
        payment,
        _("De bank of kaartuitgever heeft de betaling niet uitgevoerd."),
        event_id,
    )


def _charge_refunded(charge, event_id: str) -> None:
    services.charge_refunded(charge)


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _checkout_expired,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
}
