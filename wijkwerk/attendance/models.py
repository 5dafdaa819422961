"""Attendance of every member at every session (the presentielijst)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.accounts.models import Account
from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.extensions import db
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.timeutil import now_utc


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Attendance(db.Model):
    """One mark: did this member (or their named substitute) attend this session."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("registration_member.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        str_enum(AttendanceStatus, "attendance_status")
    )
    substitute_name: Mapped[str | None] = mapped_column(String(200))
    substitute_email: Mapped[str | None] = mapped_column(String(254))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))

    session: Mapped[ProgrammeSession] = relationship()
    member: Mapped[RegistrationMember] = relationship()
    recorded_by: Mapped[Account | None] = relationship()
