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
    now = now or now_utc()
    registration.completed_at = now
    programme = registration.programme
    name = registration.approver.name if registration.approver else _("De bestuurder")
    waits_for_allocation = (
        programme.allocation is Allocation.PRIORITY_AT_CLOSE and programme.allocated_at is None
    )
    if waits_for_allocation:
        target = S.SUBMITTED
        outcome = _(
            "%(name)s heeft akkoord gegeven; de plaatsen worden verdeeld na de sluitingsdatum.",
            name=name,
        )
    elif places.take_place(registration):
        outcome = _("%(name)s heeft akkoord gegeven; u heeft een plaats.", name=name)
        note = _attributed(registration, outcome, actor, reason)
        lifecycle.admit(registration, note, actor=actor, actor_label=actor_label, now=now)
        return
    else:
        target = S.WAITLISTED
        outcome = _(
            "%(name)s heeft akkoord gegeven; alle plaatsen zijn bezet, u staat op de wachtlijst.",
            name=name,
        )
    event = registration.transition(
        target,
        actor=actor,
        actor_label=actor_label,
        reason=_attributed(registration, outcome, actor, reason),
        at=now,
    )
    notifications.status_changed(registration, event)


def _attributed(
    registration: Registration, outcome: str, actor: Account | None, comment: str
) -> str:
    """What the trio reads about the decision: who decided, and their comment as theirs (an
    organiser who records a decision taken by phone adds the comment as the organisation's)."""
    if not comment:
        return outcome
    who = _("de organisatie") if actor is not None else registration.approver.name
    return outcome + " " + _("Toelichting van %(who)s: “%(comment)s”", who=who, comment=comment)


def decline(
    registration: Registration,
    *,
    actor: Account | None = None,
    actor_label: str = "approver",
    reason: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Record the approver's no. Declining twice changes nothing."""
    if registration.state is S.DECLINED:
        return
    if registration.state is not S.AWAITING_APPROVAL:
        raise StateConflict(registration)
    name = registration.approver.name if registration.approver else _("De bestuurder")
    outcome = _("%(name)s heeft geen akkoord gegeven; de aanmelding gaat niet door.", name=name)
    event = registration.transition(
        S.DECLINED,
        actor=actor,
        actor_label=actor_label,
        reason=_attributed(registration, outcome, actor, reason),
        at=now,
    )
    notifications.status_changed(registration, event)
