"""A message from the organisers to a programme's people or a group of them: previewed, then sent
through the outbox to each person once — also on a double click and when two organisers send the
same form at once (real threads) — and recorded in each registration's history. Mail is read from
the SMTP server."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from tests import conftest, factories, trio_helpers
from tests.conftest import IsolatedClient, csrf_token, end_unit_of_work
from tests.test_pages import text_of
from tests.trio_helpers import plain, subject, trio
from wijkwerk.registrations import approval
from wijkwerk.registrations.models import Registration
from wijkwerk.werkplaatsen import services as trios

CONFIRMED = [
    f"{name}@{domain}"
    for domain in ("schiedam.nl", "almelo.nl")
    for name in ("anna", "bram", "chantal")
]


@pytest.fixture
def series(db):
    """Werkplaatsen (capacity 2): Schiedam and Almelo confirmed, Amsterdam on the waiting list."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(capacity=2, min_participants=1)
    for code, domain in (
        ("GM0606", "schiedam.nl"),
        ("GM0141", "almelo.nl"),
        ("GM0363", "amsterdam.nl"),
    ):
        approval.approve(trios.register_trio(programme, trio(code, domain)).registration)
    factories.account("org@example.nl")
    end_unit_of_work()
    return programme


def url(programme) -> str:
    return f"/beheer/programmas/{programme.slug}/bericht"


def form(client, programme, **values) -> dict:
    page = client.get(url(programme))
    token = page.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    return {
        "csrf_token": csrf_token(page.text),
        "token": token,
        "audience": "confirmed",
        "subject": "Locatie werkplaats 1",
        "body": "De eerste werkplaats is in het stadhuis van Utrecht.\n\nNeem uw casus mee.",
        **values,
    }


def received(smtp) -> Counter:
    return Counter(r for rcpts, m in smtp.messages for r in rcpts if "Locatie" in subject(m))


def test_a_message_is_previewed_then_sent_to_each_confirmed_person_once(client, db, smtp, series):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    smtp.clear()
    data = form(client, series)
    preview = client.post(url(series), data=data)
    said = text_of(preview)
    assert "6 personen krijgen dit bericht:" in said and "Anna de Vries" in said
    assert "Onderwerp: Locatie werkplaats 1 (Werkplaatsen wijkgericht werken)" in said
    assert "Neem uw casus mee." in said and "Versturen aan 6 personen" in said
    assert smtp.messages == []  # a preview sends nothing

    sent = client.post(url(series), data={**data, "send": "1"})
    assert sent.status_code == 302
    assert "Het bericht is verstuurd aan 6 personen." in text_of(
        client.get(sent.headers["Location"])
    )
    assert received(smtp) == Counter(CONFIRMED)  # not the waiting list
    mail = next(m for r, m in smtp.messages if "anna@schiedam.nl" in r)
    assert "Beste Anna de Vries," in plain(mail) and "Neem uw casus mee." in plain(mail)
    db.session.expire_all()
    schiedam = db.session.scalar(
        select(Registration.id).where(Registration.municipality_code == "GM0606")
    )
    history = text_of(client.get(f"/beheer/aanmeldingen/{schiedam}"))
    assert "Bericht van de organisatie: Locatie werkplaats 1" in history

    again = client.post(url(series), data={**data, "send": "1"})  # a double click, a resent form
    assert "Dit bericht was al verstuurd (aan 6 personen)" in text_of(
        client.get(again.headers["Location"])
    )
    assert received(smtp) == Counter(CONFIRMED)


def test_the_waiting_list_and_one_trio_can_be_written_to(client, db, smtp, series):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    smtp.clear()
    client.post(url(series), data={**form(client, series, audience="waitlisted"), "send": "1"})
    assert set(received(smtp)) == {"anna@amsterdam.nl", "bram@amsterdam.nl", "chantal@amsterdam.nl"}
    page = client.get(url(series))
    assert "Alleen Almelo" in page.text
    value = page.text.split(">Alleen Almelo<")[0].rsplit('value="', 1)[1].split('"')[0]
    smtp.clear()
    client.post(url(series), data={**form(client, series, audience=value), "send": "1"})
    assert set(received(smtp)) == {"anna@almelo.nl", "bram@almelo.nl", "chantal@almelo.nl"}


def test_a_message_with_mistakes_is_not_sent_and_keeps_what_was_typed(client, db, smtp, series):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    smtp.clear()
    data = form(client, series, subject="", body="Mijn tekst", audience="niemand")
    refused = client.post(url(series), data={**data, "send": "1"})
    assert refused.status_code == 422
    said = text_of(refused)
    assert "Geef het bericht een onderwerp." in said and "Kies aan wie het bericht gaat." in said
    assert "Mijn tekst" in refused.text
    assert smtp.messages == []


def test_two_organisers_sending_the_same_form_at_once_send_each_person_one_mail(
    app, db, smtp, series
):
    app.test_client_class = IsolatedClient
    clients = []
    for _ in range(4):
        client = app.test_client()
        conftest.log_in(client, "org@example.nl", factories.PASSWORD)
        clients.append(client)
    data = form(clients[0], series)
    posts = [
        {**data, "csrf_token": csrf_token(c.get(url(series)).text), "send": "1"} for c in clients
    ]
    smtp.clear()
    barrier = threading.Barrier(len(clients))
    answers: list = [None] * len(clients)

    def click(index: int) -> None:
        barrier.wait()
        answers[index] = clients[index].post(url(series), data=posts[index])

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [302] * 4, [a.status_code for a in answers]
    assert received(smtp) == Counter(CONFIRMED)  # each person once
