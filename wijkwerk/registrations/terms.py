"""What cancelling a registration costs, by its programme's terms: all of the fee back until
``cancel_free_days`` before what it booked begins, then all but the late charge, nothing once it
has begun. :func:`cancellation_terms` works out the money before anything is done, so the page that
asks "are you sure?" (wijkwerk/registrations/views.py) and the cancellation itself
(wijkwerk/registrations/lifecycle.py) say and do the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wijkwerk.money import FULL_SHARE_BP, share_of
from wijkwerk.payments import invoices
from wijkwerk.payments.models import Invoice, Payment
from wijkwerk.programmes import kinds
from wijkwerk.registrations.models import Registration


def starts_at(registration: Registration) -> dt.datetime | None:
    """When what ``registration`` booked begins: the first session it attends that goes ahead,
    by its kind (wijkwerk/programmes/kinds.py)."""
    return kinds.of(registration.programme).starts_at(registration)


def free_until(registration: Registration) -> dt.datetime | None:
    """Until when cancelling costs nothing (None: there is no start yet, so always)."""
    start = starts_at(registration)
    if start is None:
        return None
    return start - dt.timedelta(days=registration.programme.cancel_free_days or 0)


def refund_share_bp(registration: Registration, now: dt.datetime) -> int:
    """How much of the fee goes back on cancellation at ``now``, in basis points."""
    start = starts_at(registration)
    if start is None:
        return FULL_SHARE_BP
    if now >= start:
        return 0
    if now <= free_until(registration):
        return FULL_SHARE_BP
    return FULL_SHARE_BP - registration.programme.cancel_late_charge_bp


@dataclass(frozen=True)
class CancellationTerms:
    """The money of a cancellation at one moment, in cents incl. VAT."""

    share_bp: int  # of the fee that goes back
    invoice: Invoice | None  # the invoice a credit invoice cancels (part of)
    credit_cents: int  # credited on that invoice
    refunds: tuple[tuple[Payment, int], ...]  # each payment and what goes back of it
    due_cents: int  # what stays owed on the invoice
    free_until: dt.datetime | None

    @property
    def refund_cents(self) -> int:
        return sum(amount for _payment, amount in self.refunds)

    @property
    def costs_nothing(self) -> bool:
        """Nothing was invoiced or paid: nothing is credited, refunded or owed."""
        return self.invoice is None and not self.refunds


def cancellation_terms(
    registration: Registration, now: dt.datetime, *, full_refund: bool = False
) -> CancellationTerms:
    """What cancelling ``registration`` at ``now`` does with its money (``full_refund``: an
    organiser gives everything back)."""
    share = FULL_SHARE_BP if full_refund else refund_share_bp(registration, now)
    invoice = invoices.active_invoice(registration)
    credit = invoices.credit_total(invoice, share) if invoice is not None and share > 0 else 0
    refunds = []
    for payment in registration.payments:
        if payment.refundable_cents <= 0:
            continue
        wanted = credit if credit else share_of(payment.amount_cents, share)
        amount = min(wanted, payment.refundable_cents)
        if amount > 0:
            refunds.append((payment, amount))
    due = invoice.total_cents - credit if invoice is not None and share < FULL_SHARE_BP else 0
    return CancellationTerms(
        share_bp=share,
        invoice=invoice,
        credit_cents=credit,
        refunds=tuple(refunds),
        due_cents=due,
        free_until=free_until(registration),
    )
