"""Allocation at the closing date (``priority_at_close``, docs/domain.md §1): exempt municipalities
first, then by the moment each registration became complete; the rest wait."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations import lifecycle, notifications, places
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import now_utc

S = RegistrationState


@dataclass(frozen=True)
class AllocationPreview:
    """What allocating now would do, for the page that asks before it is done: who gets a place
    (in allocation order) and who waits, and whether the registration is still open."""

    placed: list[Registration]
    waiting: list[Registration]
    minimum: int | None
    places_taken: int
    deadline: dt.datetime | None
    still_open: bool

    @property
    def below_minimum(self) -> bool:
        return self.minimum is not None and self.places_taken + len(self.placed) < self.minimum


def preview(programme: Programme, now: dt.datetime) -> AllocationPreview:
    """What :func:`allocate` would do at ``now``; changes nothing."""
    candidates = places.complete_candidates(programme)
    free = programme.places_left
    free = len(candidates) if free is None else free
    deadline = programme.registration_deadline
    return AllocationPreview(
        placed=candidates[:free],
        waiting=candidates[free:],
        minimum=programme.min_participants,
        places_taken=programme.places_taken,
        deadline=deadline,
        still_open=deadline is not None and now < deadline,
    )


def allocate(
    programme: Programme, *, actor: Account | None = None, now: dt.datetime | None = None
) -> places.AllocationResult:
    """Share out the places of a ``priority_at_close`` programme: exempt municipalities first,
    then by the moment each registration became complete; the rest wait. Safe to run twice: a
    second run finds nothing left to allocate. Organisers are warned below the minimum."""
    programme = places.lock_programme(programme.id)
    result = places.AllocationResult(minimum=programme.min_participants)
    for registration in places.complete_candidates(programme):
        if places.take_place(registration):
            note = _("De plaatsen zijn verdeeld; u heeft een plaats.")
            lifecycle.admit(registration, note, actor=actor, now=now)
            result.confirmed.append(registration)
        else:
            note = _("De plaatsen zijn verdeeld; u staat op de wachtlijst.")
            event = registration.transition(S.WAITLISTED, actor=actor, reason=note, at=now)
            notifications.status_changed(registration, event)
            result.waitlisted.append(registration)
    first_time = programme.allocated_at is None
    programme.allocated_at = programme.allocated_at or now or now_utc()
    db.session.flush()
    db.session.refresh(programme, ["places_taken"])
    result.places_taken = programme.places_taken
    if first_time and result.below_minimum:
        notifications.below_minimum(result.places_taken, programme, "allocation")
    return result
