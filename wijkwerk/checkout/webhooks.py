"""Stripe's events, each handled once: the event id is recorded in the same transaction as its
effects, so a replayed (or concurrently redelivered) event changes nothing and sends nothing."""

from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from wijkwerk.extensions import db
from wijkwerk.payments import services
from wijkwerk.payments.models import PaymentStatus, StripeEvent
from wijkwerk.registrations import paying
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import json_problems

logger = logging.getLogger(__name__)


class MalformedEvent(ValueError):
    """A correctly signed event that is not in the shape Stripe's events have."""


# The fields of the objects we act on, with their types (Stripe's own; anything else is refused).
_FIELDS = {
    "id": str,
    "payment_status": str,
    "amount_total": int,
    "amount_refunded": int,
    "currency": str,
    "payment_intent": str,
    "metadata": dict,
    "last_payment_error": dict,
}


def check_shape(event: dict) -> None:
    """Raise :class:`MalformedEvent` unless ``event`` (as a dict) has an id, a type and a data
    object whose fields we read have Stripe's types, and follows our input rule throughout."""
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    stripe_object = data.get("object") if isinstance(data, dict) else None
    if not (
        isinstance(event_id, str)
        and 0 < len(event_id) <= 255
        and isinstance(event_type, str)
        and len(event_type) <= 100
        and isinstance(stripe_object, dict)
    ):
        raise MalformedEvent("no id, type or data.object")
    for key, kind in _FIELDS.items():
        value = stripe_object.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise MalformedEvent(f"data.object.{key} is not a {kind.__name__}")
    if json_problems(event):
        raise MalformedEvent("a text or number no database can hold")


def handle(event) -> bool:
    """Apply ``event``; false when it was handled before. The caller commits. Raises
    :class:`MalformedEvent` (nothing done) for an event not in Stripe's shape."""
    raw = event.to_dict()
    check_shape(raw)
    db.session.add(StripeEvent(id=raw["id"], type=raw["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        logger.info("stripe event %s seen before; ignored", raw["id"])
        return False
    handler = HANDLERS.get(raw["type"])
    if handler is not None:
        with force_locale("nl"):
            handler(raw["data"]["object"], raw["id"])
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
        paying.payment_received(payment, now=now)


def _async_succeeded(session, event_id: str) -> None:
    _paid(session)


def _checkout_expired(session, event_id: str) -> None:
    payment = services.payment_for_checkout(session)
    if payment is not None:
        paying.payment_expired(payment, _("De betaling is niet op tijd afgerond."))


def _async_failed(session, event_id: str) -> None:
    payment = services.payment_for_checkout(session)
    if payment is not None:
        paying.payment_expired(payment, _("De betaling is mislukt."), status=PaymentStatus.FAILED)


def _intent_failed(intent, event_id: str) -> None:
    payment = services.payment_in_metadata(intent)
    if payment is None:
        return
    error = intent.get("last_payment_error") or {}
    # Stripe's own wording is English and technical: it goes to the log, the registrant reads ours.
    logger.info("payment %s failed at Stripe: %s", payment.id, error.get("message"))
    paying.payment_failed(
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
