"""People: everyone whose personal data wijkwerk holds (participants, approvers, contacts)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Organisation
from wijkwerk.timeutil import now_utc


class Person(db.Model):
    """A person, found again by e-mail address (stored lower-cased) so that one export or one
    erasure request covers everything held about them."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    function: Mapped[str | None] = mapped_column(String(200))  # job title
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"<Person {self.id}>"
