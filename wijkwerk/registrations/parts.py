"""What a registration holds besides its state: the people taking part under it (trio members, the
individual, a city's delegates, with their roles and domains), a trio's casus, and where the
invoice goes. The registration itself, its states and history are in
wijkwerk/registrations/models.py.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations.models import Registration


class MemberRole(StrEnum):
    WIJKAMBTENAAR = "wijkambtenaar"
    SECTORAMBTENAAR = "sectorambtenaar"
    PARTICIPANT = "participant"  # an individual on the driedaagse
    DELEGATE = "delegate"  # a city's participant in a Kennisprogramma meeting


class ProfessionalRole(StrEnum):
    """What an individual does (the audience of seed 003)."""

    PROGRAMMALEIDER = "programmaleider"
    PROJECTLEIDER = "projectleider"
    MANAGER = "manager"
    ONDERZOEKER = "onderzoeker"
    PROFESSIONAL = "professional"
    ADVISEUR = "adviseur"
    ANDERS = "anders"


class Domain(StrEnum):
    FYSIEK = "fysiek"
    SOCIAAL = "sociaal"
    VEILIGHEID = "veiligheid"
    ECONOMIE = "economie"
    OVERIG = "overig"


class RegistrationMember(db.Model):
    """A person taking part under a registration: a trio member, the individual, a delegate.

    ``session_id`` set means the member attends only that session (a city sends different people
    per theme meeting); NULL means every session of the programme.
    """

    __tablename__ = "registration_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    domain: Mapped[Domain | None] = mapped_column(str_enum(Domain, "domain"))
    function: Mapped[str | None] = mapped_column(String(200))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    organisation_type: Mapped[OrganisationType | None] = mapped_column(
        str_enum(OrganisationType, "organisation_type")
    )
    professional_role: Mapped[ProfessionalRole | None] = mapped_column(
        str_enum(ProfessionalRole, "professional_role")
    )
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    # The member's own link (docs/registrants.md): they see the registration, correct their own
    # details and name a substitute; the registration's own link (its contact's) also cancels.
    access_token: Mapped[str | None] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )

    registration: Mapped[Registration] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()

    def expected_at(self, session_id: int) -> bool:
        """Whether the member is expected at that session: every session, or the one named for."""
        return self.session_id in (None, session_id)


class Casus(db.Model):
    """The local case a trio brings: a strategic task where several policy domains meet."""

    __tablename__ = "casus"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    wijk: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)

    registration: Mapped[Registration] = relationship(back_populates="casus")


class BillingDetails(db.Model):
    """Where the invoice goes. A municipality needs its purchase order (or verplichtingen-)
    number and the name of who ordered before it will pay (docs/domain.md, invoices)."""

    __tablename__ = "billing_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    po_number: Mapped[str | None] = mapped_column(String(100))
    ordered_by: Mapped[str | None] = mapped_column(String(200))
    # KvK number or OIN: where an e-invoice is addressed (docs/einvoice.md); optional.
    kvk_or_oin: Mapped[str | None] = mapped_column(String(20))

    registration: Mapped[Registration] = relationship(back_populates="billing")


class CoachSlot(db.Model):
    """A time for a personal conversation with a coach during a course (seed 003). Organisers
    publish slots; each confirmed participant may book one, and a slot holds one person: booking is
    a conditional UPDATE (``registration_id IS NULL``) backed by a unique constraint."""

    __tablename__ = "coach_slot"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    coach_name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"), unique=True)
    booked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    programme: Mapped[Programme] = relationship()
    registration: Mapped[Registration | None] = relationship(back_populates="coach_slot")

    @property
    def free(self) -> bool:
        return self.registration_id is None
