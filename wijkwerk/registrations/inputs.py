"""Parsing a registration request into typed input, for the API and the web form alike.

Every shape problem is reported at once, each with its contract code (``required``, ``invalid``) and
the path of its field (``members[1].email``), so the API can return them and the form can show each
message next to its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from wijkwerk.email_address import InvalidEmail, checked_email, normalise_email
from wijkwerk.validation import Problem, text_message

LOCALES = ("nl", "en")
MAX_TEXT = 200
MAX_LONG_TEXT = 5000


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str
    function: str


@dataclass(frozen=True)
class BillingInput:
    organisation: str
    address: str
    postcode: str
    city: str
    email: str
    po_number: str
    ordered_by: str


class Reader:
    """Reads fields from untrusted JSON-like data, collecting problems instead of failing."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, code: str, field: str | None, message: str) -> None:
        self.problems.append(Problem(code, field, message))

    def mapping(self, data: Any, field: str) -> dict:
        if data is None:
            self.problem("required", field, _("Dit onderdeel ontbreekt."))
            return {}
        if not isinstance(data, dict):
            self.problem("invalid", field, _("Dit onderdeel heeft een onjuiste vorm."))
            return {}
        return data

    def text(
        self, data: dict, key: str, field: str, *, required: bool = True, limit: int = MAX_TEXT
    ) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem("required", field, _("Vul dit veld in."))
            return ""
        if not isinstance(value, str):
            self.problem("invalid", field, _("Vul hier tekst in."))
            return ""
        value = value.strip()
        if len(value) > limit:
            self.problem("invalid", field, _("Gebruik hooguit %(limit)s tekens.", limit=limit))
        # Longer texts are written in a text area and may hold line breaks; the rest is one line.
        elif message := text_message(value, multiline=limit > MAX_TEXT):
            self.problem("invalid", field, message)
        return value

    def email(self, data: dict, key: str, field: str) -> str:
        value = self.text(data, key, field)
        if not value:
            return ""
        try:
            return checked_email(value)
        except InvalidEmail as exc:
            self.problem("invalid", field, exc.message)
            return normalise_email(value)

    def pattern(
        self,
        data: dict,
        key: str,
        field: str,
        regex: re.Pattern,
        message: str,
        *,
        required: bool = True,
    ) -> re.Match | None:
        value = self.text(data, key, field, required=required)
        if not value:
            return None
        found = regex.fullmatch(value)
        if found is None:
            self.problem("invalid", field, message)
        return found

    def flag(self, data: dict, key: str, field: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.problem("invalid", field, _("Kies ja of nee."))
        return None

    def locale(self, data: dict) -> str:
        """The language mail and pages are in for this registrant (``nl`` unless ``en``)."""
        locale = data.get("locale") or "nl"
        if locale not in LOCALES:
            self.problem("invalid", "locale", _("Kies nl of en."))
            locale = "nl"
        return locale

    def choice(
        self, data: dict, key: str, field: str, choices: type, *, required: bool = True
    ) -> Any:
        value = self.text(data, key, field, required=required)
        if not value:
            return None
        try:
            return choices(value)
        except ValueError:
            self.problem("invalid", field, _("Kies een van de mogelijkheden."))
            return None


def read_person(reader: Reader, data: Any, field: str) -> PersonInput:
    data = reader.mapping(data, field)
    return PersonInput(
        name=reader.text(data, "name", f"{field}.name"),
        email=reader.email(data, "email", f"{field}.email"),
        function=reader.text(data, "function", f"{field}.function"),
    )


POSTCODE = re.compile(r"([1-9][0-9]{3})\s?([A-Za-z]{2})")
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{8,18}[0-9]")


def read_billing(reader: Reader, data: Any, field: str, *, ordered_by: str = "") -> BillingInput:
    """Where the invoice goes (docs/domain.md: a municipality needs its PO number and who ordered)."""
    data = reader.mapping(data, field)
    postcode = reader.pattern(
        data,
        "postcode",
        f"{field}.postcode",
        POSTCODE,
        _("Vul een Nederlandse postcode in, zoals 1234 AB."),
    )
    return BillingInput(
        organisation=reader.text(data, "organisation", f"{field}.organisation"),
        address=reader.text(data, "address", f"{field}.address", limit=300),
        postcode=f"{postcode[1]} {postcode[2].upper()}"
        if postcode
        else str(data.get("postcode") or ""),
        city=reader.text(data, "city", f"{field}.city", limit=100),
        email=reader.email(data, "email", f"{field}.email"),
        po_number=reader.text(data, "po_number", f"{field}.po_number", required=False, limit=100),
        ordered_by=reader.text(data, "ordered_by", f"{field}.ordered_by", required=False)
        or ordered_by,
    )
