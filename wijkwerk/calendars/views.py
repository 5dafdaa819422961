from __future__ import annotations

from flask import Blueprint, Response, abort
from sqlalchemy import select

from wijkwerk.calendars.ics import calendar
from wijkwerk.extensions import db
from wijkwerk.registrations.models import Registration, RegistrationState

bp = Blueprint("calendars", __name__)


@bp.get("/agenda/<token>.ics")
def personal_feed(token: str):
    """The sessions a confirmed registration attends; secret in the URL, so unknown is a 404."""
    registration = db.session.scalar(select(Registration).where(Registration.feed_token == token))
    if registration is None:
        abort(404)
    attends = registration.state is RegistrationState.CONFIRMED
    sessions = registration.programme.sessions if attends else []
    body = calendar(registration.programme.title, sessions)
    return Response(
        body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"}
    )
