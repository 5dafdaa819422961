"""Registrations with their state history, and the coach times a participant books. Their members,
casus and billing details are in wijkwerk/registrations/parts.py.

The state machine lives here: :meth:`Registration.transition` refuses illegal moves and records
every move (who, when, why) in :class:`RegistrationEvent`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from wijkwerk.accounts.models import Account
from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.extensions import db
from wijkwerk.money import Price
from wijkwerk.municipalities.models import Municipality
from wijkwerk.payments.models import Invoice, Payment, PaymentMethod
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import Programme
from wijkwerk.timeutil import now_utc

if TYPE_CHECKING:  # types only: wijkwerk/registrations/parts.py imports this module
    from wijkwerk.registrations.parts import BillingDetails, Casus, CoachSlot, RegistrationMember

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_reference() -> str:
    """A short reference people can read out, such as ``WW-7KQD-M3XP``."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"WW-{chars[:4]}-{chars[4:]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class RegistrationState(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_PAYMENT = "awaiting_payment"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    REJECTED = "rejected"

    @property
    def is_final(self) -> bool:
        return self in _FINAL_STATES

    @property
    def is_active(self) -> bool:
        return self not in _FINAL_STATES


_FINAL_STATES = frozenset(
    {RegistrationState.CANCELLED, RegistrationState.DECLINED, RegistrationState.REJECTED}
)

S = RegistrationState
ALLOWED_TRANSITIONS: dict[RegistrationState, frozenset[RegistrationState]] = {
    S.SUBMITTED: frozenset(
        {
            S.AWAITING_APPROVAL,
            S.AWAITING_PAYMENT,
            S.CONFIRMED,
            S.WAITLISTED,
            S.CANCELLED,
            S.REJECTED,
        }
    ),
    # Approved under priority_at_close: back to "submitted", complete, until allocation.
    S.AWAITING_APPROVAL: frozenset(
        {
            S.SUBMITTED,
            S.AWAITING_PAYMENT,
            S.CONFIRMED,
            S.WAITLISTED,
            S.DECLINED,
            S.CANCELLED,
            S.REJECTED,
        }
    ),
    # An expired checkout frees the place: back to "submitted" (or cancelled).
    S.AWAITING_PAYMENT: frozenset({S.CONFIRMED, S.SUBMITTED, S.WAITLISTED, S.CANCELLED}),
    S.WAITLISTED: frozenset({S.AWAITING_PAYMENT, S.CONFIRMED, S.CANCELLED, S.REJECTED}),
    S.CONFIRMED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset(),
    S.DECLINED: frozenset(),
    S.REJECTED: frozenset(),
}
del S


class StateConflict(Exception):
    """The registration is not in a state that allows this: the one exception for it, whichever
    layer finds it (a service before it starts, the lifecycle at the move), so the API maps it
    once to a 409 and the web pages catch it once."""

    def __init__(
        self, registration: Registration | None, message: str | None = None, *, said: str = ""
    ) -> None:
        super().__init__(
            message or said or f"{registration.reference} is {registration.state.value}"
        )
        self.registration = registration
        self.said = said  # what to tell the user, when it is not the registration's state


class IllegalTransition(StateConflict):
    """A state change the lifecycle does not allow (:meth:`Registration.transition`)."""

    def __init__(self, registration: Registration, target: RegistrationState) -> None:
        super().__init__(registration, f"cannot go from {registration.state} to {target}")
        self.current = registration.state
        self.target = target


class Registration(db.Model):
    """One registration: a trio, an individual, a Wijklab booking or a city in a Kennisprogramma.

    ``active_slot`` makes "one active trio per municipality per series" a database rule: it is 1
    (or 2 when an organiser allows a second trio) while the registration is active and NULL once it
    is cancelled, declined or rejected; NULLs never collide in the unique constraint.
    ``holds_place`` is true while the registration occupies one of the programme's counted places.
    """

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("programme_id", "municipality_code", "active_slot"),
        # One active registration per person per programme (individuals, Wijklab contacts).
        UniqueConstraint("programme_id", "contact_person_id", "active_slot"),
        CheckConstraint("active_slot IS NULL OR active_slot >= 1", name="active_slot_positive"),
        CheckConstraint("fee_cents >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, default=new_reference)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)

    state: Mapped[RegistrationState] = mapped_column(
        str_enum(RegistrationState, "registration_state"),
        default=RegistrationState.SUBMITTED,
        index=True,
    )
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    active_slot: Mapped[int | None] = mapped_column(Integer, default=1)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    approver_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    approver_function: Mapped[str | None] = mapped_column(String(200))

    # The fee as it was when the registration was made (the programme's price may change later).
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=2100)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    exemption_reason: Mapped[str | None] = mapped_column(Text)
    payment_method: Mapped[PaymentMethod | None] = mapped_column(
        str_enum(PaymentMethod, "payment_method")
    )

    holds_place: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the registration became complete (approved, paid where needed): the order of allocation.
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when its personal details were anonymised (retention ended, or a person erased).
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    organiser_note: Mapped[str] = mapped_column(Text, default="")

    manage_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_token)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    # Optimistic locking: a change based on a stale copy (two clicks on "approve" at once) fails
    # with StaleDataError instead of silently overwriting the other.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    programme: Mapped[Programme] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    contact_person: Mapped[Person | None] = relationship(foreign_keys=[contact_person_id])
    approver: Mapped[Person | None] = relationship(foreign_keys=[approver_person_id])
    members: Mapped[list[RegistrationMember]] = relationship(
        back_populates="registration",
        order_by="RegistrationMember.position",
        cascade="all, delete-orphan",
    )
    casus: Mapped[Casus | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )
    billing: Mapped[BillingDetails | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )
    events: Mapped[list[RegistrationEvent]] = relationship(
        back_populates="registration",
        order_by="RegistrationEvent.id",
        cascade="all, delete-orphan",
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="registration", order_by="Payment.id"
    )
    invoices: Mapped[list[Invoice]] = relationship(
        back_populates="registration", order_by="Invoice.id"
    )
    coach_slot: Mapped[CoachSlot | None] = relationship(
        back_populates="registration", viewonly=True
    )

    @property
    def price(self) -> Price:
        """What this registration owes: zero when exempt."""
        return Price(0 if self.exempt else self.fee_cents, self.vat_rate_bp)

    def can_transition(self, target: RegistrationState) -> bool:
        return target in ALLOWED_TRANSITIONS[self.state]

    @property
    def can_cancel(self) -> bool:
        return self.can_transition(RegistrationState.CANCELLED)

    @property
    def participant(self) -> RegistrationMember | None:
        """The one member of an individual's registration."""
        return self.members[0] if self.members else None

    @property
    def needs_billing(self) -> bool:
        """It pays by invoice, has not said where the invoice goes, and is still under way
        (a trio may give its billing details later: wijkwerk/registrations/billing.py)."""
        return (
            self.payment_method is PaymentMethod.INVOICE
            and bool(self.fee_cents)
            and not self.exempt
            and self.billing is None
            and self.state.is_active
        )

    @property
    def open_payment(self) -> Payment | None:
        """The Stripe payment this registration is waiting for, if any."""
        for payment in reversed(self.payments):
            if payment.status.value == "pending":
                return payment
        return None

    def record_created(
        self,
        *,
        actor: Account | None = None,
        actor_label: str = "system",
        at: dt.datetime | None = None,
    ) -> None:
        """The first line of the history: the registration came in (``at``, default now)."""
        # What a new registration cannot have yet, set as known: reading it costs no query later.
        given = inspect(self).dict
        for name, empty in (
            ("invoices", []),
            ("payments", []),
            ("casus", None),
            ("coach_slot", None),
        ):
            if name not in given:
                set_committed_value(self, name, empty)
        self.events.append(
            RegistrationEvent(
                from_state=None,
                to_state=self.state,
                at=at or now_utc(),
                actor=actor,
                actor_label=actor.email if actor is not None else actor_label,
            )
        )

    def note_change(
        self,
        *,
        actor: Account | None = None,
        actor_label: str = "system",
        reason: str,
        at: dt.datetime | None = None,
    ) -> None:
        """Record a change that is not a move of state (an exemption granted, say), as of ``at``
        (default: now)."""
        self.events.append(
            RegistrationEvent(
                from_state=self.state,
                to_state=self.state,
                at=at or now_utc(),
                actor=actor,
                actor_label=actor.email if actor is not None else actor_label,
                reason=reason,
            )
        )

    def transition(
        self,
        target: RegistrationState,
        *,
        actor: Account | None = None,
        actor_label: str = "system",
        reason: str = "",
        at: dt.datetime | None = None,
    ) -> RegistrationEvent:
        """Move to ``target`` and record who did it, why and when (``at``, default now: the
        moment the step is taken, not the moment it is written).

        Raises :class:`IllegalTransition` (a :class:`StateConflict`) when the lifecycle does not
        allow the move. Releasing a counted place is the caller's business (see the registration
        services), because it must be done by an atomic update of the programme's counter.
        """
        if not self.can_transition(target):
            raise IllegalTransition(self, target)
        event = RegistrationEvent(
            from_state=self.state,
            to_state=target,
            at=at or now_utc(),
            actor=actor,
            actor_label=actor.email if actor is not None else actor_label,
            reason=reason,
        )
        self.events.append(event)
        self.state = target
        if target.is_final:
            self.active_slot = None
        return event

    def __init__(self, **values: object) -> None:
        # The reference from the start, not from the first flush: the invoice, made in the same
        # flush as the registration, writes it in its description.
        values.setdefault("reference", new_reference())
        super().__init__(**values)

    def __repr__(self) -> str:
        return f"<Registration {self.reference} {self.state}>"


class RegistrationEvent(db.Model):
    """One step in a registration's history: from which state to which, who, when and why."""

    __tablename__ = "registration_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    from_state: Mapped[RegistrationState | None] = mapped_column(
        str_enum(RegistrationState, "event_from_state")
    )
    to_state: Mapped[RegistrationState] = mapped_column(
        str_enum(RegistrationState, "event_to_state")
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_label: Mapped[str] = mapped_column(String(254), default="system")
    reason: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="events")
    actor: Mapped[Account | None] = relationship()

    @property
    def is_transition(self) -> bool:
        """A move between states (not a note such as an exemption granted)."""
        return self.from_state is not self.to_state
