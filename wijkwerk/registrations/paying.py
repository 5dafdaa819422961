"""A registration's payment coming in, or not (the Stripe webhook, the checkout's expiry): the
place held while it is paid is confirmed, or given back to the next on the waiting list."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import update

from wijkwerk.extensions import db
from wijkwerk.formatting import money
from wijkwerk.payments import invoices
from wijkwerk.payments import services as payments
from wijkwerk.payments.models import Payment, PaymentStatus
from wijkwerk.registrations import notifications, places
from wijkwerk.registrations.lifecycle import promote_next, transition
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import now_utc

S = RegistrationState


def payment_received(payment: Payment, *, now: dt.datetime | None = None) -> None:
    """Stripe says ``payment`` is paid (its status is already PAID). Confirms the registration and
    issues a paid invoice; money that can no longer buy a place goes back in full."""
    now = now or now_utc()
    registration = payment.registration
    if registration.state is S.AWAITING_PAYMENT and registration.holds_place:
        _confirm_paid(registration, now)
        return
    if registration.state in (S.SUBMITTED, S.WAITLISTED) and places.take_place(registration):
        _confirm_paid(registration, now)
        return
    # Cancelled meanwhile, paid twice, or the place went to someone else after the hold expired.
    payments.refund(payment, payment.refundable_cents, _("Betaling ontvangen zonder plaats"))
    if registration.state is S.SUBMITTED:
        transition(
            registration,
            S.WAITLISTED,
            _(
                "Uw betaling kwam binnen nadat de betaaltermijn was verlopen en alle plaatsen "
                "bezet waren. U krijgt %(amount)s terug en staat op de wachtlijst.",
                amount=money(payment.amount_cents),
            ),
        )
    else:
        registration.note_change(
            reason=_(
                "Betaling van %(amount)s ontvangen die niet (meer) nodig was; die wordt "
                "teruggestort.",
                amount=money(payment.amount_cents),
            )
        )


def _confirm_paid(registration: Registration, now: dt.datetime) -> None:
    registration.completed_at = registration.completed_at or now
    transition(registration, S.CONFIRMED, _("Betaling ontvangen; uw plaats is bevestigd."))
    invoices.issue_invoice(registration, now=now, paid_at=now)


def payment_expired(
    payment: Payment, reason: str, *, status: PaymentStatus = PaymentStatus.EXPIRED
) -> bool:
    """The checkout of ``payment`` ended unpaid: free the place it held, give it to the next on the
    waiting list and tell the registrant how to try again. False when already handled."""
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.PENDING)
        .values(status=status, failure_message=reason)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    db.session.expire(payment, ["status", "failure_message"])
    registration = payment.registration
    if registration.state is not S.AWAITING_PAYMENT or registration.open_payment is not None:
        return True
    released = places.release_place(registration)
    transition(
        registration,
        S.SUBMITTED,
        reason
        + " "
        + _("Uw plaats is vrijgegeven. U kunt opnieuw betalen zolang er plaatsen vrij zijn."),
    )
    if released:
        promote_next(registration.programme)
    return True


def payment_failed(payment: Payment, message: str, attempt: str) -> None:
    """A payment attempt failed; the checkout stays open until it expires, so the registrant can
    try again with another bank or card. They are told once per failed ``attempt``."""
    if payment.status is not PaymentStatus.PENDING:
        return
    payment.failure_message = message[:1000]
    notifications.payment_failed(payment, attempt)
