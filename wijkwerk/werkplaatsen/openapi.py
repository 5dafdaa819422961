"""The werkplaats's part of the OpenAPI document: a trio's registration request (docs/api.md).
Its entry in the kind registry (kind.py) carries it."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import enum_of, ref
from wijkwerk.api.openapi.schemas_registration import PERSON
from wijkwerk.registrations.parts import Domain
from wijkwerk.werkplaatsen.inputs import TRIO_ROLES

TRIO_MEMBER = {
    "type": "object",
    "required": ["name", "email", "function", "role", "domain"],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "function": {"type": "string"},
        "role": enum_of(TRIO_ROLES),
        "domain": enum_of(Domain),
    },
}
SCHEMAS: dict[str, dict] = {}
SCHEMAS["TrioRegistrationRequest"] = {
    "type": "object",
    "required": ["municipality", "casus", "members", "approver"],
    "properties": {
        "municipality": {"type": "string", "pattern": "^GM[0-9]{4}$"},
        "casus": {
            "type": "object",
            "required": ["title", "wijk", "description", "domains"],
            "properties": {
                "title": {"type": "string"},
                "wijk": {"type": "string"},
                "description": {"type": "string"},
                "domains": {"type": "array", "items": enum_of(Domain), "minItems": 2},
            },
        },
        "members": {"type": "array", "items": TRIO_MEMBER, "minItems": 3, "maxItems": 3},
        "approver": PERSON,
        "billing": {
            "oneOf": [ref("Billing"), {"type": "null"}],
            "description": "factuurgegevens; nodig als de gemeente betaalt",
        },
        "consent": {
            "type": "boolean",
            "description": "toestemming volgens de privacyverklaring; `false` wordt geweigerd",
        },
        "locale": {"type": "string", "enum": ["nl", "en"]},
        "allow_second": {
            "type": "boolean",
            "description": "Alleen met een organisator-token: een tweede trio van dezelfde gemeente.",
        },
    },
}
