"""The shapes a registration request is made of, for the API and the web form alike
(wijkwerk/schema.py): a person, where the invoice goes, the registrant's language; and, for the
readers not yet declared as shapes, :class:`Reader`.

Every shape problem is reported at once, each with its contract code (``required``, ``invalid``) and
the path of its field (``members[1].email``), so the API can return them and the form can show each
message next to its field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.email_address import InvalidEmail, checked_email, normalise_email
from wijkwerk.schema import Email, Matching, Says, Shape, Text
from wijkwerk.validation import Problem, text_message

LOCALES = ("nl", "en")
MAX_TEXT = 200
MAX_LONG_TEXT = 5000

Line = Annotated[str, Text()]
OptionalLine = Annotated[str, Text(optional=True)]
EmailAddress = Annotated[str, Email()]
LongText = Annotated[str, Text(MAX_LONG_TEXT, multiline=True)]
PHONE_PATTERN = r"\+?[0-9][0-9 ()\-]{8,18}[0-9]"
Phone = Annotated[
    str,
    Matching(
        optional=True,
        regex=PHONE_PATTERN,
        message=lambda: _("Vul een telefoonnummer in, zoals 06 12345678 of +31 6 12345678."),
    ),
]
Postcode = Annotated[
    str,
    Matching(
        regex=r"([1-9][0-9]{3}) ?([A-Za-z]{2})",
        message=lambda: _("Vul een Nederlandse postcode in, zoals 1234 AB."),
        shape=lambda found: f"{found[1]} {found[2].upper()}",
    ),
]
# A municipality by its CBS code (GM0606), in capitals or not; another code is no municipality.
MunicipalityCode = Annotated[
    str,
    Matching(
        limit=6,
        regex=r"[Gg][Mm][0-9]{4}",
        message=lambda: _("Deze gemeente kennen we niet."),
        shape=lambda found: found[0].upper(),
        code="unknown_municipality",
    ),
]
# The language mail and pages are in for this registrant (nl unless en).
Locale = Annotated[Literal["nl", "en"] | None, Says(literal_error=lambda: _("Kies nl of en."))]
Consent = Annotated[
    bool | None,
    Says(bool_type=lambda: _("Kies ja of nee.")),
]


class PersonInput(Shape):
    """Someone named in a request: a trio member, an approver, a substitute."""

    name: Line
    email: EmailAddress
    function: Line


class ContactInput(Shape):
    """The person who acts for a municipality or a city (its function and phone optional)."""

    name: Line
    email: EmailAddress
    function: OptionalLine = ""
    phone: Phone = ""


class BillingInput(Shape):
    """Where the invoice goes (docs/domain.md: a municipality needs its PO number and who
    ordered); ``ordered_by`` is the kind's to fill when left empty (:meth:`ordered`)."""

    organisation: Line
    address: Annotated[str, Text(300, multiline=True)]
    postcode: Postcode
    city: Annotated[str, Text(100)]
    email: EmailAddress
    po_number: Annotated[str, Text(100, optional=True)] = ""
    ordered_by: OptionalLine = ""

    def ordered(self, by: str) -> BillingInput:
        """These details, ordered by ``by`` unless they say who."""
        return self if self.ordered_by else self.model_copy(update={"ordered_by": by})


PHONE = re.compile(PHONE_PATTERN)


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


Reason = Annotated[str, Text(1000, multiline=True, optional=True)]


class DecisionInput(Shape):
    """An organiser's decision on a registration, with why (``POST …/approve``, ``/decline``,
    ``/cancel``); ``full_refund`` only for cancelling."""

    reason: Reason = ""
    full_refund: Annotated[
        bool,
        Field(description="alleen bij annuleren: alles terug, buiten de voorwaarden om"),
    ] = False


class ProgrammeCancellationInput(Shape):
    reason: Annotated[
        str,
        Text(1000, multiline=True),
        Field(description="iedere aanmelder leest deze reden"),
    ]
