"""Erasure (AVG art. 17) removes a person from every place: after erasing someone, no text column
of any table (nor a mail copy or its attachments) holds their address or name, except the invoices,
which keep what the tax law requires (art. 52 AWR)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import JSON, LargeBinary, String, Text, select

from tests import factories, trio_helpers
from tests.conftest import csrf_token, log_in
from tests.trio_helpers import approval_link, trio
from wijkwerk.accounts.services import create_api_token
from wijkwerk.extensions import db as _db
from wijkwerk.payments.models import Invoice
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local

URL = "/api/v1/programmes/werkplaatsen/registrations"
APPROVER = {"name": "Dirk Smit", "email": "dirk@regio.nl", "function": "wethouder"}
MEMBER = ("Fatima El Amrani", "fatima@amsterdam.nl")
KEPT_BY_LAW = {"invoice"}  # a copy of the buyer's details as issued, kept seven years


def every_text(exclude: set[str] = frozenset()) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text, JSON and binary column of every table."""
    found = []
    for table in _db.metadata.sorted_tables:
        if table.name in exclude:
            continue
        columns = [
            c for c in table.columns if isinstance(c.type, (String, Text, JSON, LargeBinary))
        ]
        if not columns:
            continue
        for row in _db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes):  # mail attachments, documents
                    text = value.decode("utf-8", errors="replace")
                elif isinstance(value, (dict, list)):
                    text = json.dumps(value, ensure_ascii=False)
                else:
                    text = str(value)
                found.append((table.name, column.name, text))
    return found


def where_found(*needles: str) -> list[tuple[str, str, str]]:
    """Every place outside the invoices that still holds one of ``needles`` (any case)."""
    _db.session.expire_all()
    lowered = [n.lower() for n in needles]
    return [
        (table, column, text[:120])
        for table, column, text in every_text(exclude=KEPT_BY_LAW)
        if any(n in text.lower() for n in lowered)
    ]


@pytest.fixture
def history(app, db, client, smtp):
    """Two trios with one approver (Dirk Smit), with everything that follows: the approver
    declined one by the link in his mail (with a note that names him), an organiser approved the
    other by API saying who agreed, which confirmed it and issued an invoice; attendance was
    marked with a substitute; mail was sent. Then the programme ended."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(min_participants=1)
    token = create_api_token(factories.account("org@example.nl"))
    factories.account("balie@example.nl")
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    members = [
        ("Fatima El Amrani", "fatima"),
        ("Gijs Visser", "gijs"),
        ("Hanna Mulder", "hanna"),
    ]
    amsterdam = trio("GM0363", "amsterdam.nl", approver=APPROVER)
    for member, (name, local_part) in zip(amsterdam["members"], members, strict=True):
        member["name"], member["email"] = name, f"{local_part}@amsterdam.nl"
    with frozen_at(local(2099, 9, 1, 10)):
        declined = client.post(URL, json=trio("GM0606", approver=APPROVER))
        assert declined.status_code == 201, declined.json
        link = approval_link(smtp, APPROVER["email"])
        page = client.get(link)
        answer = client.post(
            link,
            data={
                "decision": "decline",
                "note": "Geen budget dit jaar. Groet, Dirk Smit (dirk@regio.nl)",
                "csrf_token": csrf_token(page.text),
            },
        )
        assert answer.status_code == 302
        approved = client.post(URL, json=amsterdam)
        assert approved.status_code == 201, approved.json
        registration_id = approved.json["id"]
        response = client.post(
            f"/api/v1/registrations/{registration_id}/approve",
            json={"reason": "Dirk Smit gaf telefonisch akkoord."},
            headers=auth,
        )
        assert response.status_code == 200, response.json
    with frozen_at(local(2099, 10, 13, 18)):
        response = client.put(
            f"/api/v1/sessions/{programme.sessions[0].id}/attendance",
            json={
                "records": [
                    {"email": MEMBER[1], "status": "present", "substitute": None},
                    {
                        "email": "gijs@amsterdam.nl",
                        "status": "present",
                        "substitute": {"name": "Iris Kok", "email": "iris@amsterdam.nl"},
                    },
                ]
            },
            headers=auth,
        )
        assert response.status_code == 200, response.json
    assert smtp.to(APPROVER["email"]) and smtp.to(MEMBER[1])
    return registration_id


def erase(client, email: str) -> None:
    with frozen_at(local(2099, 12, 1, 10)):
        log_in(client, "balie@example.nl", factories.PASSWORD)
        page = client.get("/beheer/personen")
        response = client.post(
            "/beheer/personen",
            data={
                "email": email,
                "action": "erase",
                "confirm": email,
                "csrf_token": csrf_token(page.text),
            },
        )
        assert response.status_code == 302, response.text[:2000]


def test_the_data_set_names_the_approver_and_the_member_before_erasure(db, history):
    """The search below finds them at all: in the history, the audit log and the mail."""
    places = {table for table, _column, _text in where_found(APPROVER["name"], APPROVER["email"])}
    assert {"person", "registration_event", "audit_entry", "outbox_message"} <= places
    places = {table for table, _column, _text in where_found(*MEMBER)}
    assert {"person", "outbox_message"} <= places


def test_an_erased_approver_who_declined_by_the_link_is_nowhere_but_on_the_invoice(
    client, db, history
):
    invoice = db.session.scalars(select(Invoice)).one()
    kept = (invoice.buyer_name, invoice.buyer_email, invoice.ordered_by)

    erase(client, APPROVER["email"])

    left = where_found(APPROVER["email"], APPROVER["name"])
    assert left == [], "\n".join(map(repr, left))
    # Everyone else is still there; the invoice is as issued (it named him as who ordered).
    assert where_found(*MEMBER)
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice.id)
    assert (invoice.buyer_name, invoice.buyer_email, invoice.ordered_by) == kept
    assert invoice.ordered_by == APPROVER["name"]
    # The history still says what happened and that the approver did it.
    registration = db.session.scalars(
        select(Registration).where(Registration.municipality_code == "GM0606")
    ).one()
    labels = [e.actor_label for e in registration.events]
    assert any(label.startswith("approver") for label in labels), labels


def test_an_erased_member_who_attended_is_nowhere(client, db, history):
    erase(client, MEMBER[1])

    left = where_found(*MEMBER)
    assert left == [], "\n".join(map(repr, left))
    assert where_found(APPROVER["email"])  # the others stay
