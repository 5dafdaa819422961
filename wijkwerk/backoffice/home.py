"""The back-office's front page: where each current programme stands and what needs an organiser
today (wijkwerk/backoffice/dashboard.py), every programme (drafts included) and the ways into
each area."""

from __future__ import annotations

from flask import Blueprint, render_template

from wijkwerk.backoffice import dashboard
from wijkwerk.programmes.services import list_programmes
from wijkwerk.timeutil import now_utc

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    now = now_utc()
    current = dashboard.standings(now)
    shown = {s.programme.id for s in current}
    return render_template(
        "backoffice/index.html",
        standings=current,
        attention=dashboard.attention(now, current),
        others=[p for p in list_programmes(published_only=False) if p.id not in shown],
    )
