"""What comes in, checked once before any view (the rule itself is in :mod:`wijkwerk.validation`):

- a URL path holding a control character, NUL or a lone surrogate cannot be an id or a token:
  404;
- query parameters follow the text rule: 422 ``invalid`` in the API, a 400 page elsewhere;
- a JSON API request with a body must send JSON (415 otherwise), valid (400) and at most
  :data:`MAX_JSON_DEPTH` deep (400), whose strings and integers follow the rule (422 ``invalid``
  at the field's path). A body that is refused does nothing.

Web forms check their fields themselves (:class:`wijkwerk.webforms.Form`), so the message stands
next to the field and what was typed stays.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, abort, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from wijkwerk.validation import Problem, has_forbidden_characters, json_problems, text_message

MAX_JSON_DEPTH = 32
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class TooDeep(ValueError):
    """JSON nested deeper than :data:`MAX_JSON_DEPTH`."""


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing what no client of ours sends: NaN and Infinity, and nesting deeper
    than :data:`MAX_JSON_DEPTH` (Python's parser would run out of stack far deeper)."""

    @staticmethod
    def default(o: Any) -> Any:
        """An answer's shape (wijkwerk/schema/) as its JSON."""
        if isinstance(o, BaseModel):
            return o.model_dump(mode="json", by_alias=True)
        return DefaultJSONProvider.default(o)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, parse_constant=_refuse_constant, **kwargs)
        except RecursionError as exc:
            raise TooDeep("JSON nested too deeply") from exc
        if _depth(value) > MAX_JSON_DEPTH:
            raise TooDeep("JSON nested too deeply")
        return value


def _problems_response(problems: list[Problem]):
    return jsonify({"errors": [p.as_json() for p in problems]}), 422


def check_request():
    """The checks above; an answer when the request is refused, else None."""
    if has_forbidden_characters(request.path, multiline=False):
        abort(404)
    api = request.path.startswith("/api/")
    for key, value in request.args.items(multi=True):
        message = text_message(key, multiline=False) or text_message(value, multiline=False)
        if message:
            if api:
                return _problems_response([Problem("invalid", key, message)])
            abort(400, _("De link bevat een teken dat niet is toegestaan."))
    if api and request.method in _BODY_METHODS and request.get_data(cache=True):
        if not request.is_json:
            raise UnsupportedMediaType(
                _("Stuur de gegevens als JSON (Content-Type: application/json).")
            )
        try:
            body = request.get_json()
        except BadRequest as exc:
            raise BadRequest(_("De gegevens zijn geen geldige JSON.")) from exc
        problems = json_problems(body)
        if problems:
            return _problems_response(problems)
    return None


def register(app: Flask) -> None:
    app.json = StrictJSONProvider(app)
    app.before_request(check_request)
