"""The public part of the JSON API: shapes of docs/api.md, JSON errors, and an OpenAPI document that
covers every route."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from openapi_core.validation.response.exceptions import InvalidData

from tests.conftest import check_against_openapi
from wijkwerk.api.openapi import openapi_document
from wijkwerk.demo.programmes import load_demo


def test_programme_in_the_shape_of_the_contract(client, db):
    load_demo(dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    db.session.commit()
    body = client.get("/api/v1/programmes/werken-aan-wijkontwikkeling").json
    assert body["kind"] == "driedaagse"
    assert body["fee"] == {
        "amount_cents": 180_000,
        "vat_rate": "21",
        "vat_cents": 37_800,
        "total_cents": 217_800,
        "per": "person",
    }
    assert body["exemption"] is None
    assert (body["capacity"], body["places_left"], body["allocation"]) == (24, 24, "first_come")
    assert body["state"] == "open"
    assert body["registration_deadline"] == "2027-09-17T21:59:00+00:00"
    first = body["sessions"][0]
    assert first["starts_at"] == "2027-11-22T08:30:00+00:00"  # 09:30 in Amsterdam (CET)
    assert first["location"] == {"name": "Kaap Doorn Conferentiecentrum", "address": "Doorn"}
    assert first["status"] == "scheduled"
    listing = client.get("/api/v1/programmes").json
    assert next(p["slug"] for p in listing) == "werkplaatsen-wijkgericht-werken"
    assert len(listing) == 4


def test_unknown_programme_is_a_json_404_never_an_html_page(client):
    response = client.get("/api/v1/programmes/bestaat-niet")
    assert response.status_code == 404
    assert response.json == {
        "errors": [
            {"code": "http_404", "field": None, "message": "Deze pagina bestaat niet (meer)."}
        ]
    }
    assert client.get("/api/v1/bestaat-niet").is_json


def test_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    described = {
        (path, method.upper()) for path, item in document["paths"].items() for method in item
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1")
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method))
    assert routes == described
    assert document == openapi_document()


def test_the_committed_document_is_the_one_the_api_serves(app):
    """docs/openapi.json is what integrators diff between releases: `make openapi` writes it."""
    committed = json.loads((Path(__file__).parent.parent / "docs" / "openapi.json").read_text())
    assert committed == openapi_document(), "docs/openapi.json is stale: run `make openapi`"


def test_every_api_answer_in_the_tests_is_checked_against_the_document(app, client):
    """The check in conftest is not a rubber stamp: an answer that differs from the document
    fails it."""
    response = client.get("/api/v1/programmes")
    check_against_openapi(response)  # the real answer passes
    response.set_data(b'[{"slug": 42, "kind": "cursus"}]')
    with pytest.raises(InvalidData):
        check_against_openapi(response)
