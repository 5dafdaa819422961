"""The schemas of attendance: the marks an organiser records, a session's roster and the matrix of
a programme."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import enum_of
from wijkwerk.attendance.models import AttendanceStatus

SCHEMAS: dict[str, dict] = {}
_MARK = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "status": enum_of(AttendanceStatus),
                "substitute": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "email": {"type": ["string", "null"]},
                            },
                        },
                        {"type": "null"},
                    ]
                },
                "recorded_at": {"type": "string", "format": "date-time"},
            },
        },
        {"type": "null"},
    ]
}
_SESSION_REF = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "starts_at": {"type": "string", "format": "date-time"},
    },
}
SCHEMAS["AttendanceRecords"] = {
    "type": "object",
    "required": ["records"],
    "properties": {
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["email", "status"],
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "status": enum_of(AttendanceStatus),
                    "substitute": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "email": {"type": "string", "format": "email"},
                                },
                            },
                            {"type": "null"},
                        ]
                    },
                },
            },
        }
    },
}
SCHEMAS["Roster"] = {
    "type": "object",
    "properties": {
        "session": _SESSION_REF,
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "email": {"type": "string"},
                    "name": {"type": "string"},
                    "registration": {"type": "string"},
                    "group": {"type": "string"},
                    "attendance": _MARK,
                },
            },
        },
    },
}
SCHEMAS["AttendanceMatrix"] = {
    "type": "object",
    "properties": {
        "programme": {"type": "string"},
        "sessions": {
            "type": "array",
            "items": {
                "allOf": [
                    _SESSION_REF,
                    {"type": "object", "properties": {"present": {"type": "integer"}}},
                ]
            },
        },
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "email": {"type": "string"},
                    "name": {"type": "string"},
                    "registration": {"type": "string"},
                    "group": {"type": "string"},
                    "present": {"type": "integer"},
                    "marks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "session_id": {"type": "integer"},
                                "expected": {"type": "boolean"},
                                "attendance": _MARK,
                            },
                        },
                    },
                },
            },
        },
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "registration": {"type": "string"},
                    "name": {"type": "string"},
                    "present": {"type": "integer"},
                    "expected": {"type": "integer"},
                },
            },
        },
    },
}
