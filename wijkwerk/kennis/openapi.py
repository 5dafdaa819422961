"""The Kennisprogramma's part of the OpenAPI document: a city's admission, the cities with their
people per meeting, and a meeting's host and presenters. Its entry in the kind registry
(kind.py) carries it."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import (
    REGISTRATION_ID,
    SESSION_ID,
    SLUG,
    WARNINGS,
    read,
    ref,
    write,
)
from wijkwerk.api.openapi.schemas_registration import MEMBER
from wijkwerk.kennis.api import MeetingSettingsInput
from wijkwerk.kennis.delegates import DelegatesInput

SCHEMAS: dict[str, dict | type] = {
    "City": {
        "type": "object",
        "properties": {
            "registration": {"type": "integer"},
            "name": {"type": "string"},
            "municipality": {"type": "string"},
            "wijk": {"type": "string"},
            "region": {"type": ["string", "null"]},
            "contact": {"type": "object"},
            "wijkanalyse": {"type": ["string", "null"]},
            "meetings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "session": {"type": "integer"},
                        "delegates": {"type": "array", "items": MEMBER},
                    },
                },
            },
        },
    },
    "DelegatesInput": DelegatesInput,
    "DelegatesAnswer": {
        "type": "object",
        "properties": {
            "delegates": {"type": "array", "items": MEMBER},
            "warnings": WARNINGS,
        },
    },
    "MeetingSettingsInput": MeetingSettingsInput,
    "Meeting": {
        "type": "object",
        "properties": {
            "session": ref("Session"),
            "host": {"type": ["integer", "null"]},
            "presenters": {"type": "array", "items": {"type": "integer"}},
            "naming_deadline": {"type": "string", "format": "date-time"},
            "warnings": {"type": "array", "items": {"type": "object"}},
        },
    },
}
PATHS: dict[str, dict] = {
    "/programmes/{slug}/cities": read(
        "De steden van een kennisprogramma met hun deelnemers per bijeenkomst",
        {"type": "array", "items": ref("City")},
        "Steden",
        [SLUG],
    ),
    "/registrations/{registration_id}/sessions/{session_id}/delegates": {
        "put": write(
            "Wie een stad naar een bijeenkomst stuurt (twee of drie; meer wordt geweigerd)",
            body="DelegatesInput",
            answer=("DelegatesAnswer", "De deelnemers, met waarschuwingen"),
            parameters=[REGISTRATION_ID, SESSION_ID],
            conflict=True,
        )
    },
    "/sessions/{session_id}/meeting": {
        "put": write(
            "Gastwijk, presenterende wijken en opgeeftermijn van een themabijeenkomst",
            body="MeetingSettingsInput",
            answer=("Meeting", "De bijeenkomst"),
            parameters=[SESSION_ID],
        )
    },
}
