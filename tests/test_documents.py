"""Uploaded documents: accepted by what their bytes are, never by their name, and kept whole."""

from __future__ import annotations

import pytest

from tests.wijklab_helpers import docx_bytes, pdf_bytes
from wijkwerk.documents import services as documents
from wijkwerk.validation import RuleViolation


@pytest.mark.parametrize(
    ("name", "content", "stored_as", "content_type"),
    [
        ("notitie.pdf", pdf_bytes(), "notitie.pdf", "application/pdf"),
        ("../../etc/passwd.pdf", pdf_bytes(), "passwd.pdf", "application/pdf"),
        ("C:\\Users\\x\\Notitie Oost.exe", docx_bytes(), "Notitie Oost.docx", None),
        ('"quoted"; evil.pdf', pdf_bytes(), "quoted evil.pdf", "application/pdf"),
        ("", pdf_bytes(), "document.pdf", "application/pdf"),
    ],
)
def test_a_document_keeps_a_safe_name_and_its_real_type(db, name, content, stored_as, content_type):
    document = documents.store(name, content)
    db.session.commit()
    assert document.filename == stored_as
    assert content_type is None or document.content_type == content_type
    assert db.session.get(type(document), document.id).content == content
    assert len(document.sha256) == 64 and document.size == len(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Kies een bestand."),
        (b"MZ\x90\x00 a program", "Kies een PDF"),
        (b"<html><script>alert(1)</script></html>", "Kies een PDF"),
        (b"%PDF-1.4" + b"0" * documents.MAX_BYTES, "groter dan 10 MB"),
    ],
)
def test_anything_else_is_refused(db, content, message):
    with pytest.raises(RuleViolation) as refused:
        documents.store("stuk.pdf", content)
    assert message in refused.value.problems[0].message
