"""The shapes of what comes in, declared once with pydantic: each request is a :class:`Shape` in
the package of the kind or area it belongs to, its fields typed with the constraints the server
enforces. From that one declaration come the reading (:func:`read`, :func:`parse`), the Dutch
problems at their field paths (docs/api.md), and the request's schema in the OpenAPI document
(wijkwerk/api/document.py).

- **Text** (:class:`Text`, :class:`Email`, :class:`Matching`) follows the input rule of
  wijkwerk/validation.py: no control characters, one line unless the field is multi-line,
  at most ``limit`` characters as sent; surrounding space is dropped. A required text that is
  blank is ``required``. The schema says the same with ``maxLength`` and a ``pattern``.
- **Numbers and moments** (:data:`Count`, :data:`Moment`): 32-bit integers; moments in ISO 8601
  with their offset, between 2000 and 2199, read as UTC.
- A field's own words (:class:`Says`) replace the general ones for one kind of problem, and may
  give it a rule code of the contract (``not_a_trio``).

Reading is strict JSON: a number is not text, ``"true"`` is not a boolean. When a request breaks
its shape, :func:`read` still returns what could be read (:func:`partial`), so a kind's rules
about the whole (a trio's roles and domains) are reported in the same answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from flask_babel import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

from wijkwerk.email_address import InvalidEmail, checked_email
from wijkwerk.validation import (
    EARLIEST,
    LATEST,
    MAX_INT,
    MIN_INT,
    Problem,
    RuleViolation,
    text_message,
)

S = TypeVar("S", bound="Shape")


class Shape(BaseModel):
    """A request's shape: strict, and blind to fields it does not name."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class Answer(BaseModel):
    """An answer's shape. Built by the code that fills it (``Answer(...)``, validated, so an
    answer that breaks its declaration fails where it is made) and sent as JSON by the app's
    JSON provider (wijkwerk/inbound.py)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


# A moment in an answer: ISO 8601 with its offset, as Python writes it ("+00:00", not "Z").
Timestamp = Annotated[
    dt.datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


# --- Text -----------------------------------------------------------------------------------------
# What str.strip() drops, spelled out: JSON Schema's \s is not Python's.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_LINE = r"\x00-\x1f\x7f-\x9f"  # never in one line of text (validation._NOT_IN_A_LINE)
_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # never in any text (validation._NOT_IN_TEXT)


def _text_pattern(multiline: bool, required: bool) -> str:
    allowed = f"[^{_TEXT if multiline else _LINE}]"
    if not required:
        return f"^{allowed}*$"
    visible = f"[^{SPACE}{_TEXT if multiline else _LINE}]"
    return f"^{allowed}*{visible}{allowed}*$"


def _invalid(message: str) -> PydanticCustomError:
    return refusal("invalid", message)


@dataclass(frozen=True)
class Text:
    """Text of at most ``limit`` characters; ``blank``: it may be empty; ``optional``: missing,
    null or blank is ``""``."""

    limit: int = 200
    multiline: bool = False
    optional: bool = False
    blank: bool = False

    def check(self, value: str) -> str:
        if len(value) > self.limit:
            raise _invalid(_("Gebruik hooguit %(limit)s tekens.", limit=self.limit))
        if message := text_message(value, multiline=self.multiline):
            raise _invalid(message)
        value = value.strip()
        if not value and not (self.optional or self.blank):
            raise refusal("required", _("Vul dit veld in."))
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        text = core_schema.no_info_after_validator_function(
            self.check, core_schema.str_schema(strict=True)
        )
        if not self.optional:
            return text
        return core_schema.no_info_after_validator_function(
            lambda value: value or "", core_schema.nullable_schema(text)
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        text = {
            "type": "string",
            "maxLength": self.limit,
            "pattern": _text_pattern(self.multiline, not (self.optional or self.blank)),
        }
        return {**text, "type": ["string", "null"]} if self.optional else text


@dataclass(frozen=True)
class Matching(Text):
    """One line that, without its surrounding space, matches ``regex`` (``message`` otherwise);
    read as ``shape(match)``. ``code`` is the problem's code for text that does not match."""

    regex: str = ""
    message: Callable[[], str] = lambda: ""
    shape: Callable[[re.Match], str] = lambda found: found[0]
    code: str = "invalid"

    def check(self, value: str) -> str:
        value = super().check(value)
        if not value:
            return value
        found = re.fullmatch(self.regex, value)
        if found is None:
            raise refusal(self.code, self.message())
        return self.shape(found)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        space = f"[{SPACE}]*"
        pattern = f"^{space}{self.regex}{space}$"
        if self.optional:
            pattern = f"^{space}$|{pattern}"
        return {
            "type": ["string", "null"] if self.optional else "string",
            "maxLength": self.limit,
            "pattern": pattern,
        }


@dataclass(frozen=True)
class Email(Text):
    """An e-mail address our mail can deliver (wijkwerk/email_address.py), normalised."""

    def check(self, value: str) -> str:
        value = super().check(value)
        if not value:
            return value
        try:
            return checked_email(value)
        except InvalidEmail as exc:
            raise _invalid(exc.message) from None

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        email = {"type": "string", "format": "email", "maxLength": self.limit}
        if not self.optional:
            return email
        blank = {"type": "string", "pattern": f"^[{SPACE}]*$", "maxLength": self.limit}
        return {"anyOf": [email, blank, {"type": "null"}]}


# --- Numbers and moments --------------------------------------------------------------------------


def _moment(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise _invalid(_moment_words())
    if not EARLIEST.year <= value.year < LATEST.year:
        raise _invalid(_("Kies een datum tussen 2000 en 2199."))
    return value.astimezone(dt.UTC)


def _moment_words() -> str:
    return _("Geef een tijdstip in ISO 8601 met tijdzone, zoals 2027-10-12T13:00:00+02:00.")


class _Moment:
    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            _moment, core_schema.datetime_schema(strict=True)
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        return {
            "type": "string",
            "format": "date-time",
            "pattern": r"^2[01][0-9]{2}-.*(Z|z|[+-][0-9]{2}:[0-9]{2})$",
        }


Moment = Annotated[dt.datetime, _Moment()]
Count = Annotated[int, Field(ge=MIN_INT, le=MAX_INT)]


# --- A field's own words --------------------------------------------------------------------------


class RowMayBeEmpty:
    """A list's row the server reads as "left empty" (None) when it holds nothing, so the list
    can say one thing about it (a trio of two); the schema shows the row as it must be."""

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        shown = handler(schema)
        options = [s for s in shown.get("anyOf", [shown]) if s.get("type") != "null"]
        return options[0]


class Says:
    """What a field's problems are called, by pydantic's error type (``missing``, ``too_short``,
    ``enum``, …): words, or ``(code, words)`` for a rule code of the contract. Words are
    callables, translated when said."""

    def __init__(self, **words: Callable[[], str] | tuple[str, Callable[[], str]]) -> None:
        self.words = words


def refusal(code: str, message: str) -> PydanticCustomError:
    """A field's own check refusing it, with a contract code and its words."""
    return PydanticCustomError(code, "{words}", {"words": message})


# Pydantic's error types in the contract's codes and Dutch words.
_GENERAL: dict[str, tuple[str, Callable[[dict], str]]] = {
    "missing": ("required", lambda e: _("Vul dit veld in.")),
    "string_type": ("invalid", lambda e: _("Vul hier tekst in.")),
    "bool_type": ("invalid", lambda e: _("Kies ja of nee.")),
    "int_type": ("invalid", lambda e: _("Vul een geheel getal in.")),
    "int_from_float": ("invalid", lambda e: _("Vul een geheel getal in.")),
    "greater_than_equal": (
        "invalid",
        lambda e: _("Vul een geheel getal van minstens %(min)s in.", min=e["ctx"]["ge"]),
    ),
    "less_than_equal": ("invalid", lambda e: _("Dit getal is te groot.")),
    "enum": ("invalid", lambda e: _("Kies een van de mogelijkheden.")),
    "literal_error": ("invalid", lambda e: _("Kies een van de mogelijkheden.")),
    "too_short": (
        "invalid",
        lambda e: _("Geef er minstens %(min)s.", min=e["ctx"]["min_length"]),
    ),
    "too_long": (
        "invalid",
        lambda e: _("Geef er hooguit %(max)s.", max=e["ctx"]["max_length"]),
    ),
}
_SHAPE = ("invalid", lambda e: _("Dit onderdeel heeft een onjuiste vorm."))
_MOMENT = ("invalid", lambda e: _moment_words())


def field_path(loc: tuple[str | int, ...]) -> str | None:
    """``("members", 1, "email")`` → ``members[1].email``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or None


def _annotations(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[Any]:
    """The metadata of the field at ``loc`` in ``model``, its own and its container's."""
    current: Any = model
    found: list[Any] = []
    for part in loc:
        target = _unwrap(current)
        if isinstance(part, str) and isinstance(target, type) and issubclass(target, BaseModel):
            info = target.model_fields.get(part)
            if info is None:
                return []
            found = list(info.metadata)
            current = info.annotation
        elif isinstance(part, int) and get_origin(target) is list:
            item = get_args(target)[0]
            found = list(getattr(item, "__metadata__", ()))
            current = item
        else:
            return found
    return found


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, …]`` and ``X | None`` → ``X``."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, type(int | None)):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _problem(model: type[BaseModel], error: Any) -> Problem:
    loc, kind = tuple(error["loc"]), error["type"]
    if error.get("input", ...) is None:  # null where something is needed: as if left out
        kind = "missing"
    path = field_path(loc)
    for meta in _annotations(model, loc):
        if isinstance(meta, Says) and kind in meta.words:
            said = meta.words[kind]
            code, words = said if isinstance(said, tuple) else (_GENERAL.get(kind, _SHAPE)[0], said)
            return Problem(code, path, str(words()))
    context = error.get("ctx") or {}
    if "words" in context:  # a field's own check (refusal)
        return Problem(kind, path, str(context["words"]))
    if not loc:  # the request itself is no object
        return Problem("invalid", None, _("Stuur een JSON-object."))
    if kind == "missing" and _is_part(model, loc):
        return Problem("required", path, _("Dit onderdeel ontbreekt."))
    if kind.startswith(("datetime", "timezone")):
        code, words = _MOMENT
    else:
        code, words = _GENERAL.get(kind, _SHAPE)
    return Problem(code, path, words(error))


def _is_part(model: type[BaseModel], loc: tuple[str | int, ...]) -> bool:
    """Whether the field at ``loc`` is an object of its own (a person, the billing details)."""
    current: Any = model
    for part in loc:
        target = _unwrap(current)
        if isinstance(part, str) and isinstance(target, type) and issubclass(target, BaseModel):
            info = target.model_fields.get(part)
            current = info.annotation if info else None
        elif isinstance(part, int) and get_origin(target) is list:
            current = get_args(target)[0]
        else:
            return False
    target = _unwrap(current)
    return isinstance(target, type) and issubclass(target, BaseModel)


def problems_of(model: type[BaseModel], error: ValidationError) -> list[Problem]:
    """The problems of a refused request, one per field, in the order pydantic found them."""
    seen: dict[str | None, Problem] = {}
    for item in error.errors(include_url=False):
        problem = _problem(model, item)
        seen.setdefault(problem.field, problem)
    return list(seen.values())


# --- Reading --------------------------------------------------------------------------------------


def read(model: type[S], data: object) -> tuple[S, list[Problem]]:
    """``data`` (parsed JSON, or a form's body in the same shape) read as ``model``, with the
    problems found; when there are problems, what could be read (:func:`partial`)."""
    try:
        return model.model_validate_json(json.dumps(data), strict=True), []
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
    return TypeAdapter(annotation)


def _empty(annotation: Any) -> Any:
    target = _unwrap(annotation)
    if target is str:
        return ""
    if get_origin(target) is list:
        return []
    if isinstance(target, type) and issubclass(target, BaseModel):
        return partial(target, {})  # a part left out: its fields empty
    return None


def partial(model: type[S], data: object) -> S:
    """What of ``data`` is valid for ``model``, field by field; the rest empty (``""``, ``[]``
    or None). Not validated as a whole: for a kind's rules about what was given, next to the
    problems already found."""
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
        return _adapter(annotation).validate_json(json.dumps(raw), strict=True)
    except ValidationError:
        pass
    target = _unwrap(annotation)
    if isinstance(target, type) and issubclass(target, BaseModel) and isinstance(raw, dict):
        return partial(target, raw)
    if get_origin(target) is list and isinstance(raw, list):
        item, read_items = get_args(target)[0], []
        for one in raw:
            try:
                read_items.append(_partial_value(item, one))
            except _Unreadable:
                continue
        return read_items
    raise _Unreadable
