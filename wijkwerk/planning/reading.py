"""``POST /api/v1/programmes``: the request body (docs/api.md) read into the plain values that
wijkwerk/planning/editing.py takes, and its problems mapped back to the body's field paths."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.calendars.changes import LocationInput
from wijkwerk.money import rate_from_string
from wijkwerk.planning.editing import SLUG, new_programme, problems_of_new
from wijkwerk.programmes.models import Allocation, Exemption, FeeUnit, Programme, ProgrammeKind
from wijkwerk.schema import Matching, Moment, Says, Shape, Text, read, whole
from wijkwerk.validation import Problem, RuleViolation

API_FIELDS = {
    "fee_cents": "fee.amount_cents",
    "vat_rate_bp": "fee.vat_rate",
    "fee_per": "fee.per",
    "location_name": "location.name",
    "location_address": "location.address",
}


VatRate = Annotated[
    str,
    Matching(
        limit=8,
        regex=r"(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)( ?%)?",
        message=lambda: _('Geef een btw-tarief zoals "21" of "9".'),
    ),
]
Positive = whole(1)


class FeeInput(Shape):
    amount_cents: Annotated[whole(0), Field(description="excl. btw")] = 0
    vat_rate: Annotated[VatRate, Field(examples=["21"])] = "21"
    per: FeeUnit | None = None


class NewSessionInput(Shape):
    title: Annotated[str, Text(200)]
    theme: Annotated[str, Text(300, optional=True)] = ""
    outcome: Annotated[str, Text(5000, multiline=True, optional=True)] = ""
    starts_at: Moment
    ends_at: Moment
    location: LocationInput | None = None


class ProgrammeCreateInput(Shape):
    """``POST /programmes``: a programme with its sessions, a draft unless ``state`` is
    ``published``."""

    slug: Annotated[
        str,
        Matching(
            limit=80,
            regex=SLUG.pattern,
            message=lambda: _("Gebruik kleine letters, cijfers en streepjes."),
        ),
    ]
    kind: Annotated[ProgrammeKind, Says(missing=lambda: _("Kies een van de mogelijkheden."))]
    title: Annotated[str, Text(200)]
    summary: Annotated[str, Text(1000, multiline=True, optional=True)] = ""
    description: Annotated[str, Text(20000, multiline=True, optional=True)] = ""
    fee: FeeInput | None = None
    exemption: Exemption | None = None
    capacity: Positive | None = None
    min_participants: Positive | None = None
    registration_deadline: Moment | None = None
    allocation: Allocation | None = None
    state: Annotated[
        Literal["draft", "published"], Says(literal_error=lambda: _("Kies draft of published."))
    ] = "draft"
    sessions: list[NewSessionInput] = []

    def values(self) -> dict[str, Any]:
        """The settings wijkwerk/planning/editing.py takes."""
        fee = self.fee or FeeInput()
        return {
            "title": self.title,
            "summary": self.summary,
            "description": self.description,
            "fee_cents": fee.amount_cents or 0,
            "vat_rate_bp": rate_from_string(fee.vat_rate or "21"),
            "fee_per": fee.per,
            "exemption": self.exemption,
            "capacity": self.capacity,
            "min_participants": self.min_participants,
            "registration_deadline": self.registration_deadline,
            "allocation": self.allocation or Allocation.FIRST_COME,
        }

    def session_values(self) -> list[dict[str, Any]]:
        found = []
        for session in self.sessions:
            location = session.location or LocationInput()
            found.append(
                {
                    "title": session.title,
                    "theme": session.theme,
                    "outcome": session.outcome,
                    "starts_at": session.starts_at,
                    "ends_at": session.ends_at,
                    "location_name": location.name or "",
                    "location_address": location.address or "",
                }
            )
        return found


def _api_field(problem: Problem) -> Problem:
    """``sessions[0].location_name`` → ``sessions[0].location.name``."""
    head, dot, name = (problem.field or "").rpartition(".")
    return Problem(problem.code, head + dot + API_FIELDS.get(name, name), problem.message)


def create_programme(data: Any) -> Programme:
    """``POST /api/v1/programmes``: a new programme (a draft unless ``state`` is ``published``)
    with its sessions, in the shape the API returns them (docs/api.md). Raises :class:`RuleViolation`
    with every problem at its field path."""
    given, problems = read(ProgrammeCreateInput, data)
    values, sessions = given.values(), given.session_values()
    unreadable = {p.field for p in problems}
    problems += [
        p
        for p in map(_api_field, problems_of_new(given.slug, given.kind, values, sessions))
        if p.field not in unreadable
    ]
    if problems:
        raise RuleViolation(*_first_per_field(problems))
    return new_programme(
        given.slug, given.kind, values, sessions, published=given.state == "published"
    )


def _first_per_field(problems: list[Problem]) -> list[Problem]:
    """One problem per field (the type error rather than a follow-up), in order."""
    seen: dict[str | None, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.field, problem)
    return list(seen.values())
