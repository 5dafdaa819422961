"""Storing and serving uploaded documents. An upload is accepted by what its bytes are (PDF, Word,
OpenDocument), not by its name or the browser's word for it, and is always served as a download."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import filetype
from flask import Response
from flask_babel import gettext as _

from wijkwerk.accounts.models import Account
from wijkwerk.documents.models import Document
from wijkwerk.extensions import db
from wijkwerk.validation import Problem, RuleViolation

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"pdf", "docx", "odt"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, extension: str) -> str:
    """A plain file name to offer on download: no path, no control characters, the real extension."""
    base = unicodedata.normalize("NFKD", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = base.encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("", base.rsplit(".", 1)[0]).strip(" .")[:150] or "document"
    return f"{stem}.{extension}"


def store(
    filename: str, content: bytes, *, field: str = "document", by: Account | None = None
) -> Document:
    """Keep an uploaded document. Raises :class:`RuleViolation` (at ``field``) when it is empty,
    larger than 10 MB, or not a PDF, Word or OpenDocument text."""
    if not content:
        raise RuleViolation(Problem("required", field, _("Kies een bestand.")))
    if len(content) > MAX_BYTES:
        raise RuleViolation(Problem("invalid", field, _("Het bestand is groter dan 10 MB.")))
    kind = filetype.guess(content)
    if kind is None or kind.extension not in ALLOWED:
        raise RuleViolation(
            Problem(
                "invalid",
                field,
                _("Kies een PDF, een Word-bestand (.docx) of een OpenDocument-tekst (.odt)."),
            )
        )
    document = Document(
        filename=safe_filename(filename or "", kind.extension),
        content_type=kind.mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
    )
    db.session.add(document)
    return document


def read_upload(upload) -> tuple[str, bytes]:
    """The name and bytes of an uploaded file (``werkzeug.FileStorage``), reading no more than
    one byte past the limit, so :func:`store` can refuse what is too large."""
    if not upload:
        return "", b""
    return upload.filename or "", upload.read(MAX_BYTES + 1)


def download(document: Document) -> Response:
    """The document as an attachment that no browser renders or sniffs, and no cache keeps."""
    response = Response(document.content, mimetype=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
