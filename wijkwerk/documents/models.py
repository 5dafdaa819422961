"""Uploaded documents (a Wijklab's startnotitie, a wijk's wijkanalyse), kept in the database.

The database holds the bytes, so a document is committed or rolled back with the change that
brought it, is in every backup, and never touches a path a request could choose.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from wijkwerk.accounts.models import Account
from wijkwerk.db import UTCDateTime
from wijkwerk.extensions import db
from wijkwerk.timeutil import now_utc


class Document(db.Model):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))

    uploaded_by: Mapped[Account | None] = relationship()

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.filename}>"
