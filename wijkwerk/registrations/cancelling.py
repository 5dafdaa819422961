"""Cancelling a whole programme (docs/backoffice.md): the programme does not go ahead.

Every registration still under way is cancelled, and because it is the organisation that cancels,
nobody owes anything: what was invoiced is credited and what was paid with Stripe is refunded in full
(the programme's cancellation terms are for a registrant who cancels). Places are freed, nobody is
promoted from the waiting list, every session is marked as not going ahead (calendars show it), and
every registrant gets the status mail with the organiser's reason. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.payments import invoices
from wijkwerk.programmes.models import Programme, ProgrammeStatus, SessionStatus
from wijkwerk.registrations import lifecycle, places
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation


@dataclass
class ProgrammeCancellation:
    """What cancelling a programme did (or, for :func:`preview`, would do)."""

    registrations: int = 0  # cancelled
    credited: int = 0  # registrations with an invoice to credit
    refunded: int = 0  # registrations with a Stripe payment to refund


def _under_way(programme: Programme) -> list[Registration]:
    return [
        registration
        for registration in db.session.scalars(
            select(Registration)
            .where(Registration.programme_id == programme.id)
            .order_by(Registration.id)
        )
        if registration.can_transition(RegistrationState.CANCELLED)
    ]


def preview(programme: Programme) -> ProgrammeCancellation:
    """What cancelling ``programme`` now would do, for the confirmation page."""
    under_way = _under_way(programme)
    return ProgrammeCancellation(
        registrations=len(under_way),
        credited=sum(1 for r in under_way if invoices.active_invoice(r) is not None),
        refunded=sum(1 for r in under_way if any(p.refundable_cents > 0 for p in r.payments)),
    )


def cancel_programme(
    programme: Programme, *, reason: str, actor: Account, now: dt.datetime | None = None
) -> ProgrammeCancellation:
    """Cancel ``programme`` with everything that follows (see the module). ``reason`` is
    required: every registrant reads it. Flushes, never commits."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            Problem("required", "reason", _("Geef een reden op; iedere aanmelder leest die."))
        )
    now = now or now_utc()
    programme = places.lock_programme(programme.id)
    done = preview(programme)
    programme.status = ProgrammeStatus.CANCELLED  # from here on nobody gets a freed place
    note = _("Het programma gaat niet door: %(reason)s", reason=reason)
    for registration in _under_way(programme):
        lifecycle.cancel(
            registration,
            actor=actor,
            actor_label="organiser",
            reason=note,
            full_refund=True,
            now=now,
        )
    for session in programme.sessions:
        if session.status is SessionStatus.SCHEDULED:
            session.status = SessionStatus.CANCELLED
            session.sequence += 1  # calendars replace the event with a cancelled one
    db.session.flush()
    return done
