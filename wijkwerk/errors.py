"""Error handling, wired once: JSON under ``/api/``, a Dutch page elsewhere, a rollback always."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from wijkwerk.extensions import db, login

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


def error_response(
    code: int, message: str | None = None, error_code: str | None = None, detail: str = ""
):
    """The response for an HTTP error, in the form the client asked for: ``message`` is the
    page's heading, ``detail`` a sentence under it (in JSON both, as one message)."""
    text = message or _messages().get(code, _("Er ging iets mis."))
    if wants_json():
        full = f"{text}. {detail}" if detail else text
        body = {"errors": [{"code": error_code or f"http_{code}", "field": None, "message": full}]}
        return jsonify(body), code
    return render_template("errors/error.html", code=code, message=text, detail=detail), code


# How long a client is asked to wait while the database cannot be reached (seconds).
RETRY_AFTER_SECONDS = 120


def _rollback() -> None:
    """End the failed transaction; with the database gone even that can fail."""
    try:
        db.session.rollback()
    except Exception:
        logger.warning("rollback after an error failed", exc_info=True)


def register(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc: OperationalError | InterfaceError):
        """The database cannot be reached (stopped, restarting, locked): 503 with Retry-After,
        for pages and API alike; the next request simply tries again (the pool pings first)."""
        _rollback()
        logger.warning("database unavailable: %s", str(exc.orig or exc).splitlines()[0])
        g._login_user = login.anonymous_user()  # the error page must not ask the database again
        response = make_response(
            error_response(
                503,
                _("wijkwerk is tijdelijk niet beschikbaar"),
                "unavailable",
                detail=_(
                    "Probeer het over enkele minuten opnieuw. Wat u net verstuurde, is misschien "
                    "niet aangekomen: kijk dan in uw e-mail of u een bevestiging kreeg."
                ),
            )
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        _rollback()
        return error_response(
            400,
            _(
                "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."
            ),
            "csrf",
        )

    @app.errorhandler(StaleDataError)
    def concurrent_change(exc: StaleDataError):
        _rollback()
        return error_response(
            409,
            _("Dit werd tegelijk door iemand anders gewijzigd. Laad de pagina opnieuw."),
            "concurrent_change",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        _rollback()
        if exc.code is None or exc.code < 400:
            return exc
        custom = exc.description if exc.description != type(exc).description else None
        response = make_response(error_response(exc.code, custom))
        for name, value in exc.get_headers():  # Allow on a 405 (RFC 9110), Retry-After on a 429
            if name != "Content-Type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        _rollback()
        if app.testing:  # let the test see the real traceback
            raise exc
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
