"""The organiser's view of a series: its trios with state, exemption and place, and actions."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests import conftest, factories, trio_helpers
from tests.conftest import csrf_token, end_unit_of_work
from tests.test_pages import text_of
from tests.trio_helpers import trio
from wijkwerk.accounts.models import Role
from wijkwerk.municipalities.models import Municipality
from wijkwerk.outbox.services import messages_of
from wijkwerk.registrations import approval
from wijkwerk.registrations.models import Registration
from wijkwerk.werkplaatsen import services as trios

PAGE = "/beheer/programmas/werkplaatsen"


@pytest.fixture
def series(db):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(capacity=2, min_participants=1)
    factories.account("org@example.nl")
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    return programme


@contextmanager
def counted_queries(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_series_page_lists_trios_with_state_exemption_and_place(client, db, series):
    schiedam = trios.register_trio(series, trio("GM0606", "schiedam.nl")).registration
    almelo = trios.register_trio(series, trio("GM0141", "almelo.nl")).registration
    approval.approve(schiedam)
    db.session.commit()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    page = text_of(client.get(PAGE))
    assert re.search(
        rf"{schiedam.reference} Schiedam Wonen en zorg in Oost Plaats bevestigd ja € 242,00", page
    )
    assert re.search(
        rf"{almelo.reference} Almelo .*? Aanmelding ontvangen, wacht op akkoord nee vrijgesteld: "
        r"Middelgrote gemeente \(75.166 inwoners\)",
        page,
    )
    assert (
        "Plaatsen bezet 1 / 2" in page and "Wacht op akkoord 1" in page and "Vrijgesteld 1" in page
    )


def test_series_page_uses_the_same_number_of_queries_for_few_or_many(client, db, series):
    codes = [code for code, *_ in trio_helpers.MUNICIPALITIES]
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    counts = []
    for batch in (codes[:2], codes[2:]):
        for code in batch:
            trios.register_trio(series, trio(code, f"{code.lower()}.nl"))
        db.session.commit()
        with counted_queries(db.engine) as statements:
            assert client.get(PAGE).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts  # 2 trios or 10: the same queries


def test_organiser_grants_an_exemption_with_a_reason_and_it_is_in_the_history(client, db, series):
    registration = trios.register_trio(series, trio()).registration
    db.session.commit()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    url = f"/beheer/aanmeldingen/{registration.id}"
    page = client.get(f"{url}/acties/exempt")
    refused = client.post(
        f"{url}/acties/exempt", data={"reason": "", "csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 422
    assert "Geef een reden op; die komt in de geschiedenis." in text_of(refused)
    client.post(
        f"{url}/acties/exempt",
        data={"reason": "M50-lid sinds 2026", "csrf_token": csrf_token(page.text)},
    )
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert registration.exempt and registration.exemption_reason == "M50-lid sinds 2026"
    assert registration.price.total_cents == 0
    assert "Vrijstelling toegekend: M50-lid sinds 2026" in text_of(client.get(url))
    assert "Vrijstelling toekennen" not in text_of(client.get(url))  # it has one now
    client.post(
        f"{url}/acties/charge",
        data={"reason": "toch geen lid", "csrf_token": csrf_token(page.text)},
    )
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).price.total_cents == 24_200


def test_organiser_approves_on_behalf_of_the_approver(client, db, series, smtp):
    registration = trios.register_trio(series, trio()).registration
    db.session.commit()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    url = f"/beheer/aanmeldingen/{registration.id}/acties/approve"
    page = client.get(url)
    response = client.post(url, data={"reason": "telefonisch", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert registration.state.value == "confirmed"
    assert registration.events[-1].actor_label == "org@example.nl"
    assert any(m["Subject"].startswith("Plaats bevestigd") for m in smtp.to("anna@schiedam.nl"))


def test_viewer_sees_the_series_but_cannot_act(client, db, series):
    registration = trios.register_trio(series, trio()).registration
    db.session.commit()
    conftest.log_in(client, "kijker@example.nl", factories.PASSWORD)
    assert client.get(PAGE).status_code == 200
    page = client.get(f"/beheer/aanmeldingen/{registration.id}")
    assert "Akkoord vastleggen" not in page.text and "alleen bekijken" in page.text
    response = client.post(
        f"/beheer/aanmeldingen/{registration.id}/acties/approve",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).state.value == "awaiting_approval"


def test_an_organisers_middelgroot_override_makes_new_registrations_exempt(client, db, series):
    db.session.get(Municipality, "GM0606").middelgroot_override = True
    db.session.get(Municipality, "GM0606").middelgroot_override_reason = "M50-afspraak"
    db.session.commit()
    registration = trios.register_trio(series, trio()).registration
    assert registration.exempt
    assert registration.exemption_reason == (
        "Middelgrote gemeente (vastgesteld door de organisator: M50-afspraak)"
    )


def test_the_series_is_filtered_by_state_municipality_exemption_and_payment(client, db, series):
    schiedam = trios.register_trio(series, trio("GM0606", "schiedam.nl")).registration
    almelo = trios.register_trio(series, trio("GM0141", "almelo.nl")).registration
    amsterdam = trios.register_trio(series, trio("GM0363", "amsterdam.nl")).registration
    approval.approve(schiedam)
    approval.approve(almelo)
    db.session.commit()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)

    def shown(**args) -> set[str]:
        page = client.get(PAGE, query_string=args).text
        return {r.reference for r in (schiedam, almelo, amsterdam) if r.reference in page}

    assert shown() == {schiedam.reference, almelo.reference, amsterdam.reference}
    assert shown(status="confirmed") == {schiedam.reference, almelo.reference}
    assert shown(status="awaiting_approval") == {amsterdam.reference}
    assert shown(gemeente="alme") == {almelo.reference}
    assert shown(gemeente="GM0363") == {amsterdam.reference}
    assert shown(vrijgesteld="ja") == {almelo.reference}
    assert shown(vrijgesteld="nee") == {schiedam.reference, amsterdam.reference}
    assert shown(betaling="open") == {schiedam.reference}  # invoiced on approval, not yet paid
    assert shown(status="confirmed", vrijgesteld="nee") == {schiedam.reference}
    assert "1 van 3 aanmeldingen." in text_of(client.get(PAGE, query_string={"gemeente": "alme"}))


def test_an_organiser_resends_a_mail_that_got_lost(client, db, series, smtp):
    registration = trios.register_trio(series, trio()).registration
    end_unit_of_work()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/aanmeldingen/{registration.id}")
    [request] = [m for m in messages_of(registration.id) if m.kind == "approval_request"]
    assert request.subject in page.text
    before = len(smtp.to("dirk@schiedam.nl"))
    response = client.post(
        f"/beheer/aanmeldingen/{registration.id}/mails/{request.id}",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302
    mails = smtp.to("dirk@schiedam.nl")
    assert len(mails) == before + 1
    assert mails[-1]["Subject"] == mails[0]["Subject"]
    db.session.expire_all()
    history = db.session.get(Registration, registration.id).events
    assert history[-1].reason.startswith("Mail opnieuw verstuurd aan dirk@schiedam.nl")
    assert history[-1].actor_label == "org@example.nl"


def test_an_organiser_closes_and_reopens_registration(client, db, series):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(PAGE)
    client.post(f"{PAGE}/status", data={"csrf_token": csrf_token(page.text), "status": "draft"})
    assert client.get("/programmes/werkplaatsen").status_code == 404
    response = client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio())
    assert response.status_code == 404
    client.post(f"{PAGE}/status", data={"csrf_token": csrf_token(page.text), "status": "published"})
    assert client.get("/programmes/werkplaatsen").status_code == 200
    assert "Aanmelden kan tot en met" in text_of(client.get(PAGE))
    assert (
        client.post(
            f"{PAGE}/status", data={"csrf_token": csrf_token(page.text), "status": "x"}
        ).status_code
        == 400
    )
