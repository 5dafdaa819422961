from __future__ import annotations

import logging

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wijkwerk.extensions import db
from wijkwerk.urls import local_target

bp = Blueprint("core", __name__)

logger = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability for load balancers (docs/api.md)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/taal")
def set_language():
    """Switch between Dutch and English, then go back to the page the visitor was on."""
    return _choose(request.form.get("locale"), request.form.get("next"))


@bp.get("/taal/<locale>")
def choose_language(locale: str):
    """The same as a link, as the header offers it: a page without a form stays the same for
    every visitor (and can be cached); the choice changes nothing but the visitor's language."""
    return _choose(locale, request.args.get("next"))


def _choose(locale: str | None, target: str | None):
    if locale in ("nl", "en"):
        session["locale"] = locale
    return redirect(local_target(target, url_for("programmes.home")))


@bp.get("/toegankelijkheid")
def accessibility():
    return render_template("core/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html")
