from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from wijkwerk.backoffice import bp
from wijkwerk.extensions import login
from wijkwerk.programmes.services import list_programmes


@bp.before_request
@login_required
def require_login() -> None:
    """Every back-office page needs a logged-in account."""
    if not current_user.is_authenticated:  # pragma: no cover - login_required already redirected
        return login.unauthorized()
    return None


@bp.get("/")
def index():
    return render_template(
        "backoffice/index.html", programmes=list_programmes(published_only=False)
    )
