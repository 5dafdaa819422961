"""Cancelling a whole programme (docs/backoffice.md): the programme does not go ahead.

Every registration still to come is cancelled, and because it is the organisation that cancels,
what was invoiced for it is credited and what was paid with Stripe is refunded in full (the
programme's cancellation terms are for a registrant who cancels). Places are freed, nobody is
promoted from the waiting list, every session still to come is marked as not going ahead (the
status mail carries it, cancelled, for the calendars), and every registrant gets that mail with the
organiser's reason. A series that has begun is not cancelled as a whole (its sessions still to
come are, one by one); in a kind where each registration has its own day (a Wijklab) the days
already held stay as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.payments import invoices
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Programme, ProgrammeStatus, SessionStatus
from wijkwerk.registrations import lifecycle, places
from wijkwerk.registrations.models import Registration, RegistrationState, StateConflict
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation


@dataclass
class ProgrammeCancellation:
    """What cancelling a programme did (or, for :func:`preview`, would do)."""

    registrations: int = 0  # cancelled
    credited: int = 0  # registrations with an invoice to credit
    refunded: int = 0  # registrations with a Stripe payment to refund


def _to_come(programme: Programme, now: dt.datetime) -> list[Registration]:
    """The registrations that can still be cancelled and whose part has not begun."""
    kind = kinds.of(programme)
    found = db.session.scalars(
        select(Registration)
        .where(Registration.programme_id == programme.id)
        .options(
            selectinload(Registration.invoices),
            selectinload(Registration.payments),
            selectinload(Registration.members),
        )
        .order_by(Registration.id)
    )
    return [
        registration
        for registration in found
        if registration.can_transition(RegistrationState.CANCELLED)
        and (kind.starts_at(registration) or now) >= now
    ]


def _summary(registrations: list[Registration]) -> ProgrammeCancellation:
    return ProgrammeCancellation(
        registrations=len(registrations),
        credited=sum(1 for r in registrations if invoices.active_invoice(r) is not None),
        refunded=sum(1 for r in registrations if any(p.refundable_cents > 0 for p in r.payments)),
    )


def started(programme: Programme, now: dt.datetime) -> bool:
    """Whether the programme as a whole has begun (never, for a kind with a day per registration)."""
    if kinds.of(programme).own_dates:
        return False
    return programme.starts_at is not None and programme.starts_at <= now


def preview(programme: Programme, now: dt.datetime | None = None) -> ProgrammeCancellation:
    """What cancelling ``programme`` now would do, for the confirmation page."""
    return _summary(_to_come(programme, now or now_utc()))


def cancel_programme(
    programme: Programme, *, reason: str, actor: Account, now: dt.datetime | None = None
) -> ProgrammeCancellation:
    """Cancel ``programme`` with everything that follows (see the module). ``reason`` is
    required: every registrant reads it. Raises :class:`StateConflict` when it is cancelled
    already (also by someone else a moment ago). Flushes, never commits."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            Problem("required", "reason", _("Geef een reden op; iedere aanmelder leest die."))
        )
    now = now or now_utc()
    # Locked: a registration under way waits for this, or this for it (intake.py)
    programme = places.lock_programme(programme.id)
    if programme.status is ProgrammeStatus.CANCELLED:
        raise StateConflict(None, said=_("Dit programma is al vervallen."))
    if started(programme, now):
        raise RuleViolation(
            Problem(
                "invalid",
                None,
                _(
                    "Dit programma is al begonnen. Zeg de bijeenkomsten die nog komen af op hun "
                    "eigen pagina; de deelnemers krijgen daarvan bericht."
                ),
            )
        )
    to_come = _to_come(programme, now)
    done = _summary(to_come)
    programme.status = ProgrammeStatus.CANCELLED  # from here on nobody gets a freed place
    for session in programme.sessions:
        if session.status is SessionStatus.SCHEDULED and session.starts_at > now:
            session.status = SessionStatus.CANCELLED
            session.sequence += 1  # calendars replace the event with a cancelled one
    note = _("Het programma gaat niet door: %(reason)s", reason=reason)
    for registration in to_come:
        lifecycle.cancel(
            registration,
            actor=actor,
            actor_label="organiser",
            reason=note,
            full_refund=True,
            now=now,
        )
    db.session.flush()
    return done
