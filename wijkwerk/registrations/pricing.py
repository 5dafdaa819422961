"""Pricing in one room: what a registration costs, who is exempt and why, an organiser's override.

Every kind's intake takes its price from here (:func:`terms_for`); invoices and the Stripe
description read the registration's fee as set here.
"""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from wijkwerk.accounts.models import Account
from wijkwerk.municipalities.models import Municipality
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Exemption, Programme
from wijkwerk.registrations.models import Registration
from wijkwerk.validation import Problem, RuleViolation


def exemption_for(programme: Programme, municipality: Municipality) -> str | None:
    """Why this municipality pays nothing for this programme, or None when it pays."""
    if programme.exemption is not Exemption.MIDDELGROOT or not municipality.middelgroot:
        return None
    if municipality.middelgroot_override:
        return _(
            "Middelgrote gemeente (vastgesteld door de organisator: %(reason)s)",
            reason=municipality.middelgroot_override_reason,
        )
    if municipality.m50_member:
        return _("Middelgrote gemeente (lid van het M50-netwerk)")
    return _(
        "Middelgrote gemeente (%(population)s inwoners)",
        population=format_decimal(municipality.population),
    )


def set_exemption(registration: Registration, exempt: bool, reason: str, actor: Account) -> None:
    """Grant or withdraw an exemption by hand; the reason is required and kept in the history."""
    if not reason.strip():
        raise RuleViolation(
            Problem("required", "reason", _("Geef een reden op; die komt in de geschiedenis."))
        )
    registration.exempt = exempt
    registration.exemption_reason = reason.strip() if exempt else None
    registration.note_change(
        actor=actor,
        reason=(
            _("Vrijstelling toegekend: %(reason)s")
            if exempt
            else _("Vrijstelling ingetrokken: %(reason)s")
        )
        % {"reason": reason.strip()},
    )


def terms_for(programme: Programme, municipality: Municipality | None) -> dict:
    """What a new registration costs: the programme's fee and VAT rate, and whether (and why) its
    municipality is exempt. Every kind's intake takes its price from here."""
    allowed = programme.exemption in kinds.of(programme).exemptions
    reason = exemption_for(programme, municipality) if allowed and municipality else None
    return {
        "fee_cents": programme.fee_cents,
        "vat_rate_bp": programme.vat_rate_bp,
        "exempt": reason is not None,
        "exemption_reason": reason,
    }
