from __future__ import annotations

from flask import Blueprint, abort, render_template

from wijkwerk.programmes.services import get_programme, list_programmes
from wijkwerk.public_cache import public_page

bp = Blueprint("programmes", __name__)


@bp.get("/")
@public_page
def home():
    return render_template("programmes/home.html", programmes=list_programmes())


@bp.get("/programmes/<slug>")
@public_page
def detail(slug: str):
    programme = get_programme(slug)
    if programme is None:
        abort(404)
    return render_template("programmes/detail.html", programme=programme)
