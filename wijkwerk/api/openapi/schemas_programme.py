"""The schemas of the catalogue: municipalities, programmes with their fee and sessions, what an
organiser sends to make a programme or change a session, and the result of an allocation."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import enum_of, ref
from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    ProgrammeKind,
    RegistrationWindow,
    SessionStatus,
)

SCHEMAS: dict[str, dict] = {
    "Municipality": {
        "type": "object",
        "required": ["code", "name", "population", "middelgroot"],
        "properties": {
            "code": {"type": "string", "pattern": "^GM[0-9]{4}$"},
            "name": {"type": "string"},
            "official_name": {"type": "string"},
            "province": {"type": "string"},
            "population": {"type": "integer"},
            "middelgroot": {"type": "boolean"},
        },
    },
    "Fee": {
        "type": "object",
        "required": ["amount_cents", "vat_rate", "per"],
        "properties": {
            "amount_cents": {"type": "integer", "description": "excl. btw, in eurocent"},
            "vat_rate": {"type": "string", "examples": ["21"]},
            "vat_cents": {"type": "integer"},
            "total_cents": {"type": "integer"},
            "per": enum_of(FeeUnit),
        },
    },
    "Session": {
        "type": "object",
        "required": ["id", "title", "starts_at", "ends_at", "location", "status"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "theme": {"type": "string"},
            "outcome": {"type": "string"},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "location": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
            },
            "status": enum_of(SessionStatus),
            "uid": {
                "type": "string",
                "description": "iCalendar UID, stable for the session's life",
            },
            "sequence": {
                "type": "integer",
                "description": "iCalendar SEQUENCE; rises at each change",
            },
        },
    },
    "Programme": {
        "type": "object",
        "required": ["slug", "kind", "title", "fee", "allocation", "state", "sessions"],
        "properties": {
            "slug": {"type": "string"},
            "kind": enum_of(ProgrammeKind),
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "fee": ref("Fee"),
            "exemption": {"oneOf": [enum_of(Exemption), {"type": "null"}]},
            "capacity": {"type": ["integer", "null"]},
            "min_participants": {"type": ["integer", "null"]},
            "registration_deadline": {"type": ["string", "null"], "format": "date-time"},
            "allocation": enum_of(Allocation),
            "state": enum_of(RegistrationWindow),
            "places_left": {"type": ["integer", "null"]},
            "sessions": {"type": "array", "items": ref("Session")},
        },
    },
}
SCHEMAS["ProgrammeCreate"] = {
    "type": "object",
    "required": ["slug", "kind", "title"],
    "properties": {
        "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "kind": enum_of(ProgrammeKind),
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "description": {"type": "string"},
        "fee": {
            "type": "object",
            "properties": {
                "amount_cents": {"type": "integer", "description": "excl. btw"},
                "vat_rate": {"type": "string", "examples": ["21"]},
                "per": enum_of(FeeUnit),
            },
        },
        "exemption": {"oneOf": [enum_of(Exemption), {"type": "null"}]},
        "capacity": {"type": ["integer", "null"]},
        "min_participants": {"type": ["integer", "null"]},
        "registration_deadline": {"type": ["string", "null"], "format": "date-time"},
        "allocation": enum_of(Allocation),
        "state": {"type": "string", "enum": ["draft", "published"]},
        "sessions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "starts_at", "ends_at"],
                "properties": {
                    "title": {"type": "string"},
                    "theme": {"type": "string"},
                    "outcome": {"type": "string"},
                    "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"},
                    "location": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
                    },
                },
            },
        },
    },
}
SCHEMAS["Allocation"] = {
    "type": "object",
    "properties": {
        "confirmed": {"type": "array", "items": {"type": "string"}},
        "waitlisted": {"type": "array", "items": {"type": "string"}},
        "places_taken": {"type": "integer"},
        "min_participants": {"type": ["integer", "null"]},
        "below_minimum": {"type": "boolean"},
    },
}
SCHEMAS["ProgrammeCancellation"] = {
    "type": "object",
    "required": ["programme", "registrations_cancelled", "invoices_credited", "payments_refunded"],
    "properties": {
        "programme": ref("Programme"),
        "registrations_cancelled": {"type": "integer"},
        "invoices_credited": {"type": "integer"},
        "payments_refunded": {"type": "integer"},
    },
}
