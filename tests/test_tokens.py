"""Organisers make, see and revoke their own API tokens in the back-office."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, log_in
from wijkwerk.accounts.models import Account, Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.timeutil import frozen_at, local


def test_make_use_and_revoke_a_token(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get("/beheer/tokens")
    response = client.post("/beheer/tokens", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r"<code class=\"ww-code\">(ww_[^<]+)</code>", response.text).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/programmes/x/allocate", headers=headers).status_code == 404
    listed = client.get("/beheer/tokens").text
    assert token not in listed and token[:10] in listed  # shown once, then only its prefix
    token_id = re.search(r"/beheer/tokens/(\d+)/intrekken", listed).group(1)
    client.post(f"/beheer/tokens/{token_id}/intrekken", data={"csrf_token": csrf_token(listed)})
    assert client.post("/api/v1/programmes/x/allocate", headers=headers).status_code == 401
    assert "ingetrokken op" in client.get("/beheer/tokens").text


def test_someone_elses_token_cannot_be_revoked(client, db):
    other = factories.account("ander@example.nl")
    create_api_token(other)
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    page = client.get("/beheer/tokens")
    response = client.post("/beheer/tokens/1/intrekken", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404
    db.session.expire_all()
    assert other.tokens[0].revoked_at is None


@pytest.fixture
def app_overrides(request):
    if request.node.name.startswith("test_a_login_expires"):
        return {"PERMANENT_SESSION_LIFETIME": 1}
    return {}


def test_a_login_expires_after_the_configured_time_without_use(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "org@example.nl",
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    # a lasting session: its cookie carries an expiry (a browser-session cookie would not)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Expires=" in cookie
    assert client.get("/beheer/").status_code == 200
    time.sleep(2.1)  # the session cookie is signed with its time; the server refuses it when old
    response = client.get("/beheer/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _try(client, email: str, password: str):
    page = client.get("/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(page.text)}
    )


def test_log_in_is_refused_for_a_quarter_after_five_failures(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    start = local(2027, 3, 1, 9, 0)
    with frozen_at(start):
        for _ in range(5):
            assert _try(client, "org@example.nl", "geraden wachtwoord").status_code == 422
        blocked = _try(client, "org@example.nl", factories.PASSWORD)  # even the right one
        assert blocked.status_code == 429
        assert "Te veel mislukte pogingen" in blocked.text
        # an address without an account is answered the same way: nothing to learn
        for _ in range(5):
            _try(client, "niemand@example.nl", "x" * 12)
        assert _try(client, "niemand@example.nl", "x" * 12).status_code == 429
    with frozen_at(start + dt.timedelta(minutes=16)):
        assert _try(client, "org@example.nl", factories.PASSWORD).status_code == 302


def test_many_failures_from_one_address_block_that_address(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    with frozen_at(local(2027, 3, 1, 9, 0)):
        for n in range(20):
            _try(client, f"raden{n}@example.nl", "x" * 12)
        assert _try(client, "org@example.nl", factories.PASSWORD).status_code == 429


def test_admins_make_accounts_change_roles_and_block_access(client, db):
    factories.account("admin@example.nl", Role.ADMIN)
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    assert client.get("/beheer/accounts").status_code == 403  # organisers do not manage accounts
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/beheer/").text)})
    log_in(client, "admin@example.nl", factories.PASSWORD)
    page = client.get("/beheer/accounts")
    weak = client.post(
        "/beheer/accounts",
        data={
            "csrf_token": csrf_token(page.text),
            "email": "nieuw@example.nl",
            "role": "viewer",
            "password": "kort",
        },
    )
    assert weak.status_code == 422 and "minstens 12 tekens" in weak.text
    assert 'value="nieuw@example.nl"' in weak.text
    made = client.post(
        "/beheer/accounts",
        data={
            "csrf_token": csrf_token(page.text),
            "email": "Nieuw@Example.nl",
            "name": "Nieuwe collega",
            "role": "viewer",
            "password": "een lang genoeg wachtwoord",
        },
    )
    assert made.status_code == 302
    new = db.session.scalar(select(Account).where(Account.email == "nieuw@example.nl"))
    assert new.role is Role.VIEWER
    page = client.get(f"/beheer/accounts/{new.id}")
    client.post(
        f"/beheer/accounts/{new.id}",
        data={"csrf_token": csrf_token(page.text), "role": "organiser", "active": "no"},
    )
    db.session.expire_all()
    new = db.session.get(Account, new.id)
    assert new.role is Role.ORGANISER and not new.active
    own = db.session.scalar(select(Account).where(Account.email == "admin@example.nl"))
    refused = client.post(
        f"/beheer/accounts/{own.id}",
        data={"csrf_token": csrf_token(page.text), "role": "viewer", "active": "yes"},
    )
    assert refused.status_code == 422 and "eigen beheerdersrechten" in refused.text
