"""What every part of the OpenAPI document is made of: an enum, a reference, an answer in JSON, the
error answer, the path parameters, an organiser's read and write, and what every operation may
answer besides (:func:`complete`)."""

from __future__ import annotations


def enum_of(values) -> dict:
    return {"type": "string", "enum": [v.value for v in values]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def response(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
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
}
ERROR_RESPONSE = response(ref("Errors"), "Fout; `errors` somt op wat er mis is.")
# Public writes are rate limited per client address and per e-mail address (wijkwerk/ratelimit.py).
RATE_LIMITED = {
    **response(
        ref("Errors"), "Te veel verzoeken (code `rate_limited`); probeer het na Retry-After."
    ),
    "headers": {
        "Retry-After": {
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
            "description": "seconden tot het venster van de limiet afloopt",
        }
    },
}
WARNINGS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    },
}
# The contact person of a municipality's request or of a city.
CONTACT = {
    "type": "object",
    "required": ["name", "email"],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "function": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]},
    },
}

SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
REGISTRATION_ID = {
    "name": "registration_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
AUTH = [{"bearer": []}]
AUTH_ERRORS = {"401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE}


def read(summary: str, schema: dict, description: str, parameters=()) -> dict:
    """An organiser's read, answered with ``schema``."""
    return {
        "get": {
            "summary": summary,
            "security": AUTH,
            "parameters": list(parameters),
            "responses": {"200": response(schema, description), **AUTH_ERRORS},
        }
    }


def write(
    summary: str,
    *,
    body: str,
    answer: tuple[str, str],
    parameters=(),
    status: str = "200",
    conflict: bool = False,
) -> dict:
    """An organiser's write: a JSON body of schema ``body``, answered with ``answer``; with
    ``conflict``, a 409 when the registration's state does not allow it."""
    schema, description = answer
    responses = {
        status: response(ref(schema), description),
        "422": ERROR_RESPONSE,
        **AUTH_ERRORS,
    }
    if conflict:
        responses["409"] = ERROR_RESPONSE
    return {
        "summary": summary,
        "security": AUTH,
        "parameters": list(parameters),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        },
        "responses": responses,
    }


# What every operation may answer (wijkwerk/inbound.py, wijkwerk/errors.py): 400 for a body that
# is not valid JSON or nested too deeply, 413 for one over 16 MB, 415 for a body that is not JSON
# (writes), 422 for a query parameter or a body field that breaks the input rule, and 503 with
# Retry-After while the database cannot be reached.
UNAVAILABLE = {
    **response(ref("Errors"), "Tijdelijk niet beschikbaar (code `unavailable`); probeer later."),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconden"}},
}


def complete(paths: dict[str, dict]) -> dict[str, dict]:
    """``paths`` with what every operation may answer added to each; returns ``paths``."""
    for operations in paths.values():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("400", ERROR_RESPONSE)
                operation["responses"].setdefault("422", ERROR_RESPONSE)
                if method in ("post", "put", "patch"):
                    operation["responses"].setdefault("413", ERROR_RESPONSE)
                    operation["responses"].setdefault("415", ERROR_RESPONSE)
                operation["responses"].setdefault("503", UNAVAILABLE)
    return paths
