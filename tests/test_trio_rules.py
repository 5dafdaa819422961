"""Every eligibility rule of a trio, through the JSON API, with its contract code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.trio_helpers import trio
from wijkwerk.accounts.models import Role
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.programmes.models import ProgrammeStatus
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import local

URL = "/api/v1/programmes/werkplaatsen/registrations"


def refused(client, body, code: str, field: str | None):
    response = client.post(URL, json=body)
    assert response.status_code == 422, response.json
    found = [(e["code"], e["field"]) for e in response.json["errors"]]
    assert (code, field) in found, found
    return response.json["errors"]


def nothing_stored(db):
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_valid_trio_is_registered_and_waits_for_approval(client, db, series):
    response = client.post(URL, json=trio())
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "awaiting_approval"
    assert body["reference"].startswith("WW-")
    assert body["fee"] == {
        "amount_cents": 20_000,
        "vat_rate": "21",
        "vat_cents": 4_200,
        "total_cents": 24_200,
        "exempt": False,
        "exemption_reason": None,
    }
    assert body["warnings"] == []
    assert body["manage_url"].startswith("http://wijkwerk.test/aanmelding/")
    assert body["calendar_url"].endswith(".ics")
    assert body["payment_url"] is None


def test_two_members_is_not_a_trio(client, db, series):
    body = trio()
    body["members"] = body["members"][:2]
    refused(client, body, "not_a_trio", "members")
    nothing_stored(db)


def test_four_members_is_not_a_trio(client, db, series):
    body = trio()
    body["members"].append({**body["members"][2], "email": "extra@schiedam.nl"})
    refused(client, body, "not_a_trio", "members")


def test_two_members_with_the_same_address_are_refused(client, db, series):
    body = trio()
    body["members"][2]["email"] = "Anna@Schiedam.nl"
    refused(client, body, "duplicate_member", "members[2].email")
    nothing_stored(db)


def test_trio_without_wijkambtenaar_is_refused(client, db, series):
    body = trio()
    body["members"][0]["role"] = "sectorambtenaar"
    refused(client, body, "no_wijkambtenaar", "members")


def test_trio_from_a_single_domain_is_refused(client, db, series):
    body = trio()
    for member in body["members"]:
        member["domain"] = "sociaal"
    refused(client, body, "single_domain", "members")


def test_trio_without_fysiek_and_sociaal_is_accepted_with_a_warning(client, db, series):
    body = trio()
    body["members"][1]["domain"] = "economie"  # sociaal, economie, veiligheid
    response = client.post(URL, json=body)
    assert response.status_code == 201
    assert [w["code"] for w in response.json["warnings"]] == ["no_fysiek_sociaal_pair"]


def test_casus_must_connect_two_domains(client, db, series):
    body = trio()
    body["casus"]["domains"] = ["fysiek", "fysiek"]
    refused(client, body, "casus_single_domain", "casus.domains")


def test_casus_names_its_wijk(client, db, series):
    body = trio()
    body["casus"]["wijk"] = "  "
    refused(client, body, "required", "casus.wijk")


def test_approver_cannot_be_one_of_the_trio(client, db, series):
    body = trio()
    body["approver"]["email"] = "bram@schiedam.nl"
    refused(client, body, "approver_is_member", "approver.email")


def test_unknown_municipality_is_refused(client, db, series):
    refused(client, trio(municipality="GM9999"), "unknown_municipality", "municipality")


def test_fields_missing_or_malformed_are_named(client, db, series):
    body = trio()
    del body["members"][1]["email"]
    body["members"][0]["email"] = "geen-adres"
    body["members"][2]["role"] = "wethouder"
    body["casus"]["domains"] = ["fysiek", "ruimtevaart"]
    errors = refused(client, body, "required", "members[1].email")
    found = {(e["code"], e["field"]) for e in errors}
    assert {
        ("invalid", "members[0].email"),
        ("invalid", "members[2].role"),
        ("invalid", "casus.domains[1]"),
    } <= found
    assert all(e["message"] for e in errors)
    nothing_stored(db)


def test_a_body_that_is_not_json_is_refused_not_crashed(client, db, series):
    response = client.post(URL, data="dit is geen json", content_type="application/json")
    assert response.status_code == 400  # not JSON at all (wijkwerk/inbound.py)
    assert response.json["errors"][0]["message"] == "De gegevens zijn geen geldige JSON."
    response = client.post(URL, json=["lijst"])
    assert response.status_code == 422
    response = client.post(URL, json={"members": "drie", "casus": 5})
    assert response.status_code == 422


def test_one_active_trio_per_municipality(client, db, series):
    assert client.post(URL, json=trio()).status_code == 201
    refused(client, trio(domain="schiedam2.nl"), "already_registered", "municipality")


def test_an_organiser_may_allow_a_second_trio(client, db, series, runner):
    factories.account("org@example.nl")
    factories.account("kijker@example.nl", role=Role.VIEWER)
    db.session.commit()
    token = runner.invoke(args=["wijkwerk", "create-token", "org@example.nl"]).output.strip()
    viewer = runner.invoke(args=["wijkwerk", "create-token", "kijker@example.nl"]).output.strip()
    assert client.post(URL, json=trio()).status_code == 201
    second = trio(domain="schiedam2.nl", allow_second=True)
    refused(client, second, "already_registered", "municipality")  # not without a token
    response = client.post(URL, json=second, headers={"Authorization": f"Bearer {viewer}"})
    assert response.status_code == 422  # a viewer cannot allow it either
    response = client.post(URL, json=second, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    third = trio(domain="schiedam3.nl", allow_second=True)
    response = client.post(URL, json=third, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422


def test_a_cancelled_trio_frees_the_municipality(client, db, series):
    response = client.post(URL, json=trio())
    registration = db.session.get(Registration, response.json["id"])
    lifecycle.cancel(registration)
    db.session.commit()
    assert client.post(URL, json=trio(domain="schiedam2.nl")).status_code == 201


def test_registration_outside_the_window_is_closed(client, db, series):
    series.registration_deadline = local(2020, 1, 1)
    db.session.commit()
    refused(client, trio(), "registration_closed", None)
    series.registration_deadline = None
    series.registration_opens_at = local(2099, 1, 1)
    db.session.commit()
    refused(client, trio(), "registration_closed", None)


def test_a_draft_programme_cannot_be_registered_for(client, db, series):
    series.status = ProgrammeStatus.DRAFT
    db.session.commit()
    assert client.post(URL, json=trio()).status_code == 404


def test_middelgrote_gemeente_is_exempt_and_says_why(client, db, series):
    almelo = client.post(URL, json=trio("GM0141", "almelo.nl")).json
    assert almelo["fee"]["exempt"] is True
    assert almelo["fee"]["total_cents"] == 0
    assert almelo["fee"]["exemption_reason"] == "Middelgrote gemeente (75.166 inwoners)"
    altena = client.post(URL, json=trio("GM1959", "altena.nl")).json
    assert altena["fee"]["exemption_reason"] == "Middelgrote gemeente (lid van het M50-netwerk)"


def test_exemption_only_where_the_programme_grants_it(client, db, series):
    series.exemption = None
    db.session.commit()
    body = client.post(URL, json=trio("GM0141", "almelo.nl")).json
    assert body["fee"]["exempt"] is False and body["fee"]["total_cents"] == 24_200


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"municipality": 606, "casus": [], "members": [1, "x", None], "approver": "dirk"},
        {"municipality": "GM0606", "casus": {"domains": [{"x": 1}, ["fysiek"], None]}},
        {"municipality": "GM0606", "members": [{"name": ["a"], "email": {"x": 1}, "role": 5}]},
        {"municipality": "x" * 10_000, "locale": ["nl"]},
    ],
)
def test_nonsense_is_a_422_never_a_crash(client, db, series, body):
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert all(e["code"] and e["message"] for e in response.json["errors"])
    nothing_stored(db)
