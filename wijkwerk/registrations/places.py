"""Places: taking, releasing and allocating them without ever overbooking.

A place is taken by an atomic conditional UPDATE of the programme's counter (``places_taken <
capacity``), which the database serialises on SQLite and PostgreSQL alike and backs with a CHECK
constraint; never by counting and then inserting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import inspect, select, update

from wijkwerk.db import writes_lock_database
from wijkwerk.extensions import db
from wijkwerk.programmes.models import Allocation, Programme
from wijkwerk.registrations.models import Registration, RegistrationState


def take_place(registration: Registration) -> bool:
    """Occupy one of the programme's places for ``registration``; false when full.

    The UPDATE locks the programme's row until the transaction ends, so every registration for
    the programme waits while one holds it: as little as possible should happen after it. On
    PostgreSQL a new registration's rows are therefore written first. SQLite locks the whole
    database at a transaction's first write, whichever table, so there a new registration is
    written later, in its new state, together with everything else (one flush, not two)."""
    if registration.holds_place:
        return True
    if not inspect(registration).pending or not writes_lock_database(db.session):
        db.session.flush()  # a stale registration fails here (version check), before a place moves
    programme_id = registration.programme_id or registration.programme.id
    with db.session.no_autoflush:
        result = db.session.execute(
            update(Programme)
            .where(
                Programme.id == programme_id,
                (Programme.capacity.is_(None)) | (Programme.places_taken < Programme.capacity),
            )
            .values(places_taken=Programme.places_taken + 1)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:
        return False
    registration.holds_place = True
    db.session.expire(registration.programme, ["places_taken"])
    return True


def release_place(registration: Registration) -> bool:
    """Give back the place ``registration`` holds; false when it held none."""
    if not registration.holds_place:
        return False
    db.session.execute(
        update(Programme)
        .where(Programme.id == registration.programme_id, Programme.places_taken > 0)
        .values(places_taken=Programme.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    registration.holds_place = False
    db.session.expire(registration.programme, ["places_taken"])
    return True


def allocation_order(query, programme: Programme):
    """Who goes first. Under ``priority_at_close`` exempt (middelgrote) municipalities go first
    (docs/domain.md §1); then, and under ``first_come`` only, the moment the registration was complete."""
    if programme.allocation is Allocation.PRIORITY_AT_CLOSE:
        query = query.order_by(Registration.exempt.desc())
    return query.order_by(Registration.completed_at, Registration.id)


def next_waiting(programme: Programme) -> Registration | None:
    """The first registration on the waiting list, locked against a concurrent promotion."""
    query = select(Registration).where(
        Registration.programme_id == programme.id,
        Registration.state == RegistrationState.WAITLISTED,
    )
    query = allocation_order(query, programme).limit(1).with_for_update(skip_locked=True)
    return db.session.scalar(query)


@dataclass
class AllocationResult:
    confirmed: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    places_taken: int = 0
    minimum: int | None = None

    @property
    def below_minimum(self) -> bool:
        return self.minimum is not None and self.places_taken < self.minimum


def lock_programme(programme_id: int) -> Programme:
    """The programme row, locked for the rest of the transaction and read afresh: a copy loaded
    earlier in this session may be stale. PostgreSQL locks the row; on SQLite the transaction
    takes the database's write lock first, so what it reads next is current."""
    _write_lock_on_sqlite(programme_id)
    return db.session.scalars(
        select(Programme)
        .where(Programme.id == programme_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def share_programme(programme_id: int) -> Programme:
    """The programme row read afresh under a lock that :func:`lock_programme` waits for (and
    that waits for it), but that registrations share: FOR KEY SHARE on PostgreSQL, which the
    UPDATE taking a place does not conflict with; on SQLite the write lock, one at a time."""
    _write_lock_on_sqlite(programme_id)
    return db.session.scalars(
        select(Programme)
        .where(Programme.id == programme_id)
        .with_for_update(read=True, key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def _write_lock_on_sqlite(programme_id: int) -> None:
    """SQLite reads outside a write transaction see whatever was committed last; a write that
    changes nothing makes this transaction the one writer before it reads."""
    if writes_lock_database(db.session):
        db.session.execute(
            update(Programme)
            .where(Programme.id == programme_id)
            .values(updated_at=Programme.updated_at)
            .execution_options(synchronize_session=False)
        )


def complete_candidates(programme: Programme) -> list[Registration]:
    """Complete registrations waiting for allocation, in allocation order."""
    query = select(Registration).where(
        Registration.programme_id == programme.id,
        Registration.state == RegistrationState.SUBMITTED,
        Registration.completed_at.is_not(None),
    )
    return list(db.session.scalars(allocation_order(query, programme)))
