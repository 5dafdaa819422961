"""Billing details given after registering: a trio may register before its municipality's
purchase-order number is known; its page then asks for the invoice details (with that number),
and the invoice goes out once they are in and the place is confirmed (docs/registrants.md)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from wijkwerk.payments import invoices
from wijkwerk.registrations.inputs import BillingInput
from wijkwerk.registrations.intake import po_number_required
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import BillingDetails
from wijkwerk.schema import read, within
from wijkwerk.validation import Problem, RuleViolation


def give_billing(registration: Registration, data: Any, *, actor_label: str = "registrant") -> None:
    """Record the invoice details (``data`` in the API's ``billing`` shape, the PO number
    required); a confirmed registration is invoiced at once. Raises :class:`RuleViolation`."""
    if not registration.needs_billing:
        raise RuleViolation(
            Problem("invalid", None, _("Voor deze aanmelding zijn geen factuurgegevens nodig."))
        )
    billing, problems = read(BillingInput, data)
    problems = within("billing", problems)
    if not billing.po_number and "billing.po_number" not in {p.field for p in problems}:
        problems.append(po_number_required())
    if problems:
        raise RuleViolation(*problems)
    ordered_by = registration.approver.name if registration.approver else ""
    registration.billing = BillingDetails(**billing.ordered(ordered_by).model_dump())
    registration.note_change(actor_label=actor_label, reason=_("Factuurgegevens aangevuld."))
    if registration.state is RegistrationState.CONFIRMED:
        invoices.issue_invoice(registration)
