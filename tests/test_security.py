"""Security across the whole app: every back-office route needs a log-in, every write a writer,
every form a CSRF token; answers carry strict security headers; production cookies are secure."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, log_in
from wijkwerk import create_app
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.backoffice import VIEWER_WRITES
from wijkwerk.registrations.models import Registration

# The API's public doors (docs/api.md); every other API route is for organisers only.
PUBLIC_API = {
    "api.openapi",
    "api.municipalities",
    "api.programmes",
    "api.programme",
    "api.register",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def routes(app: Flask, prefix: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) of every route under ``prefix``, with made-up URL values."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix):
            continue
        url = rule.rule
        for argument in rule.arguments:
            value = "1" if f"<int:{argument}>" in url else ("csv" if argument == "fmt" else "x")
            url = re.sub(rf"<(?:[^:>]+:)?{argument}>", value, url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    assert found, f"no routes under {prefix}"
    return found


def test_every_back_office_route_sends_a_stranger_to_the_login(app, client, db):
    token = csrf_token(client.get("/login").text)  # a valid token, but nobody logged in
    back_office = routes(app, "/beheer")
    assert len(back_office) > 40
    for endpoint, method, url in back_office:
        data = {"csrf_token": token} if method in WRITES else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.location.startswith("/login?next="), (endpoint, response.location)


def test_every_organiser_api_route_needs_a_token(app, client, db):
    for endpoint, method, url in routes(app, "/api/v1"):
        if endpoint in PUBLIC_API:
            continue
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, (endpoint, method, response.status_code)
        assert response.json["errors"][0]["code"] == "unauthorized"
        bad = client.open(url, method=method, json={}, headers={"Authorization": "Bearer ww_nep"})
        assert bad.status_code == 401, (endpoint, method)


def test_a_viewer_may_write_nowhere(app, client, db):
    viewer = factories.account("kijker@example.nl", Role.VIEWER)
    token = create_api_token(viewer)
    db.session.commit()
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    page_token = csrf_token(client.get("/beheer/").text)
    writes = 0
    for endpoint, method, url in routes(app, "/beheer"):
        if method not in WRITES or endpoint in VIEWER_WRITES:
            continue
        writes += 1
        response = client.open(url, method=method, data={"csrf_token": page_token})
        assert response.status_code == 403, (endpoint, method, response.status_code)
    assert writes >= 20
    headers = {"Authorization": f"Bearer {token}"}
    for endpoint, method, url in routes(app, "/api/v1"):
        if method not in WRITES or endpoint in PUBLIC_API:
            continue
        response = client.open(url, method=method, json={}, headers=headers)
        assert response.status_code == 403, (endpoint, method, response.status_code)
        assert response.json["errors"][0]["code"] == "forbidden"
    # Reading is allowed: the viewer still sees the back-office.
    assert client.get("/beheer/").status_code == 200


def test_every_form_post_needs_a_csrf_token(app, client, db):
    """Every POST outside the token-authenticated API is refused without the form's token; the
    Stripe webhook is the one exception and checks Stripe's signature instead."""
    factories.account("org@example.nl")
    factories.programme(slug="x")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or not rule.methods & WRITES:
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        response = client.post(url, data={"anything": "1"})
        if rule.endpoint == "checkout.webhook":
            assert response.status_code == 400 and response.json == {"error": "invalid signature"}
            continue
        checked += 1
        if rule.endpoint == "registrations.register":
            # The registration form checks its own token, to keep what was typed.
            assert response.status_code == 422
            assert "Het formulier kon niet worden gecontroleerd" in response.text
            continue
        assert response.status_code == 400, (rule.endpoint, response.status_code)
    assert checked >= 35
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_pages_carry_strict_security_headers(client, db):
    response = client.get("/")
    headers = response.headers
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["form-action"].startswith("'self'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in headers["Cache-Control"]  # pages may show personal data
    assert "Strict-Transport-Security" not in headers  # plain HTTP in development
    with client.get("/static/css/wijkwerk.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")
    api = client.get("/api/v1/programmes")
    assert "Content-Security-Policy" in api.headers and "no-store" in api.headers["Cache-Control"]


def test_served_html_has_no_inline_script_style_or_handlers(client, db):
    """The policy forbids inline code, so the pages must not need it."""
    factories.programme(slug="werkplaatsen")
    factories.account("org@example.nl")
    db.session.commit()
    pages = ["/", "/programmes/werkplaatsen", "/login", "/toegankelijkheid", "/privacy"]
    log_in(client, "org@example.nl", factories.PASSWORD)
    pages += ["/beheer/", "/beheer/programmas/werkplaatsen", "/beheer/facturen"]
    for path in pages:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"<style\b", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_production_cookies_are_secure_httponly_and_samesite(app, tmp_path, backend):
    production = create_app(
        "config.production.ProductionConfig",
        instance_path=str(tmp_path / "production"),
        SECRET_KEY="production-test-key",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SELLER_NAME="Instituut",
        SELLER_ADDRESS="Straat 1",
        SELLER_POSTCODE="2511 AA",
        SELLER_CITY="Den Haag",
        SELLER_IBAN="NL91ABNA0417164300",
        SELLER_KVK="12345678",
        SELLER_VAT_NUMBER="NL000000000B01",
    )
    response = production.test_client().get("/login", base_url="https://wijkwerk.test")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_log_in_does_not_tell_which_addresses_exist(client, db):
    factories.account("org@example.nl")
    db.session.commit()

    def attempt(email: str):
        page = client.get("/login")
        return client.post(
            "/login",
            data={
                "email": email,
                "password": "fout wachtwoord",
                "csrf_token": csrf_token(page.text),
            },
        )

    known, unknown = attempt("org@example.nl"), attempt("niemand@example.nl")
    assert known.status_code == unknown.status_code == 422
    assert known.text.replace("org@example.nl", "E") == unknown.text.replace(
        "niemand@example.nl", "E"
    ).replace(csrf_token(unknown.text), csrf_token(known.text))


def test_a_request_larger_than_the_limit_is_refused_with_a_dutch_page(app, client, db):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "te groot" in response.text


@pytest.fixture
def app_overrides(request):
    if request.node.name.startswith("test_behind_a_proxy"):
        return {"PROXY_FIX_HOPS": 1}
    return {}


def test_behind_a_proxy_log_in_throttling_sees_the_visitor(app, client, db):
    """With PROXY_FIX_HOPS, X-Forwarded-For names the visitor: one visitor's failures do not lock
    out everyone behind the same load balancer."""

    def failed_log_in(email: str, visitor: str):
        page = client.get("/login")
        return client.post(
            "/login",
            data={"email": email, "password": "x" * 12, "csrf_token": csrf_token(page.text)},
            headers={"X-Forwarded-For": visitor},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the load balancer, the same for all
        )

    for n in range(app.config["LOGIN_MAX_FAILURES_PER_IP"]):
        failed_log_in(f"a{n}@b.nl", "198.51.100.7")
    other = failed_log_in("c@d.nl", "203.0.113.9")
    assert other.status_code == 422  # not 429: another visitor
    same = failed_log_in("e@f.nl", "198.51.100.7")
    assert same.status_code == 429
