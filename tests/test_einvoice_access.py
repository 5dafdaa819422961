"""Who gets the e-invoice and how (docs/einvoice.md): the registrant on their invoice page,
organisers in the back-office and through the API; an organiser gives an invoice issued
without one the buyer's KvK number or OIN, and a municipality its OIN."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tests import factories
from tests.conftest import csrf_token, log_in
from tests.course_helpers import course, individual
from tests.test_einvoice import KVK, SCHIEDAM_OIN, trio_invoice
from tests.trio_helpers import load_municipalities
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.municipalities.models import Municipality
from wijkwerk.payments import invoices
from wijkwerk.payments.models import Invoice
from wijkwerk.payments.ubl import CBC_NS
from wijkwerk.registrations.models import Registration


def registered(client, db, kvk_or_oin: str | None = KVK) -> Registration:
    course(capacity=5)
    db.session.commit()
    body = individual()
    if kvk_or_oin is not None:
        body["billing"]["kvk_or_oin"] = kvk_or_oin
    answer = client.post("/api/v1/programmes/driedaagse/registrations", json=body)
    assert answer.status_code == 201, answer.json
    return db.session.get(Registration, answer.json["id"])


def number_in(xml: bytes) -> str:
    return etree.fromstring(xml).findtext(f"{{{CBC_NS}}}ID")


def test_the_registrant_downloads_the_e_invoice_from_their_invoice_page(client, db):
    registration = registered(client, db)
    invoice = invoices.active_invoice(registration)
    base = f"/aanmelding/{registration.manage_token}/facturen/{invoice.number}"
    manage = client.get(f"/aanmelding/{registration.manage_token}").text
    assert f'href="{base}.xml"' in manage
    assert f"KvK-nummer of OIN {KVK}" in manage  # what they gave, in their registration's summary
    page = client.get(base).text
    assert f'href="{base}.xml"' in page and f'href="{base}.pdf"' in page
    assert "Uw KvK-nummer" in page and KVK in page
    download = client.get(f"{base}.xml")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/xml")
    assert f'filename="factuur-{invoice.number}.xml"' in download.headers["Content-Disposition"]
    assert number_in(download.data) == invoice.number
    assert client.get(f"/aanmelding/wrong-token/facturen/{invoice.number}.xml").status_code == 404


def test_without_the_buyers_identifier_the_page_says_why_there_is_none(client, db):
    registration = registered(client, db, kvk_or_oin=None)
    invoice = invoices.active_invoice(registration)
    base = f"/aanmelding/{registration.manage_token}/facturen/{invoice.number}"
    page = client.get(base).text
    assert f"{base}.xml" not in page
    assert "Van deze factuur is er geen e-factuur" in page
    assert client.get(f"{base}.xml").status_code == 404


def test_a_bad_kvk_number_in_the_billing_details_is_refused_at_its_field(client, db):
    course(capacity=5)
    db.session.commit()
    body = individual()
    body["billing"]["kvk_or_oin"] = "1234"
    answer = client.post("/api/v1/programmes/driedaagse/registrations", json=body)
    assert answer.status_code == 422
    assert answer.json["errors"] == [
        {
            "code": "invalid",
            "field": "billing.kvk_or_oin",
            "message": "Vul een KvK-nummer (8 cijfers) of een OIN (20 cijfers) in.",
        }
    ]


@pytest.fixture
def organiser(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)


def test_an_organiser_downloads_it_from_the_list_and_the_invoice(client, db, organiser):
    invoice = invoices.active_invoice(registered(client, db))
    listing = client.get("/beheer/facturen?toon=alle").text
    assert f'href="/beheer/facturen/{invoice.id}.xml"' in listing
    assert (
        f'href="/beheer/facturen/{invoice.id}.xml"'
        in client.get(f"/beheer/facturen/{invoice.id}").text
    )
    download = client.get(f"/beheer/facturen/{invoice.id}.xml")
    assert download.status_code == 200 and number_in(download.data) == invoice.number


def test_an_organiser_completes_an_invoice_issued_without_the_buyers_identifier(
    client, db, organiser
):
    registration = registered(client, db, kvk_or_oin=None)
    invoice = invoices.active_invoice(registration)
    page = client.get(f"/beheer/facturen/{invoice.id}")
    assert "E-factuur mogelijk maken" in page.text
    wrong = client.post(
        f"/beheer/facturen/{invoice.id}/afnemer",
        data={"csrf_token": csrf_token(page.text), "kvk_or_oin": "24 12"},
    )
    assert wrong.status_code == 422
    assert "Vul een KvK-nummer (8 cijfers) of een OIN (20 cijfers) in." in wrong.text
    assert 'value="24 12"' in wrong.text  # kept as typed
    assert db.session.get(Invoice, invoice.id).buyer_identifier is None
    done = client.post(
        f"/beheer/facturen/{invoice.id}/afnemer",
        data={"csrf_token": csrf_token(page.text), "kvk_or_oin": " 24123456 "},
    )
    assert done.status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice.id)
    assert invoice.buyer_identifier == "24123456" and invoice.has_einvoice
    assert "e-factuur" in invoice.registration.events[-1].reason
    page = client.get(f"/beheer/facturen/{invoice.id}").text
    assert "E-factuur mogelijk maken" not in page
    assert f'href="/beheer/facturen/{invoice.id}.xml"' in page
    # a credit note issued later copies it
    note = invoices.issue_credit(invoice, 10_000, reason="annulering")
    db.session.commit()
    assert note.buyer_identifier == "24123456"


def test_an_organiser_records_a_municipalitys_oin_for_its_invoices(client, db, organiser):
    load_municipalities()
    db.session.commit()
    page = client.get("/beheer/gemeenten/GM0606")
    assert "OIN voor e-facturen" in page.text
    wrong = client.post(
        "/beheer/gemeenten/GM0606/oin",
        data={"oin-csrf_token": csrf_token(page.text), "oin-oin": "123"},
    )
    assert wrong.status_code == 422
    assert "Een OIN heeft 20 cijfers" in wrong.text and 'value="123"' in wrong.text
    done = client.post(
        "/beheer/gemeenten/GM0606/oin",
        data={"oin-csrf_token": csrf_token(page.text), "oin-oin": SCHIEDAM_OIN},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Municipality, "GM0606").oin == SCHIEDAM_OIN
    assert SCHIEDAM_OIN in client.get("/beheer/gemeenten/GM0606").text


@pytest.fixture
def headers(db):
    token = create_api_token(factories.account("api@example.nl", Role.VIEWER))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_gives_an_invoice_as_json_pdf_and_e_invoice(client, db, smtp, headers):
    invoice = trio_invoice(client, db, smtp)
    url = f"/api/v1/invoices/{invoice.number}"
    assert client.get(url).status_code == 401
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200
    assert answer.json["number"] == invoice.number and answer.json["einvoice"] is True
    pdf = client.get(f"{url}?format=pdf", headers=headers)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.data.startswith(b"%PDF")
    ubl = client.get(f"{url}?format=ubl", headers=headers)
    assert ubl.headers["Content-Type"].startswith("application/xml")
    tree = etree.fromstring(ubl.data)
    assert tree.findtext(f"{{{CBC_NS}}}ID") == invoice.number
    assert SCHIEDAM_OIN in ubl.text
    assert client.get("/api/v1/invoices/1999-0001", headers=headers).status_code == 404
    wrong = client.get(f"{url}?format=docx", headers=headers)
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "format"


def test_the_api_says_when_there_is_no_e_invoice(client, db, headers):
    invoice = invoices.active_invoice(registered(client, db, kvk_or_oin=None))
    answer = client.get(f"/api/v1/invoices/{invoice.number}?format=ubl", headers=headers)
    assert answer.status_code == 409
    assert answer.json["errors"][0]["code"] == "no_einvoice"
    assert client.get(f"/api/v1/invoices/{invoice.number}", headers=headers).json["einvoice"] is (
        False
    )


def test_the_registration_form_puts_a_bad_kvk_number_next_to_its_field(client, db):
    course(capacity=5)
    db.session.commit()
    page = client.get("/programmes/driedaagse/aanmelden")
    assert 'name="billing-kvk_or_oin"' in page.text
    response = client.post(
        "/programmes/driedaagse/aanmelden",
        data={"csrf_token": csrf_token(page.text), "billing-kvk_or_oin": "2412 34"},
    )
    assert response.status_code == 422
    assert re.search(
        r'id="billing-kvk_or_oin-error">\s*<p>Vul een KvK-nummer \(8 cijfers\) of een OIN',
        response.text,
    )
    assert 'value="2412 34"' in response.text
