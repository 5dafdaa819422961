"""A trio registration request read into typed input (docs/api.md, kind ``werkplaats``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from wijkwerk.registrations.inputs import (
    MAX_LONG_TEXT,
    BillingInput,
    PersonInput,
    Reader,
    read_billing,
    read_person,
)
from wijkwerk.registrations.parts import Domain, MemberRole
from wijkwerk.validation import Problem

TRIO_ROLES = (MemberRole.WIJKAMBTENAAR, MemberRole.SECTORAMBTENAAR)


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
    billing: BillingInput | None = None
    consent: bool | None = None  # None: not asked (an API client that collected it itself)
    rows: tuple[int, ...] = ()  # where each member stands in the request (rows left empty skipped)

    def row(self, index: int) -> int:
        """The request's index of ``members[index]``."""
        return self.rows[index] if self.rows else index


def read_trio(data: Any) -> tuple[TrioInput, list[Problem]]:
    """Parse a trio registration (docs/api.md). Returns the input, as far as it could be read, and the
    shape problems found; the caller checks the rules and raises."""
    reader = Reader()
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
    rows: list[int] = []
    if raw_members is None:
        reader.problem("required", "members", _("Geef de drie leden van het trio op."))
    elif not isinstance(raw_members, list):
        reader.problem("invalid", "members", _("Dit onderdeel heeft een onjuiste vorm."))
    else:
        for index, raw in enumerate(raw_members):
            field = f"members[{index}]"
            if _left_empty(raw):  # one message for the trio (not_a_trio), not one per field
                continue
            rows.append(index)
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
    locale = reader.locale(data)
    billing = None
    if data.get("billing") is not None:  # optional: exempt municipalities pay nothing
        billing = read_billing(reader, data["billing"], "billing", ordered_by=approver.name)
    consent = reader.flag(data, "consent", "consent")
    trio = TrioInput(
        municipality, casus, tuple(members), approver, locale, billing, consent, tuple(rows)
    )
    return trio, reader.problems


def _left_empty(raw: Any) -> bool:
    """A member row with nothing in it (a form's third row left blank)."""
    return isinstance(raw, dict) and not any(
        value.strip() if isinstance(value, str) else value is not None for value in raw.values()
    )
