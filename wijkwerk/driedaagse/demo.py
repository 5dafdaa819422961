"""Demo activity for the driedaagse: individuals paying by invoice — one invoice overdue, one
with wishes for the venue, one cancelled — made through the same services as real use."""

from __future__ import annotations

import datetime as dt

from wijkwerk.demo.activity import demo_email as _email
from wijkwerk.demo.activity import demo_name
from wijkwerk.driedaagse import services as individuals
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations import lifecycle

# organisation, days ago it registered, dietary needs, accessibility needs, cancelled
PEOPLE = [
    ("Gemeente Rotterdam", 45, "", "", False),  # its invoice is past its due date
    ("Gemeente Utrecht", 20, "vegetarisch", "", False),
    ("Woonstad Rotterdam", 12, "", "rolstoeltoegankelijke kamer", False),
    ("Gemeente Zwolle", 9, "glutenvrij", "", False),
    ("Gemeente Arnhem", 6, "", "", True),
]


def activity(programme: Programme, now: dt.datetime) -> list[str]:
    made = []
    for number, (organisation, days_ago, dietary, access, cancelled) in enumerate(PEOPLE):
        name = demo_name(130 + number)
        at = now - dt.timedelta(days=days_ago)
        registration = individuals.register_individual(
            programme,
            {
                "person": {
                    "name": name,
                    "email": _email(f"{name} {organisation}"),
                    "phone": "06 12345678",
                    "function": "Programmamanager wijkaanpak",
                    "organisation": organisation,
                    "organisation_type": "gemeente",
                    "role": "programmaleider",
                },
                "billing": {
                    "organisation": organisation,
                    "address": "Postbus 1",
                    "postcode": "1000 AA",
                    "city": organisation.split()[-1],
                    "email": _email(f"facturen {organisation}"),
                    "po_number": f"4500{number:06d}",
                    # a KvK number's form (fictional); the first leaves it out, so the demo also
                    # shows an invoice without an e-invoice (docs/einvoice.md)
                    "kvk_or_oin": f"5000{number:04d}" if number else "",
                },
                "payment_method": "invoice",
                "dietary_needs": dietary,
                "accessibility_needs": access,
                "consent": True,
                "locale": "nl",
            },
            now=at,
        ).registration
        if cancelled:
            lifecycle.cancel(registration, now=at + dt.timedelta(days=1))
        made.append(f"Deelnemer {name} ({organisation})")
    return made
