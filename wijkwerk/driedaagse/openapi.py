"""The driedaagse's part of the OpenAPI document: an individual's registration request
(docs/api.md). Its entry in the kind registry (kind.py) carries it."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import enum_of, ref
from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.registrations.parts import ProfessionalRole

SCHEMAS: dict[str, dict] = {}
SCHEMAS["IndividualRegistrationRequest"] = {
    "type": "object",
    "required": ["person", "billing"],
    "properties": {
        "person": {
            "type": "object",
            "required": ["name", "email", "organisation", "organisation_type", "role"],
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "phone": {"type": ["string", "null"]},
                "function": {"type": ["string", "null"]},
                "organisation": {"type": "string"},
                "organisation_type": enum_of(OrganisationType),
                "role": enum_of(ProfessionalRole),
            },
        },
        "billing": ref("Billing"),
        "payment_method": {
            **enum_of(PaymentMethod),
            "description": "verplicht als het programma iets kost; `stripe` alleen als Stripe is ingesteld",
        },
        "dietary_needs": {"type": "string"},
        "accessibility_needs": {"type": "string"},
        "consent": {
            "type": "boolean",
            "description": "toestemming volgens de privacyverklaring; `false` wordt geweigerd",
        },
        "locale": {"type": "string", "enum": ["nl", "en"]},
    },
}
