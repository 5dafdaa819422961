"""A shape's problems in the contract's words (docs/api.md): pydantic's errors as a code, the
field's path (``members[1].email``) and a Dutch message; a field's own words (:class:`Says`)
and its own refusals (:func:`refusal`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Union, get_args, get_origin

from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from wijkwerk.validation import Problem


def moment_words() -> str:
    return _("Geef een tijdstip in ISO 8601 met tijdzone, zoals 2027-10-12T13:00:00+02:00.")


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
    "extra_forbidden": ("invalid", lambda e: _("Dit veld kennen we niet.")),
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
_MOMENT = ("invalid", lambda e: moment_words())


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
        target = unwrap(current)
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


def unwrap(annotation: Any) -> Any:
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
        target = unwrap(current)
        if isinstance(part, str) and isinstance(target, type) and issubclass(target, BaseModel):
            info = target.model_fields.get(part)
            current = info.annotation if info else None
        elif isinstance(part, int) and get_origin(target) is list:
            current = get_args(target)[0]
        else:
            return False
    target = unwrap(current)
    return isinstance(target, type) and issubclass(target, BaseModel)


def problems_of(model: type[BaseModel], error: ValidationError) -> list[Problem]:
    """The problems of a refused request, one per field, in the order pydantic found them."""
    seen: dict[str | None, Problem] = {}
    for item in error.errors(include_url=False):
        problem = _problem(model, item)
        seen.setdefault(problem.field, problem)
    return list(seen.values())
