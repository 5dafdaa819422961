"""Site-wide routes: health check, language choice and the statutory pages."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from wijkwerk.core import views  # noqa: E402,F401
