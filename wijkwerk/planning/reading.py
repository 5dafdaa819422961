"""``POST /api/v1/programmes``: the request body (docs/api.md) read into the plain values that
wijkwerk/planning/editing.py takes, and its problems mapped back to the body's field paths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from wijkwerk.money import rate_from_string
from wijkwerk.planning.editing import new_programme, problems_of_new
from wijkwerk.programmes.models import Allocation, Exemption, FeeUnit, Programme, ProgrammeKind
from wijkwerk.registrations.inputs import Reader
from wijkwerk.schema import Moment, read_value
from wijkwerk.validation import Problem, RuleViolation

API_FIELDS = {
    "fee_cents": "fee.amount_cents",
    "vat_rate_bp": "fee.vat_rate",
    "fee_per": "fee.per",
    "location_name": "location.name",
    "location_address": "location.address",
}


class _Reader(Reader):
    """The shared request reader, with the few shapes a programme adds: whole numbers, moments
    and optional parts."""

    def integer(self, data: dict, key: str, field: str, *, minimum: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.problem(
                "invalid", field, _("Vul een geheel getal van minstens %(min)s in.", min=minimum)
            )
            return None
        return value

    def moment(
        self, data: dict, key: str, field: str, *, required: bool = False
    ) -> dt.datetime | None:
        if data.get(key) is None and required:
            self.problem("required", field, _("Vul dit veld in."))
        if data.get(key) is None:
            return None
        moment, problems = read_value(Moment, data[key], field)
        self.problems.extend(problems)
        return moment

    def part(self, data: dict, key: str, field: str) -> dict:
        """An optional object; absent is empty."""
        return {} if data.get(key) is None else self.mapping(data.get(key), field)


def _api_field(problem: Problem) -> Problem:
    """``sessions[0].location_name`` → ``sessions[0].location.name``."""
    head, dot, name = (problem.field or "").rpartition(".")
    return Problem(problem.code, head + dot + API_FIELDS.get(name, name), problem.message)


def create_programme(data: Any) -> Programme:
    """``POST /api/v1/programmes``: a new programme (a draft unless ``state`` is ``published``)
    with its sessions, in the shape the API returns them (docs/api.md). Raises :class:`RuleViolation`
    with every problem at its field path."""
    if not isinstance(data, dict):
        raise RuleViolation(Problem("invalid", None, _("Stuur een JSON-object.")))
    reader = _Reader()
    fee = reader.part(data, "fee", "fee")
    vat_rate_bp = 2100
    if fee.get("vat_rate") is not None:
        try:
            vat_rate_bp = rate_from_string(str(fee["vat_rate"]))
        except ValueError:
            reader.problem("invalid", "fee.vat_rate", _('Geef een btw-tarief zoals "21" of "9".'))
    kind = reader.choice(data, "kind", "kind", ProgrammeKind, required=False)
    values = {
        "title": reader.text(data, "title", "title", required=False, limit=200),
        "summary": reader.text(data, "summary", "summary", required=False, limit=1000),
        "description": reader.text(data, "description", "description", required=False, limit=20000),
        "fee_cents": reader.integer(fee, "amount_cents", "fee.amount_cents") or 0,
        "vat_rate_bp": vat_rate_bp,
        "fee_per": reader.choice(fee, "per", "fee.per", FeeUnit, required=False),
        "exemption": reader.choice(data, "exemption", "exemption", Exemption, required=False),
        "capacity": reader.integer(data, "capacity", "capacity", minimum=1),
        "min_participants": reader.integer(data, "min_participants", "min_participants", minimum=1),
        "registration_deadline": reader.moment(
            data, "registration_deadline", "registration_deadline"
        ),
        "allocation": reader.choice(data, "allocation", "allocation", Allocation, required=False)
        or Allocation.FIRST_COME,
    }
    state = data.get("state", "draft")
    if state not in ("draft", "published"):
        reader.problem("invalid", "state", _("Kies draft of published."))
    raw_sessions = data.get("sessions") or []
    if not isinstance(raw_sessions, list):
        reader.problem("invalid", "sessions", _("Dit onderdeel heeft een onjuiste vorm."))
        raw_sessions = []
    sessions = []
    for index, raw in enumerate(raw_sessions):
        field = f"sessions[{index}]"
        if not isinstance(raw, dict):
            reader.problem("invalid", field, _("Dit onderdeel heeft een onjuiste vorm."))
            continue
        location = reader.part(raw, "location", f"{field}.location")
        sessions.append(
            {
                "title": reader.text(raw, "title", f"{field}.title", required=False, limit=200),
                "theme": reader.text(raw, "theme", f"{field}.theme", required=False, limit=300),
                "outcome": reader.text(
                    raw, "outcome", f"{field}.outcome", required=False, limit=5000
                ),
                "starts_at": reader.moment(raw, "starts_at", f"{field}.starts_at", required=True),
                "ends_at": reader.moment(raw, "ends_at", f"{field}.ends_at", required=True),
                "location_name": reader.text(
                    location, "name", f"{field}.location.name", required=False, limit=200
                ),
                "location_address": reader.text(
                    location, "address", f"{field}.location.address", required=False, limit=300
                ),
            }
        )
    slug = reader.text(data, "slug", "slug", required=False, limit=80)
    problems = reader.problems + [
        _api_field(p) for p in problems_of_new(slug, kind, values, sessions)
    ]
    if problems:
        raise RuleViolation(*_first_per_field(problems))
    return new_programme(slug, kind, values, sessions, published=state == "published")


def _first_per_field(problems: list[Problem]) -> list[Problem]:
    """One problem per field (the type error rather than a follow-up), in order."""
    seen: dict[str | None, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.field, problem)
    return list(seen.values())
