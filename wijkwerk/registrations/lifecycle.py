"""What happens to any registration once it is in: it gets a place (and pays, or is invoiced), waits,
is cancelled with refunds per the programme's terms, or moves up from the waiting list.

Trios, individuals and bookings all pass through here, so a rule about money or places is written
once. Like every service, these functions flush and never commit; the caller owns the transaction
and, after its commit, sends the queued mail and refunds.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk import aftercommit
from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.formatting import datetime as format_datetime
from wijkwerk.formatting import money
from wijkwerk.payments import invoices
from wijkwerk.payments import services as payments
from wijkwerk.payments.models import Invoice, PaymentMethod, PaymentStatus
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Programme, ProgrammeStatus
from wijkwerk.registrations import notifications, places
from wijkwerk.registrations.models import (
    Registration,
    RegistrationEvent,
    RegistrationState,
    StateConflict,
)
from wijkwerk.registrations.terms import CancellationTerms, cancellation_terms
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation

logger = logging.getLogger(__name__)

S = RegistrationState


@dataclass
class Outcome:
    """A registration made, with the warnings it was accepted with."""

    registration: Registration
    warnings: list[Problem] = field(default_factory=list)


def by_manage_token_or_404(token: str) -> Registration:
    """For the registrant's pages: an unknown token is a 404."""
    return db.first_or_404(select(Registration).where(Registration.manage_token == token))


def transition(
    registration: Registration,
    target: RegistrationState,
    reason: str,
    *,
    actor: Account | None = None,
    actor_label: str = "system",
    quiet: bool = False,
    now: dt.datetime | None = None,
) -> RegistrationEvent:
    """Move ``registration`` to ``target`` (as of ``now``) and tell its people, unless ``quiet``
    (a caller that sends a mail of its own, such as a Wijklab's step)."""
    event = registration.transition(
        target, actor=actor, actor_label=actor_label, reason=reason, at=now
    )
    if not quiet:
        notifications.status_changed(registration, event)
    return event


# --- a place, and the money that comes with it ------------------------------------------------------


def pays_by_stripe(registration: Registration) -> bool:
    return (
        registration.price.total_cents > 0 and registration.payment_method is PaymentMethod.STRIPE
    )


def admit(
    registration: Registration,
    reason: str,
    *,
    actor: Account | None = None,
    actor_label: str = "system",
    now: dt.datetime | None = None,
    promoted: bool = False,
    quiet: bool = False,
) -> RegistrationEvent:
    """``registration`` holds a place: confirm it and send the invoice, or, for payment by Stripe,
    wait for the payment while the place is held for a limited time."""
    now = now or now_utc()
    if pays_by_stripe(registration):
        payment = payments.open_payment(registration, now, promoted=promoted)
        reason = (
            reason
            + " "
            + _(
                "Betaal vóór %(time)s; tot dan houden we uw plaats vast.",
                time=format_datetime(payment.expires_at),
            )
        )
        return transition(
            registration,
            S.AWAITING_PAYMENT,
            reason,
            actor=actor,
            actor_label=actor_label,
            quiet=quiet,
            now=now,
        )
    event = transition(
        registration,
        S.CONFIRMED,
        reason,
        actor=actor,
        actor_label=actor_label,
        quiet=True,
        now=now,
    )
    # made before the confirmation is queued, so both are written in one flush; the mails
    # still go out in that order
    invoice = _invoice(registration, actor=actor, actor_label=actor_label, now=now)
    if not quiet:
        notifications.status_changed(registration, event)
    if invoice is not None:
        invoices.send_invoice(invoice)
    return event


def invoice_confirmed(registration: Registration, *, actor=None, now=None) -> None:
    """Invoice a confirmed registration that owes its fee but has no invoice standing (an
    exemption withdrawn after its place was confirmed), as confirming it would have."""
    if registration.state is not S.CONFIRMED:
        return  # invoiced when its place is confirmed
    invoice = _invoice(registration, actor=actor, now=now or now_utc())
    if invoice is not None:
        invoices.send_invoice(invoice)


def _invoice(registration: Registration, *, actor, actor_label="system", now) -> Invoice | None:
    """Issue what ``registration`` owes (unsent), or note that it waits for billing details."""
    if registration.price.amount_cents <= 0:
        return None
    invoice = invoices.issue_invoice(registration, now=now, send=False)
    if invoice is None:
        registration.note_change(
            actor=actor,
            actor_label=actor_label,
            reason=_("De factuur wacht op factuurgegevens (adres en e-mailadres)."),
            at=now,
        )
    return invoice


def place_or_waitlist(
    registration: Registration,
    *,
    actor: Account | None = None,
    actor_label: str = "system",
    now: dt.datetime | None = None,
) -> RegistrationEvent:
    """Take a place for a complete registration (``first_come``), or put it on the waiting list."""
    if places.take_place(registration):
        return admit(
            registration,
            _("Er was nog een plaats vrij."),
            actor=actor,
            actor_label=actor_label,
            now=now,
        )
    return transition(
        registration,
        S.WAITLISTED,
        _("Alle plaatsen zijn bezet; u staat op de wachtlijst."),
        actor=actor,
        actor_label=actor_label,
        now=now,
    )


def promote_next(programme: Programme, *, now: dt.datetime | None = None) -> Registration | None:
    """Give a free place to the first on the waiting list, if any (none in a cancelled
    programme)."""
    if programme.status is ProgrammeStatus.CANCELLED:
        return None
    waiting = places.next_waiting(programme)
    if waiting is None or not places.take_place(waiting):
        return None
    admit(
        waiting,
        _("Er kwam een plaats vrij; u bent van de wachtlijst geplaatst."),
        now=now,
        promoted=True,
    )
    return waiting


def promote(
    registration: Registration,
    *,
    actor: Account | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> RegistrationEvent:
    """An organiser gives a free place to ``registration`` on the waiting list, also ahead of its
    turn. Raises :class:`StateConflict` when it is not waiting and :class:`RuleViolation` when no
    place is free."""
    if registration.state is not S.WAITLISTED:
        raise StateConflict(registration)
    if not places.take_place(registration):
        raise RuleViolation(
            Problem(
                "invalid",
                None,
                _("Er is geen plaats vrij. Verhoog eerst het aantal plaatsen van het programma."),
            )
        )
    return admit(
        registration,
        reason or _("U bent van de wachtlijst geplaatst."),
        actor=actor,
        now=now,
        promoted=True,
    )


def pay_again(registration: Registration, *, now: dt.datetime | None = None) -> RegistrationEvent:
    """A registration whose checkout expired tries again: a place if one is free, else the
    waiting list."""
    if registration.state is not S.SUBMITTED or not pays_by_stripe(registration):
        raise StateConflict(registration)
    return place_or_waitlist(registration, actor_label="registrant", now=now)


# --- cancelling -----------------------------------------------------------------------------------


def cancel(
    registration: Registration,
    *,
    actor: Account | None = None,
    actor_label: str = "registrant",
    reason: str = "",
    full_refund: bool = False,
    now: dt.datetime | None = None,
    quiet: bool = False,
) -> Registration | None:
    """Cancel a registration. By the programme's terms (or in full, when an organiser says so) a
    credit invoice cancels what was invoiced and a Stripe payment is refunded; a held place and
    whatever the kind holds for it (a coach time, a lab) is given up, and the next on the waiting
    list gets the place. Returns that promoted
    registration, if any. Cancelling twice changes nothing."""
    if registration.state is S.CANCELLED:
        return None
    if not registration.can_transition(S.CANCELLED):
        raise StateConflict(registration)
    now = now or now_utc()
    notes = [reason or _("Aanmelding geannuleerd.")]
    notes += _settle_money(
        registration, cancellation_terms(registration, now, full_refund=full_refund), now
    )
    released = places.release_place(registration)
    transition(
        registration, S.CANCELLED, " ".join(notes), actor=actor, actor_label=actor_label, now=now
    )
    undo = kinds.of(registration.programme).cancelled
    if undo is not None:  # what the kind holds besides a place (a coach time, a lab and its day)
        undo(registration)
    if released:
        return promote_next(registration.programme, now=now)
    return None


def _settle_money(
    registration: Registration, terms: CancellationTerms, now: dt.datetime
) -> list[str]:
    """Do what ``terms`` (registrations/terms.py) worked out: credit the invoice, refund the
    payments, stop a checkout still open. Returns what the registrant is told."""
    for payment in registration.payments:
        if payment.status is PaymentStatus.PENDING:
            payment.status = PaymentStatus.EXPIRED
            payment.failure_message = _("Aanmelding geannuleerd vóór de betaling.")
    notes = _pay_back(
        registration,
        terms,
        now,
        credit_reason=_("annulering van aanmelding %(ref)s", ref=registration.reference),
        refund_reason=_("Annulering"),
    )
    if terms.due_cents:
        notes.append(
            _(
                "Volgens de annuleringsvoorwaarden is %(amount)s verschuldigd.",
                amount=money(terms.due_cents),
            )
        )
    return notes


def settle_exemption(registration: Registration, now: dt.datetime | None = None) -> list[str]:
    """An exemption granted after the fee was invoiced or paid: the invoice is credited in full
    and what was paid with Stripe goes back in full, as the registration now owes nothing.
    Returns what was done, for its history (empty when nothing was invoiced or paid)."""
    now = now or now_utc()
    return _pay_back(
        registration,
        cancellation_terms(registration, now, full_refund=True),
        now,
        credit_reason=_("vrijstelling voor aanmelding %(ref)s", ref=registration.reference),
        refund_reason=_("Vrijstelling"),
    )


def _pay_back(
    registration: Registration,
    terms: CancellationTerms,
    now: dt.datetime,
    *,
    credit_reason: str,
    refund_reason: str,
) -> list[str]:
    """The credit invoice and the refunds ``terms`` name; what the registrant is told of each."""
    notes = []
    if terms.credit_cents:
        credit = invoices.issue_credit(terms.invoice, terms.share_bp, reason=credit_reason, now=now)
        notes.append(
            _(
                "Creditfactuur %(number)s: %(amount)s.",
                number=credit.number,
                amount=money(-credit.total_cents),
            )
        )
    for payment, amount in terms.refunds:
        made = payments.refund(payment, amount, refund_reason)
        if made is not None:
            notes.append(
                _(
                    "U krijgt %(amount)s terug op de rekening of kaart waarmee u betaalde.",
                    amount=money(made.amount_cents),
                )
            )
    return notes


def send_refunds() -> int:
    """Send every recorded refund to Stripe, and tell each registrant whose refund went out (in
    the same transaction, so once). After every commit that recorded one (:mod:`wijkwerk.aftercommit`)
    and by ``tick``. Returns how many went out."""
    return payments.send_pending_refunds(tell=notifications.refund_sent)


def _refunds_after_commit(_ids: list[int], _config: dict) -> bool:
    send_refunds()  # every pending refund, these ones among them
    return False


# Refunds are recorded here and in wijkwerk/registrations/paying.py (which imports this module).
aftercommit.does(aftercommit.REFUNDS, _refunds_after_commit)
