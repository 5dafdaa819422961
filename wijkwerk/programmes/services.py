"""Reading programmes for the public pages, the back-office and the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from wijkwerk.extensions import db
from wijkwerk.programmes.models import Programme, ProgrammeStatus


def list_programmes(*, published_only: bool = True) -> list[Programme]:
    """Programmes with their sessions and contacts loaded (three queries whatever the count),
    ordered by their first session."""
    query = select(Programme).options(
        selectinload(Programme.sessions), selectinload(Programme.contacts)
    )
    if published_only:
        query = query.where(Programme.status == ProgrammeStatus.PUBLISHED)
    programmes = list(db.session.scalars(query))
    programmes.sort(key=_first_session_then_title)
    return programmes


def _first_session_then_title(programme: Programme) -> tuple:
    if programme.sessions:
        return (0, programme.sessions[0].starts_at, programme.title)
    return (1, None, programme.title)


def get_programme(slug: str, *, published_only: bool = True) -> Programme | None:
    """The programme at ``slug`` with its sessions and contacts, in one query (a programme has a
    handful of each)."""
    query = (
        select(Programme)
        .where(Programme.slug == slug)
        .options(joinedload(Programme.sessions), joinedload(Programme.contacts))
    )
    if published_only:
        query = query.where(Programme.status == ProgrammeStatus.PUBLISHED)
    return db.session.scalars(query).unique().one_or_none()
