"""How a mail is written: from ``templates/mail/<name>.txt`` and ``.html`` in the recipient's
locale, now or when it is delivered (``render_from``), with its files made now or then. Queueing
and delivery are in :mod:`wijkwerk.outbox.services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True)
class Attachment:
    """A file for a message: its ``content``, or ``render_from`` (``"<kind>:<id>"``) to make it
    when the message is delivered (see :func:`renders_attachment`)."""

    filename: str
    content_type: str
    content: bytes | None = None
    render_from: str | None = None


# Attachments made at delivery rather than when queued: the request that queues an invoice mail
# does not pay for rendering the PDF. Each kind's renderer takes the id and returns the bytes.
_RENDERERS: dict[str, Callable[[int], bytes]] = {}


def renders_attachment(kind: str) -> Callable[[Callable[[int], bytes]], Callable[[int], bytes]]:
    """Register the function that makes the attachments queued as ``render_from="<kind>:<id>"``."""

    def register(function: Callable[[int], bytes]) -> Callable[[int], bytes]:
        _RENDERERS[kind] = function
        return function

    return register


def content_of(attachment: OutboxAttachment) -> bytes:
    """The attachment's bytes, rendered now (and kept, so the copy shows what was sent) when it
    was queued to be made at delivery."""
    if attachment.content is None:
        kind, _, object_id = (attachment.render_from or "").partition(":")
        if kind not in _RENDERERS:
            raise LookupError(f"no renderer for attachment {attachment.render_from!r}")
        attachment.content = _RENDERERS[kind](int(object_id))
    return attachment.content


# Mail written at delivery rather than when queued: the busiest mails (a registration's status, an
# invoice) are queued as ``render_from="<kind>:<ids>"`` and the transaction that causes them only
# writes that reference; SQLite, which lets one transaction write at a time, is not kept waiting
# while templates render. Each kind's function takes the part after the colon and returns what
# the mail is made of. The message then shows the records as they are when it is sent (in the
# default ``MAIL_DELIVERY = "request"`` that is right after the commit).
@dataclass(frozen=True)
class MailContent:
    """What a mail written at delivery is made of: its template's context and its files."""

    context: dict
    attachments: tuple[Attachment, ...] = ()


_MAIL_CONTENTS: dict[str, Callable[[str], MailContent]] = {}


def renders_mail(
    kind: str,
) -> Callable[[Callable[[str], MailContent]], Callable[[str], MailContent]]:
    """Register the function that makes mail queued as ``render_from="<kind>:<argument>"``."""

    def register(function: Callable[[str], MailContent]) -> Callable[[str], MailContent]:
        _MAIL_CONTENTS[kind] = function
        return function

    return register


def attachment_row(attachment: Attachment | OutboxAttachment) -> OutboxAttachment:
    return OutboxAttachment(
        filename=attachment.filename,
        content_type=attachment.content_type,
        content=attachment.content,
        render_from=attachment.render_from,
    )


def render(template: str, locale: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of ``templates/mail/<template>``: the first line of the ``.txt``
    is ``Subject: …``, the rest is the body."""
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    subject_line, _, body = text.partition("\n")
    if not subject_line.startswith("Subject: "):
        raise ValueError(f"mail/{template}.txt must start with 'Subject: '")
    return subject_line.removeprefix("Subject: ").strip(), body.lstrip("\n"), html


def written(message: OutboxMessage) -> None:
    """Give ``message`` its subject, body and files if it was queued to be written at delivery;
    they are kept, so the copy shows what was sent."""
    if message.subject is None:
        kind, _, argument = (message.render_from or "").partition(":")
        if kind not in _MAIL_CONTENTS:
            raise LookupError(f"no renderer for mail {message.render_from!r}")
        content = _MAIL_CONTENTS[kind](argument)
        message.subject, message.body_text, message.body_html = render(
            message.kind, message.locale, content.context
        )
        rows = [attachment_row(a) for a in content.attachments]
        message.attachments.extend(rows)
        for row in rows:  # now, while the records they are made from are loaded (and not again)
            content_of(row)
