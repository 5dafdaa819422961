from flask import Blueprint

bp = Blueprint("programmes", __name__)

from wijkwerk.programmes import views  # noqa: E402,F401
