"""The JSON API under ``/api/v1`` (API.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from wijkwerk.api import views  # noqa: E402,F401
