"""Registrations: the trio form, the approver's page and the registrant's own page."""

from flask import Blueprint

bp = Blueprint("registrations", __name__)

from wijkwerk.registrations import views  # noqa: E402,F401
