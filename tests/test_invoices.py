"""Invoice numbers: consecutive per year, without gaps or duplicates, also when registrations race
(real threads, on SQLite and PostgreSQL); who gets an invoice: paying trios, not exempt ones; and
a long description staying in its column of the PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import trio_helpers
from tests.conftest import csrf_token, log_in
from tests.course_helpers import course, individual
from tests.test_races import race
from tests.trio_helpers import approval_link, trio
from wijkwerk.driedaagse import services as individuals
from wijkwerk.extensions import db as _db
from wijkwerk.payments import invoices
from wijkwerk.payments.models import Invoice, InvoiceCounter
from wijkwerk.payments.pdf import invoice_pdf
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import AMSTERDAM, now_utc


def numbers(db) -> list[str]:
    return db.session.scalars(select(Invoice.number).order_by(Invoice.sequence)).all()


def this_year() -> int:
    return now_utc().astimezone(AMSTERDAM).year


def registering(programme_id: int, count: int) -> list:
    """Jobs for ``race``: each registers another person; each returns the state it got."""

    def register(n: int):
        def job():
            found = _db.session.get(Programme, programme_id)
            return individuals.register_individual(
                found, individual(f"deelnemer{n}@example.nl")
            ).registration.state

        return job

    return [register(n) for n in range(count)]


def test_twelve_registrations_at_once_get_twelve_consecutive_numbers(app, db):
    programme_id = course(capacity=None).id
    db.session.commit()
    results = race(app, registering(programme_id, 12))
    assert results == [RegistrationState.CONFIRMED] * 12
    db.session.expire_all()
    year = this_year()
    assert numbers(db) == [f"{year}-{n:04d}" for n in range(1, 13)]
    assert db.session.get(InvoiceCounter, year).last_number == 12


def test_ten_racing_for_three_places_give_three_invoices_and_seven_on_the_waiting_list(app, db):
    programme_id = course().id  # three places
    db.session.commit()
    results = [state.value for state in race(app, registering(programme_id, 10))]
    assert sorted(results) == ["confirmed"] * 3 + ["waitlisted"] * 7
    db.session.expire_all()
    assert db.session.get(Programme, programme_id).places_taken == 3
    assert numbers(db) == [f"{this_year()}-{n:04d}" for n in (1, 2, 3)]


def test_a_rolled_back_transaction_gives_its_number_back(db):
    year = this_year()
    assert invoices.next_number(year) == 1
    db.session.rollback()
    assert invoices.next_number(year) == 1
    db.session.commit()
    assert invoices.next_number(year) == 2
    assert invoices.next_number(year + 1) == 1  # a new year starts again at 1


@pytest.fixture
def series(db):
    trio_helpers.load_municipalities()
    found = trio_helpers.werkplaats()
    db.session.commit()
    return found


def approve(client, smtp, approver="dirk@schiedam.nl"):
    link = approval_link(smtp, approver)
    page = client.get(link)
    response = client.post(link, data={"csrf_token": csrf_token(page.text), "decision": "approve"})
    assert response.status_code == 302


def test_a_paying_trio_is_invoiced_200_euro_when_its_place_is_confirmed(client, db, smtp, series):
    response = client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio())
    assert response.json["fee"]["total_cents"] == 24_200
    assert not smtp.to("facturen@schiedam.nl")
    approve(client, smtp)
    [mail] = smtp.to("facturen@schiedam.nl")
    invoice = db.session.scalar(select(Invoice))
    assert (invoice.amount_cents, invoice.vat_cents, invoice.total_cents) == (20_000, 4_200, 24_200)
    assert invoice.buyer_name == "Gemeente Schiedam" and invoice.buyer_reference == "PO-2027-118"
    assert invoice.ordered_by == "Dirk Smit"
    assert "trio van gemeente Schiedam" in invoice.description
    assert mail.get_content_type() == "multipart/mixed"


def test_an_exempt_trio_gets_no_payment_and_no_invoice(client, db, smtp, series):
    body = trio("GM0141", "almelo.nl")
    body.pop("billing")
    response = client.post("/api/v1/programmes/werkplaatsen/registrations", json=body)
    assert response.json["fee"]["exempt"] is True and response.json["fee"]["total_cents"] == 0
    approve(client, smtp, "dirk@almelo.nl")
    registration = db.session.get(Registration, response.json["id"])
    assert registration.state.value == "confirmed"
    assert db.session.scalar(select(func.count(Invoice.id))) == 0
    assert registration.payments == []


def test_a_paying_trio_without_billing_details_is_flagged_not_invoiced(client, db, smtp, series):
    body = trio()
    body.pop("billing")
    response = client.post("/api/v1/programmes/werkplaatsen/registrations", json=body)
    approve(client, smtp)
    registration = db.session.get(Registration, response.json["id"])
    assert registration.state.value == "confirmed" and registration.invoices == []
    assert "De factuur wacht op factuurgegevens" in registration.events[-1].reason


def test_an_organiser_marks_an_invoice_paid_in_the_back_office(client, db, smtp, series):
    from tests import factories

    client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio())
    approve(client, smtp)
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get("/beheer/facturen")
    assert page.status_code == 200
    invoice = db.session.scalar(select(Invoice))
    assert invoice.number in page.text and "Open" in page.text
    response = client.post(
        f"/beheer/facturen/{invoice.id}/betaald", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    invoice = db.session.scalar(select(Invoice))
    assert invoice.paid_at is not None
    assert invoice.registration.events[-1].actor_label == "org@example.nl"
    assert client.get(f"/beheer/facturen/{invoice.id}.pdf").headers["Content-Type"] == (
        "application/pdf"
    )


def _pdf_lines(data: bytes) -> list[tuple[float, float, str]]:
    """(y, x, text) of every text run on the first page, top to bottom."""
    runs: list[tuple[float, float, str]] = []

    def keep(text, _cm, tm, _font, _size):
        if text.strip():
            runs.append((tm[5], tm[4], text.strip()))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=keep)
    return sorted(runs, key=lambda run: -run[0])


@pytest.mark.parametrize(
    "title",
    [
        "Werkplaats Werken aan wijkontwikkeling in middelgrote gemeenten, met een lange naam die "
        "over drie regels loopt",
        "Werkplaats-met-een-woord-dat-breder-is-dan-de-kolom-van-de-omschrijving-op-de-factuur",
    ],
)
def test_a_long_description_wraps_inside_its_column_above_the_totals(db, title):
    programme = course(title=title, capacity=None)
    db.session.commit()
    registration = individuals.register_individual(programme, individual()).registration
    db.session.commit()
    invoice = invoices.active_invoice(registration)
    runs = _pdf_lines(invoice_pdf(invoice))

    text = " ".join(t for _, _, t in runs)
    for word in title.split(" "):
        assert word[:20] in text.replace(" ", "")  # nothing cut off (a long word may be broken)
    [header_y] = [y for y, _, t in runs if t == "Omschrijving"]
    [payment_y] = [y for y, _, t in runs if t.startswith("Gelieve")]
    [totals_y] = [y for y, _, t in runs if t.startswith("Totaal excl. btw")]
    description = [y for y, x, _ in runs if x < 100 and payment_y < y < header_y]
    assert len(description) >= 3  # wrapped over several lines of its column
    assert min(description) > totals_y  # the totals start below the description's last line


def test_a_course_invoice_names_the_registrations_reference(client, db, smtp):
    """The invoice is made in the registration's first flush: its description was written before
    the reference existed ("Fatima el Amrani (referentie None)")."""
    course(capacity=5)
    db.session.commit()
    answer = client.post("/api/v1/programmes/driedaagse/registrations", json=individual())
    assert answer.status_code == 201, answer.json
    invoice = db.session.scalar(select(Invoice))
    assert invoice.description.endswith(f"Fatima el Amrani (referentie {answer.json['reference']})")
    [mail] = smtp.to("facturen@rotterdam.nl")
    text = mail.get_body(("plain",)).get_content()
    assert "None" not in text and "None" not in invoice.description
