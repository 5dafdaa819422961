"""Reading an API request's JSON body: it must be an object; a text field is a string within its
limit. What breaks that is a :class:`RuleViolation` (a 422 from the blueprint's handler)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from wijkwerk.validation import Problem, RuleViolation


def json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RuleViolation(Problem("invalid", None, _("Stuur een JSON-object.")))
    return body


def text(body: dict, key: str, limit: int) -> str | None:
    """``body[key]`` stripped, or None when it is missing."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise RuleViolation(
            Problem("invalid", key, _("Gebruik hooguit %(limit)s tekens.", limit=limit))
        )
    return value.strip()
