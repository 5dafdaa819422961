"""The registrant's way to pay and their invoices, and Stripe's webhook."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from wijkwerk.checkout import webhooks
from wijkwerk.extensions import csrf, db
from wijkwerk.payments import gateway, services
from wijkwerk.payments.models import Invoice
from wijkwerk.payments.pdf import pdf_response
from wijkwerk.payments.ubl import einvoice_response
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration, RegistrationState, StateConflict
from wijkwerk.webforms import CheckedForm

bp = Blueprint("checkout", __name__)

logger = logging.getLogger(__name__)


@bp.post("/stripe/webhook")
@csrf.exempt  # Stripe signs its requests instead
def webhook():
    try:
        event = gateway.parse_event(request.get_data(), request.headers.get("Stripe-Signature"))
    except gateway.BadSignature as exc:
        logger.warning("stripe webhook refused: %s", exc)
        return jsonify({"error": "invalid signature"}), 400
    try:
        handled = webhooks.handle(event)
    except webhooks.MalformedEvent as exc:
        db.session.rollback()
        logger.warning("stripe webhook refused: %s", exc)
        return jsonify({"error": "malformed event"}), 400
    db.session.commit()
    return jsonify({"received": True, "duplicate": not handled})


@bp.get("/aanmelding/<token>/betalen")
def pay(token: str):
    """Send the registrant to Stripe's Checkout for their open payment (made on first use)."""
    registration = lifecycle.by_manage_token_or_404(token)
    try:
        url = services.checkout_url(registration)
    except services.NothingToPay:
        db.session.rollback()
        return redirect(url_for("registrations.manage", token=token))
    except gateway.GatewayError as exc:
        db.session.rollback()
        logger.warning("checkout for %s not created: %s", registration.reference, exc)
        flash(
            _(
                "De betaalpagina is even niet bereikbaar. Uw plaats blijft gereserveerd; "
                "probeer het over enkele minuten opnieuw met de knop Betalen."
            ),
            "error",
        )
        return redirect(url_for("registrations.manage", token=token))
    return redirect(url, 303)


@bp.post("/aanmelding/<token>/opnieuw-betalen")
@limited("actions")
def pay_again(token: str):
    """After an expired checkout: take a place again if one is free, then pay."""
    registration = lifecycle.by_manage_token_or_404(token)
    if not CheckedForm().validate_on_submit():
        abort(400)
    try:
        lifecycle.pay_again(registration)
    except StateConflict:
        db.session.rollback()
        return redirect(url_for("registrations.manage", token=token))
    db.session.commit()
    if registration.state is RegistrationState.AWAITING_PAYMENT:
        return redirect(url_for("checkout.pay", token=token), 303)
    flash(_("Alle plaatsen zijn bezet; u staat op de wachtlijst."), "warning")
    return redirect(url_for("registrations.manage", token=token))


@bp.get("/aanmelding/<token>/betaling")
def returned(token: str):
    """Where Stripe sends the registrant back. It shows the state as we know it from Stripe's
    webhook; the redirect itself proves nothing."""
    registration = lifecycle.by_manage_token_or_404(token)
    processing = registration.state is RegistrationState.AWAITING_PAYMENT
    return render_template(
        "checkout/returned.html", registration=registration, processing=processing
    ), 200


def _invoice_of(registration: Registration, number: str) -> Invoice:
    for invoice in registration.invoices:
        if invoice.number == number:
            return invoice
    abort(404)


@bp.get("/aanmelding/<token>/facturen/<number>")
def invoice(token: str, number: str):
    found = _invoice_of(lifecycle.by_manage_token_or_404(token), number)
    links = {"token": token, "number": number}
    return render_template(
        "payments/invoice.html",
        invoice=found,
        pdf_url=url_for("checkout.invoice_download", **links),
        einvoice_url=url_for("checkout.einvoice_download", **links),
    )


@bp.get("/aanmelding/<token>/facturen/<number>.pdf")
def invoice_download(token: str, number: str):
    return pdf_response(_invoice_of(lifecycle.by_manage_token_or_404(token), number))


@bp.get("/aanmelding/<token>/facturen/<number>.xml")
def einvoice_download(token: str, number: str):
    return einvoice_response(_invoice_of(lifecycle.by_manage_token_or_404(token), number))
