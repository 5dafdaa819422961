"""A registration that waits for an approver's yes or no (``awaiting_approval``): the trio's
bestuurder through the link in their mail (wijkwerk/werkplaatsen/views.py), or an organiser who
records a decision taken by phone (the back-office, ``POST /api/v1/registrations/{id}/approve``)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from wijkwerk.accounts.models import Account
from wijkwerk.programmes.models import Allocation
from wijkwerk.registrations import lifecycle, notifications, places
from wijkwerk.registrations.models import Registration, RegistrationState, StateConflict
from wijkwerk.timeutil import now_utc

S = RegistrationState


def approve(
    registration: Registration,
    *,
    actor: Account | None = None,
    actor_label: str = "approver",
    reason: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Record the approver's yes and place the trio by the programme's allocation policy.
    Approving twice changes nothing."""
    if registration.state is not S.AWAITING_APPROVAL:
        if registration.completed_at is not None and registration.state.is_active:
            return
        raise StateConflict(registration)
    registration.completed_at = now or now_utc()
    programme = registration.programme
    waits_for_allocation = (
        programme.allocation is Allocation.PRIORITY_AT_CLOSE and programme.allocated_at is None
    )
    if waits_for_allocation:
        target = S.SUBMITTED
        note = reason or _("Akkoord gegeven; de plaatsen worden verdeeld na de sluitingsdatum.")
    elif places.take_place(registration):
        note = reason or _("Akkoord gegeven; u heeft een plaats.")
        lifecycle.admit(registration, note, actor=actor, actor_label=actor_label)
        return
    else:
        target = S.WAITLISTED
        note = reason or _("Akkoord gegeven; alle plaatsen zijn bezet, u staat op de wachtlijst.")
    event = registration.transition(target, actor=actor, actor_label=actor_label, reason=note)
    notifications.status_changed(registration, event)


def decline(
    registration: Registration,
    *,
    actor: Account | None = None,
    actor_label: str = "approver",
    reason: str = "",
) -> None:
    """Record the approver's no. Declining twice changes nothing."""
    if registration.state is S.DECLINED:
        return
    if registration.state is not S.AWAITING_APPROVAL:
        raise StateConflict(registration)
    event = registration.transition(
        S.DECLINED,
        actor=actor,
        actor_label=actor_label,
        reason=reason or _("De bestuurder of manager heeft geen akkoord gegeven."),
    )
    notifications.status_changed(registration, event)
