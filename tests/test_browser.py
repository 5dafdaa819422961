"""End to end in a real headless Chromium: the ways people really use wijkwerk, with axe-core
checking every page on the way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.course_helpers import VALID_INDIVIDUAL, course
from tests.trio_helpers import (
    VALID_TRIO,
    approval_link,
    load_municipalities,
    subject,
    werkplaats,
)
from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.payments.models import Payment
from wijkwerk.registrations.models import Registration, RegistrationState


def trio_form_values(body: dict = VALID_TRIO) -> dict:
    """The trio form's fields for an API-shaped trio body."""
    values = {"municipality": body["municipality"]}
    casus = body["casus"]
    values |= {f"casus-{k}": casus[k] for k in ("title", "wijk", "description")}
    values["casus-domains"] = casus["domains"]
    for n, member in enumerate(body["members"]):
        values |= {f"members-{n}-{k}": v for k, v in member.items()}
    values |= {f"approver-{k}": v for k, v in body["approver"].items()}
    values |= {f"billing-{k}": v for k, v in body["billing"].items()}
    return values


def individual_form_values(body: dict = VALID_INDIVIDUAL) -> dict:
    values = {f"person-{k}": v for k, v in body["person"].items()}
    values |= {f"billing-{k}": v for k, v in body["billing"].items()}
    values |= {
        "payment_method": body["payment_method"],
        "dietary_needs": body["dietary_needs"],
        "consent": True,
    }
    return values


def state_of(db, registration_id: int) -> RegistrationState:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).state


def test_a_trio_registers_the_approver_approves_and_the_organiser_checks_them_in(browser, db, smtp):
    load_municipalities()
    programme = werkplaats()
    factories.account("org@example.nl")
    db.session.commit()

    # The trio finds the programme on the home page and registers through the form.
    browser.get("/")
    browser.assert_accessible()
    browser.follow(programme.title)
    browser.assert_accessible()
    browser.follow("Aanmelden als trio")
    browser.assert_accessible()
    browser.fill(trio_form_values())
    browser.submit("Aanmelding versturen")
    assert "Bedankt, uw aanmelding is ontvangen" in browser.text
    browser.assert_accessible()
    registration = db.session.scalars(select(Registration)).one()
    assert registration.state is RegistrationState.AWAITING_APPROVAL

    # The approver opens the link from the e-mail and approves.
    browser.get(approval_link(smtp))
    assert "Dirk Smit" in browser.text
    browser.assert_accessible()
    browser.submit("Akkoord geven")
    browser.assert_accessible()
    assert state_of(db, registration.id) is RegistrationState.CONFIRMED

    # The organiser logs in and checks Anna in at the first workshop.
    browser.get("/login")
    browser.assert_accessible()
    browser.fill({"email": "org@example.nl", "password": factories.PASSWORD})
    browser.submit("Inloggen")
    assert browser.path == "/beheer/"
    browser.assert_accessible()
    browser.follow(programme.title)
    browser.assert_accessible()
    browser.follow("Aanwezigheid")
    browser.assert_accessible()
    assert "Anna de Vries" in browser.text
    anna = browser.driver.find_element(
        "xpath",
        '//*[@aria-label="Aanwezigheid van Anna de Vries"]//button[normalize-space()="Aanwezig"]',
    )
    old = browser.driver.find_element("tag name", "html")
    anna.click()
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser.driver, 20).until(expected_conditions.staleness_of(old))
    browser.record()
    pressed = browser.driver.find_element(
        "xpath", '//*[@aria-label="Aanwezigheid van Anna de Vries"]//button[@aria-pressed="true"]'
    )
    assert pressed.text == "Aanwezig"
    db.session.expire_all()
    [mark] = db.session.scalars(select(Attendance)).all()
    assert mark.status is AttendanceStatus.PRESENT and mark.member.person.name == "Anna de Vries"


@pytest.fixture
def app_overrides(stripe_settings):
    return stripe_settings


def test_an_individual_registers_and_pays_by_ideal_through_stripe(
    browser, db, smtp, stripe, live_server
):
    course()
    db.session.commit()
    stripe.webhook_url = f"{live_server.url}/stripe/webhook"

    browser.get("/programmes/driedaagse/aanmelden")
    browser.assert_accessible()
    browser.fill(individual_form_values() | {"payment_method": "stripe"})
    browser.submit("Aanmelding versturen")
    # Stripe's hosted checkout page (the local test server), then back to wijkwerk.
    assert browser.driver.current_url.startswith(stripe.url + "/pay/")
    assert "€ 2178,00" in browser.text  # EUR 1,800 + 21 % btw
    browser.submit("Betalen met iDEAL")
    assert browser.driver.current_url.startswith(live_server.url)
    browser.assert_accessible()
    registration = db.session.scalars(select(Registration)).one()
    assert state_of(db, registration.id) is RegistrationState.CONFIRMED
    assert "bevestigd" in browser.text.lower()
    [payment] = db.session.scalars(select(Payment)).all()
    assert payment.amount_cents == 217_800
    assert subject(smtp.to("fatima@rotterdam.nl")[-1]).startswith("Plaats bevestigd")
