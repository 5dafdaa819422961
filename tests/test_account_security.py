"""Back-office accounts: log-out, a new password and blocking end every session of the account on
the server (a copied session cookie stops working), and a password must not be easy to guess."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.conftest import IsolatedClient, csrf_token, log_in
from wijkwerk.accounts.models import Account, Role
from wijkwerk.accounts.passwords import password_problem
from wijkwerk.accounts.services import AccountError, create_account

TOO_EASY = "Dit wachtwoord is te makkelijk te raden"


def copy_of_session(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding the same session cookie (a copied or stolen cookie)."""
    name = app.config["SESSION_COOKIE_NAME"]
    other = app.test_client()
    assert isinstance(other, IsolatedClient)
    other.set_cookie(name, client.get_cookie(name).value)
    return other


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/beheer/")
    if response.status_code == 302:
        assert "/login" in response.location
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def organiser(db):
    found = factories.account("org@example.nl")
    db.session.commit()
    return found


def test_logging_out_ends_a_copied_session_too(app, client, organiser):
    log_in(client, "org@example.nl", factories.PASSWORD)
    copied = copy_of_session(app, client)
    assert is_logged_in(copied)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/beheer/").text)})
    assert not is_logged_in(client)
    assert not is_logged_in(copied)
    log_in(client, "org@example.nl", factories.PASSWORD)  # logging in again works
    assert is_logged_in(client) and not is_logged_in(copied)


def test_a_new_password_ends_every_session(app, client, db, organiser):
    log_in(client, "org@example.nl", factories.PASSWORD)
    copied = copy_of_session(app, client)
    account = db.session.get(Account, organiser.id)
    account.set_password("een heel ander wachtwoord")
    db.session.commit()
    assert not is_logged_in(client)
    assert not is_logged_in(copied)
    log_in(client, "org@example.nl", "een heel ander wachtwoord")
    assert is_logged_in(client)


@pytest.mark.parametrize(
    ("role", "active"), [("organiser", "no"), ("viewer", "yes")], ids=["blocked", "new-role"]
)
def test_blocking_or_another_role_ends_every_session(app, client, db, organiser, role, active):
    factories.account("admin@example.nl", Role.ADMIN)
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    admin = app.test_client()
    log_in(admin, "admin@example.nl", factories.PASSWORD)
    page = admin.get(f"/beheer/accounts/{organiser.id}")
    saved = admin.post(
        f"/beheer/accounts/{organiser.id}",
        data={"csrf_token": csrf_token(page.text), "role": role, "active": active},
    )
    assert saved.status_code == 302
    assert not is_logged_in(client)
    assert is_logged_in(admin)  # the admin's own session is untouched


def test_saving_an_account_unchanged_keeps_its_sessions(app, client, db, organiser):
    factories.account("admin@example.nl", Role.ADMIN)
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    admin = app.test_client()
    log_in(admin, "admin@example.nl", factories.PASSWORD)
    page = admin.get(f"/beheer/accounts/{organiser.id}")
    admin.post(
        f"/beheer/accounts/{organiser.id}",
        data={"csrf_token": csrf_token(page.text), "role": "organiser", "active": "yes"},
    )
    assert is_logged_in(client)


def test_a_session_cookie_from_before_session_versions_is_anonymous(app, client, organiser):
    with client.session_transaction() as session:
        session["_user_id"] = str(organiser.id)  # what Flask-Login stored before: the bare id
        session["_fresh"] = True
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",  # repetition
        "abcdefghijkl",  # a sequence
        "123456789012",
        "qwertyuiopas",  # the keyboard
        "wachtwoord12",  # a common password
        "passwordpassword",
        "org@example.nl1",  # the account's own address
        "Welkom2026!!",  # a common (Dutch) word with a year and punctuation around it
        "Zomer2026!!!",
        "Password2026!!",
    ],
)
def test_an_easy_password_is_refused(app, db, password):
    with app.test_request_context():
        assert password_problem(password, ("org@example.nl", "Romy Jansen")).startswith(TOO_EASY)
        with pytest.raises(AccountError) as refused:
            create_account("org@example.nl", password)
    assert refused.value.field == "password"
    assert db.session.scalar(select(Account)) is None


def test_a_long_unusual_password_is_accepted(app):
    with app.test_request_context():
        assert password_problem("fietsbel onder de appelboom", ("org@example.nl",)) is None
        assert password_problem("kort").startswith("Een wachtwoord heeft minstens 12 tekens")


def test_the_account_form_refuses_an_easy_password_at_its_field(client, db):
    factories.account("admin@example.nl", Role.ADMIN)
    db.session.commit()
    log_in(client, "admin@example.nl", factories.PASSWORD)
    page = client.get("/beheer/accounts")
    refused = client.post(
        "/beheer/accounts",
        data={
            "csrf_token": csrf_token(page.text),
            "email": "ｎｉｅｕｗ@example.nl",
            "name": "Nieuwe collega",
            "role": "viewer",
            "password": "aaaaaaaaaaaa",
        },
    )
    assert refused.status_code == 422
    assert 'id="password-error"' in refused.text and TOO_EASY in refused.text
    assert 'value="ｎｉｅｕｗ@example.nl"' in refused.text  # what was typed is kept
    [password_input] = re.findall(r'<input[^>]*name="password"[^>]*>', refused.text)
    assert 'value=""' in password_input  # but never the password
    undeliverable = client.post(
        "/beheer/accounts",
        data={
            "csrf_token": csrf_token(page.text),
            "email": "jörg@example.nl",
            "role": "viewer",
            "password": "fietsbel onder de appelboom",
        },
    )
    assert undeliverable.status_code == 422 and 'id="email-error"' in undeliverable.text
    made = client.post(
        "/beheer/accounts",
        data={
            "csrf_token": csrf_token(page.text),
            "email": "ｎｉｅｕｗ@example.nl",
            "role": "viewer",
            "password": "fietsbel onder de appelboom",
        },
    )
    assert made.status_code == 302
    assert db.session.scalar(select(Account.email).where(Account.role == Role.VIEWER)) == (
        "nieuw@example.nl"
    )
