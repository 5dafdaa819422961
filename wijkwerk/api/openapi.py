"""The OpenAPI 3.1 document of the JSON API, generated: nothing in it is written twice.

- Each endpoint declares itself where it is written, with :func:`documented`: its summary, the
  shape of its body and of its answer (``wijkwerk/schema/``), who may call it and what else it
  may answer (409, 429, a CSV). The paths come from the URL map, so an endpoint without a
  declaration is an error here, and a declaration without an endpoint cannot exist.
- The schemas come from the shapes and answers (pydantic's JSON Schema, in its 2020-12 dialect,
  which OpenAPI 3.1 uses).
- ``POST /programmes/{slug}/registrations`` takes the registration request of the programme's
  kind: each installed kind's ``api_request`` is one of its ``oneOf``, marked with
  ``x-programme-kind`` (the ``kind`` of ``GET /programmes/{slug}`` says which applies).

What every operation may answer besides (wijkwerk/inbound.py, wijkwerk/errors.py): 400 for a body
that is not valid JSON or nested too deeply, 413 for one over 16 MB, 415 for a body that is not
JSON, 422 for a query parameter or body field that breaks the input rule, 404 for an unknown id,
405 with ``Allow``, and 503 with ``Retry-After`` while the database cannot be reached.
docs/openapi.json is this document, committed (``make openapi``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from wijkwerk.api.serialise import Errors
from wijkwerk.programmes import kinds
from wijkwerk.schema import Answer, Query, Shape
from wijkwerk.validation import MAX_INT

PUBLIC, READ, WRITE, READ_OPTIONAL = "public", "read", "write", "read-optional"


@dataclass(frozen=True)
class Operation:
    """What an endpoint takes and answers, for the document."""

    summary: str
    answer: Any = None  # an Answer class, or [Answer] for a list of them
    body: type[Shape] | None = None
    body_required: bool = True
    status: int = 200
    who: str = PUBLIC  # PUBLIC, READ, WRITE (an organiser's token; organiser_required's), or
    # READ_OPTIONAL (a token shows more)
    conflict: bool = False  # 409 when the state does not allow it
    limited: bool = False  # 429 when over the rate limit (ratelimit.limited's)
    files: tuple[str, ...] = ()  # other media types it answers by ?format= (text/csv, …)
    query: type[Query] | None = None  # the query string's shape
    registration_request: bool = False  # the body is the programme's kind's request


def documented(summary: str, **details: Any) -> Callable:
    """Declare an endpoint's part of the document (:class:`Operation`)."""

    def mark(view: Callable) -> Callable:
        # Who may call it and its rate limit are the decorators' (wijkwerk/api/auth.py,
        # wijkwerk/ratelimit.py), beneath this one.
        details.setdefault("who", getattr(view, "who", PUBLIC))
        details.setdefault("limited", getattr(view, "rate_limited", None) is not None)
        view.operation = Operation(summary, **details)
        return view

    return mark


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema without the titles and docstrings it derives from Python names
    (the document's words are its own)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def model_schema(self, schema):
        shown = super().model_schema(schema)
        shown.pop("title", None)
        shown.pop("description", None)
        return shown

    def enum_schema(self, schema):
        shown = super().enum_schema(schema)
        shown.pop("title", None)
        shown.pop("description", None)
        return shown


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = _json(_ref("Errors"), "Fout; `errors` somt op wat er mis is.")
_RETRY_AFTER = {
    "Retry-After": {
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
        "description": "seconden",
    }
}
_LIMITED = {
    **_json(_ref("Errors"), "Te veel verzoeken (code `rate_limited`); probeer het na Retry-After."),
    "headers": _RETRY_AFTER,
}
_UNAVAILABLE = {
    **_json(_ref("Errors"), "Tijdelijk niet beschikbaar (code `unavailable`); probeer later."),
    "headers": _RETRY_AFTER,
}
_NOT_ALLOWED = {
    **_json(
        _ref("Errors"), "Deze methode kan hier niet; `Allow` noemt de methodes die wel kunnen."
    ),
    "headers": {"Allow": {"required": True, "schema": {"type": "string"}}},
}


def _parameters(rule) -> list[dict]:
    """The path's parameters: ids are the database's integers (a larger one is a 404)."""
    found = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule.rule):
        if converter == "int":
            schema = {"type": "integer", "minimum": 0, "maximum": MAX_INT}
        else:
            schema = {"type": "string", "pattern": "^[^/]+$"}
        found.append({"name": name, "in": "path", "required": True, "schema": schema})
    return found


def _answer_schema(answer: Any) -> dict:
    if isinstance(answer, list):
        return {"type": "array", "items": _ref(answer[0].__name__)}
    return _ref(answer.__name__)


def _operation(
    op: Operation, method: str, rule, requests: list[dict], schemas: dict[str, dict]
) -> dict:
    described: dict[str, Any] = {"summary": op.summary}
    if op.who in (READ, WRITE):
        described["security"] = [{"bearer": []}]
    elif op.who == READ_OPTIONAL:
        described["security"] = [{}, {"bearer": []}]
    parameters = _parameters(rule)
    if op.query is not None:
        query = schemas[op.query.__name__]
        parameters += [
            {
                "name": name,
                "in": "query",
                "required": name in query.get("required", ()),
                "schema": spec,
            }
            for name, spec in query["properties"].items()
        ]
    if parameters:
        described["parameters"] = parameters
    if op.body is not None or op.registration_request:
        schema = {"oneOf": requests} if op.registration_request else _ref(op.body.__name__)
        described["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": schema}},
        }
    answer = _json(_answer_schema(op.answer), "Gelukt") if op.answer else {"description": "Gelukt"}
    for media_type in op.files:
        answer["content"][media_type] = {"schema": {}}  # a file (a spreadsheet, an e-invoice)
    responses: dict[str, Any] = {str(op.status): answer, "400": _ERROR, "422": _ERROR}
    if rule.arguments or op.who != PUBLIC or op.registration_request:
        responses["404"] = _ERROR
    if op.who != PUBLIC or op.registration_request:
        responses["401"] = _ERROR
        responses["403"] = _ERROR
    if op.conflict:
        responses["409"] = _ERROR
    if op.limited:
        responses["429"] = _LIMITED
    if method in ("post", "put", "patch"):
        responses["413"] = _ERROR
        responses["415"] = _ERROR
    responses["405"] = _NOT_ALLOWED
    responses["503"] = _UNAVAILABLE
    described["responses"] = responses
    return described


def _schemas(models: list[type]) -> dict[str, dict]:
    _refs, found = models_json_schema(
        [(m, "serialization" if issubclass(m, Answer) else "validation") for m in models],
        ref_template="#/components/schemas/{model}",
        schema_generator=_Generator,
    )
    return found.get("$defs", {})


def operations() -> list[tuple[str, str, Any, Operation]]:
    """Every endpoint of the API blueprint in this app: ``(path, method, rule, operation)``,
    the path as the document writes it (``/sessions/{session_id}``)."""
    found = []
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        op: Operation | None = getattr(view, "operation", None)
        if op is None:
            raise LookupError(f"{rule.endpoint} has no @documented declaration")
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), rule, op))
    return found


def openapi_document() -> dict:
    """The document of the API blueprint's endpoints in this app."""
    requests = [
        {**_ref(kind.api_request.__name__), "x-programme-kind": kind.value.value}
        for kind in kinds.all_kinds()
    ]
    models: list[type] = [Errors, *(kind.api_request for kind in kinds.all_kinds())]
    found = operations()
    for *_rest, op in found:
        answer = op.answer[0] if isinstance(op.answer, list) else op.answer
        for model in (op.body, op.query, answer):
            if model is not None and model not in models:
                models.append(model)
    schemas = _schemas(models)
    paths: dict[str, dict] = {}
    for path, method, rule, op in found:
        paths.setdefault(path, {})[method] = _operation(op, method, rule, requests, schemas)
    for name in {op.query.__name__ for *_rest, op in found if op.query is not None}:
        schemas.pop(name)  # its fields are the operation's parameters
    return {
        "openapi": "3.1.0",
        "info": {"title": "wijkwerk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
