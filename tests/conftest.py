"""Fixtures, layered like flaskr and Indico: a database backend per session, a fresh database and
app per test, the test client and CLI runner, and a real SMTP server.

Every test that uses ``app`` runs on SQLite and on PostgreSQL. PostgreSQL comes from
``WIJKWERK_TEST_POSTGRES_URI`` (``make test`` starts a server and sets it); without it the PostgreSQL
half is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import contextvars
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from tests.smtp import SMTPServer
from wijkwerk import aftercommit, create_app
from wijkwerk.extensions import db as _db
from wijkwerk.timeutil import frozen_at, frozen_moment

POSTGRES_URI = os.environ.get("WIJKWERK_TEST_POSTGRES_URI")
TESTING_CONFIG = "config.testing.TestingConfig"


def postgres_uri_or_skip() -> str:
    if POSTGRES_URI:
        return POSTGRES_URI
    if os.environ.get("CI"):
        pytest.fail("WIJKWERK_TEST_POSTGRES_URI is not set: run the suite with `make test`")
    pytest.skip("no PostgreSQL test server; `make test` starts one")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this half of the suite."""
    if request.param == "postgresql":
        postgres_uri_or_skip()
    return request.param


@pytest.fixture(scope="session")
def _postgres_schema(backend: str) -> Iterator[None]:
    """On PostgreSQL: the schema, created once per session (tests empty the tables afterwards)."""
    if backend != "postgresql":
        yield
        return
    app = create_app(TESTING_CONFIG, SQLALCHEMY_DATABASE_URI=POSTGRES_URI)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    yield


def make_app(uri: str, tmp_path: Path, **overrides: object) -> Flask:
    return create_app(
        TESTING_CONFIG,
        instance_path=str(tmp_path / "instance"),
        SQLALCHEMY_DATABASE_URI=uri,
        **overrides,
    )


@pytest.fixture
def app_overrides() -> dict:
    """Extra settings for the ``app`` of one test module or test (override this fixture)."""
    return {}


@pytest.fixture
def app(
    backend: str, _postgres_schema: None, tmp_path: Path, smtp: SMTPServer, app_overrides: dict
) -> Iterator[Flask]:
    """An app on a fresh, empty database with the schema of the models, mail to the test SMTP."""
    uri = f"sqlite:///{tmp_path / 'wijkwerk.sqlite3'}" if backend == "sqlite" else POSTGRES_URI
    app = make_app(uri, tmp_path, MAIL_PORT=smtp.port, **app_overrides)
    with app.app_context():
        if backend == "sqlite":
            _db.create_all()
        yield app
        _db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
            with _db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask):
    return _db


@pytest.fixture
def series(db):
    """A series of werkplaatsen open for trios, with the test municipalities loaded (a module may
    define its own ``series``)."""
    from tests import trio_helpers

    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    db.session.commit()
    return programme


def end_unit_of_work() -> None:
    """What the end of a request or command does, for work a test did itself: commit, then what
    follows the commit (wijkwerk.aftercommit: mail, refunds)."""
    _db.session.commit()
    aftercommit.settle()


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's own app context, as in production: every request gets
    its own ``g`` (Flask-Login's user, Flask-Babel's locale) and its own database session.

    Every answer of the JSON API is checked against the OpenAPI document with ``openapi-core``, so
    the document describes what the API really returns, in every test that calls it."""

    def open(self, *args, **kwargs):
        moment = frozen_moment()  # the test's frozen clock does apply to its requests

        def request():
            if moment is None:
                return super(IsolatedClient, self).open(*args, **kwargs)
            with frozen_at(moment):
                return super(IsolatedClient, self).open(*args, **kwargs)

        response = contextvars.Context().run(request)
        check_against_openapi(response)
        return response


_OPENAPI = None
TEST_ONLY_PATHS = {"/api/v1/boom"}  # added by tests/test_errors.py to make a 500


def check_against_openapi(response) -> None:
    """Fail when an ``/api/v1`` response does not match the OpenAPI document."""
    global _OPENAPI
    request = getattr(response, "request", None)
    if request is None or not request.path.startswith("/api/v1/"):
        return
    if request.path == "/api/v1/openapi.json":
        return
    from openapi_core import OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
    from werkzeug.wrappers import Request

    from wijkwerk.api.openapi import openapi_document

    if _OPENAPI is None:
        _OPENAPI = OpenAPI.from_dict(openapi_document())
    # The request's body was read by the app; the check needs only its method, path and query.
    environ = {**request.environ, "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"}
    replayed = WerkzeugOpenAPIRequest(Request(environ))
    try:
        _OPENAPI.validate_response(replayed, WerkzeugOpenAPIResponse(response))
    except PathNotFound:  # an unknown URL, or a route a test added for itself
        assert response.status_code == 404 or request.path in TEST_ONLY_PATHS, (
            f"{request.path} is not in the OpenAPI document"
        )
    except OperationNotFound:
        assert response.status_code == 405, f"{request.method} {request.path} is not documented"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(_smtp_server: SMTPServer) -> SMTPServer:
    """The real SMTP server the app sends to, emptied for each test."""
    _smtp_server.clear()
    return _smtp_server


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def log_in(client: FlaskClient, email: str, password: str) -> None:
    """Log in through the real login form."""
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302, response.text


@pytest.fixture(scope="session")
def _stripe_server():
    from tests.stripe_server import FakeStripe

    server = FakeStripe()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe(_stripe_server):
    """The local Stripe-compatible server, emptied for each test. Use with ``stripe_settings``."""
    _stripe_server.reset()
    return _stripe_server


@pytest.fixture
def stripe_settings(stripe) -> dict:
    """Settings that point the app's ``stripe`` library at the local server."""
    from tests.stripe_server import SECRET_KEY, WEBHOOK_SECRET

    return {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe.url,
    }


# --- a real browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium():
    from tests.browser import chromium_or_skip, start_chromium

    chromium_or_skip()
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def live_server(app: Flask):
    """The app served on a real port; mails and calendar feeds point at it."""
    from tests.browser import LiveServer

    server = LiveServer(app)
    app.config["BASE_URL"] = server.url
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser(_chromium, live_server):
    """Chromium at the live server, starting without cookies; its pages are saved on failure."""
    from tests.browser import Browser

    _chromium.delete_all_cookies()
    _chromium.get_log("browser")  # forget what an earlier test left in the console
    yield Browser(_chromium, live_server.url)
    _chromium.delete_all_cookies()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" and report.failed and "browser" in getattr(item, "funcargs", {}):
        from tests.browser import ARTIFACTS

        name = re.sub(r"[^a-zA-Z0-9_.-]+", "-", item.nodeid.split("::", 1)[-1])
        item.funcargs["browser"].save(ARTIFACTS / name)
        report.sections.append(("screenshots", f"written to {ARTIFACTS / name}"))
    return report
