"""Read models for the back-office: lists in a fixed number of queries, with their counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from wijkwerk.extensions import db
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations.models import Registration, RegistrationMember, RegistrationState
from wijkwerk.registrations.places import allocation_order


def registrations_of(programme: Programme) -> list[Registration]:
    """Every registration of a programme, active first in allocation order, with municipality,
    casus and members loaded (three queries however many there are)."""
    query = (
        select(Registration)
        .where(Registration.programme_id == programme.id)
        .options(
            joinedload(Registration.municipality),
            joinedload(Registration.casus),
            selectinload(Registration.members).joinedload(RegistrationMember.person),
        )
    )
    registrations = list(db.session.scalars(allocation_order(query, programme)).unique())
    registrations.sort(key=lambda r: r.state.is_final)  # stable: keeps allocation order
    return registrations


@dataclass(frozen=True)
class RegistrationCounts:
    places_taken: int
    places_left: int | None
    waiting: int
    awaiting_approval: int
    exempt: int
    below_minimum: bool

    @classmethod
    def of(cls, programme: Programme, registrations: list[Registration]) -> RegistrationCounts:
        active = [r for r in registrations if r.state.is_active]
        return cls(
            places_taken=programme.places_taken,
            places_left=programme.places_left,
            waiting=sum(r.state is RegistrationState.WAITLISTED for r in active),
            awaiting_approval=sum(r.state is RegistrationState.AWAITING_APPROVAL for r in active),
            exempt=sum(r.exempt for r in active),
            below_minimum=programme.min_participants is not None
            and programme.places_taken < programme.min_participants,
        )
