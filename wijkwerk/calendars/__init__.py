"""Calendars (RFC 5545): a programme's sessions and a registration's personal feed."""

from flask import Blueprint

bp = Blueprint("calendars", __name__)

from wijkwerk.calendars import views  # noqa: E402,F401
