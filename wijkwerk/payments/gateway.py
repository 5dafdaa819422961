"""The only module that talks to Stripe, through the ``stripe`` library.

``WIJKWERK_STRIPE_API_BASE`` points it elsewhere (the tests' local Stripe-compatible server). Every
call that creates something carries an idempotency key derived from our own row, so a retry after
a timeout never makes a second checkout or a second refund.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import stripe
from flask import current_app

from wijkwerk.payments.models import Payment, Refund
from wijkwerk.urls import external_url

if TYPE_CHECKING:  # types only: the registrations build on the payments
    from wijkwerk.registrations.models import Registration

# Stripe's limits on a Checkout Session's lifetime.
MIN_CHECKOUT_LIFETIME = dt.timedelta(minutes=30)
MAX_CHECKOUT_LIFETIME = dt.timedelta(hours=24)


class GatewayError(Exception):
    """Stripe is not configured, unreachable or refused the request."""


class BadSignature(Exception):
    """A webhook whose signature does not verify (or that is not a Stripe event at all)."""


def enabled() -> bool:
    """Whether payment by Stripe is offered (docs/api.md: only when the secret key is set)."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def _client() -> stripe.StripeClient:
    config = current_app.config
    key = config.get("STRIPE_SECRET_KEY")
    if not key:
        raise GatewayError("STRIPE_SECRET_KEY is not set")
    base = config.get("STRIPE_API_BASE")
    cache = current_app.extensions.setdefault("wijkwerk_stripe", {})
    client = cache.get((key, base))
    if client is None:
        client = stripe.StripeClient(
            key,
            base_addresses={"api": base} if base else None,
            max_network_retries=2,
            http_client=stripe.RequestsClient(timeout=float(config["STRIPE_TIMEOUT"])),
        )
        cache[(key, base)] = client
    return client


def _call(action, *args, **kwargs) -> dict:
    """Call Stripe; its answer as a plain dict."""
    try:
        return action(*args, **kwargs).to_dict()
    except stripe.StripeError as exc:
        raise GatewayError(str(exc.user_message or exc)) from exc


def create_checkout(payment: Payment, registration: Registration) -> dict:
    """A hosted Checkout Session (iDEAL and card) for ``payment``, expiring with its hold."""
    programme = registration.programme
    participant = registration.participant
    token = registration.manage_token
    params = {
        "mode": "payment",
        "payment_method_types": list(current_app.config["STRIPE_PAYMENT_METHODS"]),
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": payment.currency.lower(),
                    "unit_amount": payment.amount_cents,
                    "product_data": {
                        "name": programme.title,
                        "description": f"{registration.reference} (incl. btw)",
                    },
                },
            }
        ],
        "client_reference_id": registration.reference,
        "metadata": {"registration_id": str(registration.id), "payment_id": str(payment.id)},
        "payment_intent_data": {
            "description": f"{programme.title} {registration.reference}",
            "metadata": {"registration_id": str(registration.id), "payment_id": str(payment.id)},
        },
        "expires_at": int(payment.expires_at.timestamp()),
        "locale": registration.locale if registration.locale in ("nl", "en") else "nl",
        "success_url": external_url("checkout.returned", token=token)
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": external_url("registrations.manage", token=token),
    }
    if participant is not None:
        params["customer_email"] = participant.person.email
    key = f"wijkwerk-checkout-{registration.reference}-{payment.id}"
    return _call(
        _client().v1.checkout.sessions.create, params=params, options={"idempotency_key": key}
    )


def retrieve_checkout(session_id: str) -> dict:
    return _call(_client().v1.checkout.sessions.retrieve, session_id)


def expire_checkout(session_id: str) -> dict:
    """Close an open Checkout Session; a GatewayError when Stripe refuses (it was completed)."""
    return _call(_client().v1.checkout.sessions.expire, session_id)


def create_refund(refund: Refund) -> dict:
    payment = refund.payment
    return _call(
        _client().v1.refunds.create,
        params={
            "payment_intent": payment.stripe_payment_intent_id,
            "amount": refund.amount_cents,
            "metadata": {"refund_id": str(refund.id), "payment_id": str(payment.id)},
        },
        options={
            "idempotency_key": f"wijkwerk-refund-{payment.registration.reference}-{refund.id}"
        },
    )


def parse_event(payload: bytes, signature: str | None) -> stripe.Event:
    """The event in a webhook request, after checking its signature (HMAC-SHA256 with the webhook
    secret, within Stripe's five-minute tolerance)."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature:
        raise BadSignature("no signature or no webhook secret")
    try:
        return stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise BadSignature(str(exc)) from exc
