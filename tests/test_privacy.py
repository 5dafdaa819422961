"""AVG: consent and purpose on every form, a person's data exported and erased on request, and
personal data anonymised once a programme ended longer ago than the retention period."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, end_unit_of_work, log_in
from tests.course_helpers import URL, course, individual
from tests.trio_helpers import load_municipalities, trio, werkplaats
from tests.wijklab_helpers import wijklab
from wijkwerk.accounts.models import Account
from wijkwerk.accounts.services import create_api_token
from wijkwerk.audit.models import AuditEntry
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.outbox.services import queue
from wijkwerk.payments.models import Invoice
from wijkwerk.people.models import Person
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.parts import RegistrationMember

PEOPLE = "/beheer/personen"


@pytest.fixture
def organiser(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)


def ask(client, action: str, email: str, **extra):
    page = client.get(PEOPLE)
    data = {"csrf_token": csrf_token(page.text), "action": action, "email": email, **extra}
    return client.post(PEOPLE, data=data)


def registered_individual(client, db) -> dict:
    course()
    db.session.commit()
    body = individual(dietary_needs="notenallergie", accessibility_needs="rolstoel")
    made = client.post(URL, json=body)
    assert made.status_code == 201, made.json
    return made.json


def everything_stored(db) -> str:
    """Every audit entry and copy of mail, as text: where old values could linger. (The audit
    entries of invoices are kept with the invoices, seven years.)"""
    entries = select(AuditEntry).where(AuditEntry.table != "invoice")
    audit = [json.dumps(e.changes, ensure_ascii=False) for e in db.session.scalars(entries)]
    mail = [
        f"{m.recipient} {m.subject} {m.body_text} {m.body_html}"
        for m in db.session.scalars(select(OutboxMessage))
    ]
    return "\n".join(audit + mail)


def test_every_registration_form_states_its_purpose_and_asks_consent(client, db):
    wijklab()  # loads the municipalities too
    werkplaats()
    course()
    db.session.commit()
    for slug in ("werkplaatsen", "driedaagse", "wijklab"):
        page = client.get(f"/programmes/{slug}/aanmelden")
        assert page.status_code == 200, slug
        assert "privacyverklaring</a>" in page.text, slug  # the footer says only "Privacy"
        assert "Wij gebruiken" in page.text, slug  # the purpose, in words
        assert 'name="consent" type="checkbox"' in page.text, slug
    privacy = client.get("/privacy").text
    assert "zeven jaar" in privacy and "730 dagen na de laatste bijeenkomst" in privacy


def test_an_organiser_downloads_everything_held_about_a_person(client, db, organiser):
    made = registered_individual(client, db)
    response = ask(client, "show", "Fatima@Rotterdam.nl")
    assert response.status_code == 200
    assert made["reference"] in response.text and "Fatima el Amrani" in response.text
    download = ask(client, "export", "fatima@rotterdam.nl")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    data = download.json
    assert data["person"]["name"] == "Fatima el Amrani"
    assert data["person"]["phone"] == "06 12345678"
    [held] = data["registrations"]
    assert held["reference"] == made["reference"] and held["as"] == ["contact", "participant"]
    assert held["participation"][0]["dietary_needs"] == "notenallergie"
    assert held["billing"]["po_number"] == "4500123456"
    assert held["history"] and data["mails"]
    assert ask(client, "show", "niemand@example.nl").status_code == 404


def test_erasing_is_refused_while_the_person_still_takes_part(client, db, organiser):
    made = registered_individual(client, db)
    response = ask(client, "erase", "fatima@rotterdam.nl", confirm="fatima@rotterdam.nl")
    assert response.status_code == 422
    assert made["reference"] in response.text and "Annuleer die aanmelding eerst" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(Person.name)) == "Fatima el Amrani"


def test_erasing_needs_the_address_typed_again(client, db, organiser):
    registered_individual(client, db)
    response = ask(client, "erase", "fatima@rotterdam.nl", confirm="fatima@")
    assert response.status_code == 422 and 'id="confirm-error"' in response.text
    db.session.expire_all()
    assert db.session.scalar(select(Person.anonymised_at)) is None


def test_erasing_a_person_anonymises_everything_but_the_invoices(app, client, db, smtp, organiser):
    made = registered_individual(client, db)
    registration = db.session.get(Registration, made["id"])
    # An organiser edits her details (audited, with the old values) and then cancels for her.
    db.session.get(Person, registration.contact_person_id).phone = "06 99999999"
    db.session.commit()
    token = create_api_token(db.session.scalar(select(Account)))
    db.session.commit()
    cancelled = client.post(
        f"/api/v1/registrations/{made['id']}/cancel",
        json={"reason": "op verzoek"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert cancelled.status_code == 200, cancelled.json
    db.session.expire_all()
    invoices_before = [
        (i.number, i.buyer_name, i.buyer_email, i.total_cents)
        for i in db.session.scalars(select(Invoice).order_by(Invoice.id))
    ]
    assert invoices_before
    assert "Fatima" in everything_stored(db)

    response = ask(client, "erase", "fatima@rotterdam.nl", confirm="fatima@rotterdam.nl")
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.scalar(select(Person))
    assert person.anonymised_at is not None and person.email.endswith("@geanonimiseerd.invalid")
    assert (person.name, person.phone, person.function) == ("[geanonimiseerd]", None, None)
    member = db.session.scalar(select(RegistrationMember))
    assert (member.dietary_needs, member.accessibility_needs, member.function) == ("", "", None)
    stored = everything_stored(db)
    for trace in ("Fatima", "fatima@rotterdam.nl", "notenallergie", "06 12345678", "06 99999999"):
        assert trace not in stored, trace
    # The invoices are kept as issued (seven years, art. 52 AWR).
    assert [
        (i.number, i.buyer_name, i.buyer_email, i.total_cents)
        for i in db.session.scalars(select(Invoice).order_by(Invoice.id))
    ] == invoices_before
    # Nothing is held under the address any more; no mail can reach the anonymised address.
    assert ask(client, "show", "fatima@rotterdam.nl").status_code == 404
    smtp.clear()
    assert queue("test:after-erasure", person.email, "refund", registration=registration) is None
    end_unit_of_work()
    assert smtp.messages == []


def test_purge_anonymises_programmes_ended_longer_ago_than_the_retention(app, client, runner, db):
    load_municipalities()
    werkplaats()  # sessions in October 2099
    course()  # sessions 22-24 November 2099
    db.session.commit()
    assert client.post(URL, json=individual()).status_code == 201
    # Anna is in the trio and also follows the course: her person stays while the course runs.
    body = trio()
    assert (
        client.post("/api/v1/programmes/werkplaatsen/registrations", json=body).status_code == 201
    )
    assert client.post(URL, json=individual("anna@schiedam.nl")).status_code == 201
    days = app.config["PERSONAL_DATA_RETENTION_DAYS"]
    assert days == 730

    # Two years after the workshops, but the course ended only 5 weeks less than that ago.
    dry = runner.invoke(args=["wijkwerk", "purge", "--now", "2101-10-20T12:00", "--dry-run"])
    assert (
        dry.exit_code == 0 and "Zou anonimiseren" in dry.output and "1 aanmeldingen" in dry.output
    )
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count()).where(Registration.anonymised_at.is_not(None))) == 0
    )

    result = runner.invoke(args=["wijkwerk", "purge", "--now", "2101-10-20T12:00"])
    assert result.exit_code == 0, result.output
    assert "1 aanmeldingen, 3 deelnames" in result.output
    db.session.expire_all()
    names = dict(db.session.execute(select(Person.email, Person.name)).all())
    assert names["anna@schiedam.nl"] == "Anna de Vries"  # still on the course
    assert "bram@schiedam.nl" not in names and "dirk@schiedam.nl" not in names
    assert names["fatima@rotterdam.nl"] == "Fatima el Amrani"
    again = runner.invoke(args=["wijkwerk", "purge", "--now", "2101-10-20T12:00"])
    assert "0 aanmeldingen, 0 deelnames, 0 personen" in again.output

    later = runner.invoke(args=["wijkwerk", "purge", "--now", "2102-01-01T12:00"])
    assert "2 aanmeldingen" in later.output, later.output
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).select_from(Person).where(Person.anonymised_at.is_(None))
        )
        == 0
    )
    assert "Anna de Vries" not in everything_stored(db)


def test_an_expert_of_the_wijklab_pool_is_exported_and_erased_like_anyone(client, db, organiser):
    """The expert pool is the Wijklab's own data; the core finds it through the kind registry."""
    from wijkwerk.wijklab import panel
    from wijkwerk.wijklab.models import Expert

    wijklab()
    panel.save_expert(
        {
            "name": "Karin Mol",
            "email": "k.mol@example.nl",
            "organisation": "Bureau Mol",
            "expertise": ["wonen"],
        }
    )
    end_unit_of_work()
    data = ask(client, "export", "K.Mol@example.nl").json
    assert data["person"] is None and data["registrations"] == []
    assert data["expert"]["name"] == "Karin Mol" and data["expert"]["organisation"] == "Bureau Mol"
    response = ask(client, "erase", "k.mol@example.nl", confirm="k.mol@example.nl")
    assert response.status_code == 302, response.text
    db.session.expire_all()
    expert = db.session.scalar(select(Expert))
    assert expert.name == "[geanonimiseerd]" and expert.email != "k.mol@example.nl"
    assert not expert.active and expert.organisation == ""
    assert ask(client, "show", "k.mol@example.nl").status_code == 404
