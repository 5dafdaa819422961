"""The types of a shape's fields (wijkwerk/schema/__init__.py): text by the input rule of
wijkwerk/validation.py, an e-mail address, text matching a pattern, 32-bit whole numbers and
moments. Each checks what it declares in its JSON Schema."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from flask_babel import gettext as _
from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import core_schema

from wijkwerk.email_address import InvalidEmail, checked_email
from wijkwerk.schema.words import moment_words, refusal
from wijkwerk.validation import MAX_INT, MIN_INT, text_message

# What str.strip() drops, spelled out: JSON Schema's \s is not Python's. Of it, what may stand
# around one line of text (no control character): BLANK.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
BLANK = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_LINE = r"\x00-\x1f\x7f-\x9f"  # never in one line of text (validation._NOT_IN_A_LINE)
_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # never in any text (validation._NOT_IN_TEXT)


def text_pattern(multiline: bool = False, required: bool = True, invisible: str = "") -> str:
    """The JSON Schema pattern of text by the input rule; ``required``: with at least one
    character that is not space (nor one of ``invisible``)."""
    allowed = f"[^{_TEXT if multiline else _LINE}]"
    if not required:
        return f"^{allowed}*$"
    visible = f"[^{invisible}{SPACE}{_TEXT if multiline else _LINE}]"
    return f"^{allowed}*{visible}{allowed}*$"


def _invalid(message: str):
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
            "pattern": text_pattern(self.multiline, not (self.optional or self.blank)),
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
        space = f"[{BLANK}]*"
        pattern = f"^{space}{self.regex}{space}$"
        if self.optional:
            pattern = f"^{space}$|{pattern}"
        return {
            "type": ["string", "null"] if self.optional else "string",
            "maxLength": self.limit,
            "pattern": pattern,
        }


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" for c in word)


# An address wijkwerk/email_address.py takes, as a pattern: the dot-atom form email-validator
# accepts without quoting, in ASCII, with a domain of letter-digit-hyphen labels under a
# top-level name that ends in a letter, and not one of the special-use names email cannot
# be sent to (RFC 6761: ….test, ….local, …).
_ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP = "([A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z]"  # every top-level name ends in a letter
_SPECIAL = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
EMAIL_PATTERN = (
    f"^(?!.*[.@]({_SPECIAL})[{BLANK}]*$)[{BLANK}]*"
    f"{_ATEXT}+(\\.{_ATEXT}+)*@({_LABEL}\\.)+{_TOP}[{BLANK}]*$"
)


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
        email = {
            "type": "string",
            # The pattern, not "format": "email": validators read that format each their own way
            # (one refuses /.a-b@x.nl, which our mail takes), the pattern is what we take.
            "description": "e-mailadres",
            "maxLength": self.limit,
            "pattern": EMAIL_PATTERN,
        }
        if not self.optional:
            return email
        blank = {"type": "string", "pattern": f"^[{BLANK}]*$", "maxLength": self.limit}
        return {"anyOf": [email, blank, {"type": "null"}]}


# --- Numbers and moments --------------------------------------------------------------------------


# A moment as RFC 3339 writes it, with its offset, in a year from 2000 to 2199 (as written):
# what the calendar and the arithmetic on it can hold (wijkwerk/validation.py).
MOMENT_PATTERN = (
    r"2[01][0-9]{2}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]{1,6})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _written(value: Any) -> Any:
    """Text in the form of the pattern only: no number, no space for the T, no offset without
    its colon; then read as a datetime."""
    if not isinstance(value, str) or not re.fullmatch(MOMENT_PATTERN, value):
        year = isinstance(value, str) and re.fullmatch(r"[0-9]{4}-.*", value)
        if year and not value.startswith(("20", "21")):
            raise _invalid(_("Kies een datum tussen 2000 en 2199."))
        raise _invalid(moment_words())
    return value


def _moment(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise _invalid(moment_words())
    return value.astimezone(dt.UTC)


class _Moment:
    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            _written,
            core_schema.no_info_after_validator_function(
                _moment,
                core_schema.datetime_schema(strict=False),  # text, by now
            ),
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        return {"type": "string", "format": "date-time", "pattern": f"^{MOMENT_PATTERN}$"}


Moment = Annotated[dt.datetime, _Moment()]


def _whole(value: Any) -> Any:
    """JSON has numbers, not integers: 3.0 is the integer 3 (as JSON Schema says), 3.5 is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole(minimum: int = MIN_INT, maximum: int = MAX_INT) -> Any:
    """A whole number the database holds (32 bits), at least ``minimum``."""
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_whole)]


Count = whole()


# A moment in an answer: ISO 8601 with its offset, as Python writes it ("+00:00", not "Z").
Timestamp = Annotated[
    dt.datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
