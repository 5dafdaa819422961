"""Organisers create a programme with its sessions through the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.programmes.models import Programme

BODY = {
    "slug": "werkplaatsen-2028",
    "kind": "werkplaats",
    "title": "Werkplaatsen wijkgericht werken 2028",
    "fee": {"amount_cents": 20_000, "vat_rate": "21", "per": "trio"},
    "exemption": "middelgroot",
    "capacity": 8,
    "min_participants": 6,
    "registration_deadline": "2028-09-14T23:59:00+02:00",
    "allocation": "priority_at_close",
    "state": "published",
    "sessions": [
        {
            "title": "Positionering",
            "starts_at": "2028-10-10T13:00:00+02:00",
            "ends_at": "2028-10-10T17:00:00+02:00",
            "location": {"name": "Stadhuis", "address": "Stadserf 1, Schiedam"},
        }
    ],
}


@pytest.fixture
def token(db):
    value = create_api_token(factories.account("org@example.nl"))
    db.session.commit()
    return value


def post(client, body, token):
    return client.post(
        "/api/v1/programmes", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_an_organiser_creates_a_published_programme_with_its_sessions(client, db, token):
    response = post(client, BODY, token)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["slug"] == "werkplaatsen-2028" and body["state"] == "open"
    assert body["fee"] == {
        **body["fee"],
        "amount_cents": 20_000,
        "vat_rate": "21",
        "total_cents": 24_200,
    }
    [session] = body["sessions"]
    assert session["starts_at"] == "2028-10-10T11:00:00+00:00"
    assert session["location"] == {"name": "Stadhuis", "address": "Stadserf 1, Schiedam"}
    assert client.get("/api/v1/programmes/werkplaatsen-2028").status_code == 200
    again = post(client, BODY, token)
    assert again.status_code == 422 and again.json["errors"][0]["code"] == "already_exists"


def test_a_draft_is_not_public_but_its_organisers_read_it(client, db, token):
    made = post(client, {**BODY, "state": "draft"}, token)
    assert made.status_code == 201
    url = "/api/v1/programmes/werkplaatsen-2028"
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"Authorization": "Bearer not-a-token"}).status_code == 404
    read = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200 and read.json == made.json
    assert read.json["state"] == "draft"
    listed = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})
    assert "werkplaatsen-2028" in {p["slug"] for p in listed.json}
    assert "werkplaatsen-2028" not in {p["slug"] for p in client.get("/api/v1/programmes").json}


def test_every_problem_is_reported_and_nothing_is_made(client, db, token):
    bad = {
        **BODY,
        "slug": "Met Spaties",
        "kind": "cursus",
        "capacity": 4,
        "min_participants": 6,
        "fee": {"amount_cents": -5, "vat_rate": "veel"},
        "sessions": [
            {
                "title": "",
                "starts_at": "2028-10-10T13:00:00",
                "ends_at": "2028-10-10T12:00:00+02:00",
            }
        ],
    }
    response = post(client, bad, token)
    assert response.status_code == 422
    assert {(e["code"], e["field"]) for e in response.json["errors"]} == {
        ("invalid", "slug"),
        ("invalid", "kind"),
        ("invalid", "min_participants"),
        ("invalid", "fee.amount_cents"),
        ("invalid", "fee.vat_rate"),
        ("required", "sessions[0].title"),
        ("invalid", "sessions[0].starts_at"),
    }
    assert db.session.scalar(select(func.count(Programme.id))) == 0


def test_only_writing_organisers_create_programmes(client, db):
    assert client.post("/api/v1/programmes", json=BODY).status_code == 401
    viewer = create_api_token(factories.account("kijker@example.nl", Role.VIEWER))
    db.session.commit()
    assert post(client, BODY, viewer).status_code == 403
