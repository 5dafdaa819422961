"""The Kennisprogramma (docs/domain.md §4): twelve cities or regions, each with a participating wijk,
and per theme meeting the wijk that hosts it and the three or four that present.

A city is a :class:`Registration` of the programme (municipality, contact, history); its people at
a meeting are its members with that meeting's ``session_id`` (role ``delegate``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime
from wijkwerk.documents.models import Document
from wijkwerk.extensions import db
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.models import Registration


class CityParticipation(db.Model):
    __tablename__ = "city_participation"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), unique=True)
    wijk: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")  # when a region takes part
    wijkanalyse_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    registration: Mapped[Registration] = relationship()
    wijkanalyse: Mapped[Document | None] = relationship()

    @property
    def name(self) -> str:
        """The city or region as people call it."""
        if self.region:
            return self.region
        municipality = self.registration.municipality
        return municipality.display_name if municipality else ""


class KennisMeeting(db.Model):
    """What a theme meeting adds to its session: the host wijk and the deadline for naming people."""

    __tablename__ = "kennis_meeting"

    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id"), primary_key=True)
    host_registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"))
    # Cities name their participants by then (default: a week before the meeting).
    naming_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ProgrammeSession] = relationship()
    host: Mapped[Registration | None] = relationship()
    presenters: Mapped[list[MeetingPresenter]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class MeetingPresenter(db.Model):
    """A wijk that presents at a theme meeting."""

    __tablename__ = "meeting_presenter"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("kennis_meeting.session_id"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), primary_key=True)

    meeting: Mapped[KennisMeeting] = relationship(back_populates="presenters")
    registration: Mapped[Registration] = relationship()
