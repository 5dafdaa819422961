from flask import Blueprint

bp = Blueprint("backoffice", __name__)

from wijkwerk.backoffice import views  # noqa: E402,F401
