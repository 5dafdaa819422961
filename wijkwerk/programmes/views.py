from __future__ import annotations

from flask import Blueprint, abort, render_template

from wijkwerk.programmes.services import get_programme, list_programmes

bp = Blueprint("programmes", __name__)


@bp.get("/")
def home():
    return render_template("programmes/home.html", programmes=list_programmes())


@bp.get("/programmes/<slug>")
def detail(slug: str):
    programme = get_programme(slug)
    if programme is None:
        abort(404)
    return render_template("programmes/detail.html", programme=programme)
