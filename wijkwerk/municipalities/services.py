"""Loading and searching the municipality reference list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.payments.parties import Oin
from wijkwerk.schema import Shape, parse
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation

SHIPPED_FILE = "gemeenten_2026.tsv"
REQUIRED_COLUMNS = ("gemeentecode", "naam_cbs", "provinciecode", "provincienaam", "inwoners")
_CODE = re.compile(r"^GM\d{4}$")
_YEAR_IN_NAME = re.compile(r"(\d{4})")


class ReferenceDataError(ValueError):
    """The reference file cannot be loaded; the message says where and why."""


@dataclass
class LoadResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    common_name: str
    province_code: str
    province_name: str
    population: int
    m50_member: bool


def shipped_file() -> Path:
    return Path(str(resources.files("wijkwerk") / "data" / SHIPPED_FILE))


def middelgroot_by_rule(population: int, m50_member: bool) -> bool:
    """docs/domain.md: an M50 member, or a population inside the configured band (inclusive)."""
    low = int(current_app.config["MIDDELGROOT_MIN_POPULATION"])
    high = int(current_app.config["MIDDELGROOT_MAX_POPULATION"])
    return m50_member or low <= population <= high


def read_rows(text: str) -> list[MunicipalityRow]:
    """Parse the reference file (tab, comma or semicolon separated). Raises
    :class:`ReferenceDataError` naming the line of the first problem."""
    first_line = text.split("\n", 1)[0]
    delimiter = max("\t,;", key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceDataError("kolommen ontbreken: " + ", ".join(missing))
    rows: list[MunicipalityRow] = []
    seen: set[str] = set()
    for line_number, raw in enumerate(reader, start=2):
        code = (raw["gemeentecode"] or "").strip().upper()
        if not _CODE.match(code):
            raise ReferenceDataError(f"regel {line_number}: ongeldige gemeentecode {code!r}")
        if code in seen:
            raise ReferenceDataError(f"regel {line_number}: gemeentecode {code} staat er dubbel in")
        seen.add(code)
        try:
            population = int((raw["inwoners"] or "").strip().replace(".", ""))
        except ValueError as exc:
            raise ReferenceDataError(f"regel {line_number}: ongeldig inwonertal") from exc
        name = (raw["naam_cbs"] or "").strip()
        if not name:
            raise ReferenceDataError(f"regel {line_number}: naam ontbreekt")
        rows.append(
            MunicipalityRow(
                code=code,
                name=name,
                common_name=(raw.get("naam_roep") or "").strip() or name,
                province_code=(raw["provinciecode"] or "").strip(),
                province_name=(raw["provincienaam"] or "").strip(),
                population=population,
                m50_member=(raw.get("m50_lid_april2023") or "").strip().lower()
                in ("ja", "yes", "1"),
            )
        )
    if not rows:
        raise ReferenceDataError("het bestand bevat geen gemeenten")
    return rows


def reference_date_from_name(path: Path) -> dt.date | None:
    """``gemeenten_2026.tsv`` holds the figures of 1 January 2026."""
    match = _YEAR_IN_NAME.search(path.name)
    return dt.date(int(match.group(1)), 1, 1) if match else None


def load_municipalities(rows: list[MunicipalityRow], population_date: dt.date) -> LoadResult:
    """Add or update every municipality in ``rows``; mark the ones no longer listed inactive.
    Idempotent: loading the same rows again changes nothing. Organisers' overrides are kept."""
    existing = {m.code: m for m in db.session.scalars(select(Municipality))}
    result = LoadResult()
    for row in rows:
        values = {
            "name": row.name,
            "common_name": row.common_name,
            "province_code": row.province_code,
            "province_name": row.province_name,
            "population": row.population,
            "population_date": population_date,
            "m50_member": row.m50_member,
            "middelgroot_by_rule": middelgroot_by_rule(row.population, row.m50_member),
            "active": True,
        }
        municipality = existing.pop(row.code, None)
        if municipality is None:
            db.session.add(Municipality(code=row.code, **values))
            result.added.append(row.code)
        elif any(getattr(municipality, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(municipality, key, value)
            result.updated.append(row.code)
        else:
            result.unchanged += 1
    for code, municipality in existing.items():
        if municipality.active:
            municipality.active = False
            result.deactivated.append(code)
    db.session.flush()
    return result


def search_municipalities(query: str = "", *, limit: int | None = None) -> list[Municipality]:
    """Active municipalities whose name, everyday name or code contains ``query``; all when empty."""
    statement = select(Municipality).where(Municipality.active.is_(True))
    query = query.strip()
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(
                Municipality.name.ilike(pattern),
                Municipality.common_name.ilike(pattern),
                Municipality.code.ilike(pattern),
            )
        )
    statement = statement.order_by(Municipality.common_name)
    if limit:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement))


class OinInput(Shape):
    oin: Oin = ""


def set_oin(municipality: Municipality, oin: str) -> None:
    """Record the municipality's OIN (empty: none known), where e-invoices to it are addressed
    when its billing details name no KvK number or OIN (docs/einvoice.md). Invoices issued
    before keep what they had. Raises :class:`RuleViolation` at ``oin``."""
    municipality.oin = parse(OinInput, {"oin": oin}).oin or None
    db.session.flush()


def set_middelgroot_override(
    municipality: Municipality, value: bool | None, reason: str, by: Account
) -> None:
    """Overrule the rule for one municipality (``None`` returns to the rule). Raises
    :class:`RuleViolation` when overriding without a reason (for example "lid van M50 sinds 2025")."""
    if value is not None and not reason.strip():
        raise RuleViolation(
            Problem(
                "required",
                "reason",
                _("Geef een reden op, bijvoorbeeld een nieuw M50-lidmaatschap."),
            )
        )
    municipality.middelgroot_override = value
    municipality.middelgroot_override_reason = reason.strip() if value is not None else None
    municipality.middelgroot_override_by_id = by.id
    municipality.middelgroot_override_at = now_utc()
    db.session.flush()
