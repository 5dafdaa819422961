"""The shapes of what comes in and goes out, declared once with pydantic: each request is a
:class:`Shape` and each answer an :class:`Answer`, in the package of the kind or area it belongs
to, its fields typed with the constraints the server enforces. From that one declaration come
the reading (:func:`read`, :func:`parse`), the Dutch problems at their field paths (docs/api.md;
:mod:`.words`), and the schemas of the OpenAPI document (wijkwerk/api/openapi.py). The field
types are in :mod:`.text`.

- **Text** (:class:`Text`, :class:`Email`, :class:`Matching`) follows the input rule of
  wijkwerk/validation.py: no control characters, one line unless the field is multi-line,
  at most ``limit`` characters as sent; surrounding space is dropped. A required text that is
  blank is ``required``. The schema says the same with ``maxLength`` and a ``pattern``.
- **Numbers and moments** (:data:`Count`, :data:`Moment`): 32-bit integers (3.0 is 3); moments
  in RFC 3339 with their offset, written in a year from 2000 to 2199, read as UTC.
- A field's own words (:class:`Says`) replace the general ones for one kind of problem, and may
  give it a rule code of the contract (``not_a_trio``).

Reading is strict JSON: a number is not text, ``"true"`` is not a boolean. When a request breaks
its shape, :func:`read` still returns what could be read (:func:`partial`), so a kind's rules
about the whole (a trio's roles and domains) are reported in the same answer.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from wijkwerk.schema.text import (
    SPACE,
    Count,
    Email,
    Matching,
    Moment,
    Text,
    Timestamp,
    whole,
)
from wijkwerk.schema.words import (
    RowMayBeEmpty,
    Says,
    field_path,
    problems_of,
    refusal,
    unwrap,
)
from wijkwerk.validation import Problem, RuleViolation

__all__ = [
    "SPACE",
    "Answer",
    "Count",
    "Email",
    "Matching",
    "Moment",
    "Query",
    "RowMayBeEmpty",
    "Says",
    "Shape",
    "Text",
    "Timestamp",
    "field_path",
    "parse",
    "partial",
    "read",
    "refusal",
    "whole",
    "within",
]

S = TypeVar("S", bound="Shape")


class Shape(BaseModel):
    """A request's shape: strict, and refusing fields it does not name (a typo in a field's
    name is said, not ignored)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


class Query(Shape):
    """A query string's shape: what it names is checked, what else a URL carries is ignored
    (OpenAPI cannot forbid other query parameters; a cache-buster ``?_=1`` is harmless)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class Answer(BaseModel):
    """An answer's shape. Built by the code that fills it (``Answer(...)``, validated, so an
    answer that breaks its declaration fails where it is made) and sent as JSON by the app's
    JSON provider (wijkwerk/inbound.py)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


# --- Reading --------------------------------------------------------------------------------------


def read(model: type[S], data: object) -> tuple[S, list[Problem]]:
    """``data`` (parsed JSON, or a form's body in the same shape) read as ``model``, with the
    problems found; when there are problems, what could be read (:func:`partial`)."""
    try:
        return model.model_validate_json(json.dumps(data)), []  # strict by the shape's config
    except ValidationError as exc:
        return partial(model, data), problems_of(model, exc)


def within(part: str, problems: list[Problem]) -> list[Problem]:
    """``problems`` of a shape read on its own, at their paths inside ``part`` of a request."""
    return [Problem(p.code, f"{part}.{p.field}" if p.field else part, p.message) for p in problems]


def parse(model: type[S], data: object) -> S:
    """``data`` read as ``model``; raises :class:`RuleViolation` with every problem."""
    value, problems = read(model, data)
    if problems:
        raise RuleViolation(*problems)
    return value


@cache
def _adapter(annotation: Any) -> TypeAdapter:
    if _is_model(annotation):
        return TypeAdapter(annotation)  # strict by its own config
    return TypeAdapter(annotation, config=ConfigDict(strict=True))


def _is_model(annotation: Any) -> bool:
    target = unwrap(annotation)
    return isinstance(target, type) and issubclass(target, BaseModel)


def _empty(annotation: Any) -> Any:
    target = unwrap(annotation)
    if target is str:
        return ""
    if get_origin(target) is list:
        return []
    if isinstance(target, type) and issubclass(target, BaseModel):
        return partial(target, {})  # a part left out: its fields empty
    return None


def partial(model: type[S], data: object) -> S:
    """What of ``data`` is valid for ``model``, field by field; the rest empty (``""``, ``[]``,
    None, or a part with its fields empty; in a list, a value that cannot be read is left out).
    Not validated as a whole: for a kind's rules about what was given, next to the problems
    already found."""
    data = data if isinstance(data, dict) else {}
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data or data[name] is None:
            if info.is_required():
                values[name] = _empty(info.annotation)
            else:
                values[name] = info.get_default(call_default_factory=True)
            continue
        annotated = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        try:
            values[name] = _partial_value(annotated, data[name])
        except _Unreadable:
            values[name] = _empty(info.annotation)
    return model.model_construct(**values)


class _Unreadable(Exception):
    """Nothing of this value could be read."""


def _partial_value(annotation: Any, raw: Any) -> Any:
    try:
        return _adapter(annotation).validate_json(json.dumps(raw))
    except ValidationError:
        pass
    target = unwrap(annotation)
    if isinstance(target, type) and issubclass(target, BaseModel) and isinstance(raw, dict):
        return partial(target, raw)
    if get_origin(target) is list and isinstance(raw, list):
        item, read_items = get_args(target)[0], []
        for one in raw:
            try:
                read_items.append(_partial_value(item, one))
            except _Unreadable:
                # A part that could not be read keeps its place, empty, so the rules name the
                # others at their own index (records[2]); a value that could not be read goes.
                if _is_model(item):
                    read_items.append(_empty(item))
        return read_items
    raise _Unreadable
