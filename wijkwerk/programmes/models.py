"""Programmes (the four kinds of docs/domain.md) and their sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.extensions import db
from wijkwerk.money import Price
from wijkwerk.timeutil import now_utc


class ProgrammeKind(StrEnum):
    WERKPLAATS = "werkplaats"  # a series of workshops for trios (seed 004)
    DRIEDAAGSE = "driedaagse"  # a three-day course for individuals (seed 003)
    WIJKLAB = "wijklab"  # a one-day expert lab booked by a municipality (seeds 000, 001)
    KENNISPROGRAMMA = "kennisprogramma"  # theme meetings for a fixed group of cities (seed 002)


class FeeUnit(StrEnum):
    """What one fee pays for (docs/api.md ``fee.per``)."""

    TRIO = "trio"
    PERSON = "person"
    BOOKING = "booking"
    CITY = "city"


class Allocation(StrEnum):
    FIRST_COME = "first_come"  # confirm while places last, then a waiting list
    PRIORITY_AT_CLOSE = "priority_at_close"  # allocate at the deadline: exempt first, then by time


class Exemption(StrEnum):
    MIDDELGROOT = "middelgroot"  # middelgrote gemeenten take part free of charge


class ProgrammeStatus(StrEnum):
    DRAFT = "draft"  # not shown to the public
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationWindow(StrEnum):
    """Where a programme stands for someone who wants to register (docs/api.md ``state``)."""

    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Programme(db.Model):
    """A programme people or municipalities register for.

    Money is integer cents excluding VAT with a VAT rate in basis points; ``places_taken`` is the
    counter that an atomic conditional UPDATE raises when a place is taken, with the database
    checking that it never exceeds ``capacity``.
    """

    __tablename__ = "programme"
    __table_args__ = (
        CheckConstraint("fee_cents >= 0", name="fee_not_negative"),
        CheckConstraint("vat_rate_bp >= 0 AND vat_rate_bp <= 10000", name="vat_rate_range"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "min_participants IS NULL OR capacity IS NULL OR min_participants <= capacity",
            name="minimum_within_capacity",
        ),
        CheckConstraint(
            "cancel_late_charge_bp >= 0 AND cancel_late_charge_bp <= 10000",
            name="late_charge_range",
        ),
        CheckConstraint("cancel_free_days IS NULL OR cancel_free_days >= 0", name="free_days"),
        CheckConstraint(
            "places_taken >= 0 AND (capacity IS NULL OR places_taken <= capacity)",
            name="no_overbooking",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[ProgrammeKind] = mapped_column(str_enum(ProgrammeKind, "programme_kind"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProgrammeStatus] = mapped_column(
        str_enum(ProgrammeStatus, "programme_status"), default=ProgrammeStatus.DRAFT
    )

    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=2100)
    # Text for the invoice when the programme is VAT-exempt (CRKBO, art. 11 lid 1 sub o Wet OB).
    vat_exemption_text: Mapped[str | None] = mapped_column(Text)
    fee_per: Mapped[FeeUnit] = mapped_column(str_enum(FeeUnit, "fee_unit"), default=FeeUnit.PERSON)
    exemption: Mapped[Exemption | None] = mapped_column(str_enum(Exemption, "exemption"))
    cancellation_terms: Mapped[str] = mapped_column(Text, default="")  # extra, free text
    # Cancellation terms as rules: free until ``cancel_free_days`` before the first session (NULL:
    # free until it starts); later, ``cancel_late_charge_bp`` of the fee stays due (10000 = all);
    # once the programme has begun, nothing is refunded.
    cancel_free_days: Mapped[int | None] = mapped_column(Integer)
    cancel_late_charge_bp: Mapped[int] = mapped_column(Integer, default=10_000)
    # Reminders before each session, in days (issue: 7 and 1 by default).
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 1])

    capacity: Mapped[int | None] = mapped_column(Integer)
    min_participants: Mapped[int | None] = mapped_column(Integer)
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    allocation: Mapped[Allocation] = mapped_column(
        str_enum(Allocation, "allocation"), default=Allocation.FIRST_COME
    )
    registration_opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    registration_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    allocated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="programme",
        order_by="(ProgrammeSession.starts_at, ProgrammeSession.position)",
        cascade="all, delete-orphan",
    )
    contacts: Mapped[list[ProgrammeContact]] = relationship(
        back_populates="programme",
        order_by="ProgrammeContact.position",
        cascade="all, delete-orphan",
    )

    @property
    def price(self) -> Price:
        return Price(self.fee_cents, self.vat_rate_bp)

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def public_sessions(self) -> list[ProgrammeSession]:
        """The sessions anyone may see: none for a kind whose days are each registration's own
        (a Wijklab: its contact and panel get its day; organisers see them all)."""
        from wijkwerk.programmes import kinds  # the registry reads this module

        return [] if kinds.of(self).own_dates else list(self.sessions)

    @property
    def starts_at(self) -> dt.datetime | None:
        """When the first session that goes ahead begins."""
        starts = [s.starts_at for s in self.sessions if s.status is SessionStatus.SCHEDULED]
        return min(starts, default=None)

    @property
    def free_cancellation_until(self) -> dt.datetime | None:
        """Until when a registrant cancels free of charge (None: until the start)."""
        starts_at = self.starts_at
        if starts_at is None or self.cancel_free_days is None:
            return starts_at
        return starts_at - dt.timedelta(days=self.cancel_free_days)

    def window(self, now: dt.datetime | None = None) -> RegistrationWindow:
        """Whether registration is open at ``now`` (default: the clock)."""
        now = now or now_utc()
        if self.status is ProgrammeStatus.DRAFT:
            return RegistrationWindow.DRAFT
        if self.status is ProgrammeStatus.CANCELLED:
            return RegistrationWindow.CANCELLED
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationWindow.UPCOMING
        if self.registration_deadline and now > self.registration_deadline:
            return RegistrationWindow.CLOSED
        return RegistrationWindow.OPEN

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


class ContactTopic(StrEnum):
    CONTENT = "content"  # inhoudelijke vragen
    PRACTICAL = "practical"  # praktische vragen
    GENERAL = "general"


class ProgrammeContact(db.Model):
    """Someone of the institute to contact about a programme, shown on its page and in mails."""

    __tablename__ = "programme_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    topic: Mapped[ContactTopic] = mapped_column(str_enum(ContactTopic, "contact_topic"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)

    programme: Mapped[Programme] = relationship(back_populates="contacts")


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


def _new_uid() -> str:
    return f"{uuid.uuid4()}@wijkwerk"


class ProgrammeSession(db.Model):
    """One meeting of a programme: a werkplaats, a course day, a lab day or a theme meeting.

    ``uid`` stays the same for the session's lifetime (RFC 5545 UID); ``sequence`` rises each time
    the session is moved, relocated or cancelled, so calendars replace the old event.
    """

    __tablename__ = "programme_session"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    practical: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    location_name: Mapped[str] = mapped_column(String(200), default="")
    location_address: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, "session_status"), default=SessionStatus.SCHEDULED
    )
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=_new_uid)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    programme: Mapped[Programme] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<ProgrammeSession {self.id} {self.starts_at:%Y-%m-%d}>"
