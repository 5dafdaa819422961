"""Back-office: the middelgroot override per municipality, by role."""

from __future__ import annotations

import re

import pytest

from tests import conftest, factories
from tests.conftest import csrf_token
from wijkwerk.accounts.models import Role
from wijkwerk.municipalities.models import Municipality


def log_in(client, email: str) -> None:
    conftest.log_in(client, email, factories.PASSWORD)


@pytest.fixture
def schiedam(db):
    m = factories.municipality("GM0606", "Schiedam", 81_931)
    factories.account("org@example.nl", Role.ORGANISER)
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    return m


def test_organiser_overrides_middelgroot_with_a_reason(client, db, schiedam):
    log_in(client, "org@example.nl")
    listing = client.get("/beheer/gemeenten?q=schie").text
    assert re.search(r"Schiedam</a></th>.*?81\.931.*?nee", listing, re.S)
    page = client.get("/beheer/gemeenten/GM0606")
    response = client.post(
        "/beheer/gemeenten/GM0606",
        data={
            "choice": "yes",
            "reason": "Lid van M50 sinds 2025",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    assert "De instelling voor Schiedam is opgeslagen." in client.get(response.location).text
    db.session.expire_all()
    m = db.session.get(Municipality, "GM0606")
    assert (m.middelgroot, m.middelgroot_override_reason) == (True, "Lid van M50 sinds 2025")
    assert m.middelgroot_override_by_id is not None and m.middelgroot_override_at is not None

    # and back to the rule
    page = client.get("/beheer/gemeenten/GM0606")
    assert re.search(r'<input checked[^>]*value="yes"', page.text)
    client.post(
        "/beheer/gemeenten/GM0606",
        data={"choice": "rule", "reason": "", "csrf_token": csrf_token(page.text)},
    )
    db.session.expire_all()
    m = db.session.get(Municipality, "GM0606")
    assert (m.middelgroot, m.middelgroot_override, m.middelgroot_override_reason) == (
        False,
        None,
        None,
    )


def test_override_without_reason_is_refused_next_to_the_field(client, db, schiedam):
    log_in(client, "org@example.nl")
    page = client.get("/beheer/gemeenten/GM0606")
    response = client.post(
        "/beheer/gemeenten/GM0606",
        data={"choice": "yes", "reason": "  ", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 422
    error = re.search(r'id="reason-error">(.*?)</div>', response.text, re.S).group(1)
    assert "Geef een reden op" in error
    assert re.search(r'<input checked[^>]*value="yes"', response.text)  # the choice is kept
    db.session.expire_all()
    assert db.session.get(Municipality, "GM0606").middelgroot_override is None


def test_viewer_may_look_but_not_override(client, db, schiedam):
    log_in(client, "kijker@example.nl")
    page = client.get("/beheer/gemeenten/GM0606")
    assert page.status_code == 200 and "Overrulen" not in page.text
    response = client.post(
        "/beheer/gemeenten/GM0606",
        data={"choice": "yes", "reason": "poging", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Municipality, "GM0606").middelgroot_override is None


def test_anonymous_visitors_are_sent_to_the_login_and_change_nothing(client, db, schiedam):
    assert client.get("/beheer/gemeenten").status_code == 302
    page = client.get("/login")  # a valid CSRF token, but no login
    response = client.post(
        "/beheer/gemeenten/GM0606",
        data={"choice": "yes", "reason": "x", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302 and response.location.startswith("/login")
    assert client.get("/beheer/gemeenten/GM9999").status_code == 302
    db.session.expire_all()
    assert db.session.get(Municipality, "GM0606").middelgroot_override is None
