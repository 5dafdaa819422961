"""Queue mail in the transaction that causes it; deliver it after the commit.

``queue`` renders ``templates/mail/<name>.txt`` and ``.html`` in the recipient's locale and adds an
:class:`OutboxMessage` with a unique ``key``: the same key is never queued twice, so a repeated
action (a double click, a replayed job) sends nothing new. ``deliver_pending`` claims each message
with an atomic conditional UPDATE before sending, so two processes never send the same message, and
records failures for a later retry (``tick``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import func, or_, select, update

from wijkwerk.extensions import db, mail
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.timeutil import now_utc

logger = logging.getLogger(__name__)

# Where anonymised people's addresses point (see wijkwerk.privacy): ".invalid" can never receive
# mail (RFC 2606), and nothing is queued for it.
ANONYMISED_DOMAIN = "geanonimiseerd.invalid"


def anonymous_address(kind: str, row_id: int) -> str:
    """The address that replaces a real one when its owner is anonymised (unique per row)."""
    return f"{kind}-{row_id}@{ANONYMISED_DOMAIN}"


def is_anonymised_address(email: str) -> bool:
    return email.lower().endswith("@" + ANONYMISED_DOMAIN)


# A claim older than this is considered abandoned (the process died while sending).
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def queued_before(key: str) -> bool:
    """Whether a message with ``key`` is in the outbox (sent or not)."""
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None


def queue(
    key: str,
    recipient: str,
    template: str,
    *,
    locale: str = "nl",
    registration_id: int | None = None,
    person_id: int | None = None,
    session_id: int | None = None,
    attachments: Iterable[Attachment] = (),
    **context: object,
) -> OutboxMessage | None:
    """Add a mail to the outbox unless one with ``key`` exists; returns the new message or None.

    The template's first line of ``<template>.txt`` is ``Subject: …``; the rest is the body.
    """
    if queued_before(key) or is_anonymised_address(recipient):
        return None  # sent before; or to someone anonymised, who can no longer be reached
    for pending in db.session.new:  # queued earlier in this same transaction
        if isinstance(pending, OutboxMessage) and pending.key == key:
            return None
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    subject_line, _, body = text.partition("\n")
    if not subject_line.startswith("Subject: "):
        raise ValueError(f"mail/{template}.txt must start with 'Subject: '")
    message = OutboxMessage(
        key=key,
        kind=template,
        recipient=recipient,
        subject=subject_line.removeprefix("Subject: ").strip(),
        body_text=body.lstrip("\n"),
        body_html=html,
        locale=locale,
        registration_id=registration_id,
        person_id=person_id,
        session_id=session_id,
    )
    for attachment in attachments:
        message.attachments.append(
            OutboxAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                content=attachment.content,
            )
        )
    db.session.add(message)
    return message


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take the right to send one message; true for exactly one claimant."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
        )
        .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _as_mail(message: OutboxMessage) -> Message:
    mail_message = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    for attachment in message.attachments:
        mail_message.attach(attachment.filename, attachment.content_type, attachment.content)
    return mail_message


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def deliver_pending(limit: int = 200) -> DeliveryReport:
    """Send queued mail over one SMTP connection; commits after each message.

    Call it after the transaction that queued the mail has committed. A failure is recorded on the
    message (``last_error``) and retried by a later call; nothing is lost.
    """
    report = DeliveryReport()
    now = now_utc()
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    if not candidates:
        return report
    try:
        with mail.connect() as connection:
            for message_id in candidates:
                if _claim(message_id, now):
                    _send_one(connection, db.session.get(OutboxMessage, message_id), report)
    except OSError as exc:  # smtplib errors are OSErrors: unreachable server, dropped connection
        logger.warning("SMTP trouble, unsent mail waits for the next run: %s", exc)
        db.session.rollback()
        report.failed = len(candidates) - report.sent
    return report


def _send_one(connection, message: OutboxMessage, report: DeliveryReport) -> None:
    try:
        connection.send(_as_mail(message))
    except Exception as exc:
        logger.warning("mail %s to %s failed: %s", message.key, message.recipient, exc)
        message.last_error = str(exc)[:1000]
        message.claimed_at = None
        report.failed += 1
    else:
        message.sent_at = now_utc()
        message.last_error = None
        report.sent += 1
    db.session.commit()


def commit_and_send() -> None:
    """End a unit of work: commit it, then send the mail it queued (whatever fails to send now is
    retried by ``tick``)."""
    db.session.commit()
    deliver_pending()


def resend(message: OutboxMessage) -> OutboxMessage:
    """Queue a copy of ``message`` (an organiser's "send again": lost in a spam filter, say).
    Each copy has its own key, so it is sent once like any other message."""
    copies = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.key.like(f"resend:{message.id}:%"))
    )
    copy = OutboxMessage(
        key=f"resend:{message.id}:{copies + 1}",
        kind=message.kind,
        recipient=message.recipient,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        locale=message.locale,
        registration_id=message.registration_id,
        person_id=message.person_id,
        session_id=message.session_id,
    )
    for attachment in message.attachments:
        copy.attachments.append(
            OutboxAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                content=attachment.content,
            )
        )
    db.session.add(copy)
    return copy


def messages_of(registration_id: int) -> list[OutboxMessage]:
    """Every mail about a registration, newest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.id.desc())
        )
    )
