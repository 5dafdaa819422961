"""The outbox and sent-message log: every mail wijkwerk sends, queued in the transaction that
caused it and delivered after the commit (STYLE.md, habit 3)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime
from wijkwerk.extensions import db
from wijkwerk.timeutil import now_utc


class OutboxMessage(db.Model):
    """A mail to one recipient. ``key`` is unique per purpose (for example
    ``reminder:{person}:{session}:7d``), so the same message can never be queued twice;
    ``sent_at`` is set once it was handed to the SMTP server. Busy kinds of mail are written when
    they are delivered (``render_from``; see :func:`wijkwerk.outbox.writing.renders_mail`)."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    # Empty until delivery for mail queued with ``render_from`` (``"registration-status:12:34"``):
    # written when sent, then kept as it went out.
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    render_from: Mapped[str | None] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )


class OutboxAttachment(db.Model):
    """A file sent with a message: an .ics calendar, an invoice PDF. A file that is costly to make
    (an invoice PDF) may be queued as ``render_from`` (``"invoice-pdf:42"``) and made when the
    message is delivered; ``content`` then keeps what was sent."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    render_from: Mapped[str | None] = mapped_column(String(100))

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
