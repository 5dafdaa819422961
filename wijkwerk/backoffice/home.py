"""The back-office's front page: every programme, drafts included, and the ways into each area."""

from __future__ import annotations

from flask import Blueprint, render_template

from wijkwerk.programmes.services import list_programmes

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template(
        "backoffice/index.html", programmes=list_programmes(published_only=False)
    )
