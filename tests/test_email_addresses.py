"""The one e-mail address rule (wijkwerk/email_address.py): every address is normalised (NFKC,
lower-case) before it is compared or stored, and one our mail cannot deliver (not plain ASCII —
our SMTP has no SMTPUTF8 —, or refused by email-validator) is refused at its field, in every form,
the API and the command line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token
from tests.course_helpers import URL as COURSE_URL
from tests.course_helpers import course, individual
from tests.trio_helpers import trio
from tests.wijklab_helpers import URL as WIJKLAB_URL
from tests.wijklab_helpers import lab_request, wijklab
from wijkwerk.email_address import InvalidEmail, checked_email, normalise_email
from wijkwerk.people.models import Person

TRIO_URL = "/api/v1/programmes/werkplaatsen/registrations"
TRIO_FORM = "/programmes/werkplaatsen/aanmelden"
NOT_ASCII = "Dit e-mailadres bevat tekens die onze e-mail niet kan bezorgen"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ＡＮＮＡ@schiedam.nl", "anna@schiedam.nl"),  # full-width letters
        ("ａｎｎａ＠ｓｃｈｉｅｄａｍ．ｎｌ", "anna@schiedam.nl"),  # full-width @ and dot too
        ("  Anna@Schiedam.NL ", "anna@schiedam.nl"),
        ("\u212aim@schiedam.nl", "kim@schiedam.nl"),  # the Kelvin sign is a K after NFKC
    ],
)
def test_an_address_is_stored_in_one_form(app, typed, stored):
    with app.test_request_context():
        assert checked_email(typed) == stored
        assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "jörg@schiedam.nl",
        "\u0430nna@schiedam.nl",  # Cyrillic а
        "anna@bücher.de",  # an internationalised domain: written in ASCII (xn--…) it may be used
        "anna\u200b@schiedam.nl",  # an invisible zero-width space
    ],
)
def test_an_address_our_mail_cannot_deliver_is_refused_in_dutch(app, typed):
    with app.test_request_context(), pytest.raises(InvalidEmail) as refused:
        checked_email(typed)
    assert refused.value.message.startswith(NOT_ASCII)


@pytest.mark.parametrize(
    "typed",
    ["geen-adres", "anna@schiedam", '"anna de vries"@schiedam.nl', "a@[10.0.0.1]", "a@ww.test"],
)
def test_an_address_email_validator_refuses_is_refused(app, typed):
    with app.test_request_context(), pytest.raises(InvalidEmail) as refused:
        checked_email(typed)
    assert refused.value.message == "Dit is geen geldig e-mailadres."


def _errors(response) -> dict[str | None, tuple[str, str]]:
    assert response.status_code == 422, response.json
    return {e["field"]: (e["code"], e["message"]) for e in response.json["errors"]}


def test_a_full_width_copy_of_a_members_address_is_a_duplicate_member(client, series):
    body = trio()
    body["members"][1]["email"] = "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in body["members"][0]["email"]
    )
    errors = _errors(client.post(TRIO_URL, json=body))
    assert errors["members[1].email"][0] == "duplicate_member"


def test_the_api_refuses_undeliverable_addresses_at_their_fields(client, db, series):
    body = trio()
    body["members"][0]["email"] = "jörg@schiedam.nl"
    body["approver"]["email"] = "\u0430nna@schiedam.nl"
    errors = _errors(client.post(TRIO_URL, json=body))
    assert errors["members[0].email"][0] == "invalid"
    assert errors["members[0].email"][1].startswith(NOT_ASCII)
    assert errors["approver.email"][0] == "invalid"
    assert db.session.scalar(select(Person)) is None


def test_a_full_width_address_is_stored_plain(client, db, series):
    body = trio()
    body["approver"]["email"] = "ＷＥＴＨＯＵＤＥＲ@schiedam.nl"
    response = client.post(TRIO_URL, json=body)
    assert response.status_code == 201, response.json
    emails = set(db.session.scalars(select(Person.email)))
    assert "wethouder@schiedam.nl" in emails
    assert all(e.isascii() and e == e.lower() for e in emails)


def test_the_trio_form_shows_the_refusal_at_the_field_and_in_the_summary(client, series):
    from tests.test_trio_form import error_of, form_data

    page = client.get(TRIO_FORM)
    response = client.post(
        TRIO_FORM, data=form_data(page.text, **{"members-0-email": "jörg@almelo.nl"})
    )
    assert response.status_code == 422
    html = response.text
    assert error_of(html, "members-0-email").startswith(NOT_ASCII)
    assert 'value="jörg@almelo.nl"' in html  # what was typed is kept
    # the summary above the form says it was not sent and points at the marked fields
    assert 'id="fouten" role="group" tabindex="-1" autofocus' in html
    assert "nog niet verstuurd" in html
    assert 'href="#members-0-email"' in html


def test_a_course_registration_refuses_undeliverable_person_and_invoice_addresses(client, db):
    course()
    db.session.commit()
    body = individual("ｆａｔｉｍａ@rotterdam.nl")
    body["billing"]["email"] = "crediteuren@rottérdam.nl"
    errors = _errors(client.post(COURSE_URL, json=body))
    assert "person.email" not in errors  # full-width: the same as fatima@rotterdam.nl
    assert errors["billing.email"][0] == "invalid"
    assert errors["billing.email"][1].startswith(NOT_ASCII)


def test_a_wijklab_request_refuses_an_undeliverable_contact(client, db):
    wijklab()
    db.session.commit()
    body = lab_request()
    body["contact"]["email"] = "\u0430nna@almelo.nl"
    errors = _errors(client.post(WIJKLAB_URL, json=body))
    assert errors["contact.email"][0] == "invalid"


def test_the_login_form_reads_an_address_by_the_same_rule(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    page = client.get("/login")
    refused = client.post(
        "/login",
        data={
            "email": "örg@example.nl",
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert refused.status_code == 422
    assert NOT_ASCII in refused.text and 'value="örg@example.nl"' in refused.text
    full_width = client.post(
        "/login",
        data={
            "email": "ＯＲＧ@example.nl",
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert full_width.status_code == 302
