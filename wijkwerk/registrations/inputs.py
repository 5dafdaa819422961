"""Parsing a registration request into typed input, for the API and the web form alike.

Every shape problem is reported at once, each with its contract code (``required``, ``invalid``) and
the path of its field (``members[1].email``), so the API can return them and the form can show each
message next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from wijkwerk.registrations.models import Domain, MemberRole
from wijkwerk.validation import Problem

TRIO_ROLES = (MemberRole.WIJKAMBTENAAR, MemberRole.SECTORAMBTENAAR)
LOCALES = ("nl", "en")
MAX_TEXT = 200
MAX_LONG_TEXT = 5000


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str
    function: str


@dataclass(frozen=True)
class MemberInput(PersonInput):
    role: MemberRole
    domain: Domain


@dataclass(frozen=True)
class CasusInput:
    title: str
    wijk: str
    description: str
    domains: tuple[Domain, ...] | None  # None when missing or malformed (already a problem)


@dataclass(frozen=True)
class TrioInput:
    municipality: str
    casus: CasusInput
    members: tuple[MemberInput, ...]
    approver: PersonInput
    locale: str


class _Reader:
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
        return value

    def email(self, data: dict, key: str, field: str) -> str:
        value = self.text(data, key, field)
        if not value:
            return ""
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.problem("invalid", field, _("Dit is geen geldig e-mailadres."))
            return value.lower()

    def choice(self, data: dict, key: str, field: str, choices: type) -> Any:
        value = self.text(data, key, field)
        if not value:
            return None
        try:
            return choices(value)
        except ValueError:
            self.problem("invalid", field, _("Kies een van de mogelijkheden."))
            return None


def read_person(reader: _Reader, data: Any, field: str) -> PersonInput:
    data = reader.mapping(data, field)
    return PersonInput(
        name=reader.text(data, "name", f"{field}.name"),
        email=reader.email(data, "email", f"{field}.email"),
        function=reader.text(data, "function", f"{field}.function"),
    )


def read_trio(data: Any) -> tuple[TrioInput, list[Problem]]:
    """Parse a trio registration (API.md). Returns the input, as far as it could be read, and the
    shape problems found; the caller checks the rules and raises."""
    reader = _Reader()
    data = reader.mapping(data, None)
    municipality = reader.text(data, "municipality", "municipality").upper()

    casus_data = reader.mapping(data.get("casus"), "casus")
    raw_domains = casus_data.get("domains")
    domains: list[Domain] | None = []
    if raw_domains is None:
        domains = None
        reader.problem(
            "required", "casus.domains", _("Kies de beleidsdomeinen die de casus verbindt.")
        )
    elif not isinstance(raw_domains, list):
        domains = None
        reader.problem("invalid", "casus.domains", _("Dit onderdeel heeft een onjuiste vorm."))
    else:
        for index, value in enumerate(raw_domains):
            try:
                domains.append(Domain(value))
            except ValueError:
                reader.problem("invalid", f"casus.domains[{index}]", _("Onbekend beleidsdomein."))
    casus = CasusInput(
        title=reader.text(casus_data, "title", "casus.title"),
        wijk=reader.text(casus_data, "wijk", "casus.wijk"),
        description=reader.text(
            casus_data, "description", "casus.description", limit=MAX_LONG_TEXT
        ),
        domains=None if domains is None else tuple(dict.fromkeys(domains)),
    )

    raw_members = data.get("members")
    members: list[MemberInput] = []
    if raw_members is None:
        reader.problem("required", "members", _("Geef de drie leden van het trio op."))
    elif not isinstance(raw_members, list):
        reader.problem("invalid", "members", _("Dit onderdeel heeft een onjuiste vorm."))
    else:
        for index, raw in enumerate(raw_members):
            field = f"members[{index}]"
            person = read_person(reader, raw, field)
            raw = raw if isinstance(raw, dict) else {}
            role = reader.choice(raw, "role", f"{field}.role", MemberRole)
            if role is not None and role not in TRIO_ROLES:
                reader.problem(
                    "invalid", f"{field}.role", _("Kies wijkambtenaar of sectorambtenaar.")
                )
                role = None
            domain = reader.choice(raw, "domain", f"{field}.domain", Domain)
            members.append(MemberInput(person.name, person.email, person.function, role, domain))

    approver = read_person(reader, data.get("approver"), "approver")
    locale = data.get("locale") or "nl"
    if locale not in LOCALES:
        reader.problem("invalid", "locale", _("Kies nl of en."))
        locale = "nl"
    trio = TrioInput(municipality, casus, tuple(members), approver, locale)
    return trio, reader.problems
