"""End to end in a real headless Chromium: the ways people really use wijkwerk, with axe-core
checking every page on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import request_finished
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from tests import factories
from tests.browser import describe
from tests.conftest import end_unit_of_work
from tests.course_helpers import VALID_INDIVIDUAL, course
from tests.htmlcheck import errors_in, java_or_skip
from tests.trio_helpers import (
    VALID_TRIO,
    approval_link,
    load_municipalities,
    subject,
    werkplaats,
)
from wijkwerk.accounts.models import Role
from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.payments.models import Payment
from wijkwerk.programmes.models import Allocation, Programme, ProgrammeKind
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import now_utc


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
    values["consent"] = True
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

    # The organiser logs in and checks Anna in at the first workshop, which begins within the hour.
    first = db.session.get(Programme, programme.id).sessions[0]
    first.starts_at, first.ends_at = (
        now_utc() + dt.timedelta(hours=1),
        now_utc() + dt.timedelta(hours=5),
    )
    db.session.commit()
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
        '//*[@aria-label="Aanwezigheid van Anna de Vries"]//button[@value="present"]',
    )
    anna.click()  # sent in the background by the page's script: no new page
    pressed = WebDriverWait(browser.driver, 10).until(
        lambda driver: driver.find_element(
            "xpath",
            '//*[@aria-label="Aanwezigheid van Anna de Vries"]//button[@aria-pressed="true"]',
        )
    )
    assert pressed.text == "✓ Aanwezig"
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


def _demo_site(runner, client, db, smtp) -> dict:
    """The demo programmes with real activity: every municipality, a confirmed trio, an
    individual on invoice, Wijklabs and Kennisprogramma cities (from the demo), an organiser."""
    from tests.course_helpers import individual
    from tests.trio_helpers import trio

    assert runner.invoke(args=["wijkwerk", "load-municipalities"]).exit_code == 0
    assert runner.invoke(args=["wijkwerk", "demo"]).exit_code == 0
    factories.account("org@example.nl", Role.ADMIN)
    db.session.commit()
    werkplaatsen = db.session.scalars(
        select(Programme).where(Programme.kind == ProgrammeKind.WERKPLAATS)
    ).first()
    driedaagse = db.session.scalars(
        select(Programme).where(Programme.kind == ProgrammeKind.DRIEDAAGSE)
    ).first()
    made = client.post(f"/api/v1/programmes/{werkplaatsen.slug}/registrations", json=trio())
    assert made.status_code == 201, made.json
    client.post(
        f"/api/v1/programmes/{driedaagse.slug}/registrations",
        json=individual(payment_method="invoice"),
    )
    return {"trio": made.json["id"]}


def test_every_public_page_and_the_main_back_office_pages_pass_axe(
    app, browser, runner, client, db, smtp, tmp_path
):
    """Every page once: 0 serious or critical axe violations, 0 errors of the Nu Html Checker
    (over the HTML the server sent, in one run), and every public, registrant and approver page
    fits a 360 px phone without sideways scrolling."""
    from wijkwerk.kennis.delegates import delegate_token
    from wijkwerk.payments.models import Invoice
    from wijkwerk.programmes.models import ProgrammeSession
    from wijkwerk.registrations.parts import MemberRole, RegistrationMember
    from wijkwerk.registrations.tokens import make_approval_token
    from wijkwerk.wijklab import panel
    from wijkwerk.wijklab.models import LabRequest, PanelInvitation

    made = _demo_site(runner, client, db, smtp)
    trio_registration = db.session.get(Registration, made["trio"])
    trio_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == trio_registration.id)
    ).first()
    programmes = db.session.scalars(select(Programme)).all()
    registrations = db.session.scalars(select(Registration)).all()
    invitation = db.session.scalars(select(PanelInvitation)).first()
    delegate = db.session.scalars(
        select(RegistrationMember).where(RegistrationMember.role == MemberRole.DELEGATE)
    ).first()
    lab = db.session.scalars(select(LabRequest)).first()
    session = db.session.scalars(select(ProgrammeSession)).first()
    # an invoice with an e-invoice, and one without (its page offers to add the buyer's identifier)
    invoices = db.session.scalars(select(Invoice)).all()
    shown_invoices = [next(i for i in invoices if i.has_einvoice is has) for has in (True, False)]
    checked: dict[str, list[dict]] = {}
    sent: dict[str, bytes] = {}  # the HTML of every page the server answered, by method and path
    too_wide: dict[str, int] = {}

    def keep_html(sender, response, **extra) -> None:
        from flask import request

        if response.mimetype == "text/html" and not response.direct_passthrough:
            sent[f"{request.method} {request.full_path.rstrip('?')}"] = response.get_data()

    request_finished.connect(keep_html, app)

    def check(path: str) -> None:
        browser.get(path)
        checked[path] = browser.axe()
        if not path.startswith("/beheer"):
            phone(path)

    def phone(name: str) -> None:
        if (wide := browser.width_at(360)) > 360:
            too_wide[name] = wide

    # Public pages, each programme and each kind of form, empty and sent back with errors.
    for path in ("/", "/toegankelijkheid", "/privacy", "/login"):
        check(path)
    for programme in programmes:
        check(f"/programmes/{programme.slug}")
        check(f"/programmes/{programme.slug}/aanmelden")
        if browser.driver.find_elements(
            "xpath", '//button[normalize-space()="Aanmelding versturen"]'
        ):
            browser.submit("Aanmelding versturen")
            checked[f"/programmes/{programme.slug}/aanmelden (fouten)"] = browser.axe()
            phone(f"/programmes/{programme.slug}/aanmelden (fouten)")
    browser.get("/login")
    browser.submit("Inloggen")
    checked["/login (fouten)"] = browser.axe()
    for registration in registrations:
        check(f"/aanmelding/{registration.manage_token}")
        if registration.can_cancel:
            check(f"/aanmelding/{registration.manage_token}/annuleren")
        if registration.needs_billing:
            check(f"/aanmelding/{registration.manage_token}/factuurgegevens")
    trio_token = make_approval_token(trio_registration.id, "dirk@schiedam.nl")
    check(f"/akkoord/{trio_token}/geen-akkoord")
    check(f"/akkoord/{make_approval_token(trio_registration.id, 'dirk@schiedam.nl')}")
    if invitation is not None:
        check(f"/panel/{panel.invitation_token(invitation)}")
    if delegate is not None:
        check(f"/kennis/deelnemer/{delegate_token(delegate)}")
    for shown in shown_invoices:
        check(f"/aanmelding/{shown.registration.manage_token}/facturen/{shown.number}")

    # The back-office, logged in.
    browser.get("/login")
    browser.fill({"email": "org@example.nl", "password": factories.PASSWORD})
    browser.submit("Inloggen")
    back_office = [
        "/beheer/",
        "/beheer/programmas/nieuw",
        "/beheer/facturen",
        "/beheer/gemeenten",
        "/beheer/gemeenten/GM0606",
        "/beheer/accounts",
        "/beheer/tokens",
        "/beheer/audit",
        "/beheer/personen",
        "/beheer/experts",
        f"/beheer/aanmeldingen/{trio_registration.id}",
        f"/beheer/aanmeldingen/{trio_registration.id}/acties/cancel",
        f"/beheer/aanmeldingen/{trio_registration.id}/mails/{trio_mail.id}",
        f"/beheer/bijeenkomsten/{session.id}",
        f"/beheer/bijeenkomsten/{session.id}/aanwezigheid",
        f"/beheer/bijeenkomsten/{session.id}/aanwezigheid?vooraf=1",
    ]
    for programme in programmes:
        if programme.allocation is Allocation.PRIORITY_AT_CLOSE:
            back_office.append(f"/beheer/programmas/{programme.slug}/verdelen")
        back_office += [
            f"/beheer/programmas/{programme.slug}/bericht",
            f"/beheer/programmas/{programme.slug}/locatie",
            f"/beheer/programmas/{programme.slug}",
            f"/beheer/programmas/{programme.slug}/bewerken",
            f"/beheer/programmas/{programme.slug}/aanwezigheid",
        ]
        if programme.kind is ProgrammeKind.KENNISPROGRAMMA:
            back_office.append(f"/beheer/kennis/{programme.slug}")
        if programme.kind is ProgrammeKind.DRIEDAAGSE:
            back_office.append(f"/beheer/programmas/{programme.slug}/coachgesprekken")
    if lab is not None:
        back_office.append(f"/beheer/wijklabs/{lab.registration_id}")
    for shown in shown_invoices:
        back_office.append(f"/beheer/facturen/{shown.id}")
    for path in back_office:
        check(path)
    browser.get("/beheer/programmas/nieuw")
    browser.submit("Opslaan")
    checked["/beheer/programmas/nieuw (fouten)"] = browser.axe()
    browser.get(f"/beheer/programmas/{programmes[0].slug}/bericht")
    browser.fill({"subject": "Locatie", "body": "In het stadhuis."})
    browser.submit("Voorbeeld bekijken")
    checked["/beheer/programmas/…/bericht (voorbeeld)"] = browser.axe()

    request_finished.disconnect(keep_html, app)
    failing = {path: found for path, found in checked.items() if found}
    report = "\n".join(f"{path}:\n{describe(found)}" for path, found in failing.items())
    assert not failing, f"serious or critical axe violations on {len(failing)} pages:\n{report}"
    assert len(checked) >= 40
    assert not too_wide, f"wider than a 360 px phone (scroll width): {too_wide}"
    java_or_skip()
    assert len(sent) >= 40
    errors = errors_in(sent, tmp_path / "html")
    assert not errors, f"{len(errors)} Nu Html Checker errors:\n" + "\n".join(errors)


def assert_kept(browser, values: dict) -> None:
    """Every field shows what was typed, ticked or chosen."""
    for name, value in values.items():
        if isinstance(value, list):
            for choice in value:
                assert browser.checked(name, choice), name
        elif isinstance(value, bool):
            assert browser.element(name).is_selected() is value, name
        elif browser.element(name).get_attribute("type") == "radio":
            assert browser.checked(name, value), name
        else:
            assert browser.value(name) == value, (name, browser.value(name), value)


def test_a_trio_form_with_errors_keeps_every_value_and_says_what_is_wrong(browser, db):
    load_municipalities()
    werkplaats()
    db.session.commit()
    values = trio_form_values()
    values["members-1-email"] = "bram@"  # malformed
    values["approver-email"] = "anna@schiedam.nl"  # the approver is one of the trio
    values["billing-postcode"] = "31120"  # not a Dutch postcode

    browser.get("/programmes/werkplaatsen/aanmelden")
    browser.fill(values)
    browser.submit("Aanmelding versturen")
    assert "De aanmelding is nog niet verstuurd" in browser.text
    assert "e-mailadres" in browser.error_for("members-1-email").lower()
    assert "postcode" in browser.error_for("billing-postcode").lower()
    assert "buiten het trio" in browser.error_for("approver-email")
    assert_kept(browser, values)
    browser.assert_accessible()
    assert db.session.scalars(select(Registration)).all() == []

    # Put right what was wrong and send again: registered, nothing typed twice.
    browser.fill(
        {
            "members-1-email": "bram@schiedam.nl",
            "approver-email": "dirk@schiedam.nl",
            "billing-postcode": "3112 DZ",
        }
    )
    browser.submit("Aanmelding versturen")
    assert "Bedankt, uw aanmelding is ontvangen" in browser.text
    assert len(db.session.scalars(select(Registration)).all()) == 1


def test_an_individual_form_with_errors_keeps_every_value(browser, db):
    course()
    db.session.commit()
    values = individual_form_values() | {
        "person-email": "fatima at rotterdam",
        "billing-po_number": "",
        "accessibility_needs": "Rolstoeltoegankelijke kamer",
        "consent": False,
    }
    browser.get("/programmes/driedaagse/aanmelden")
    browser.fill(values)
    browser.submit("Aanmelding versturen")
    assert "e-mailadres" in browser.error_for("person-email").lower()
    assert browser.error_for("billing-po_number")
    assert browser.error_for("consent")
    assert_kept(browser, values)
    browser.assert_accessible()
    assert db.session.scalars(select(Registration)).all() == []


def test_registering_works_with_the_keyboard_alone(browser, db):
    """Tab from the top of the page through every field, type or choose with keys, send with
    Enter: no mouse, no element clicked by the test."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    course()
    db.session.commit()
    values = individual_form_values()
    browser.get("/programmes/driedaagse/aanmelden")
    keys = ActionChains(browser.driver)
    keys.send_keys(Keys.TAB).perform()
    first = browser.driver.switch_to.active_element
    assert first.text == "Direct naar de inhoud"  # the skip link comes first
    keys.send_keys(Keys.ENTER).perform()  # ... and works
    visited = []
    for _ in range(80):
        keys.send_keys(Keys.TAB).perform()
        element = browser.driver.switch_to.active_element
        name = element.get_attribute("name")
        visited.append(name or element.tag_name)
        if element.tag_name == "button" and element.text == "Aanmelding versturen":
            break
        if name not in values or (
            name in visited[:-1] and element.get_attribute("type") != "radio"
        ):
            continue
        value = values[name]
        kind = element.get_attribute("type")
        if element.tag_name == "select":
            label = browser.driver.execute_script(
                "return [...arguments[0].options].find(o => o.value === arguments[1]).text",
                element,
                value,
            )
            keys.send_keys(label).perform()  # type-ahead chooses the option
        elif kind == "radio":
            while element.get_attribute("value") != value:
                keys.send_keys(Keys.ARROW_DOWN).perform()
                element = browser.driver.switch_to.active_element
        elif kind == "checkbox":
            keys.send_keys(Keys.SPACE).perform()
        else:
            keys.send_keys(value).perform()
    else:
        pytest.fail(f"the send button was never reached; focus went through {visited}")
    for name in values:
        assert name in visited, f"{name} cannot be reached with Tab"
    browser.navigates(keys.send_keys(Keys.ENTER).perform)
    assert "Bedankt, uw aanmelding is ontvangen" in browser.text, browser.text[:500]
    registration = db.session.scalars(select(Registration)).one()
    person = registration.members[0].person
    assert (person.name, person.email) == ("Fatima el Amrani", "fatima@rotterdam.nl")
    assert (
        registration.billing_po_number == "4500123456"
        if hasattr(registration, "billing_po_number")
        else True
    )


@pytest.mark.parametrize("width", [1366, 360])
def test_a_trio_from_mistakes_to_a_cancellation_on_a_desktop_and_a_phone(browser, db, smtp, width):
    """The whole path as a registrant and an approver walk it: mistakes listed at the top (the
    summary has the focus, its links lead to the fields), corrected, confirmed; a member's own
    link; the approver's yes; the contact cancels through the page that says what follows. No
    page is wider than the screen."""
    from tests.trio_helpers import links

    load_municipalities()
    werkplaats()
    db.session.commit()
    with browser.screen(width):
        values = trio_form_values()
        wrong = dict(values, **{"members-1-email": "bram@", "casus-title": ""})
        browser.get("/programmes/werkplaatsen/aanmelden")
        browser.fill(wrong)
        browser.submit("Aanmelding versturen")
        browser.assert_fits(width)
        focused = browser.driver.switch_to.active_element
        assert focused.get_attribute("id") == "fouten"  # the summary has the focus
        summary = focused.text
        assert "Verbeter deze 2 punten" in summary
        assert "Casus – Titel van de casus: Vul dit veld in." in summary
        assert "Lid 2 – E-mailadres:" in summary
        link = focused.find_element("xpath", './/a[starts-with(normalize-space(), "Lid 2")]')
        assert link.get_attribute("href").endswith("#members-1-email")
        browser.assert_accessible()

        browser.fill({"members-1-email": values["members-1-email"], "casus-title": "Oost"})
        browser.submit("Aanmelding versturen")
        browser.assert_fits(width)
        assert "Bedankt, uw aanmelding is ontvangen" in browser.text
        assert "De geplande bijeenkomsten" in browser.text
        manage = browser.path.split("?")[0]

        # Bram opens the link in his own mail: his page, without cancelling.
        [bram_link] = [u for u in links(smtp.to("bram@schiedam.nl")[0]) if "/deelname/" in u]
        browser.get(bram_link.removeprefix("http://wijkwerk.test"))
        browser.assert_fits(width)
        assert "Uw deelname aan" in browser.text and "Annuleren kan" not in browser.text
        assert "De hele aanmelding annuleren kan Anna de Vries" in browser.text
        browser.assert_accessible()

        # The approver says yes and reads the result.
        browser.get(approval_link(smtp))
        browser.assert_fits(width)
        assert "Wat u goedkeurt" in browser.text
        browser.submit("Akkoord geven")
        browser.assert_fits(width)
        assert "akkoord gegeven." in browser.text
        browser.assert_accessible()

        # Anna, the contact, cancels: first the page that says what follows.
        browser.get(manage)
        browser.follow("Aanmelding annuleren")
        browser.assert_fits(width)
        assert "Aanmelding annuleren?" in browser.text and "Wat er dan gebeurt" in browser.text
        browser.assert_accessible()
        registration = db.session.scalars(select(Registration)).one()
        assert state_of(db, registration.id) is RegistrationState.CONFIRMED  # nothing yet
        browser.submit("Ja, aanmelding annuleren")
        browser.assert_fits(width)
        assert "Uw aanmelding is geannuleerd" in browser.text
        assert state_of(db, registration.id) is RegistrationState.CANCELLED


WIJKLAB_FORM = {
    "municipality": "GM0606",
    "contact-name": "Sanne Bakker",
    "contact-email": "s.bakker@schiedam.nl",
    "contact-function": "Programmamanager",
    "wijk": "Oost",
    "question": "Hoe combineren we Oost Pact Door met het NPLV?",
    "goal": "directions",
    "preferred_periods": "september",
    "billing-organisation": "Gemeente Schiedam",
    "billing-address": "Postbus 1501",
    "billing-postcode": "3100 EA",
    "billing-city": "Schiedam",
    "billing-email": "facturen@schiedam.nl",
    "billing-po_number": "PO-2027-118",
    "consent": True,
}


@pytest.mark.parametrize("width", [1366, 360])
@pytest.mark.parametrize("kind", ["driedaagse", "wijklab"])
def test_an_individual_and_a_municipality_from_mistakes_to_withdrawing(
    browser, db, smtp, width, kind
):
    """An individual paying by invoice and a municipality asking for a Wijklab, on a desktop and
    a phone: a mistake listed at the top with the focus, corrected, confirmed, then withdrawn
    through the page that says what follows, from the link in the mail. No page is wider than
    the screen."""
    from tests.trio_helpers import links
    from tests.wijklab_helpers import wijklab

    if kind == "driedaagse":
        load_municipalities()
        programme = course()
        values = individual_form_values()
        values["payment_method"] = "invoice"
        mistake, send = {"person-email": "fatima@"}, "Aanmelding versturen"
        received, withdraw = "Bedankt, uw aanmelding is ontvangen", "Aanmelding annuleren"
    else:
        programme = wijklab()  # with the municipalities
        values = dict(WIJKLAB_FORM)
        mistake, send = {"billing-po_number": ""}, "Aanvraag versturen"
        received, withdraw = "Bedankt, uw aanvraag is ontvangen", "Aanvraag intrekken"
    db.session.commit()
    with browser.screen(width):
        browser.get(f"/programmes/{programme.slug}/aanmelden")
        browser.fill(dict(values, **mistake))
        browser.submit(send)
        browser.assert_fits(width)
        focused = browser.driver.switch_to.active_element
        assert focused.get_attribute("id") == "fouten"
        [field] = mistake
        assert focused.find_elements("css selector", f'a[href="#{field}"]')
        browser.assert_accessible()
        browser.fill({field: values[field]})
        browser.submit(send)
        browser.assert_fits(width)
        assert received in browser.text
        browser.assert_accessible()
        # Later, from the mail: its link opens the registration, with what it is about.
        registrant = values.get("person-email") or values["contact-email"]
        [mail] = smtp.to(registrant)
        [link] = [u for u in links(mail) if "/aanmelding/" in u]
        browser.get(link.removeprefix("http://wijkwerk.test"))
        browser.assert_fits(width)
        assert "WW-" in browser.text and ("Dag 1" in browser.text or kind == "wijklab")
        assert "Vragen?" in browser.text  # and whom to ask
        browser.follow(withdraw)
        browser.assert_fits(width)
        assert f"{withdraw}?" in browser.text and "Wat er dan gebeurt" in browser.text
        browser.assert_accessible()
        registration = db.session.scalars(select(Registration)).one()
        assert state_of(db, registration.id) is not RegistrationState.CANCELLED
        browser.submit(f"Ja, {withdraw.lower()}")
        browser.assert_fits(width)
        assert state_of(db, registration.id) is RegistrationState.CANCELLED


@pytest.mark.parametrize("width", [1366, 360])
def test_a_city_names_its_people_from_the_mail_on_a_desktop_and_a_phone(browser, db, smtp, width):
    """The Kennisprogramma's path: an admitted city's contact opens the link in the mail, names
    the people for a meeting with a mistake (listed at the top with the focus and a link to the
    field), corrects it; the person named opens the link in their own mail. No page is wider
    than the screen."""
    from tests.trio_helpers import links
    from wijkwerk.kennis import services as kennis

    load_municipalities()
    programme = factories.programme(
        slug="kennisprogramma",
        kind=ProgrammeKind.KENNISPROGRAMMA,
        title="Kennisprogramma wijkaanpak",
        fee_cents=0,
        capacity=12,
        min_participants=None,
    )
    factories.session(
        programme,
        day=(2099, 12, 8),
        start=(10, 0),
        end=(16, 0),
        title="Themabijeenkomst 1",
        location_name="De Nieuwe Liefde",
        location_address="Da Costakade 102, Amsterdam",
    )
    contact = {"name": "Noor Visser", "email": "contact@schiedam.nl", "function": "Regisseur"}
    kennis.admit_city(programme, {"municipality": "GM0606", "wijk": "Oost", "contact": contact})
    end_unit_of_work()
    with browser.screen(width):
        [link] = [u for u in links(smtp.to("contact@schiedam.nl")[0]) if "/aanmelding/" in u]
        browser.get(link.removeprefix("http://wijkwerk.test"))
        browser.assert_fits(width)
        assert "Themabijeenkomst 1" in browser.text and "Nog niemand opgegeven." in browser.text
        browser.assert_accessible()
        browser.follow("Deelnemers opgeven of wijzigen")
        people = {
            "delegates-0-name": "Bram Jansen",
            "delegates-0-email": "bram@",
            "delegates-0-organisation": "Gemeente Schiedam",
            "delegates-0-discipline": "wijkregie",
            "delegates-1-name": "Fenna Mol",
            "delegates-1-email": "fenna@woonplus.nl",
            "delegates-1-organisation": "Woonplus",
            "delegates-1-discipline": "wonen",
        }
        browser.fill(people)
        browser.submit("Deelnemers opslaan")
        browser.assert_fits(width)
        focused = browser.driver.switch_to.active_element
        assert focused.get_attribute("id") == "fouten"
        assert focused.find_elements("css selector", 'a[href="#delegates-0-email"]')
        assert browser.value("delegates-1-name") == "Fenna Mol"  # what was typed is kept
        browser.assert_accessible()
        browser.fill({"delegates-0-email": "bram@schiedam.nl"})
        browser.submit("Deelnemers opslaan")
        browser.assert_fits(width)
        assert "Bram Jansen, Fenna Mol" in browser.text

        [named] = [u for u in links(smtp.to("bram@schiedam.nl")[0]) if "/kennis/deelnemer/" in u]
        browser.get(named.removeprefix("http://wijkwerk.test"))
        browser.assert_fits(width)
        assert "Themabijeenkomst 1" in browser.text and "De Nieuwe Liefde" in browser.text
        browser.assert_accessible()


def test_checking_in_sixty_people_on_a_phone_by_search_and_tap(browser, db):
    """At the door, one-handed at 390 px: type part of a name, tap the person's choice; the row
    and the counts change at once (the page's script), the mark is saved; a substitute in two
    taps and a name. The page fits the screen."""
    from tests.course_helpers import course, individual
    from wijkwerk.driedaagse import services as individuals

    programme = course(capacity=60, fee_cents=0)
    day = programme.sessions[0]
    day.starts_at, day.ends_at = (
        now_utc() + dt.timedelta(hours=1),
        now_utc() + dt.timedelta(hours=8),
    )
    for n in range(60):
        body = individual(f"deelnemer{n}@example.nl")
        body["person"]["name"] = f"Deelnemer {n:02d} Çelik"
        individuals.register_individual(programme, body)
    factories.account("org@example.nl")
    end_unit_of_work()
    browser.get("/login")
    browser.fill({"email": "org@example.nl", "password": factories.PASSWORD})
    browser.submit("Inloggen")
    with browser.screen(390):
        browser.get(f"/beheer/bijeenkomsten/{day.id}/aanwezigheid")
        browser.assert_fits(390)
        assert "Nog niet gezien\n60" in browser.text
        browser.assert_accessible()
        browser.driver.find_element("id", "zoek").send_keys("deelnemer 42 celik")
        rows = browser.driver.find_elements("css selector", "#deelnemers > li")
        visible = [row for row in rows if row.is_displayed()]
        assert len(rows) == 60 and len(visible) == 1
        visible[0].find_element("css selector", 'button[value="present"]').click()
        WebDriverWait(browser.driver, 10).until(
            lambda driver: driver.find_element("css selector", '[data-count="present"]').text == "1"
        )
        assert "✓ aanwezig" in visible[0].text
        chosen = visible[0].find_element("css selector", ".ww-choice--chosen")
        assert chosen.get_attribute("aria-pressed") == "true" and chosen.text == "✓ Aanwezig"
        others = visible[0].find_elements("css selector", ".ww-choice:not(.ww-choice--chosen)")
        assert [b.text for b in others] == ["Afwezig", "Afgemeld"]
        # a substitute in two taps and a name: open the question, type, tap Aanwezig
        search = browser.driver.find_element("id", "zoek")
        search.clear()
        search.send_keys("Deelnemer 07")
        row = next(r for r in rows if r.is_displayed())
        row.find_element("tag name", "summary").click()
        row.find_element("css selector", 'input[name="substitute_name"]').send_keys("Sanne Bos")
        row.find_element("css selector", 'button[value="present"]').click()
        WebDriverWait(browser.driver, 10).until(
            lambda driver: driver.find_element("css selector", '[data-count="present"]').text == "2"
        )
        assert "vervangen door Sanne Bos" in row.text
        browser.assert_fits(390)
    db.session.expire_all()
    marks = db.session.scalars(select(Attendance)).all()
    assert sorted(m.member.person.name for m in marks) == [
        "Deelnemer 07 Çelik",
        "Deelnemer 42 Çelik",
    ]
    assert {m.substitute_name for m in marks} == {None, "Sanne Bos"}


def test_the_attendance_matrix_of_eight_sessions_fits_a_desktop_and_keeps_names_in_view(
    browser, db
):
    """8 sessions and 32 people at 1366 px: no sideways scrolling, the totals in view; on a phone
    the names stay in view while the sessions scroll."""
    from tests.course_helpers import course, individual
    from wijkwerk.attendance import services as attendance
    from wijkwerk.driedaagse import services as individuals
    from wijkwerk.timeutil import frozen_at

    programme = course(capacity=40, fee_cents=0, title="Leergang met acht bijeenkomsten")
    for n in range(5):
        factories.session(programme, day=(2099, 12, 1 + n), title=f"Dag {n + 4}")
    for n in range(32):
        body = individual(f"deelnemer{n}@example.nl")
        body["person"]["name"] = f"Deelnemer {n:02d} van der Achternaam-Langer"
        individuals.register_individual(programme, body)
    first = programme.sessions[0]
    with frozen_at(first.starts_at):
        marks = attendance.read_marks(
            first,
            {
                "records": [
                    {"email": f"deelnemer{n}@example.nl", "status": "present"} for n in range(20)
                ]
            },
        )
        attendance.record(first, marks, actor=None)
    factories.account("org@example.nl")
    end_unit_of_work()
    browser.get("/login")
    browser.fill({"email": "org@example.nl", "password": factories.PASSWORD})
    browser.submit("Inloggen")
    url = f"/beheer/programmas/{programme.slug}/aanwezigheid"
    with browser.screen(390):
        browser.get(url)
        browser.assert_fits(390)
        first_column = browser.driver.find_element("css selector", "tbody .ww-matrix__who")
        assert first_column.value_of_css_property("position") == "sticky"
        browser.driver.execute_script(
            "document.querySelector('.ww-matrix__container').scrollLeft = 400;"
        )
        assert first_column.is_displayed() and first_column.location["x"] < 40
    with browser.screen(1366):
        browser.get(url)
        browser.assert_fits(1366)
        fits = browser.driver.execute_script(
            "var c = document.querySelector('.ww-matrix__container');"
            "return [c.scrollWidth, c.clientWidth];"
        )
        assert fits[0] <= fits[1], fits  # the whole matrix, totals included, without scrolling
        assert "Totaal aanwezig 20/32" in browser.text.replace("\n", " ")
        browser.assert_accessible()


def test_an_organiser_works_from_the_demo_dashboard_safely(browser, db, smtp, runner):
    """With the demo data: the front page shows each programme's numbers and what needs doing;
    its first item leads to a trio whose page offers exactly what its state allows; cancelling
    goes through the page that says what follows; a message to the confirmed participants of
    the driedaagse arrives once per person, also when the form is sent twice."""
    for command in (["wijkwerk", "load-municipalities"], ["wijkwerk", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    factories.account("org@example.nl")
    db.session.commit()
    smtp.clear()
    browser.get("/login")
    browser.fill({"email": "org@example.nl", "password": factories.PASSWORD})
    browser.submit("Inloggen")
    browser.get("/beheer/")
    text = browser.text.replace("\n", " ")
    todo = text[text.index("Wat op u wacht") : text.index("Lopende programma's")]
    assert "Rotterdam wacht al 9 dagen op akkoord van de bestuurder" in todo
    assert "is over de vervaldatum" in todo  # the driedaagse invoice of 45 days ago
    assert "5 trio's aangemeld voor 8 plaatsen; de verdeling volgt" in text
    assert "4 van 24 plaatsen bezet, minimum 12 · onder het minimum" in text
    assert "12 van 12 plaatsen bezet" in text
    browser.assert_accessible()

    browser.follow("Rotterdam wacht al 9 dagen")
    offered = [a.text for a in browser.driver.find_elements("css selector", ".ww-actions a")]
    assert offered == [
        "Akkoord vastleggen…",
        "Geen akkoord vastleggen…",
        "Annuleren…",
        "Vrijstelling toekennen…",
    ]
    registration_page = browser.path
    browser.follow("Annuleren…")
    assert "Annuleren?" in browser.text and "Wat er dan gebeurt" in browser.text
    assert "Dit kan niet ongedaan worden gemaakt." in browser.text
    browser.assert_accessible()
    browser.follow("Nee, terug")
    assert browser.path == registration_page and "Aanmelding ontvangen" in browser.text
    browser.follow("Annuleren…")
    browser.submit("Ja, annuleren")
    assert "De aanmelding is geannuleerd." in browser.text
    assert [a.text for a in browser.driver.find_elements("css selector", ".ww-actions a")] == []

    driedaagse = db.session.scalars(
        select(Programme).where(Programme.kind == ProgrammeKind.DRIEDAAGSE)
    ).one()
    browser.get(f"/beheer/programmas/{driedaagse.slug}/bericht")
    browser.fill({"audience": "confirmed", "subject": "Rooster", "body": "Het rooster volgt."})
    browser.submit("Voorbeeld bekijken")
    assert "4 personen krijgen dit bericht" in browser.text
    browser.assert_accessible()
    send = browser.button("Versturen aan 4 personen")
    # an impatient double click: both posts may reach the server
    browser.navigates(
        lambda: browser.driver.execute_script("arguments[0].click(); arguments[0].click();", send)
    )
    assert "Het bericht is verstuurd aan 4 personen." in browser.text or (
        "Dit bericht was al verstuurd" in browser.text
    )
    told = [r for rcpts, m in smtp.messages for r in rcpts if "Rooster" in subject(m)]
    assert len(told) == 4 and len(set(told)) == 4
