"""One audit entry per changed row, written in the same flush as the change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.accounts.models import Account
from wijkwerk.db import UTCDateTime
from wijkwerk.extensions import db
from wijkwerk.timeutil import now_utc


class AuditEntry(db.Model):
    """``changes`` maps each changed column to ``[before, after]`` (secrets are masked)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(10))  # insert, update, delete
    table: Mapped[str] = mapped_column(String(64), index=True)
    row_id: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[Account | None] = relationship()
