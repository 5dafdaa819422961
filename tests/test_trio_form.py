"""The trio form in the browser's terms: posted fields, errors next to their field, nothing lost."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.test_pages import text_of
from wijkwerk.registrations.models import Registration

FORM = "/programmes/werkplaatsen/aanmelden"


def form_data(page_html: str, **changes) -> dict:
    data = {
        "csrf_token": csrf_token(page_html),
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
    assert ".ics" in confirmation.text
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


def test_an_expired_form_keeps_the_input_and_says_so(client, db, series):
    page = client.get(FORM)
    data = form_data(page.text, csrf_token="verlopen")
    response = client.post(FORM, data=data)
    assert response.status_code == 422
    assert "Het formulier is verlopen." in text_of(response)
    assert 'value="Pleinen tegen wateroverlast"' in response.text


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
