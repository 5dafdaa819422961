"""Rule violations found by services, in the contract's shape (docs/api.md): a code, the field it concerns
and a Dutch message. Views put each message next to its field; the API returns them as JSON."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Problem:
    code: str  # a contract code such as "required" or "unknown_municipality"
    field: str | None  # "members[1].email", or None for the whole request
    message: str  # Dutch (or the request's locale), for a person to read

    def as_json(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message}


class RuleViolation(Exception):
    """Raised by a service when a request breaks one or more rules; nothing has been changed."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


# --- The one rule for text, numbers and moments from outside (forms, JSON, URLs) -----------------
# No input may hold NUL, other control characters (C0 but tab and line breaks, DEL, C1) or lone
# UTF-16 surrogates: PostgreSQL refuses NUL, surrogates cannot be encoded, and control characters
# end up in mail headers, calendars and logs. Single-line fields refuse tabs and line breaks too.
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# What the databases hold: integers are 32-bit (PostgreSQL INTEGER), moments lie in a window the
# calendar and the arithmetic on them can hold.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def has_forbidden_characters(value: str, *, multiline: bool = True) -> bool:
    return (_NOT_IN_TEXT if multiline else _NOT_IN_A_LINE).search(value) is not None


def text_message(value: str, *, multiline: bool = True) -> str | None:
    """The Dutch message for text that breaks the rule, or None when it is fine."""
    if not has_forbidden_characters(value, multiline=multiline):
        return None
    if not multiline and not has_forbidden_characters(value):
        return _("Gebruik hier één regel tekst, zonder tabs of regeleinden.")
    return _(
        "Deze tekst bevat een onzichtbaar teken dat niet is toegestaan, vaak na kopiëren en "
        "plakken. Typ de tekst opnieuw."
    )


def int_message(value: int) -> str | None:
    if MIN_INT <= value <= MAX_INT:
        return None
    return _("Dit getal is te groot.")


def moment_message(moment: dt.datetime | dt.date) -> str | None:
    """The Dutch message for a moment or date outside 2000–2199, or None."""
    year = moment.year
    if EARLIEST.year <= year < LATEST.year:
        return None
    return _("Kies een datum tussen 2000 en 2199.")


def json_problems(value: object, field: str | None = None) -> list[Problem]:
    """Every string and integer in parsed JSON checked against the rule, with the field's path
    (``members[1].email``); keys count as text too."""
    problems: list[Problem] = []
    if isinstance(value, str):
        message = text_message(value)
        if message:
            problems.append(Problem("invalid", field, message))
    elif isinstance(value, int) and not isinstance(value, bool):
        message = int_message(value)
        if message:
            problems.append(Problem("invalid", field, message))
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{field}.{key}" if field else str(key)
            if text_message(str(key)):
                problems.append(Problem("invalid", field, text_message(str(key)) or ""))
                continue
            problems.extend(json_problems(item, path))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems.extend(json_problems(item, f"{field or ''}[{index}]"))
    return problems
