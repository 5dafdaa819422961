"""Model → JSON, in the shapes API.md fixes."""

from __future__ import annotations

import datetime as dt

from wijkwerk.money import rate_as_string
from wijkwerk.municipalities.models import Municipality
from wijkwerk.programmes.models import Programme, ProgrammeSession


def timestamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 with offset (UTC)."""
    return value.isoformat() if value is not None else None


def municipality(m: Municipality) -> dict:
    return {
        "code": m.code,
        "name": m.display_name,
        "official_name": m.name,
        "province": m.province_name,
        "population": m.population,
        "middelgroot": m.middelgroot,
    }


def session(s: ProgrammeSession) -> dict:
    return {
        "id": s.id,
        "title": s.title,
        "theme": s.theme,
        "outcome": s.outcome,
        "starts_at": timestamp(s.starts_at),
        "ends_at": timestamp(s.ends_at),
        "location": {"name": s.location_name, "address": s.location_address},
        "status": s.status.value,
    }


def programme(p: Programme) -> dict:
    return {
        "slug": p.slug,
        "kind": p.kind.value,
        "title": p.title,
        "summary": p.summary,
        "description": p.description,
        "fee": {
            "amount_cents": p.fee_cents,
            "vat_rate": rate_as_string(p.vat_rate_bp),
            "vat_cents": p.price.vat_cents,
            "total_cents": p.price.total_cents,
            "per": p.fee_per.value,
        },
        "exemption": p.exemption.value if p.exemption else None,
        "capacity": p.capacity,
        "min_participants": p.min_participants,
        "registration_deadline": timestamp(p.registration_deadline),
        "allocation": p.allocation.value,
        "state": p.window().value,
        "places_left": p.places_left,
        "sessions": [session(s) for s in p.sessions],
    }
