"""A trio registration request (docs/api.md, kind ``werkplaats``), declared once
(wijkwerk/schema/): the API reads it, the form sends it, the OpenAPI document shows it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from wijkwerk.registrations.inputs import (
    BillingInput,
    Consent,
    Line,
    Locale,
    LongText,
    MunicipalityCode,
    PersonInput,
)
from wijkwerk.registrations.parts import Domain, MemberRole
from wijkwerk.schema import RowMayBeEmpty, Says, Shape, refusal


class TrioMemberInput(PersonInput):
    role: Annotated[
        Literal[MemberRole.WIJKAMBTENAAR, MemberRole.SECTORAMBTENAAR],
        Says(literal_error=lambda: _("Kies wijkambtenaar of sectorambtenaar.")),
    ]
    domain: Domain


def _casus_single_domain() -> str:
    return _("De casus verbindt minstens twee beleidsdomeinen.")


def _each_once(domains: list[Domain]) -> list[Domain]:
    """Fewer than two different domains is ``casus_single_domain`` (a domain named twice counts
    once); two or more with one of them twice is a slip to mend."""
    if len(set(domains)) < 2:
        raise refusal("casus_single_domain", _casus_single_domain())
    if len(set(domains)) != len(domains):
        raise refusal("invalid", _("Kies elk beleidsdomein één keer."))
    return domains


class CasusInput(Shape):
    title: Line
    wijk: Line
    description: LongText
    domains: Annotated[
        list[Annotated[Domain, Says(enum=lambda: _("Onbekend beleidsdomein."))]],
        AfterValidator(_each_once),
        Field(min_length=2, json_schema_extra={"uniqueItems": True}),
        Says(
            missing=lambda: _("Kies de beleidsdomeinen die de casus verbindt."),
            too_short=("casus_single_domain", _casus_single_domain),
        ),
    ]


def _left_empty(raw: Any) -> bool:
    """A member row with nothing in it (a form's third row left blank)."""
    return raw is None or (
        isinstance(raw, dict)
        and not any(
            value.strip() if isinstance(value, str) else value is not None for value in raw.values()
        )
    )


def _rows(value: Any) -> Any:
    """Rows left empty are no member: one message for the trio (not_a_trio), not one per field."""
    return (
        [None if _left_empty(row) else row for row in value] if isinstance(value, list) else value
    )


def _three(rows: list) -> list:
    if sum(row is not None for row in rows) != 3:
        raise refusal("not_a_trio", _("Een trio bestaat uit precies drie personen."))
    return rows


_NOT_A_TRIO = ("not_a_trio", lambda: _("Een trio bestaat uit precies drie personen."))


class TrioInput(Shape):
    """A trio's registration. The rules about the trio as a whole (a wijkambtenaar, two domains,
    no one twice, an approver from outside) are in wijkwerk/werkplaatsen/services.py."""

    municipality: MunicipalityCode
    casus: CasusInput
    members: Annotated[
        list[Annotated[TrioMemberInput | None, RowMayBeEmpty()]],
        BeforeValidator(_rows),
        Field(min_length=3, max_length=3),
        AfterValidator(_three),
        Says(
            missing=lambda: _("Geef de drie leden van het trio op."),
            too_short=_NOT_A_TRIO,
            too_long=_NOT_A_TRIO,
        ),
    ]
    approver: PersonInput
    billing: Annotated[
        BillingInput | None,
        Field(description="factuurgegevens; nodig als de gemeente betaalt"),
    ] = None
    consent: Consent = None  # its description is the type's
    locale: Locale = "nl"
    allow_second: Annotated[
        bool | None,
        Field(
            description="Alleen met een organisator-token: een tweede trio van dezelfde gemeente."
        ),
    ] = None

    def given(self) -> list[tuple[int, TrioMemberInput]]:
        """The members given, each with where it stands in the request."""
        return [(index, member) for index, member in enumerate(self.members) if member]
