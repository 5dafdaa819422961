"""wijkwerk: registrations for Dutch neighbourhood programmes."""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from wijkwerk.extensions import babel, csrf, db, login, mail, migrate

DEFAULT_CONFIG = "config.default.Config"


def create_app(
    config_object: str | object | None = None, *, instance_path: str | None = None, **overrides: Any
) -> Flask:
    """Build the application: config → logging → extensions → blueprints → errors → CLI.

    ``config_object`` defaults to ``$WIJKWERK_CONFIG`` or :data:`DEFAULT_CONFIG`; ``WIJKWERK_*``
    environment variables override it, and keyword ``overrides`` (used by the tests) override both.
    ``instance_path`` moves the instance folder (default: ``instance/`` beside the package).
    """
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_relative_config=True,
        instance_path=instance_path,
    )
    app.config.from_object(config_object or os.environ.get("WIJKWERK_CONFIG", DEFAULT_CONFIG))
    app.config.from_prefixed_env("WIJKWERK")
    app.config.update(overrides)
    _complete_config(app)

    _configure_logging(app)
    _init_extensions(app)
    _install_kinds(app)
    _register_blueprints(app)

    from wijkwerk import aftercommit, errors, formatting, inbound, security, webforms
    from wijkwerk.cli import wijkwerk_cli

    inbound.register(app)
    aftercommit.register(app)
    errors.register(app)
    formatting.register(app)
    webforms.register(app)
    security.register(app)
    app.cli.add_command(wijkwerk_cli)
    return app


def _complete_config(app: Flask) -> None:
    """Fill in what has a per-installation default: the SQLite file and the secret key."""
    missing = [
        key for key in app.config.get("REQUIRE_EXPLICIT_SETTINGS", ()) if not app.config[key]
    ]
    if missing:
        raise RuntimeError(
            "Set these in the environment first: " + ", ".join(f"WIJKWERK_{k}" for k in missing)
        )
    from wijkwerk.outbox.services import DELIVERY_MODES
    from wijkwerk.payments.parties import seller_problems

    if problems := seller_problems(app.config):
        raise RuntimeError("; ".join(problems))

    if app.config["MAIL_DELIVERY"] not in DELIVERY_MODES:
        raise RuntimeError(
            f"WIJKWERK_MAIL_DELIVERY must be one of {', '.join(DELIVERY_MODES)}, "
            f"not {app.config['MAIL_DELIVERY']!r}"
        )
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'wijkwerk.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SECRET_KEY"] = _instance_secret_key(instance / "secret_key")
    app.config["BASE_URL"] = str(app.config["BASE_URL"]).rstrip("/")


def _instance_secret_key(path: Path) -> str:
    """Read the development secret key, generating it once (safe when several workers race)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_hex(32)
        handle.write(key)
    return key


class EscapedLogRecord(logging.LogRecord):
    """A log record of ours whose message shows control characters escaped (``\\x0a``), so text
    from outside (a URL path, an address, an error message) cannot forge or break log lines.
    Tracebacks, added by the formatter, keep their lines."""

    def getMessage(self) -> str:
        message = super().getMessage()
        if self.name.startswith("wijkwerk"):
            return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", message)
        return message


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _configure_logging(app: Flask) -> None:
    level = app.config.get("LOG_LEVEL", "INFO")
    logging.getLogger("wijkwerk").setLevel(level)
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(EscapedLogRecord)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login.init_app(app)
    login.login_view = "accounts.login"
    login.login_message = None  # the login page itself explains why you are there
    login.session_protection = "strong"

    from wijkwerk import models  # noqa: F401  (every model registered before first use)
    from wijkwerk.audit import recorder

    recorder.install()
    from wijkwerk.accounts.services import load_account

    login.user_loader(load_account)


def _select_locale() -> str:
    """Dutch unless the visitor chose English with the language switch."""
    chosen = session.get("locale") if request else None
    if chosen in ("nl", "en"):
        return chosen
    return "nl"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys, let readers and a writer work side by side (WAL) and wait for
    a lock instead of failing at once."""
    module = type(dbapi_connection).__module__
    if not module.startswith(("sqlite3", "pysqlite")):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every URL, up to the largest id the database holds: a longer number is a 404,
    not a database error (PostgreSQL refuses integers beyond 32 bits)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _install_kinds(app: Flask) -> None:
    """The four programme kinds in the registry (wijkwerk/programmes/kinds.py); templates ask it
    with ``kind_of(programme)``."""
    from wijkwerk.driedaagse.kind import KIND as driedaagse
    from wijkwerk.kennis.kind import KIND as kennis
    from wijkwerk.programmes import kinds
    from wijkwerk.werkplaatsen.kind import KIND as werkplaats
    from wijkwerk.wijklab.kind import KIND as wijklab

    kinds.install([werkplaats, driedaagse, wijklab, kennis])
    app.jinja_env.globals["kind_of"] = kinds.of


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    from wijkwerk.accounts.views import bp as accounts_bp
    from wijkwerk.api import bp as api_bp
    from wijkwerk.api import invoices as api_invoices  # noqa: F401  (join api_bp, as these do)
    from wijkwerk.api import views as api_views  # noqa: F401  (the core's endpoints join api_bp)
    from wijkwerk.attendance.views import bp as attendance_bp
    from wijkwerk.backoffice import bp as backoffice_bp
    from wijkwerk.calendars.views import bp as calendars_bp
    from wijkwerk.checkout.views import bp as checkout_bp
    from wijkwerk.core.views import bp as core_bp
    from wijkwerk.driedaagse import beheer as _driedaagse_beheer  # noqa: F401
    from wijkwerk.driedaagse.views import bp as driedaagse_bp
    from wijkwerk.kennis import api as kennis_api  # noqa: F401  (a kind's endpoints join api_bp)
    from wijkwerk.kennis import beheer as _kennis_beheer  # noqa: F401
    from wijkwerk.kennis.views import bp as kennis_bp
    from wijkwerk.programmes.views import bp as programmes_bp
    from wijkwerk.registrations.views import bp as registrations_bp
    from wijkwerk.werkplaatsen.views import bp as werkplaatsen_bp
    from wijkwerk.wijklab import api as wijklab_api  # noqa: F401  (its endpoints join api_bp)
    from wijkwerk.wijklab import beheer as _wijklab_beheer  # noqa: F401
    from wijkwerk.wijklab.views import bp as wijklab_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(werkplaatsen_bp)
    app.register_blueprint(driedaagse_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(checkout_bp)
    app.register_blueprint(accounts_bp)
    # /beheer, its areas nested, and each kind's back-office pages: a kind's beheer module nests
    # them into backoffice_bp when first imported (above: before this, and once per process).
    app.register_blueprint(backoffice_bp)
    app.register_blueprint(wijklab_bp)
    app.register_blueprint(kennis_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # token-authenticated JSON; no cookies, so no CSRF
