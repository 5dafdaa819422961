"""Individuals register for the driedaagse through the API and the form (docs/domain.md §2): every rule
with its contract code, the invoice route, the waiting list and cancellation by the terms."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.course_helpers import URL, course, individual
from tests.trio_helpers import plain, subject
from wijkwerk.payments.models import Invoice, InvoiceKind
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local

MARCH_2027 = local(2027, 3, 1, 10)


@pytest.fixture
def programme(db):
    found = course()
    db.session.commit()
    return found


def errors_of(response) -> set[tuple[str, str | None]]:
    assert response.status_code == 422, response.json
    return {(e["code"], e["field"]) for e in response.json["errors"]}


def pdf_text(message) -> str:
    [attachment] = [
        p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"
    ]
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_invoice_route_confirms_the_place_and_sends_a_complete_dutch_invoice(
    client, db, smtp, programme
):
    with frozen_at(MARCH_2027):
        response = client.post(URL, json=individual())
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "confirmed"
    assert body["fee"] == {
        "amount_cents": 180_000,
        "vat_rate": "21",
        "vat_cents": 37_800,
        "total_cents": 217_800,
        "exempt": False,
        "exemption_reason": None,
    }
    assert body["payment_url"] is None

    [confirmation] = smtp.to("fatima@rotterdam.nl")
    assert subject(confirmation).startswith(
        "Plaats bevestigd: Werkplaats Werken aan wijkontwikkeling"
    )
    [invoice_mail] = smtp.to("facturen@rotterdam.nl")
    assert subject(invoice_mail) == "Factuur 2027-0001: Werkplaats Werken aan wijkontwikkeling"
    assert "€ 2.178,00" in plain(invoice_mail)
    text = pdf_text(invoice_mail)
    for expected in (
        "Factuur",
        "2027-0001",  # number
        "1 maart 2027",  # invoice date
        "31 maart 2027",  # due: 30 days
        "Kennisinstituut Wijkwerk (ontwikkelomgeving)",  # seller, address, KvK, btw-id
        "Voorbeeldstraat 1",
        "KvK-nummer: 00000000",
        "Btw-nummer: NL000000000B00",
        "Gemeente Rotterdam",  # buyer and address
        "Coolsingel 40",
        "3011 AD Rotterdam",
        "4500123456",  # purchase order
        "Fatima el Amrani",  # ordered by, and in the description
        "€ 1.800,00",
        "21%",
        "€ 378,00",
        "€ 2.178,00",
    ):
        assert expected in text, expected

    invoice = db.session.scalar(select(Invoice))
    assert (invoice.number, invoice.amount_cents, invoice.vat_cents, invoice.total_cents) == (
        "2027-0001",
        180_000,
        37_800,
        217_800,
    )
    assert invoice.paid_at is None


def test_every_problem_is_reported_at_once_with_its_field(client, programme):
    body = individual()
    body["person"].update(name="", email="geen-adres", organisation_type="bakkerij", role=None)
    body["billing"].update(postcode="12345", city=None)
    body["payment_method"] = "contant"
    assert errors_of(client.post(URL, json=body)) == {
        ("required", "person.name"),
        ("invalid", "person.email"),
        ("invalid", "person.organisation_type"),
        ("required", "person.role"),
        ("invalid", "billing.postcode"),
        ("required", "billing.city"),
        ("invalid", "payment_method"),
    }


@pytest.mark.parametrize(
    "body",
    [None, [], "tekst", {"person": "Fatima"}, {"person": {}, "billing": []}],
    ids=["null", "list", "string", "person-string", "billing-list"],
)
def test_nonsense_bodies_are_refused_not_crashed(client, programme, body):
    assert client.post(URL, json=body).status_code == 422


def test_a_municipality_paying_by_invoice_must_give_its_purchase_order(client, programme):
    body = individual()
    body["billing"]["po_number"] = ""
    assert errors_of(client.post(URL, json=body)) == {("required", "billing.po_number")}
    body["person"]["organisation_type"] = "woningcorporatie"
    assert client.post(URL, json=body).status_code == 201


def test_consent_refused_is_refused_and_consent_given_is_recorded(client, db, programme):
    assert errors_of(client.post(URL, json=individual(consent=False))) == {("required", "consent")}
    response = client.post(URL, json=individual())
    registration = db.session.get(Registration, response.json["id"])
    assert registration.consent_at is not None


def test_paying_by_stripe_is_refused_while_stripe_is_not_configured(client, programme):
    assert errors_of(client.post(URL, json=individual(payment_method="stripe"))) == {
        ("invalid", "payment_method")
    }


def test_the_same_person_cannot_register_twice_but_may_again_after_cancelling(
    client, db, programme
):
    first = client.post(URL, json=individual())
    assert errors_of(client.post(URL, json=individual())) == {
        ("already_registered", "person.email")
    }
    lifecycle.cancel(db.session.get(Registration, first.json["id"]))
    db.session.commit()
    assert client.post(URL, json=individual()).status_code == 201


def test_registration_outside_the_window_is_closed(client, db, programme):
    programme.registration_deadline = local(2020, 1, 1)
    db.session.commit()
    assert errors_of(client.post(URL, json=individual())) == {("registration_closed", None)}


def test_a_full_course_waitlists_and_a_cancellation_gives_the_place_to_the_next(
    client, db, smtp, programme
):
    states = [
        client.post(URL, json=individual(f"deelnemer{n}@example.nl")).json["state"]
        for n in range(4)
    ]
    assert states == ["confirmed"] * 3 + ["waitlisted"]
    assert subject(smtp.to("deelnemer3@example.nl")[-1]).startswith("Op de wachtlijst")
    assert db.session.scalar(select(func.count(Invoice.id))) == 3  # none for the waiting list

    first = db.session.scalar(select(Registration).order_by(Registration.id))
    token = first.manage_token
    page = client.get(f"/aanmelding/{token}/annuleren")
    response = client.post(
        f"/aanmelding/{token}/annuleren", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    waiting = db.session.scalars(select(Registration).order_by(Registration.id)).all()[-1]
    assert waiting.state.value == "confirmed"
    assert subject(smtp.to("deelnemer3@example.nl")[-1]).startswith("Plaats bevestigd")
    assert db.session.get(Registration, first.id).state.value == "cancelled"
    assert programme.places_taken == 3


def test_cancelling_before_the_free_date_credits_the_whole_invoice(client, db, smtp, programme):
    with frozen_at(MARCH_2027):
        registration_id = client.post(URL, json=individual()).json["id"]
        response = client.post(f"/api/v1/registrations/{registration_id}/cancel")
    assert response.status_code == 401  # organisers only; the registrant uses the manage page
    registration = db.session.get(Registration, registration_id)
    with frozen_at(MARCH_2027):
        # First a page that says what follows; opening it changes nothing.
        page = client.get(f"/aanmelding/{registration.manage_token}/annuleren")
        assert page.status_code == 200
        text = plain_text(page.text)
        assert "U krijgt een creditfactuur van € 2.178,00 voor factuur 2027-0001." in text
        assert "U annuleert binnen de termijn waarin dat kosteloos kan" in text
        assert "Fatima el Amrani krijgt hiervan een e-mail" in text
        assert "verschuldigd" not in text
        db.session.expire_all()
        assert db.session.get(Registration, registration_id).state.value == "confirmed"
        assert db.session.scalar(select(func.count(Invoice.id))) == 1
        answer = client.post(
            f"/aanmelding/{registration.manage_token}/annuleren",
            data={"csrf_token": csrf_token(page.text), "reason": "Ziek geworden."},
        )
    assert answer.status_code == 302
    db.session.expire_all()
    registration = db.session.get(Registration, registration_id)
    assert registration.state.value == "cancelled"
    assert "Ziek geworden." in registration.events[-1].reason
    credit = db.session.scalar(select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT))
    assert (credit.number, credit.amount_cents, credit.vat_cents, credit.total_cents) == (
        "2027-0002",
        -180_000,
        -37_800,
        -217_800,
    )
    assert credit.credited_invoice.number == "2027-0001"
    # The original, credited in full, no longer asks to be paid; both carry the date of supply.
    original = plain_text(
        client.get(f"/aanmelding/{registration.manage_token}/facturen/2027-0001").text
    )
    assert "Te betalen vóór" not in original and "Gelieve" not in original
    assert "Gecrediteerd. Deze factuur is gecrediteerd met creditfactuur 2027-0002." in original
    assert re.search(r"Leveringsdatum \d+ november 2099 t/m \d+ november 2099", original)
    assert credit.supplied_from == credit.credited_invoice.supplied_from is not None
    mail = smtp.to("facturen@rotterdam.nl")[-1]
    assert subject(mail).startswith("Creditfactuur 2027-0002")
    text = pdf_text(mail)
    assert "Creditfactuur" in text and "Crediteert factuur 2027-0001" in text
    assert "€ -2.178,00" in text


def test_a_late_cancellation_credits_half_by_the_terms(client, db, smtp, programme):
    with frozen_at(MARCH_2027):
        registration_id = client.post(URL, json=individual()).json["id"]
    registration = db.session.get(Registration, registration_id)
    token = registration.manage_token
    late = local(2099, 10, 20, 12)  # after 11 October: less than six weeks before 22 November
    with frozen_at(late):
        page = client.get(f"/aanmelding/{token}/annuleren")
        text = plain_text(page.text)
        assert "U krijgt een creditfactuur van € 1.089,00 voor factuur 2027-0001." in text
        assert "Volgens de annuleringsvoorwaarden blijft € 1.089,00 verschuldigd." in text
        assert "Kosteloos annuleren kon tot en met" in text
        client.post(f"/aanmelding/{token}/annuleren", data={"csrf_token": csrf_token(page.text)})
    credit = db.session.scalar(select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT))
    assert (credit.amount_cents, credit.vat_cents, credit.total_cents) == (
        -90_000,
        -18_900,
        -108_900,
    )
    assert credit.number == "2099-0001"  # numbered in the year it is issued
    [cancelled] = [m for m in smtp.to("fatima@rotterdam.nl") if "geannuleerd" in subject(m)]
    assert "Volgens de annuleringsvoorwaarden is € 1.089,00 verschuldigd." in plain(cancelled)


def test_cancelling_after_the_start_credits_nothing(client, db, programme):
    with frozen_at(MARCH_2027):
        registration_id = client.post(URL, json=individual()).json["id"]
    registration = db.session.get(Registration, registration_id)
    lifecycle.cancel(registration, now=local(2099, 11, 22, 12))
    db.session.commit()
    assert db.session.scalar(select(func.count(Invoice.id))) == 1


def plain_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def test_the_programme_page_shows_the_price_excl_btw_and_incl_and_the_terms(client, programme):
    page = plain_text(client.get("/programmes/driedaagse").text)
    assert "Prijs excl. btw € 1.800,00 per persoon" in page
    assert "Btw (21%) € 378,00" in page
    assert "Prijs incl. btw € 2.178,00" in page
    assert "Kosteloos annuleren kan tot en met 11 oktober 2099." in page
    assert "Annuleert u later, dan is 50% van de prijs verschuldigd." in page
    # the sentences are apart in the page as sent, not only once tags are read as spaces
    raw = re.sub(r"\s+", " ", client.get("/programmes/driedaagse").text)
    assert "11 oktober 2099. Annuleert u later" in raw


def test_the_form_keeps_what_was_typed_and_puts_each_error_next_to_its_field(client, programme):
    page = client.get("/programmes/driedaagse/aanmelden")
    assert page.status_code == 200
    assert "iDEAL" not in page.text  # Stripe is not configured here
    response = client.post(
        "/programmes/driedaagse/aanmelden",
        data={
            "csrf_token": csrf_token(page.text),
            "person-name": "Fatima el Amrani",
            "person-email": "fatima@rotterdam",
            "person-organisation": "Gemeente Rotterdam",
            "person-organisation_type": "gemeente",
            "person-role": "programmaleider",
            "billing-postcode": "3011",
            "dietary_needs": "geen noten",
            "payment_method": "invoice",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'value="Fatima el Amrani"' in html and 'value="fatima@rotterdam"' in html
    assert "geen noten</textarea>" in html
    assert '<option selected value="gemeente">' in html
    error = re.search(r'id="person-email-error">\s*<p>([^<]+)</p>', html)
    assert error and error.group(1) == "Dit is geen geldig e-mailadres."
    assert re.search(r'id="billing-postcode-error">\s*<p>Vul een Nederlandse postcode in', html)
    assert re.search(r'id="consent-error">\s*<p>Geef toestemming', html)
    assert 'aria-invalid="true"' in html


def test_registering_through_the_form_shows_the_invoice_on_the_registrants_page(
    client, db, programme
):
    page = client.get("/programmes/driedaagse/aanmelden")
    with frozen_at(MARCH_2027):
        response = client.post(
            "/programmes/driedaagse/aanmelden",
            data={
                "csrf_token": csrf_token(page.text),
                "person-name": "Bas Visser",
                "person-email": "bas@woonstad.nl",
                "person-organisation": "Woonstad Rotterdam",
                "person-organisation_type": "woningcorporatie",
                "person-role": "projectleider",
                "billing-organisation": "Woonstad Rotterdam",
                "billing-address": "Postbus 2140",
                "billing-postcode": "3000 CC",
                "billing-city": "Rotterdam",
                "billing-email": "crediteuren@woonstad.nl",
                "payment_method": "invoice",
                "consent": "y",
            },
        )
    assert response.status_code == 302
    manage = client.get(response.headers["Location"])
    assert "Bedankt, uw aanmelding is ontvangen" in manage.text
    assert "Factuur 2027-0001" in manage.text
    token = response.headers["Location"].split("/aanmelding/")[1].split("?")[0]
    invoice_page = plain_text(client.get(f"/aanmelding/{token}/facturen/2027-0001").text)
    for expected in (
        "Factuur 2027-0001",
        "KvK-nummer: 00000000",
        "Btw-nummer: NL000000000B00",
        "Woonstad Rotterdam Postbus 2140 3000 CC Rotterdam",
        "Factuurdatum 1 maart 2027",
        "Te betalen vóór 31 maart 2027",
        "Totaal incl. btw € 2.178,00",
    ):
        assert expected in invoice_page, expected
    pdf = client.get(f"/aanmelding/{token}/facturen/2027-0001.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert client.get(f"/aanmelding/{token}/facturen/2027-0002").status_code == 404
    assert client.get("/aanmelding/onzin/facturen/2027-0001").status_code == 404
