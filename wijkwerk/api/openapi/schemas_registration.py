"""The schemas of a registration: its billing details, the registration as the
public POST answers it, and as organisers read it (members, payments, invoices, history)."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import WARNINGS, enum_of, ref
from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments.models import InvoiceKind, PaymentMethod, PaymentStatus, RefundStatus
from wijkwerk.registrations.models import RegistrationState
from wijkwerk.registrations.parts import Domain, MemberRole, ProfessionalRole

SCHEMAS: dict[str, dict] = {}
# A person: a trio's approver, a member
PERSON = {
    "type": "object",
    "required": ["name", "email", "function"],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "function": {"type": "string"},
    },
}
SCHEMAS["Billing"] = {
    "type": "object",
    "required": ["organisation", "address", "postcode", "city", "email"],
    "properties": {
        "organisation": {"type": "string"},
        "address": {"type": "string"},
        "postcode": {"type": "string", "examples": ["1234 AB"]},
        "city": {"type": "string"},
        "email": {"type": "string", "format": "email", "description": "waar de factuur heen gaat"},
        "po_number": {
            "type": ["string", "null"],
            "description": "inkoopordernummer; verplicht voor een gemeente die op factuur betaalt",
        },
        "ordered_by": {"type": ["string", "null"], "description": "standaard: de aanmelder"},
    },
}
SCHEMAS["Registration"] = {
    "type": "object",
    "required": ["id", "reference", "programme", "state", "fee", "warnings", "manage_url"],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string"},
        "programme": {"type": "string"},
        "state": enum_of(RegistrationState),
        "fee": {
            "type": "object",
            "properties": {
                "amount_cents": {"type": "integer"},
                "vat_rate": {"type": "string"},
                "vat_cents": {"type": "integer"},
                "total_cents": {"type": "integer"},
                "exempt": {"type": "boolean"},
                "exemption_reason": {"type": ["string", "null"]},
            },
        },
        "warnings": WARNINGS,
        "payment_url": {"type": ["string", "null"]},
        "calendar_url": {"type": ["string", "null"]},
        "manage_url": {"type": "string"},
    },
}
SCHEMAS["Payment"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "method": enum_of(PaymentMethod),
        "status": enum_of(PaymentStatus),
        "amount_cents": {"type": "integer", "description": "incl. btw"},
        "refunded_cents": {"type": "integer"},
        "currency": {"type": "string"},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "paid_at": {"type": ["string", "null"], "format": "date-time"},
        "refunds": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "amount_cents": {"type": "integer"},
                    "status": enum_of(RefundStatus),
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}
SCHEMAS["Invoice"] = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "examples": ["2027-0001"]},
        "kind": enum_of(InvoiceKind),
        "credits": {
            "type": ["string", "null"],
            "description": "het nummer dat deze creditfactuur crediteert",
        },
        "issued_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": "string", "format": "date-time"},
        "paid_at": {"type": ["string", "null"], "format": "date-time"},
        "amount_cents": {
            "type": "integer",
            "description": "excl. btw; negatief bij een creditfactuur",
        },
        "vat_rate": {"type": "string"},
        "vat_cents": {"type": "integer"},
        "total_cents": {"type": "integer"},
        "buyer_reference": {"type": ["string", "null"]},
    },
}
MEMBER = {
    "type": "object",
    "properties": {
        **PERSON["properties"],
        "role": enum_of(MemberRole),
        "domain": {"oneOf": [enum_of(Domain), {"type": "null"}]},
        "function": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]},
        "organisation": {"type": ["string", "null"]},
        "organisation_type": {"oneOf": [enum_of(OrganisationType), {"type": "null"}]},
        "professional_role": {"oneOf": [enum_of(ProfessionalRole), {"type": "null"}]},
        "dietary_needs": {"type": "string"},
        "accessibility_needs": {"type": "string"},
        "session": {
            "type": ["integer", "null"],
            "description": "de bijeenkomst waarvoor een stad deze persoon opgaf",
        },
    },
}
SCHEMAS["RegistrationDetail"] = {
    "allOf": [
        ref("Registration"),
        {
            "type": "object",
            "properties": {
                "payment_method": {"oneOf": [enum_of(PaymentMethod), {"type": "null"}]},
                "billing": {"oneOf": [ref("Billing"), {"type": "null"}]},
                "payments": {"type": "array", "items": ref("Payment")},
                "invoices": {"type": "array", "items": ref("Invoice")},
                "members": {"type": "array", "items": MEMBER},
                "approver": {"oneOf": [PERSON, {"type": "null"}]},
                "history": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "from": {"type": ["string", "null"]},
                            "to": {"type": "string"},
                            "at": {"type": "string", "format": "date-time"},
                            "by": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        },
    ]
}
