"""A Wijklab (docs/domain.md §3): a municipality's request for a one-day expert lab, the steps it goes
through, the host's and the institute's tasks, and the panel of experts.

The booking itself is a :class:`Registration` of the Wijklab programme (municipality, contact,
billing, invoice, history); :class:`LabRequest` holds what is particular to a lab.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.documents.models import Document
from wijkwerk.extensions import db
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import now_utc


class LabStage(StrEnum):
    REQUESTED = "requested"  # the municipality asked
    INTAKE = "intake"  # the question is sharpened together
    PLANNED = "planned"  # a date and a programme of the day; invoiced
    HELD = "held"
    REPORTED = "reported"  # the report is published
    WITHDRAWN = "withdrawn"

    @property
    def is_final(self) -> bool:
        return self in (LabStage.REPORTED, LabStage.WITHDRAWN)


# Each step may follow only these (withdrawing is possible until the lab is held).
NEXT_STAGES = {
    LabStage.REQUESTED: (LabStage.INTAKE, LabStage.WITHDRAWN),
    LabStage.INTAKE: (LabStage.PLANNED, LabStage.WITHDRAWN),
    LabStage.PLANNED: (LabStage.HELD, LabStage.PLANNED, LabStage.WITHDRAWN),
    LabStage.HELD: (LabStage.REPORTED,),
    LabStage.REPORTED: (),
    LabStage.WITHDRAWN: (),
}


class LabGoal(StrEnum):
    """What the lab is for (seed 000, "Voorbeelden van doelen")."""

    REFLECTION = "reflection"  # reflectie op een gebiedsgerichte aanpak
    DIRECTIONS = "directions"  # oplossingsrichtingen voor een domeinoverstijgende kwestie of kans


class LabRequest(db.Model):
    __tablename__ = "lab_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), unique=True)
    stage: Mapped[LabStage] = mapped_column(
        str_enum(LabStage, "lab_stage"), default=LabStage.REQUESTED, index=True
    )
    question: Mapped[str] = mapped_column(Text)  # as the municipality put it
    sharpened_question: Mapped[str] = mapped_column(Text, default="")  # after the intake
    wijk: Mapped[str] = mapped_column(String(200))
    goal: Mapped[LabGoal] = mapped_column(str_enum(LabGoal, "lab_goal"))
    preferred_periods: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[str] = mapped_column(Text, default="")
    # Expertise the panel should bring (tags, matched against the expert pool).
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id"))
    day_programme: Mapped[str] = mapped_column(Text, default="")
    startnotitie_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    report_url: Mapped[str] = mapped_column(String(500), default="")
    stage_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    registration: Mapped[Registration] = relationship()
    session: Mapped[ProgrammeSession | None] = relationship()
    startnotitie: Mapped[Document | None] = relationship()
    tasks: Mapped[list[LabTask]] = relationship(
        back_populates="lab", order_by="LabTask.position", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[PanelInvitation]] = relationship(
        back_populates="lab", order_by="PanelInvitation.id", cascade="all, delete-orphan"
    )

    @property
    def panel(self) -> list[PanelInvitation]:
        return [i for i in self.invitations if i.status is InvitationStatus.ACCEPTED]

    def __repr__(self) -> str:
        return f"<LabRequest {self.id} {self.stage}>"


class TaskOwner(StrEnum):
    HOST = "host"  # the municipality that receives the lab
    INSTITUTE = "institute"


class LabTask(db.Model):
    """One item of the checklist for the day, with who does it and whether it is done."""

    __tablename__ = "lab_task"
    __table_args__ = (UniqueConstraint("lab_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("lab_request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner: Mapped[TaskOwner] = mapped_column(str_enum(TaskOwner, "task_owner"))
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    assignee: Mapped[str] = mapped_column(String(200), default="")  # who takes it on
    note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    lab: Mapped[LabRequest] = relationship(back_populates="tasks")


class Expert(db.Model):
    """Someone in the pool the institute draws a panel from."""

    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list)  # tags, lower case
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    def __repr__(self) -> str:
        return f"<Expert {self.email}>"


class InvitationStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PanelInvitation(db.Model):
    __tablename__ = "panel_invitation"
    __table_args__ = (UniqueConstraint("lab_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("lab_request.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus, "invitation_status"), default=InvitationStatus.INVITED
    )
    invited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    lab: Mapped[LabRequest] = relationship(back_populates="invitations")
    expert: Mapped[Expert] = relationship()
