"""The trio form in the browser's terms: posted fields, errors next to their field, nothing lost."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.test_pages import text_of
from wijkwerk.registrations.models import Registration

FORM = "/programmes/werkplaatsen/aanmelden"


def form_data(page_html: str, **changes) -> dict:
    submission = re.search(r'name="submission" value="([0-9a-f]{32})"', page_html)
    data = {
        "csrf_token": csrf_token(page_html),
        "submission": submission.group(1) if submission else "",
        "municipality": "GM0141",
        "casus-title": "Pleinen tegen wateroverlast",
        "casus-wijk": "De Riet",
        "casus-description": "Pleinen worden groen; bewoners en wijkteam denken mee.",
        "casus-domains": ["fysiek", "sociaal"],
        "approver-name": "Dirk Smit",
        "approver-email": "dirk@almelo.nl",
        "approver-function": "wethouder",
        "consent": "y",
    }
    people = [
        ("Anna de Vries", "anna@almelo.nl", "Wijkregisseur", "wijkambtenaar", "sociaal"),
        ("Bram Jansen", "bram@almelo.nl", "Adviseur openbare ruimte", "sectorambtenaar", "fysiek"),
        (
            "Chantal Bakker",
            "chantal@almelo.nl",
            "Beleidsadviseur jeugd",
            "sectorambtenaar",
            "sociaal",
        ),
    ]
    for index, (name, email, function, role, domain) in enumerate(people):
        data |= {
            f"members-{index}-name": name,
            f"members-{index}-email": email,
            f"members-{index}-function": function,
            f"members-{index}-role": role,
            f"members-{index}-domain": domain,
        }
    data.update(changes)
    return data


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no error shown for {field_id}"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


def test_the_programme_page_links_to_the_form_with_municipalities(client, series):
    assert FORM in client.get("/programmes/werkplaatsen").text
    page = client.get(FORM)
    assert page.status_code == 200
    assert '<option value="GM0141">Almelo – middelgrote gemeente</option>' in page.text
    assert '<option value="GM0606">Schiedam</option>' in page.text
    assert 'for="members-2-email"' in page.text  # every field has its label


def test_a_complete_form_leads_to_the_confirmation_page(client, db, smtp, series):
    page = client.get(FORM)
    response = client.post(FORM, data=form_data(page.text))
    assert response.status_code == 302, text_of(response)[:500]
    confirmation = client.get(response.location)
    page_text = text_of(confirmation)
    assert "Bedankt, uw aanmelding is ontvangen" in page_text
    assert re.search(r"Referentie WW-[A-Z0-9]{4}-[A-Z0-9]{4}", page_text)
    assert "Geen: vrijgesteld. Middelgrote gemeente (75.166 inwoners)" in page_text
    assert "Dirk Smit heeft een e-mail ontvangen met een link om akkoord te geven." in page_text
    assert "Aanmelding annuleren" in page_text
    # No agenda feed to offer while nothing is in it: the page says when it comes.
    assert ".ics" not in confirmation.text
    assert "Zodra uw plaats vaststaat, kunt u zich hier abonneren" in page_text
    assert "De geplande bijeenkomsten" in page_text and "Werkplaats 1" in page_text
    assert len(smtp.to("dirk@almelo.nl")) == 1


def test_a_paying_municipality_sees_excl_vat_and_incl(client, db, series):
    page = client.get(FORM)
    data = form_data(page.text, municipality="GM0606")
    response = client.post(FORM, data=data)
    page_text = text_of(client.get(response.location))
    assert "€ 200,00 excl. btw + € 42,00 btw (21%) = € 242,00 incl. btw" in page_text


def test_errors_appear_next_to_their_fields_and_everything_typed_is_kept(client, db, smtp, series):
    page = client.get(FORM)
    data = form_data(
        page.text,
        **{"members-2-email": "anna@almelo.nl", "casus-wijk": "", "members-1-email": "geen-adres"},
    )
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    html = response.text
    assert error_of(html, "members-2-email") == (
        "Dit e-mailadres is al opgegeven voor een ander lid van het trio."
    )
    assert error_of(html, "members-1-email") == "Dit is geen geldig e-mailadres."
    assert error_of(html, "casus-wijk") == "Vul dit veld in."
    assert 'aria-invalid="true"' in html
    # what was typed is still there
    assert 'value="Pleinen tegen wateroverlast"' in html
    assert 'value="geen-adres"' in html
    assert '<option selected value="GM0141">' in html
    assert re.search(r'<input checked[^>]*value="fysiek"', html)
    assert re.search(r'<option selected value="sectorambtenaar">', html)
    assert "Pleinen worden groen" in html
    assert smtp.messages == []


def test_group_rules_are_explained_at_the_trio(client, db, series):
    page = client.get(FORM)
    data = form_data(page.text, **{"members-0-role": "sectorambtenaar"})
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    assert error_of(response.text, "members") == "Minstens één lid van het trio is wijkambtenaar."


def _expired_token(client, app) -> str:
    """A CSRF token for this client's session, signed nine hours ago."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class NineHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 9 * 3600  # WTF_CSRF_TIME_LIMIT is 8 hours

    with client.session_transaction() as session:
        raw = session["csrf_token"]
    return URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="wtf-csrf-token", signer=NineHoursAgo
    ).dumps(raw)


def test_an_expired_form_keeps_the_input_and_says_so(app, client, db, series):
    page = client.get(FORM)
    data = form_data(page.text, csrf_token=_expired_token(client, app))
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    assert "Het formulier stond te lang open en is verlopen." in text_of(response)
    assert 'value="Pleinen tegen wateroverlast"' in response.text
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_a_form_that_fails_its_check_for_another_reason_is_not_called_expired(client, db, series):
    page = client.get(FORM)
    response = client.post(FORM, data=form_data(page.text, csrf_token="nagemaakt"))
    assert response.status_code == 422
    assert "Het formulier kon niet worden gecontroleerd." in text_of(response)
    assert "verlopen" not in text_of(response)
    assert 'value="Pleinen tegen wateroverlast"' in response.text
    client.delete_cookie("session")  # a browser that sends no cookies
    response = client.post(FORM, data=form_data(page.text))
    assert response.status_code == 422
    assert "Sta cookies toe voor deze site" in text_of(response)
    assert "verlopen" not in text_of(response)


def test_the_summary_lists_every_problem_as_a_link_to_its_field(client, db, series):
    page = client.get(FORM)
    data = form_data(
        page.text,
        **{
            "casus-title": "",
            "members-1-email": "geen-adres",
            "approver-name": "",
        },
    )
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    summary = re.search(r'<div[^>]*id="fouten"[^>]*>(.*?)</ul>', response.text, re.S)
    assert summary, "no error summary"
    opening = re.search(r'<div[^>]*id="fouten"[^>]*>', response.text).group(0)
    assert 'tabindex="-1"' in opening and "autofocus" in opening  # it takes the focus
    links = re.findall(r'<a class="utrecht-link" href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert links == [
        ("casus-title", "Casus – Titel van de casus: Vul dit veld in."),
        ("members-1-email", "Lid 2 – E-mailadres: Dit is geen geldig e-mailadres."),
        ("approver-name", "Bestuurder of manager – Naam: Vul dit veld in."),
    ]
    assert "Verbeter deze 3 punten" in text_of(response)
    for target, _text in links:
        assert f'id="{target}"' in response.text  # each link lands on its field


def test_an_empty_member_is_one_message_and_the_trio_rules_come_at_once(client, db, series):
    page = client.get(FORM)
    empty_third = {
        f"members-2-{name}": "" for name in ("name", "email", "function", "role", "domain")
    }
    data = form_data(
        page.text,
        **empty_third,
        **{"members-0-role": "sectorambtenaar", "members-1-domain": "sociaal"},
    )
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    text = text_of(response)
    assert "Een trio bestaat uit precies drie personen." in error_of(response.text, "members")
    assert "Vul dit veld in." not in text  # not five times for the empty row
    # The rules about the trio as a whole, in this first round already:
    assert "Minstens één lid van het trio is wijkambtenaar." in error_of(response.text, "members")
    assert "kies minstens twee verschillende" in error_of(response.text, "members")


def test_an_unknown_choice_is_refused_in_dutch(client, db, series):
    page = client.get(FORM)
    data = form_data(page.text, **{"members-0-domain": "sport", "casus-domains": ["sport"]})
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    text = text_of(response)
    assert "Onbekend beleidsdomein." in text
    assert "valid choice" not in text.lower() and "not a valid" not in text.lower()


def test_without_consent_nothing_is_registered_and_everything_is_kept(client, db, series):
    page = client.get(FORM)
    response = client.post(FORM, data=form_data(page.text, consent=""))
    assert response.status_code == 422
    assert "Geef toestemming" in error_of(response.text, "consent")
    assert 'value="Pleinen tegen wateroverlast"' in response.text
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    response = client.post(FORM, data=form_data(page.text))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Registration)).one().consent_at is not None


def test_a_control_character_in_a_member_row_is_a_message_at_that_field(client, db, series):
    page = client.get(FORM)
    answer = client.post(FORM, data=form_data(page.text, **{"members-1-name": "Bram\x07Jansen"}))
    assert answer.status_code == 422
    assert 'id="members-1-name-error"' in answer.text
    assert "niet is toegestaan" in answer.text
    assert "De aanmelding is nog niet verstuurd" in answer.text  # the summary above the form
    assert "Het formulier is verlopen" not in answer.text
    assert 'value="Anna de Vries"' in answer.text  # the rest of what was typed stays
    assert db.session.scalar(select(func.count(Registration.id))) == 0


# --- the money a municipality pays: billing details now, or later on its page ----------------------


BILLING = {
    "billing-organisation": "Gemeente Schiedam",
    "billing-address": "Stadserf 1",
    "billing-postcode": "3112 DA",
    "billing-city": "Schiedam",
    "billing-email": "facturen@schiedam.nl",
}


def test_a_paying_trio_without_billing_details_is_asked_for_them_before_the_invoice(
    client, db, smtp, series
):
    from tests.trio_helpers import approval_link, links, plain
    from wijkwerk.payments.models import Invoice

    page = client.get(FORM)
    assert "(niet verplicht)" not in page.text.split("5. Kosten")[1].split("Privacy")[0]
    data = form_data(page.text, municipality="GM0606", **{"approver-email": "dirk@schiedam.nl"})
    response = client.post(FORM, data=data)
    assert response.status_code == 302
    manage = response.location.split("?")[0]
    text = text_of(client.get(manage))
    assert "Factuurgegevens ontbreken nog" in text and "€ 242,00 incl. btw" in text
    receipt = smtp.to("anna@almelo.nl")[-1]
    [billing_link] = [u for u in links(receipt) if u.endswith("/factuurgegevens")]
    assert "Factuurgegevens ontbreken nog" in plain(receipt)

    # The approver says yes: the place is confirmed, but no invoice can go out yet.
    link = approval_link(smtp, "dirk@schiedam.nl")
    approval = client.get(link)
    client.post(link, data={"decision": "approve", "csrf_token": csrf_token(approval.text)})
    assert db.session.scalar(select(func.count(Invoice.id))) == 0

    # On the page: without the PO number it is refused at that field, with what was typed kept.
    path = billing_link.removeprefix("http://wijkwerk.test")
    form = client.get(path)
    answer = client.post(path, data={"csrf_token": csrf_token(form.text), **BILLING})
    assert answer.status_code == 422
    assert "inkoopordernummer" in error_of(answer.text, "billing-po_number")
    assert 'value="Stadserf 1"' in answer.text
    done = client.post(
        path,
        data={"csrf_token": csrf_token(form.text), **BILLING, "billing-po_number": "IO-2027-18"},
    )
    assert done.status_code == 302
    [invoice] = db.session.scalars(select(Invoice)).all()
    assert invoice.buyer_reference == "IO-2027-18" and invoice.buyer_email == "facturen@schiedam.nl"
    assert smtp.to("facturen@schiedam.nl")  # the invoice is mailed
    assert "Factuurgegevens ontbreken" not in text_of(client.get(manage))
    assert client.get(path).status_code == 302  # nothing more to give


def test_billing_details_without_a_po_number_are_refused_for_a_paying_municipality(
    client, db, series
):
    page = client.get(FORM)
    data = form_data(page.text, municipality="GM0606", **BILLING)
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    assert "inkoopordernummer" in error_of(response.text, "billing-po_number")


def test_an_exempt_municipality_keeps_no_billing_details(client, db, series):
    page = client.get(FORM)
    response = client.post(FORM, data=form_data(page.text, **BILLING))  # Almelo: middelgroot
    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert registration.exempt and registration.billing is None
    assert "Factuurgegevens ontbreken" not in text_of(client.get(response.location))
