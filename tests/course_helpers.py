"""Building driedaagse (course) requests and playing Stripe's part of a payment."""

from __future__ import annotations

import copy
import json

from tests import factories
from tests.stripe_server import sign
from wijkwerk.programmes.models import Allocation, FeeUnit, ProgrammeKind
from wijkwerk.timeutil import local

SLUG = "driedaagse"
URL = f"/api/v1/programmes/{SLUG}/registrations"

VALID_INDIVIDUAL = {
    "person": {
        "name": "Fatima el Amrani",
        "email": "fatima@rotterdam.nl",
        "phone": "06 12345678",
        "function": "Programmamanager wijkaanpak",
        "organisation": "Gemeente Rotterdam",
        "organisation_type": "gemeente",
        "role": "programmaleider",
    },
    "billing": {
        "organisation": "Gemeente Rotterdam",
        "address": "Coolsingel 40",
        "postcode": "3011ad",
        "city": "Rotterdam",
        "email": "facturen@rotterdam.nl",
        "po_number": "4500123456",
    },
    "payment_method": "invoice",
    "dietary_needs": "vegetarisch",
    "consent": True,
    "locale": "nl",
}


def individual(email: str = "fatima@rotterdam.nl", **changes) -> dict:
    body = copy.deepcopy(VALID_INDIVIDUAL)
    body["person"]["email"] = email
    body.update(changes)
    return body


def course(**changes):
    """The driedaagse: EUR 1,800 excl. btw, 21 %, three days from 22 November 2099, free
    cancellation until six weeks before, half the price due after that."""
    values = {
        "slug": SLUG,
        "kind": ProgrammeKind.DRIEDAAGSE,
        "title": "Werkplaats Werken aan wijkontwikkeling",
        "fee_cents": 180_000,
        "vat_rate_bp": 2100,
        "fee_per": FeeUnit.PERSON,
        "capacity": 3,
        "min_participants": None,
        "allocation": Allocation.FIRST_COME,
        "registration_deadline": local(2099, 9, 16, 23, 59),
        "cancel_free_days": 42,
        "cancel_late_charge_bp": 5000,
    }
    values.update(changes)
    programme = factories.programme(**values)
    for day in (22, 23, 24):
        factories.session(
            programme,
            day=(2099, 11, day),
            start=(9, 30),
            end=(17, 0),
            title=f"Dag {day - 21}",
            location_name="Kaap Doorn",
            location_address="Postweg 9, 3941 KN Doorn",
        )
    return programme


def deliver(client, event: dict, secret: str | None = None, *, timestamp: int | None = None):
    """POST ``event`` to the webhook as Stripe would, signed."""
    payload = json.dumps(event).encode()
    kwargs = {} if secret is None else {"secret": secret}
    return client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": sign(payload, timestamp=timestamp, **kwargs)},
        content_type="application/json",
    )
