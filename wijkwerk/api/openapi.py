"""The OpenAPI 3.1 document of the JSON API. Every route under ``/api/v1`` must appear here (a test
checks that the URL map and this document agree)."""

from __future__ import annotations

from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    ProgrammeKind,
    RegistrationWindow,
    SessionStatus,
)


def _enum(values: type) -> dict:
    return {"type": "string", "enum": [v.value for v in values]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_RESPONSE = _json(_ref("Errors"), "Fout; `errors` somt op wat er mis is.")

SCHEMAS: dict[str, dict] = {
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "field", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    },
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
            "per": _enum(FeeUnit),
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
            "status": _enum(SessionStatus),
        },
    },
    "Programme": {
        "type": "object",
        "required": ["slug", "kind", "title", "fee", "allocation", "state", "sessions"],
        "properties": {
            "slug": {"type": "string"},
            "kind": _enum(ProgrammeKind),
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "fee": _ref("Fee"),
            "exemption": {"oneOf": [_enum(Exemption), {"type": "null"}]},
            "capacity": {"type": ["integer", "null"]},
            "min_participants": {"type": ["integer", "null"]},
            "registration_deadline": {"type": ["string", "null"], "format": "date-time"},
            "allocation": _enum(Allocation),
            "state": _enum(RegistrationWindow),
            "places_left": {"type": ["integer", "null"]},
            "sessions": {"type": "array", "items": _ref("Session")},
        },
    },
}

PATHS: dict[str, dict] = {
    "/openapi.json": {
        "get": {
            "summary": "Dit document",
            "responses": {"200": {"description": "OpenAPI 3.1"}},
        }
    },
    "/municipalities": {
        "get": {
            "summary": "Gemeenten zoeken",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "deel van naam of CBS-code",
                }
            ],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Municipality")}, "Gemeenten")
            },
        }
    },
    "/programmes": {
        "get": {
            "summary": "Gepubliceerde programma's",
            "responses": {
                "200": _json({"type": "array", "items": _ref("Programme")}, "Programma's")
            },
        }
    },
    "/programmes/{slug}": {
        "get": {
            "summary": "Eén programma met zijn bijeenkomsten",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": _json(_ref("Programme"), "Programma"), "404": ERROR_RESPONSE},
        }
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "wijkwerk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": PATHS,
    }
