"""The kind registry (wijkwerk/programmes/kinds.py): every kind complete, and every page, mail and
invoice of a kind in that kind's words.

The four kinds are the demo's programmes (``flask wijkwerk demo``), with one registration of each
made through the API as a registrant or an organiser would.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests import course_helpers, factories, trio_helpers, wijklab_helpers
from tests.conftest import csrf_token, log_in
from wijkwerk.accounts.models import Account, Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.api.openapi import openapi_document
from wijkwerk.payments.models import Invoice
from wijkwerk.programmes import kinds
from wijkwerk.programmes.kinds import Joining
from wijkwerk.programmes.models import (
    Allocation,
    FeeUnit,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
)
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.schema import Shape
from wijkwerk.timeutil import frozen_at
from wijkwerk.validation import RuleViolation

ROOT = Path(__file__).resolve().parents[1]
KIND_PACKAGES = {
    ProgrammeKind.WERKPLAATS: "werkplaatsen",
    ProgrammeKind.DRIEDAAGSE: "driedaagse",
    ProgrammeKind.WIJKLAB: "wijklab",
    ProgrammeKind.KENNISPROGRAMMA: "kennis",
}


# --- the registry -----------------------------------------------------------------------------


def test_every_kind_is_installed_with_every_part(app):
    """Walks the registry: a kind that lacks a part, or whose part does not work, fails here."""
    assert [k.value for k in kinds.all_kinds()] == list(ProgrammeKind)
    for kind in kinds.all_kinds():
        name = kind.value.value
        assert kinds.of(kind.value) is kind
        for locale in ("nl", "en"):
            with app.test_request_context(), force_locale(locale):
                assert str(kind.label).strip(), name
                one, two = kind.count(1), kind.count(2)
                assert "1" in one and "2" in two and one[1:] != two[1:], (name, one, two)
                assert "None" not in one + two
                for state in RegistrationState:
                    assert kind.headline(state.value) not in ("", "Stand van uw aanmelding"), (
                        name,
                        state,
                    )
                assert str(kind.received).strip()
                if kind.public_form:
                    assert str(kind.call_to_action).strip()
        # How one joins decides whether there is a public form.
        assert (
            (kind.joining is Joining.INVITATION)
            == (kind.form is None)
            == (kind.form_template is None)
        ), name
        templates = (
            kind.form_template,
            kind.what_now_template,
            kind.registrant_template,
            kind.backoffice_programme_template,
            kind.backoffice_template,
        )
        for template in templates:
            if template is not None:
                app.jinja_env.get_template(template)  # exists and compiles
        assert len(kind.roster) == 2, name  # the back-office list's columns
        with app.test_request_context():
            assert all(str(column.heading).strip() for column in kind.roster)
        assert issubclass(kind.api_request, Shape), name  # its request, declared once
        assert kind.api_request.__name__ in openapi_document()["components"]["schemas"], name
        assert isinstance(kind.fee_unit, FeeUnit)
        assert kind.allocations and all(isinstance(a, Allocation) for a in kind.allocations)
        assert Allocation.FIRST_COME in kind.allocations
        for part in (kind.register, kind.attends, kind.invoice_who, kind.withdraw):
            assert callable(part), name
        for duty in kind.duties:
            assert str(2) in duty.summary(2) and callable(duty.run)


# --- each kind in its own words ---------------------------------------------------------------


@pytest.fixture
def demo(app, db, runner, smtp):
    """The demo's four programmes, with one registration each made now."""
    assert runner.invoke(args=["wijkwerk", "load-municipalities"]).exit_code == 0
    with frozen_at(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)):
        assert runner.invoke(args=["wijkwerk", "demo"]).exit_code == 0
    token = create_api_token(factories.account("organiser@example.nl", Role.ORGANISER))
    db.session.commit()
    client = app.test_client()
    programmes = {p.kind: p for p in db.session.scalars(select(Programme))}
    made = {}

    def register(kind: ProgrammeKind, body: dict, headers=None) -> Registration:
        slug = programmes[kind].slug
        response = client.post(
            f"/api/v1/programmes/{slug}/registrations", json=body, headers=headers
        )
        assert response.status_code == 201, response.json
        return db.session.get(Registration, response.json["id"])

    made[ProgrammeKind.WERKPLAATS] = register(
        ProgrammeKind.WERKPLAATS,
        trio_helpers.trio("GM0307", "amersfoort.nl"),  # not in the demo
    )
    made[ProgrammeKind.DRIEDAAGSE] = register(
        ProgrammeKind.DRIEDAAGSE,
        course_helpers.individual(payment_method="invoice"),
    )
    made[ProgrammeKind.WIJKLAB] = register(
        ProgrammeKind.WIJKLAB,
        wijklab_helpers.lab_request(
            municipality="GM0363",
            contact={"name": "Ilse Vos", "email": "i.vos@amsterdam.nl", "function": "Adviseur"},
        ),
    )
    # The demo's Kennisprogramma is full (twelve cities); its page is one of theirs.
    made[ProgrammeKind.KENNISPROGRAMMA] = db.session.scalars(
        select(Registration).where(
            Registration.programme_id == programmes[ProgrammeKind.KENNISPROGRAMMA].id
        )
    ).first()
    assert token and all(made.values())
    return programmes, made


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_each_kinds_pages_mails_and_invoices_use_its_own_words(app, db, demo, smtp, client):
    programmes, made = demo
    seen: dict[ProgrammeKind, list[str]] = {kind: [] for kind in ProgrammeKind}
    for kind, programme in programmes.items():
        page = client.get(f"/programmes/{programme.slug}")
        assert page.status_code == 200
        seen[kind].append(_text(page.text))
        form = client.get(f"/programmes/{programme.slug}/aanmelden")
        assert form.status_code == (404 if kind is ProgrammeKind.KENNISPROGRAMMA else 200)
        if form.status_code == 200:
            seen[kind].append(_text(form.text))
        registration = made[kind]
        confirmation = client.get(f"/aanmelding/{registration.manage_token}?nieuw=1")
        assert confirmation.status_code == 200
        seen[kind].append(_text(confirmation.text))
        for invoice in db.session.scalars(
            select(Invoice).where(Invoice.registration_id == registration.id)
        ):
            seen[kind].append(invoice.description)
    for message in smtp.messages:
        body = message.get_body(("plain",)).get_content()
        subject = message["Subject"]
        for kind, registration in made.items():
            if registration.reference in body + subject:
                seen[kind].append(subject + " " + body)
    log_in(client, "organiser@example.nl", factories.PASSWORD)
    for kind, registration in made.items():
        page = client.get(f"/beheer/aanmeldingen/{registration.id}")
        assert page.status_code == 200
        seen[kind].append(_text(page.text))
        listing = client.get(f"/beheer/programmas/{programmes[kind].slug}")
        assert listing.status_code == 200
        seen[kind].append(_text(listing.text))

    everything = {kind: " ".join(texts) for kind, texts in seen.items()}
    for kind, text in everything.items():
        assert "None" not in text, kind
        assert "deelnemer(s)" not in text and "trio(s)" not in text, kind

    trio, course, lab, city = (everything[k] for k in ProgrammeKind)
    assert "Ruimte voor 6 tot 8 trio's." in trio and "Aanmelden als trio" in trio
    assert "Aanmelding ontvangen, wacht op akkoord" in trio
    assert (
        re.search(r"Ruimte voor (\d+ tot )?24 deelnemers\.", course)
        and "Plaats bevestigd" in course
    )
    assert re.search(r"Deelname [^:]+: Fatima el Amrani \(referentie WW-[0-9A-Z-]+\)", course)
    # The Wijklab: a request, no dividing of places, no closing date, no demo day's dates.
    assert "Bedankt, uw aanvraag is ontvangen" in lab and "Aanvraag ontvangen" in lab
    for wrong in (r"\bverdel(en|ing)\b", "sluitingsdatum", "Kosteloos annuleren kan tot en met"):
        assert not re.search(wrong, lab), wrong
    assert "Kosteloos annuleren kan tot de dag die we met u afspreken." in lab
    assert "Aanvragen kan doorlopend." in lab
    # The Kennisprogramma: invited cities, no form, counted in cities.
    assert "Ruimte voor 12 steden." in city
    assert "Aanmelden kan tot en met" not in city and "Aanmelden als" not in city
    assert "op uitnodiging" in city and "Uw stad of regio neemt deel" in city
    assert not re.search(r"\bverdel(en|ing)\b", city)


def test_what_a_kind_does_not_allow_is_refused_and_a_history_starts_with_its_arrival(
    app, client, db, demo
):
    programmes, made = demo
    token = create_api_token(
        db.session.scalar(select(Account).where(Account.email == "organiser@example.nl"))
    )
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    # Only werkplaatsen exempt middelgrote gemeenten; only they may allocate at the closing date.
    body = {
        "slug": "wijklab-2028",
        "kind": "wijklab",
        "title": "Wijklab 2028",
        "fee": {"amount_cents": 500_000, "vat_rate": "21", "per": "booking"},
        "exemption": "middelgroot",
        "allocation": "priority_at_close",
    }
    refused = client.post("/api/v1/programmes", json=body, headers=headers)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {"exemption", "allocation"}
    # A cancelled Kennisprogramma admits no city, not even from an organiser.
    city_programme = programmes[ProgrammeKind.KENNISPROGRAMMA]
    city_programme.status = ProgrammeStatus.CANCELLED
    db.session.commit()
    city = {
        "municipality": "GM0503",
        "wijk": "Centrum",
        "contact": {"name": "A", "email": "a@delft.nl"},
    }
    with pytest.raises(RuleViolation) as raised:
        kinds.of(city_programme).register(city_programme, city, actor=None)
    assert [p.code for p in raised.value.problems] == ["registration_closed"]
    db.session.rollback()
    # A course registration's history starts with its arrival, not "Betaling niet afgerond".
    log_in(client, "organiser@example.nl", factories.PASSWORD)
    page = _text(client.get(f"/beheer/aanmeldingen/{made[ProgrammeKind.DRIEDAAGSE].id}").text)
    history = page[page.index("Geschiedenis") :]
    assert "Aanmelding ontvangen" in history and "Betaling niet afgerond" not in history


def test_a_wijklab_booking_without_its_lab_still_has_its_page_and_can_be_cancelled(
    client, db, demo
):
    programmes, _ = demo
    booking = factories.registration(
        programmes[ProgrammeKind.WIJKLAB], state=RegistrationState.SUBMITTED, active_slot=1
    )
    db.session.commit()
    page = client.get(f"/aanmelding/{booking.manage_token}")
    assert page.status_code == 200 and "Aanvraag intrekken" in page.text
    confirm = client.get(f"/aanmelding/{booking.manage_token}/annuleren")
    assert "Het Wijklab gaat dan niet door" in confirm.text
    form = {"csrf_token": csrf_token(confirm.text)}
    assert (
        client.post(f"/aanmelding/{booking.manage_token}/annuleren", data=form).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Registration, booking.id).state is RegistrationState.CANCELLED
