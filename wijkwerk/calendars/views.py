"""Calendar files: a programme's sessions, one session, and a registration's personal feed."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.programmes.ics import CONTENT_TYPE, calendar
from wijkwerk.programmes.services import get_programme
from wijkwerk.public_cache import public_page
from wijkwerk.ratelimit import limited
from wijkwerk.registrations.lifecycle import by_manage_token_or_404
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.sessions import sessions_of
from wijkwerk.webforms import CheckedForm

bp = Blueprint("calendars", __name__)


def _ics(body: bytes, filename: str, *, private: bool = False) -> Response:
    return Response(
        body,
        content_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, max-age=300" if private else "public, max-age=300",
        },
    )


@bp.get("/programmes/<slug>/calendar.ics")
@public_page
def programme_calendar(slug: str):
    programme = get_programme(slug)
    if programme is None:
        abort(404)
    return _ics(calendar(programme.title, programme.public_sessions), f"{slug}.ics")


@bp.get("/programmes/<slug>/sessions/<int:session_id>.ics")
@public_page
def session_calendar(slug: str, session_id: int):
    programme = get_programme(slug)
    found = (
        next((s for s in programme.public_sessions if s.id == session_id), None)
        if programme
        else None
    )
    if found is None:
        abort(404)
    return _ics(calendar(programme.title, [found]), f"{slug}-{session_id}.ics")


@bp.get("/agenda/<token>.ics")
def personal_feed(token: str):
    """The sessions this registration attends; the secret is in the URL, so an unknown or
    revoked token is a 404. A cancelled registration's feed empties, so subscribed calendars
    drop its events."""
    registration = db.session.scalar(select(Registration).where(Registration.feed_token == token))
    if registration is None:
        abort(404)
    body = calendar(
        registration.programme.title, sessions_of(registration), locale=registration.locale
    )
    return _ics(body, "wijkwerk.ics", private=True)


@bp.post("/aanmelding/<token>/agenda-link")
@limited("actions")
def renew_feed(token: str):
    """Make a new secret feed link; the old one stops working (a link shared by mistake)."""
    registration = by_manage_token_or_404(token)
    if not CheckedForm().validate_on_submit():
        abort(400)
    registration.feed_token = secrets.token_urlsafe(32)
    registration.note_change(actor_label="registrant", reason=_("Nieuwe agenda-link gemaakt."))
    db.session.commit()
    flash(_("Er is een nieuwe agenda-link; de oude werkt niet meer."), "success")
    return redirect(url_for("registrations.manage", token=token, _anchor="agenda"))
