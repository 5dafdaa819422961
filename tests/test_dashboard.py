"""The back-office's front page: every current programme's fill and what needs an organiser
today, each linking to where it is dealt with; a fixed number of queries however many programmes
and registrations."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories, trio_helpers
from tests.conftest import end_unit_of_work, log_in
from tests.course_helpers import course, deliver, individual
from tests.test_backoffice_trios import counted_queries
from tests.test_pages import text_of
from tests.trio_helpers import trio
from wijkwerk.driedaagse import services as individuals
from wijkwerk.programmes.models import ProgrammeKind
from wijkwerk.registrations import approval, links
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import now_utc
from wijkwerk.werkplaatsen import services as trios


@pytest.fixture
def app_overrides(stripe_settings):
    return stripe_settings


def test_the_dashboard_shows_each_programme_and_what_needs_action(client, db, smtp, stripe):
    now = now_utc()
    trio_helpers.load_municipalities()
    werkplaatsen = trio_helpers.werkplaats(
        capacity=8, min_participants=6, registration_deadline=now + dt.timedelta(days=10)
    )
    werkplaatsen.sessions[0].location_name = ""  # no place yet
    late = trios.register_trio(werkplaatsen, trio(), now=now - dt.timedelta(days=9)).registration
    recent = trios.register_trio(
        werkplaatsen, trio("GM0344", "utrecht.nl"), now=now - dt.timedelta(days=2)
    ).registration
    approved = trios.register_trio(werkplaatsen, trio("GM0363", "amsterdam.nl")).registration
    approval.approve(approved)
    driedaagse = course(capacity=3)
    overdue = individuals.register_individual(
        driedaagse, individual("oud@example.nl"), now=now - dt.timedelta(days=45)
    ).registration
    paying = individuals.register_individual(
        driedaagse, individual("fatima@rotterdam.nl", payment_method="stripe")
    ).registration
    factories.account("org@example.nl")
    end_unit_of_work()
    checkout = client.get(links.payment_url(paying).removeprefix("http://wijkwerk.test"))
    session_id = checkout.headers["Location"].rsplit("/", 1)[-1]
    deliver(client, stripe.payment_failed(session_id, "Your card was declined."))

    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get("/beheer/")
    said = text_of(page)
    todo = said[said.index("Wat op u wacht") : said.index("Lopende programma's")]
    assert f"Schiedam wacht al 9 dagen op akkoord van de bestuurder ({late.reference})." in todo
    assert recent.reference not in todo  # two days is not long
    invoice = overdue.invoices[0]
    assert f"Factuur {invoice.number} (Gemeente Rotterdam) is over de vervaldatum" in todo
    assert f"Betaling mislukt voor {paying.reference}" in todo
    assert "Werkplaats 1 van 13 oktober 2099 heeft nog geen locatie." in todo
    assert "Werkplaatsen wijkgericht werken zit onder het minimum (1 van 6)" in todo
    for url in (
        f"/beheer/aanmeldingen/{late.id}",
        f"/beheer/facturen/{invoice.id}",
        f"/beheer/aanmeldingen/{paying.id}",
        f"/beheer/bijeenkomsten/{werkplaatsen.sessions[0].id}",
        f"/beheer/programmas/{werkplaatsen.slug}",
    ):
        assert f'href="{url}"' in page.text, url

    table = said[said.index("Lopende programma's") :]
    assert re.search(
        r"Werkplaatsen wijkgericht werken .*? 1 van 8 plaatsen bezet, minimum 6 · onder het minimum"
        r" 0 2 0 Werkplaats 1: 13 oktober 2099",
        table,
    ), table
    assert re.search(
        r"Werkplaats Werken aan wijkontwikkeling .*? 2 van 3 plaatsen bezet 0 0 1 Dag 1", table
    ), table
    assert '<meter class="ww-fill" min="0" max="8" value="1" low="6"' in page.text


def _registrations(programme, count: int) -> None:
    states = [RegistrationState.CONFIRMED, RegistrationState.AWAITING_APPROVAL]
    registrations = [
        Registration(programme=programme, state=states[n % 2], fee_cents=0, exempt=False)
        for n in range(count)
    ]
    factories.db.session.add_all(registrations)


def test_the_dashboard_runs_the_same_queries_for_few_or_many(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    counts = []
    for programmes, per_programme in ((2, 3), (48, 100)):
        for _ in range(programmes):
            programme = factories.programme(kind=ProgrammeKind.WERKPLAATS, capacity=200)
            factories.session(programme, day=(2099, 10, 13))
            _registrations(programme, per_programme)
        db.session.commit()
        with counted_queries(db.engine) as statements:
            page = client.get("/beheer/")
            assert page.status_code == 200
        counts.append(len(statements))
    assert page.text.count('class="ww-fill"') == 50
    assert counts[0] == counts[1], counts


def test_a_programme_page_draws_registrations_over_time_and_attendance_with_their_numbers(
    client, db, smtp
):
    from tests.conftest import end_unit_of_work as done
    from wijkwerk.timeutil import frozen_at, local

    programme = course(capacity=3)
    for day, email in ((3, "a@example.nl"), (3, "b@example.nl"), (10, "c@example.nl")):
        with frozen_at(local(2027, 3, day, 10)):
            individuals.register_individual(
                programme, individual(email), now=local(2027, 3, day, 10)
            )
    factories.account("org@example.nl")
    done()
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/programmas/{programme.slug}")
    said = text_of(page)
    assert "3 maart 2027 2 10 maart 2027 3" in said  # the numbers under the picture
    assert "Plaatsen: 3. Sluitingsdatum: 16 september 2099." in said
    assert re.search(r"Dag 1 \(22 november 2099\) 0 3 Dag 2", said)
    chart = client.get(f"/beheer/programmas/{programme.slug}/grafiek/aanmeldingen.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert (
        chart.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    )
    svg = chart.text
    assert svg.startswith("<svg") and "Aanmeldingen (opgeteld)" in svg and "Sluitingsdatum" in svg
    assert "3 mrt 2027" in svg  # Dutch dates on the axis
    bars = client.get(f"/beheer/programmas/{programme.slug}/grafiek/aanwezigheid.svg").text
    assert "Verwacht" in bars and "Aanwezig" in bars and "Dag 3" in bars
    assert client.get("/beheer/programmas/bestaat-niet/grafiek/aanwezigheid.svg").status_code == 404
