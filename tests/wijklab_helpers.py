"""Building Wijklab requests, the expert pool and a lab as far as a test needs it."""

from __future__ import annotations

import copy
import io
import zipfile

from tests import factories, trio_helpers
from wijkwerk.programmes.models import Allocation, FeeUnit, ProgrammeKind
from wijkwerk.wijklab import panel

SLUG = "wijklab"
URL = f"/api/v1/programmes/{SLUG}/registrations"

REQUEST = {
    "municipality": "GM0606",
    "contact": {
        "name": "Sanne Bakker",
        "email": "s.bakker@schiedam.nl",
        "phone": "010 2465000",
        "function": "Programmamanager Schiedam-Oost",
    },
    "wijk": "Oost",
    "question": "Hoe combineren we Oost Pact Door met de aanpak van het NPLV?",
    "goal": "directions",
    "preferred_periods": "september of oktober",
    "stakeholders": "Wethouder, wijkprofessionals, bewoners van Oost Pact Door",
    "billing": {
        "organisation": "Gemeente Schiedam",
        "address": "Postbus 1501",
        "postcode": "3100EA",
        "city": "Schiedam",
        "email": "facturen@schiedam.nl",
        "po_number": "PO-2027-118",
    },
    "consent": True,
    "locale": "nl",
}


def lab_request(**changes) -> dict:
    body = copy.deepcopy(REQUEST)
    body.update(changes)
    return body


def wijklab(**changes):
    """The Wijklab: EUR 5,000 excl. btw per booking, by invoice."""
    trio_helpers.load_municipalities()
    values = {
        "slug": SLUG,
        "kind": ProgrammeKind.WIJKLAB,
        "title": "Wijklab op maat",
        "fee_cents": 500_000,
        "fee_per": FeeUnit.BOOKING,
        "capacity": None,
        "min_participants": None,
        "allocation": Allocation.FIRST_COME,
        "cancel_free_days": 28,
        "cancel_late_charge_bp": 5000,
    }
    values.update(changes)
    return factories.programme(**values)


POOL = [
    ("Ruud Vos", "TU Delft", "ruud@example.nl", "wonen, stedelijke vernieuwing"),
    ("Amira Haddou", "Movisie", "amira@example.nl", "sociaal werk, bewonersparticipatie, wonen"),
    ("Kees de Boer", "Politie", "kees@example.nl", "veiligheid"),
    ("Lotte Smit", "Woonstad", "lotte@example.nl", "wonen, bewonersparticipatie, veiligheid"),
]


def expert_pool() -> list:
    return [
        panel.save_expert({"name": name, "organisation": org, "email": email, "expertise": tags})
        for name, org, email, tags in POOL
    ]


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    """The same bytes on every call (a fixed date in the zip, not the clock's)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", "<w:document/>"),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2027, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()
