"""Organisers create programmes with their sessions (``POST /api/v1/programmes``), in the shape
the API returns them (API.md). Every problem is reported at once with its field path."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.money import rate_from_string
from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    Programme,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
)
from wijkwerk.validation import Problem, RuleViolation

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DEFAULT_UNIT = {
    ProgrammeKind.WERKPLAATS: FeeUnit.TRIO,
    ProgrammeKind.DRIEDAAGSE: FeeUnit.PERSON,
    ProgrammeKind.WIJKLAB: FeeUnit.BOOKING,
    ProgrammeKind.KENNISPROGRAMMA: FeeUnit.CITY,
}


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, code: str, field: str, message: str) -> None:
        self.problems.append(Problem(code, field, message))

    def text(self, data: dict, key: str, field: str, *, limit: int, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail("required", field, _("Vul dit veld in."))
            return ""
        if not isinstance(value, str) or len(value) > limit:
            self.fail("invalid", field, _("Gebruik hooguit %(limit)s tekens.", limit=limit))
            return ""
        return value.strip()

    def integer(self, data: dict, key: str, field: str, *, minimum: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(
                "invalid", field, _("Vul een geheel getal van minstens %(min)s in.", min=minimum)
            )
            return None
        return value

    def choice(self, data: dict, key: str, field: str, choices: type, *, required: bool = False):
        value = data.get(key)
        if value is None:
            if required:
                self.fail("required", field, _("Kies een van de mogelijkheden."))
            return None
        try:
            return choices(value)
        except ValueError:
            self.fail("invalid", field, _("Kies een van de mogelijkheden."))
            return None

    def moment(
        self, data: dict, key: str, field: str, *, required: bool = False
    ) -> dt.datetime | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail("required", field, _("Vul dit veld in."))
            return None
        try:
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(
                "invalid",
                field,
                _("Geef een tijdstip in ISO 8601 met tijdzone, zoals 2027-10-12T13:00:00+02:00."),
            )
            return None
        return moment.astimezone(dt.UTC)


def create_programme(data: Any) -> Programme:
    """A new programme (a draft unless ``state`` is ``published``) with its sessions. Raises
    :class:`RuleViolation`."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise RuleViolation(Problem("invalid", None, _("Stuur een JSON-object.")))
    slug = reader.text(data, "slug", "slug", limit=80)
    if slug and not SLUG.fullmatch(slug):
        reader.fail("invalid", "slug", _("Gebruik kleine letters, cijfers en streepjes."))
    elif slug and db.session.scalar(select(Programme.id).where(Programme.slug == slug)):
        reader.fail("already_exists", "slug", _("Er is al een programma met deze slug."))
    kind = reader.choice(data, "kind", "kind", ProgrammeKind, required=True)
    fee = data.get("fee") or {}
    if not isinstance(fee, dict):
        reader.fail("invalid", "fee", _("Dit onderdeel heeft een onjuiste vorm."))
        fee = {}
    vat_rate_bp = 2100
    if fee.get("vat_rate") is not None:
        try:
            vat_rate_bp = rate_from_string(str(fee["vat_rate"]))
        except ValueError:
            reader.fail("invalid", "fee.vat_rate", _('Geef een btw-tarief zoals "21" of "9".'))
    capacity = reader.integer(data, "capacity", "capacity", minimum=1)
    minimum = reader.integer(data, "min_participants", "min_participants", minimum=1)
    if capacity is not None and minimum is not None and minimum > capacity:
        reader.fail("invalid", "min_participants", _("Het minimum is hoger dan het maximum."))
    state = data.get("state", "draft")
    if state not in ("draft", "published"):
        reader.fail("invalid", "state", _("Kies draft of published."))
    programme = Programme(
        slug=slug,
        kind=kind,
        title=reader.text(data, "title", "title", limit=200),
        summary=reader.text(data, "summary", "summary", limit=1000, required=False),
        description=reader.text(data, "description", "description", limit=20000, required=False),
        fee_cents=reader.integer(fee, "amount_cents", "fee.amount_cents") or 0,
        vat_rate_bp=vat_rate_bp,
        fee_per=reader.choice(fee, "per", "fee.per", FeeUnit)
        or DEFAULT_UNIT.get(kind, FeeUnit.PERSON),
        exemption=reader.choice(data, "exemption", "exemption", Exemption),
        capacity=capacity,
        min_participants=minimum,
        registration_deadline=reader.moment(data, "registration_deadline", "registration_deadline"),
        allocation=reader.choice(data, "allocation", "allocation", Allocation)
        or Allocation.FIRST_COME,
        status=ProgrammeStatus.PUBLISHED if state == "published" else ProgrammeStatus.DRAFT,
    )
    sessions = data.get("sessions") or []
    if not isinstance(sessions, list):
        reader.fail("invalid", "sessions", _("Dit onderdeel heeft een onjuiste vorm."))
        sessions = []
    for index, raw in enumerate(sessions):
        field = f"sessions[{index}]"
        if not isinstance(raw, dict):
            reader.fail("invalid", field, _("Dit onderdeel heeft een onjuiste vorm."))
            continue
        location = raw.get("location") if isinstance(raw.get("location"), dict) else {}
        starts_at = reader.moment(raw, "starts_at", f"{field}.starts_at", required=True)
        ends_at = reader.moment(raw, "ends_at", f"{field}.ends_at", required=True)
        if starts_at and ends_at and ends_at <= starts_at:
            reader.fail("invalid", f"{field}.ends_at", _("De bijeenkomst eindigt na het begin."))
        programme.sessions.append(
            ProgrammeSession(
                position=index,
                title=reader.text(raw, "title", f"{field}.title", limit=200),
                theme=reader.text(raw, "theme", f"{field}.theme", limit=300, required=False),
                outcome=reader.text(raw, "outcome", f"{field}.outcome", limit=5000, required=False),
                starts_at=starts_at,
                ends_at=ends_at,
                location_name=reader.text(
                    location, "name", f"{field}.location.name", limit=200, required=False
                ),
                location_address=reader.text(
                    location, "address", f"{field}.location.address", limit=300, required=False
                ),
            )
        )
    if reader.problems:
        raise RuleViolation(*reader.problems)
    db.session.add(programme)
    db.session.flush()
    return programme
