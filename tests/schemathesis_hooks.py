"""schemathesis's hooks for tests/test_api_fuzz.py: one check of our own.

``positive_data_acceptance`` expects every request the document calls valid to be accepted. The
contract answers 422 also for the rules no schema can hold: the state of the database and of the
clock (a slug already taken, a session moved to before its start, a programme that has begun, a
municipality already taking part, a body of another kind than the programme's). The run lets 422
pass that check (tests/test_api_fuzz.py), and this check gives it its teeth back: a 422 to a
request the document calls valid is only right when the request's declared shape
(wijkwerk/schema/) reads it without a problem, so the refusal came from a rule. When the shape
refuses what the document allows, the document is weaker than the server: a failure.
"""

from __future__ import annotations

import schemathesis
from jsonschema import Draft202012Validator
from schemathesis.core import NOT_SET

from wijkwerk import create_app
from wijkwerk.api.openapi import openapi_document, operations
from wijkwerk.programmes import kinds
from wijkwerk.schema import read

_APP = create_app("config.testing.TestingConfig", SQLALCHEMY_DATABASE_URI="sqlite://")
with _APP.app_context():
    _OPERATIONS = {(method, path): op for path, method, _rule, op in operations()}
    _REQUESTS = [kind.api_request for kind in kinds.all_kinds()]
    _DOCUMENT = openapi_document()


def _valid(schema: dict, value) -> bool:
    """Whether ``value`` is valid for ``schema`` of the document (its references resolved)."""
    rooted = {**schema, "components": _DOCUMENT["components"]}
    return Draft202012Validator(
        rooted, format_checker=Draft202012Validator.FORMAT_CHECKER
    ).is_valid(value)


def _body_schema(case) -> dict | None:
    operation = _DOCUMENT["paths"][case.operation.path][case.method.lower()]
    body = operation.get("requestBody")
    return body["content"]["application/json"]["schema"] if body else None


def _problems(shapes, data) -> list:
    """The problems of the shape that reads ``data`` best: none when one of them reads it."""
    found = [read(shape, data)[1] for shape in shapes]
    return min(found, key=len)


@schemathesis.check
def shapes_read_what_the_document_allows(ctx, response, case) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    op = _OPERATIONS[(case.method.lower(), case.operation.path)]
    problems = []
    with _APP.test_request_context():
        if op.registration_request or op.body is not None:
            body = {} if case.body is NOT_SET else case.body
            if case.body is not NOT_SET and not _valid(_body_schema(case), body):
                return None  # not what the document allows after all: not this check's to judge
            shapes = _REQUESTS if op.registration_request else [op.body]
            problems += _problems(shapes, body)
        if op.query is not None:
            problems += read(op.query, dict(case.query or {}))[1]
    if problems:
        raise AssertionError(
            "The document allows what the shape refuses: "
            + "; ".join(f"{p.field}: {p.code} ({p.message})" for p in problems)
        )
    return None
