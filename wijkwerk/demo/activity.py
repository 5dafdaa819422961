"""Demo activity, so that each programme shows a realistic state; each kind brings its own
(``demo_activity`` in wijkwerk/programmes/kinds.py), made through the same services as real use."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from sqlalchemy import delete, select

from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Programme


def load_activity(programmes: list[Programme], now: dt.datetime) -> list[str]:
    """Fill the just-created programmes with each kind's demo activity (its ``demo_activity`` in
    the registry); returns what was made. Without the municipalities (load them first) nothing is
    made, and the mails the services queued are taken out of the outbox again."""
    if db.session.scalar(select(Municipality.code).limit(1)) is None:
        return []
    before = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    made = []
    for programme in programmes:
        activity = kinds.of(programme).demo_activity
        if activity is not None:
            made += activity(programme, now)
    db.session.flush()
    demo_mail = select(OutboxMessage.id).where(OutboxMessage.id > before)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(demo_mail)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > before))
    return made


_FIRST = (
    "Noor",
    "Sem",
    "Lotte",
    "Daan",
    "Fleur",
    "Milan",
    "Eva",
    "Thijs",
    "Sara",
    "Luuk",
    "Yara",
    "Ruben",
)
_LAST = (
    "Visser",
    "de Boer",
    "Mulder",
    "Bos",
    "Smit",
    "de Graaf",
    "Jacobs",
    "Meijer",
    "Kok",
    "Peters",
    "El Idrissi",
    "van Dam",
)


def demo_name(number: int) -> str:
    """A made-up person's name, a different one for each ``number`` below 144 (the demo's people
    read like people, not like "Contactpersoon Amsterdam")."""
    first = number % len(_FIRST)
    return f"{_FIRST[first]} {_LAST[(number // len(_FIRST) + first) % len(_LAST)]}"


def demo_oin(code: str) -> str:
    """A fictional OIN for a demo municipality's billing details, of an OIN's form (20 digits):
    so the demo's invoices also come as an e-invoice (docs/einvoice.md)."""
    return f"0000000100{code[2:]}000000"


def demo_email(name: str, domain: str = "example.nl") -> str:
    return name.lower().replace(" ", ".") + "@" + domain


def demo_pdf(title: str, text: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=16)
    document.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    document.set_font("helvetica", size=11)
    document.multi_cell(w=0, text=text)
    return bytes(document.output())
