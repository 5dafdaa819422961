"""A trio's life: the approver's link from a real mail, approval and decline, places, the waiting
list and allocation by priority at the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests import factories, trio_helpers
from tests.conftest import csrf_token
from tests.test_pages import text_of
from tests.trio_helpers import approval_link, plain, trio
from wijkwerk.accounts.models import Role
from wijkwerk.programmes.models import Allocation, Programme
from wijkwerk.registrations import allocation
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at

URL = "/api/v1/programmes/werkplaatsen/registrations"
MEMBERS = ("anna@schiedam.nl", "bram@schiedam.nl", "chantal@schiedam.nl")


@pytest.fixture
def series(db):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(capacity=2, min_participants=1)
    db.session.commit()
    return programme


def subjects(smtp, address: str) -> list[str]:
    return [m["Subject"] for m in smtp.to(address)]


def register(client, code="GM0606", domain="schiedam.nl") -> dict:
    response = client.post(URL, json=trio(code, domain))
    assert response.status_code == 201, response.json
    return response.json


def state_of(db, registration_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).state.value


def approve_by_link(client, smtp, approver="dirk@schiedam.nl", decision="approve"):
    link = approval_link(smtp, approver)
    page = client.get(link)
    assert page.status_code == 200
    return client.post(link, data={"decision": decision, "csrf_token": csrf_token(page.text)})


def test_registration_mails_the_approver_a_link_and_every_member_a_receipt(
    client, db, smtp, series
):
    body = register(client)
    for member in MEMBERS:
        [receipt] = smtp.to(member)
        assert receipt["Subject"] == (
            f"Aanmelding ontvangen, wacht op akkoord: Werkplaatsen wijkgericht werken ({body['reference']})"
        )
        text = plain(receipt)
        if member == MEMBERS[0]:  # the contact, who filled in the form: the registration's link
            assert body["manage_url"] in text
        else:  # the others: a link of their own (docs/registrants.md)
            assert body["manage_url"] not in text and "/deelname/" in text
        assert "€ 200,00 excl. btw + € 42,00 btw = € 242,00" in text
        assert receipt.get_body(("html",)) is not None
    [request] = smtp.to("dirk@schiedam.nl")
    assert request["Subject"] == "Akkoord gevraagd voor het trio van Schiedam"
    assert "/akkoord/" in request.get_body(("plain",)).get_content()


def test_the_approval_page_shows_the_trio_and_a_get_decides_nothing(client, db, smtp, series):
    body = register(client)
    page = client.get(approval_link(smtp))
    assert page.status_code == 200
    assert "Wonen en zorg in Oost" in page.text and "Anna de Vries" in page.text
    assert 'name="decision" value="approve"' in page.text
    assert state_of(db, body["id"]) == "awaiting_approval"  # a mail scanner's GET did nothing


def test_approval_by_link_confirms_the_trio_and_tells_every_member(client, db, smtp, series):
    body = register(client)
    response = approve_by_link(client, smtp)
    assert response.status_code == 302
    assert state_of(db, body["id"]) == "confirmed"
    for member in MEMBERS:
        assert subjects(smtp, member)[-1].startswith("Plaats bevestigd: Werkplaatsen")
    registration = db.session.get(Registration, body["id"])
    assert [e.to_state.value for e in registration.events if e.is_transition] == [
        "submitted",
        "awaiting_approval",
        "confirmed",
    ]
    assert registration.events[-1].actor_label == "approver dirk@schiedam.nl"
    assert registration.holds_place and registration.programme.places_taken == 1
    # the page now says it is decided and offers no buttons; approving again changes nothing
    page = client.get(approval_link(smtp))
    assert "U heeft op " in page.text and " akkoord gegeven." in page.text
    assert 'value="approve"' not in page.text
    before = len(smtp.messages)
    token = csrf_token(client.get("/login").text)  # a valid token of this visitor's session
    client.post(approval_link(smtp), data={"decision": "approve", "csrf_token": token})
    assert len(smtp.messages) == before
    assert db.session.get(Programme, series.id).places_taken == 1


def test_the_approver_sees_what_they_approve_and_a_no_is_asked_again(client, db, smtp, series):
    body = register(client)
    [request] = smtp.to("dirk@schiedam.nl")
    text = plain(request)
    # The mail says what is asked: the sessions with date, time and place, the hours, the cost.
    assert "Wat u goedkeurt: 1 bijeenkomst, samen ongeveer 4 uur per persoon." in text
    assert "De gemeente betaalt € 200,00 excl. btw (€ 242,00 incl. btw)" in text
    session = db.session.get(Programme, series.id).sessions[0]
    assert f"- {session.title}: dinsdag 13 oktober 2099, 13:00–17:00" in text
    link = approval_link(smtp)
    page = client.get(link)
    page_text = text_of(page)
    assert "Wat u goedkeurt" in page_text and session.title in page_text
    assert "De gemeente betaalt € 200,00 excl. btw" in page_text
    # "Geen akkoord geven…" leads to a page that says what a no means; opening it decides nothing.
    decline_page = client.get(link + "/geen-akkoord")
    assert decline_page.status_code == 200
    assert "Het trio neemt niet deel" in text_of(decline_page)
    assert state_of(db, body["id"]) == "awaiting_approval"
    answer = client.post(
        link,
        data={
            "decision": "decline",
            "note": "Eerst de begroting rond.",
            "csrf_token": csrf_token(decline_page.text),
        },
    )
    assert answer.status_code == 302
    assert state_of(db, body["id"]) == "declined"
    # The result, clearly; the approver gets a copy; the members read who decided and why.
    result = text_of(client.get(link))
    assert "U heeft op " in result and "geen akkoord gegeven." in result
    [copy] = [m for m in smtp.to("dirk@schiedam.nl") if "Bevestiging" in m["Subject"]]
    assert copy["Subject"] == "Bevestiging: u gaf geen akkoord voor het trio van Schiedam"
    members_mail = plain(smtp.to("anna@schiedam.nl")[-1])
    assert "Dirk Smit heeft geen akkoord gegeven" in members_mail
    assert "Toelichting van Dirk Smit: “Eerst de begroting rond.”" in members_mail


def test_decline_by_link_tells_the_members(client, db, smtp, series):
    body = register(client)
    approve_by_link(client, smtp, decision="decline")
    assert state_of(db, body["id"]) == "declined"
    assert subjects(smtp, "anna@schiedam.nl")[-1].startswith("Geen akkoord:")


def test_a_post_without_csrf_token_decides_nothing(client, db, smtp, series):
    body = register(client)
    response = client.post(approval_link(smtp), data={"decision": "approve"})
    assert response.status_code in (200, 400)
    assert state_of(db, body["id"]) == "awaiting_approval"


def test_a_forged_or_expired_link_is_refused(app, client, db, smtp, series, monkeypatch):
    register(client)
    link = approval_link(smtp)
    assert client.get(link[:-3] + "xyz").status_code == 404
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=app.config["APPROVAL_LINK_DAYS"] + 1)
    monkeypatch.setattr("itsdangerous.timed.time.time", later.timestamp)  # the signer's clock
    response = client.get(link)
    assert response.status_code == 410
    assert "Deze link is verlopen." in response.text


def test_first_come_fills_places_then_waitlists_and_promotes_on_cancel(client, db, smtp, series):
    first = register(client, "GM0606", "schiedam.nl")
    approve_by_link(client, smtp, "dirk@schiedam.nl")
    second = register(client, "GM0363", "amsterdam.nl")
    approve_by_link(client, smtp, "dirk@amsterdam.nl")
    third = register(client, "GM0599", "rotterdam.nl")
    approve_by_link(client, smtp, "dirk@rotterdam.nl")
    assert [state_of(db, r["id"]) for r in (first, second, third)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert subjects(smtp, "anna@rotterdam.nl")[-1].startswith("Op de wachtlijst:")

    # the first trio cancels on its own page: its place goes to Rotterdam, who is told
    manage = client.get(first["manage_url"].removeprefix("http://wijkwerk.test"))
    response = client.post(
        first["manage_url"].removeprefix("http://wijkwerk.test") + "/annuleren",
        data={"csrf_token": csrf_token(manage.text)},
    )
    assert response.status_code == 302
    assert [state_of(db, r["id"]) for r in (first, second, third)] == [
        "cancelled",
        "confirmed",
        "confirmed",
    ]
    assert subjects(smtp, "anna@rotterdam.nl")[-1].startswith("Plaats bevestigd:")
    assert "Er kwam een plaats vrij" in plain(smtp.to("anna@rotterdam.nl")[-1])
    assert db.session.get(Programme, series.id).places_taken == 2


def test_priority_at_close_gives_middelgrote_gemeenten_the_places_first(
    client, db, smtp, series, runner
):
    series.allocation = Allocation.PRIORITY_AT_CLOSE
    series.min_participants = 2
    factories.account("org@example.nl")
    db.session.commit()
    token = runner.invoke(args=["wijkwerk", "create-token", "org@example.nl"]).output.strip()
    # Amsterdam and Schiedam complete first; Almelo (middelgroot) completes last
    order = [("GM0363", "amsterdam.nl"), ("GM0606", "schiedam.nl"), ("GM0141", "almelo.nl")]
    registrations = {}
    for step, (code, domain) in enumerate(order):
        registrations[code] = register(client, code, domain)
        with frozen_at(dt.datetime(2026, 12, 1, 10, step, tzinfo=dt.UTC)):
            approve_by_link(client, smtp, f"dirk@{domain}")
        assert state_of(db, registrations[code]["id"]) == "submitted"
    assert db.session.get(Programme, series.id).places_taken == 0

    response = client.post(
        "/api/v1/programmes/werkplaatsen/allocate", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.json
    assert response.json["below_minimum"] is False
    states = {code: state_of(db, r["id"]) for code, r in registrations.items()}
    assert states == {"GM0141": "confirmed", "GM0363": "confirmed", "GM0606": "waitlisted"}
    # a second allocation finds nothing to do
    again = client.post(
        "/api/v1/programmes/werkplaatsen/allocate", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.json["confirmed"] == [] and again.json["places_taken"] == 2


def test_allocation_below_the_minimum_warns_the_organisers(client, db, smtp, series):
    series.allocation = Allocation.PRIORITY_AT_CLOSE
    series.min_participants = 2
    factories.account("org@example.nl")
    db.session.commit()
    body = register(client)
    approve_by_link(client, smtp)
    result = allocation.allocate(db.session.get(Programme, series.id))
    db.session.commit()
    from wijkwerk.outbox.services import deliver_pending

    deliver_pending()
    assert result.below_minimum and [r.id for r in result.confirmed] == [body["id"]]
    assert subjects(smtp, "org@example.nl") == [
        "Te weinig aanmeldingen: Werkplaatsen wijkgericht werken"
    ]
    [warning] = smtp.to("org@example.nl")
    assert "werken 1 trio; het minimum is 2 trio's." in plain(warning)  # the kind's nouns


def test_organiser_records_a_decision_taken_by_phone(client, db, smtp, series, runner):
    factories.account("org@example.nl")
    factories.account("kijker@example.nl", role=Role.VIEWER)
    db.session.commit()
    token = runner.invoke(args=["wijkwerk", "create-token", "org@example.nl"]).output.strip()
    viewer = runner.invoke(args=["wijkwerk", "create-token", "kijker@example.nl"]).output.strip()
    body = register(client)
    url = f"/api/v1/registrations/{body['id']}/approve"
    assert client.post(url).status_code == 401
    assert client.post(url, headers={"Authorization": "Bearer onzin"}).status_code == 401
    assert client.post(url, headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    response = client.post(
        url,
        json={"reason": "telefonisch akkoord wethouder"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.json["state"] == "confirmed"
    assert response.json["history"][-1]["by"] == "org@example.nl"
    assert response.json["history"][-1]["reason"] == (
        "Dirk Smit heeft akkoord gegeven; u heeft een plaats. "
        "Toelichting van de organisatie: “telefonisch akkoord wethouder”"
    )
    declined = client.post(
        f"/api/v1/registrations/{body['id']}/decline", headers={"Authorization": f"Bearer {token}"}
    )
    assert declined.status_code == 409
    assert declined.json["errors"][0]["code"] == "state_conflict"
    detail = client.get(
        f"/api/v1/registrations/{body['id']}", headers={"Authorization": f"Bearer {viewer}"}
    )
    assert detail.status_code == 200 and len(detail.json["members"]) == 3


def test_nothing_is_mailed_when_the_registration_is_refused(client, db, smtp, series):
    body = trio()
    body["members"] = body["members"][:2]
    assert client.post(URL, json=body).status_code == 422
    assert smtp.messages == []
    assert db.session.scalars(select(Registration)).all() == []


def test_the_approval_link_carries_no_address_and_stops_when_the_approver_changes(
    app, client, db, smtp, series
):
    import base64

    from itsdangerous import URLSafeTimedSerializer

    body = register(client)
    link = approval_link(smtp)
    token = link.rsplit("/", 1)[-1]
    payload = token.split(".")[0]
    readable = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "dirk" not in readable and "schiedam" not in readable and "@" not in readable
    assert client.get(link).status_code == 200
    # A link mailed before tokens held a fingerprint (the address itself) still works.
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wijkwerk:trio-approval").dumps(
        {"r": body["id"], "e": "dirk@schiedam.nl"}
    )
    assert client.get(f"/akkoord/{old}").status_code == 200
    # Another approver: the link made for Dirk no longer opens the page.
    registration = db.session.get(Registration, body["id"])
    registration.approver.email = "iemand.anders@schiedam.nl"
    db.session.commit()
    assert client.get(link).status_code == 404
