"""Every change an organiser makes is in the audit log: who, when, what, before and after."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories, trio_helpers
from tests.conftest import csrf_token, end_unit_of_work, log_in
from tests.test_pages import text_of
from tests.trio_helpers import trio
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.audit.models import AuditEntry
from wijkwerk.timeutil import frozen_at
from wijkwerk.werkplaatsen import services as trios


@pytest.fixture
def series(db):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    factories.account("org@example.nl")
    db.session.commit()
    return programme


def entries(db, **where) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(query).all()


def test_a_registrants_own_actions_are_not_in_the_audit_log(client, db, series):
    client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio())
    assert entries(db) == []


def test_an_exemption_granted_in_the_back_office_is_logged_with_before_and_after(
    client, db, series
):
    registration = trios.register_trio(series, trio()).registration
    end_unit_of_work()
    log_in(client, "org@example.nl", factories.PASSWORD)
    url = f"/beheer/aanmeldingen/{registration.id}/acties/exempt"
    page = client.get(url)
    client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            "reason": "afspraak met M50",
        },
    )
    [update] = entries(db, table="registration", action="update")
    assert update.actor_label == "org@example.nl"
    assert update.row_id == str(registration.id)
    assert update.changes["exempt"] == [False, True]
    assert update.changes["exemption_reason"] == [None, "afspraak met M50"]
    [event] = entries(db, table="registration_event", action="insert")
    assert event.changes["reason"][1].startswith("Vrijstelling toegekend")
    assert event.row_id.isdigit()


def test_changes_through_the_api_are_logged_and_secrets_masked(client, db, series):
    registration = trios.register_trio(series, trio()).registration
    token = create_api_token(factories.account("koppeling@example.nl"))
    db.session.commit()
    response = client.post(
        f"/api/v1/registrations/{registration.id}/approve",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    updates = entries(db, table="registration", action="update")
    assert {u.actor_label for u in updates} == {"koppeling@example.nl"}
    [state] = [u.changes["state"] for u in updates if "state" in u.changes]
    assert state == ["awaiting_approval", "confirmed"]
    assert all(
        "manage_token" not in e.changes or e.changes["manage_token"][1] == "***"
        for e in entries(db)
    )
    session_id = series.sessions[0].id
    with frozen_at(series.sessions[0].starts_at):  # marked on the day
        client.put(
            f"/api/v1/sessions/{session_id}/attendance",
            json={"records": [{"email": "anna@schiedam.nl", "status": "present"}]},
            headers={"Authorization": f"Bearer {token}"},
        )
    [mark] = entries(db, table="attendance")
    assert mark.changes["status"] == [None, "present"]


def test_the_audit_page_is_for_organisers(client, db, series):
    registration = trios.register_trio(series, trio()).registration
    end_unit_of_work()
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/aanmeldingen/{registration.id}/acties/approve")
    client.post(
        f"/beheer/aanmeldingen/{registration.id}/acties/approve",
        data={"csrf_token": csrf_token(page.text), "reason": "telefonisch"},
    )
    text = text_of(client.get("/beheer/audit", query_string={"tabel": "registration"}))
    assert "org@example.nl gewijzigd: registration" in text
    assert "state : awaiting_approval → confirmed" in text
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    assert client.get("/beheer/audit").status_code == 403
