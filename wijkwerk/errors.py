"""Error handling, wired once: JSON under ``/api/``, a Dutch page elsewhere, a rollback always."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from wijkwerk.extensions import db

logger = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: _("Het verzoek kon niet worden verwerkt."),
        401: _("U moet inloggen om dit te zien."),
        403: _("U heeft geen toegang tot deze pagina."),
        404: _("Deze pagina bestaat niet (meer)."),
        405: _("Deze actie is hier niet toegestaan."),
        409: _("Dit kan niet in de huidige stand van zaken."),
        410: _("Deze link is verlopen."),
        413: _("Het verstuurde bestand of formulier is te groot."),
        422: _("De invoer is niet in orde."),
        429: _("Te veel verzoeken. Probeer het over een paar minuten opnieuw."),
        500: _("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
        503: _("De dienst is tijdelijk niet beschikbaar."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, message: str | None = None, error_code: str | None = None):
    """The response for an HTTP error, in the form the client asked for."""
    text = message or _messages().get(code, _("Er ging iets mis."))
    if wants_json():
        body = {"errors": [{"code": error_code or f"http_{code}", "field": None, "message": text}]}
        return jsonify(body), code
    return render_template("errors/error.html", code=code, message=text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        db.session.rollback()
        return error_response(
            400,
            _(
                "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."
            ),
            "csrf",
        )

    @app.errorhandler(StaleDataError)
    def concurrent_change(exc: StaleDataError):
        db.session.rollback()
        return error_response(
            409,
            _("Dit werd tegelijk door iemand anders gewijzigd. Laad de pagina opnieuw."),
            "concurrent_change",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        if exc.code is None or exc.code < 400:
            return exc
        custom = exc.description if exc.description != type(exc).description else None
        return error_response(exc.code, custom)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        db.session.rollback()
        if app.testing:  # let the test see the real traceback
            raise exc
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
