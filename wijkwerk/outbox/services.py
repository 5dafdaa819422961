"""Queue mail in the transaction that causes it; deliver it after the commit.

``queue`` renders ``templates/mail/<name>.txt`` and ``.html`` in the recipient's locale and writes
an :class:`OutboxMessage` with a unique ``key``: the same key is never queued twice, so a repeated
action (a double click, a replayed job) sends nothing new. ``deliver_pending`` claims messages with
an atomic conditional UPDATE before sending, so two processes never send the same message, and
records failures for a later retry.

Who delivers is configuration (``MAIL_DELIVERY``): ``"request"`` sends what a request queued
at its end, once its answer is made (:mod:`wijkwerk.aftercommit`), waiting at most
``MAIL_REQUEST_TIMEOUT`` for the SMTP server; ``"worker"`` leaves it to ``flask wijkwerk deliver`` (a process of its own,
:func:`run_worker`). ``tick`` delivers too, as a safety net, whatever the setting. Every SMTP
connection has a timeout (``MAIL_TIMEOUT``), so a server that accepts and never answers holds
nobody for long.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass

from flask import current_app
from flask_mail import Message
from sqlalchemy import func, insert, or_, select, update

from wijkwerk import aftercommit
from wijkwerk.db import dialect_insert
from wijkwerk.extensions import db
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.outbox.smtp import TimedConnection
from wijkwerk.outbox.writing import Attachment, attachment_row, content_of, render, written
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


# A claim older than this is considered abandoned (the process died while sending); a message the
# SMTP server refused is tried again after the same time.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10
# Messages one delivery run looks at (one SMTP connection), and how many it claims at once: one
# UPDATE for a batch, small enough to be sent long before its claims could be taken for abandoned.
BATCH = 200
CLAIM_BATCH = 20
DELIVERY_MODES = ("request", "worker")


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
    render_from: str | None = None,
    **context: object,
) -> int | None:
    """Add a mail to the outbox unless one with ``key`` exists; returns the new message's id, or
    None when nothing was queued.

    The mail is rendered from ``templates/mail/<template>`` with ``context`` now, or, given
    ``render_from`` (see :func:`renders_mail`), when it is delivered. The row is written at once,
    as ``INSERT … ON CONFLICT (key) DO NOTHING``: a key queued before, in this transaction or by a
    concurrent one, adds nothing and fails nothing. Whatever the ids point to must be in the
    database already (flushed). A caller that may repeat itself often (a job) asks
    :func:`queued_before` first, to skip the rendering.
    """
    if is_anonymised_address(recipient):
        return None  # someone anonymised can no longer be reached
    subject = body_text = body_html = None
    if render_from is None:
        subject, body_text, body_html = render(template, locale, context)
    elif context:
        raise TypeError("a mail written at delivery takes its context from render_from")
    messages = OutboxMessage.__table__
    message_id = db.session.execute(
        dialect_insert(db.session, messages)
        .values(
            key=key,
            kind=template,
            recipient=recipient,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            render_from=render_from,
            locale=locale,
            registration_id=registration_id,
            person_id=person_id,
            session_id=session_id,
        )
        .on_conflict_do_nothing(index_elements=[messages.c.key])
        .returning(messages.c.id)
    ).scalar_one_or_none()
    if message_id is None:
        return None
    rows = [{**asdict(attachment), "message_id": message_id} for attachment in attachments]
    if rows:
        db.session.execute(insert(OutboxAttachment.__table__), rows)
    aftercommit.expect(db.session, aftercommit.MAIL, [message_id])
    return message_id


def _claimable(now: dt.datetime):
    """Unsent, and not claimed by a sender that may still be busy with it."""
    return (
        OutboxMessage.sent_at.is_(None),
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )


def _claim(message_ids: list[int], now: dt.datetime) -> list[int]:
    """Take the right to send these messages; each id is returned to exactly one claimant."""
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), *_claimable(now))
        .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _as_mail(message: OutboxMessage) -> Message:
    written(message)
    mail_message = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        # Our mail comes from a no-reply address; an answer goes to the organisation.
        reply_to=current_app.config.get("MAIL_REPLY_TO")
        or current_app.config.get("ORGANISATION_EMAIL"),
        # RFC 3834: out-of-office replies and auto-responders do not answer it.
        extra_headers={"Auto-Submitted": "auto-generated"},
    )
    for attachment in message.attachments:
        mail_message.attach(attachment.filename, attachment.content_type, content_of(attachment))
    return mail_message


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    interrupted: bool = False  # the SMTP server could not be reached or dropped the connection


def deliver_pending(
    limit: int = BATCH,
    *,
    only: Collection[int] | None = None,
    timeout: float | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Send queued mail over one SMTP connection; commits after each message.

    ``only`` limits it to these messages (what one request queued); ``timeout`` bounds every SMTP
    operation (default ``MAIL_TIMEOUT``); a set ``stop`` ends the run between two messages. Call
    it after the transaction that queued the mail has committed. A failure is recorded on the
    message (``last_error``) and retried by a later call; nothing is lost.
    """
    report = DeliveryReport()
    now = now_utc()
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.attempts < MAX_ATTEMPTS, *_claimable(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if only is not None:
        query = query.where(OutboxMessage.id.in_(list(only)))
    candidates = db.session.scalars(query).all()
    db.session.commit()
    if not candidates:
        return report
    unsent: list[int] = []  # claimed by this run and not sent yet
    seconds = float(current_app.config["MAIL_TIMEOUT"] if timeout is None else timeout)
    try:
        with TimedConnection(seconds) as connection:
            for start in range(0, len(candidates), CLAIM_BATCH):
                if _stopped(stop):
                    break
                unsent = _claim(candidates[start : start + CLAIM_BATCH], now_utc())
                while unsent and not _stopped(stop):
                    _send_one(connection, db.session.get(OutboxMessage, unsent[0]), report)
                    unsent.pop(0)
                _release(unsent)
    except OSError as exc:  # smtplib errors are OSErrors: unreachable server, dropped connection
        logger.warning("SMTP trouble, unsent mail waits for the next run: %s", exc)
        db.session.rollback()
        _release(unsent)
        report.failed = len(candidates) - report.sent
        report.interrupted = True
    return report


def _stopped(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _release(message_ids: list[int]) -> None:
    """Give up the claims of messages a dropped connection left unsent: the next run takes them."""
    if not message_ids:
        return
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.sent_at.is_(None))
        .values(claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _send_one(connection, message: OutboxMessage, report: DeliveryReport) -> None:
    try:
        # Written and sent before anything is flushed: on SQLite, which lets one connection write
        # at a time, a worker at low priority must not hold the write lock while it renders a PDF
        # or waits for SMTP.
        with db.session.no_autoflush:
            connection.send(_as_mail(message))
    except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError):
        raise  # not this message's fault: the run stops and its claims are given up
    except Exception as exc:  # refused by the server, or an attachment that could not be made
        logger.warning("mail %s to %s failed: %s", message.key, message.recipient, exc)
        message.last_error = str(exc)[:1000]  # the claim stays: tried again after CLAIM_TIMEOUT
        report.failed += 1
    else:
        message.sent_at = now_utc()
        message.last_error = None
        report.sent += 1
    db.session.commit()


def run_worker(stop: threading.Event, *, interval: float = 1.0, max_pause: float = 60.0) -> int:
    """Deliver queued mail until ``stop`` is set: at once while a full batch came out, every
    ``interval`` seconds otherwise, and less often (up to ``max_pause``) while the SMTP server or
    the database cannot be reached. Returns how many messages were sent."""
    sent = 0
    pause = interval
    while not stop.is_set():
        try:
            report = deliver_pending(BATCH, stop=stop)
        except Exception:  # the database gone away, say: log it and keep the worker alive
            logger.exception("mail delivery failed; trying again")
            db.session.rollback()
            report = DeliveryReport(interrupted=True)
        finally:
            db.session.remove()
        sent += report.sent
        if report.interrupted:
            pause = min(pause * 2, max_pause)
        else:
            pause = interval
            if report.sent + report.failed >= BATCH:
                continue  # there may be more waiting
        stop.wait(pause)
    return sent


def resend(message: OutboxMessage) -> OutboxMessage:
    """Queue a copy of ``message`` (an organiser's "send again": lost in a spam filter, say).
    Each copy has its own key, so it is sent once like any other message."""
    written(message)  # a copy of what was (or is about to be) sent, not a second rendering
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
    copy.attachments.extend(attachment_row(a) for a in message.attachments)
    db.session.add(copy)
    db.session.flush()
    aftercommit.expect(db.session, aftercommit.MAIL, [copy.id])
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


def _deliver_after_commit(ids: list[int], config: dict) -> bool:
    """A request's own mail, sent at its end when ``MAIL_DELIVERY`` is ``request`` (else the
    ``deliver`` worker sends it); true when the SMTP server gave trouble."""
    if config["MAIL_DELIVERY"] != "request":
        return False
    report = deliver_pending(only=ids, timeout=float(config["MAIL_REQUEST_TIMEOUT"]))
    return report.interrupted


aftercommit.does(aftercommit.MAIL, _deliver_after_commit)
