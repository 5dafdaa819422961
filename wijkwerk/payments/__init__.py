"""Payments: Stripe Checkout (iDEAL, card), invoices and credit invoices, refunds, the webhook."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from wijkwerk.payments import views  # noqa: E402,F401
