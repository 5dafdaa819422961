"""Screenshots of every public, registrant and approver page, and of every mail they cause, at a
desktop and a phone width, into screenshots/ (not committed): look before a release.

    make screenshots                     (or: .venv/bin/python scripts/screenshots.py [folder])

It serves the demo site (a fresh SQLite database with the municipalities and the demo programmes)
on a free port, drives Debian's headless Chromium through each kind's path as a registrant would
(a form sent empty, then filled in; the confirmation; the registrant's page; the approver's page;
the cancellation's confirmation) and catches the mails with a local SMTP server. Each PNG shows the
whole page; its name says the width and what it is.
"""

from __future__ import annotations

import base64
import logging
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from config.testing import TestingConfig  # noqa: E402
from tests.browser import Browser, LiveServer, start_chromium  # noqa: E402
from tests.course_helpers import VALID_INDIVIDUAL  # noqa: E402
from tests.smtp import SMTPServer  # noqa: E402
from tests.trio_helpers import VALID_TRIO  # noqa: E402
from wijkwerk import create_app  # noqa: E402
from wijkwerk.extensions import db  # noqa: E402
from wijkwerk.payments.models import Invoice  # noqa: E402

WIDTHS = (1366, 390)
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def trio_values() -> dict:
    body = VALID_TRIO
    values = {"municipality": "GM0307"}  # Amersfoort: a municipality that pays (not in the demo)
    values |= {f"casus-{k}": body["casus"][k] for k in ("title", "wijk", "description")}
    values["casus-domains"] = body["casus"]["domains"]
    for n, member in enumerate(body["members"]):
        values |= {f"members-{n}-{k}": v for k, v in member.items()}
    values |= {f"approver-{k}": v for k, v in body["approver"].items()}
    values["consent"] = True
    return values


def individual_values() -> dict:
    body = VALID_INDIVIDUAL
    values = {f"person-{k}": v for k, v in body["person"].items()}
    values |= {f"billing-{k}": v for k, v in body["billing"].items()}
    values["billing-kvk_or_oin"] = "24123456"  # so the invoice mail carries the e-invoice
    return values | {"payment_method": "invoice", "consent": True}


class Camera:
    """Whole-page screenshots at each width, numbered in the order taken."""

    def __init__(self, browser: Browser, folder: Path) -> None:
        self.browser, self.folder, self.count = browser, folder, 0

    def shoot(self, name: str) -> None:
        self.count += 1
        driver = self.browser.driver
        for width in WIDTHS:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 800},
            )
            height = driver.execute_script("return document.documentElement.scrollHeight")
            shot = driver.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                },
            )
            path = self.folder / f"{self.count:02d}-{name}-{width}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    smtp = SMTPServer()
    smtp.start()
    workdir = Path(tempfile.mkdtemp(prefix="wijkwerk-screens-"))
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'screens.sqlite3'}",
        MAIL_PORT=smtp.port,
    )
    server = LiveServer(app)
    app.config["BASE_URL"] = server.url
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["wijkwerk", "load-municipalities"], ["wijkwerk", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    server.start()
    driver = start_chromium()
    browser = Browser(driver, server.url)
    camera = Camera(browser, folder)
    try:
        walk(app, browser, camera, smtp)
        back_office(app, browser, camera)
        mails(browser, camera, smtp, workdir)
    finally:
        driver.quit()
        server.stop()
        smtp.stop()
    print(f"{len(list(folder.glob('*.png')))} screenshots in {folder}")


def slug_of(app, kind: str) -> str:
    from wijkwerk.programmes.models import Programme, ProgrammeKind

    with app.app_context():
        return db.session.scalars(
            select(Programme.slug).where(Programme.kind == ProgrammeKind(kind))
        ).first()


def first_link(smtp: SMTPServer, part: str) -> str:
    """The first link in the mail caught so far whose path has ``part`` ("/akkoord/")."""
    return next(
        url
        for _to, message in smtp.messages
        for url in re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())
        if part in url
    )


def walk(app, browser: Browser, camera: Camera, smtp: SMTPServer) -> None:
    browser.get("/")
    camera.shoot("home")
    for kind in ("werkplaats", "driedaagse", "wijklab", "kennisprogramma"):
        browser.get(f"/programmes/{slug_of(app, kind)}")
        camera.shoot(f"programma-{kind}")
    browser.get("/privacy")
    camera.shoot("privacy")

    # A trio: the form sent empty, then filled in; the confirmation; the approver; the page.
    trio_form = f"/programmes/{slug_of(app, 'werkplaats')}/aanmelden"
    browser.get(trio_form)
    camera.shoot("trio-formulier")
    browser.submit("Aanmelding versturen")
    camera.shoot("trio-formulier-fouten")
    browser.get(trio_form)
    browser.fill(trio_values())
    browser.submit("Aanmelding versturen")
    camera.shoot("trio-bevestiging")
    trio_page = browser.path
    browser.get(first_link(smtp, "/akkoord/"))
    camera.shoot("bestuurder")
    browser.submit("Akkoord geven")
    camera.shoot("bestuurder-akkoord")
    browser.get(trio_page)
    camera.shoot("trio-aanmelding")
    browser.get(first_link(smtp, "/deelname/"))
    camera.shoot("trio-lid")
    browser.get(trio_page.split("?")[0] + "/factuurgegevens")
    camera.shoot("trio-factuurgegevens")
    browser.get("/aanmelding-terugvinden")
    camera.shoot("link-kwijt")

    # An individual paying by invoice.
    course_form = f"/programmes/{slug_of(app, 'driedaagse')}/aanmelden"
    browser.get(course_form)
    browser.submit("Aanmelding versturen")
    camera.shoot("driedaagse-formulier-fouten")
    browser.get(course_form)
    browser.fill(individual_values())
    browser.submit("Aanmelding versturen")
    camera.shoot("driedaagse-bevestiging")
    course_page = browser.path
    invoice = re.search(r'href="(/aanmelding/[^"]+/facturen/[^".]+)"', browser.driver.page_source)
    if invoice:
        browser.get(invoice.group(1))
        camera.shoot("factuur")
    browser.get(course_page)
    browser.follow("Aanmelding annuleren")
    camera.shoot("driedaagse-annuleren")
    browser.submit("Ja, aanmelding annuleren")
    camera.shoot("driedaagse-geannuleerd")

    # A municipality asking for a Wijklab.
    lab_form = f"/programmes/{slug_of(app, 'wijklab')}/aanmelden"
    browser.get(lab_form)
    camera.shoot("wijklab-formulier")
    browser.submit(browser.driver.find_element("css selector", "form button[type=submit]").text)
    camera.shoot("wijklab-formulier-fouten")

    # A Kennisprogramma city (invited, from the demo).
    from wijkwerk.programmes.models import Programme, ProgrammeKind
    from wijkwerk.registrations.models import Registration

    with app.app_context():
        token = db.session.scalars(
            select(Registration.manage_token)
            .join(Programme)
            .where(Programme.kind == ProgrammeKind.KENNISPROGRAMMA)
        ).first()
    if token:
        browser.get(f"/aanmelding/{token}")
        camera.shoot("kennis-stad")
        browser.follow("Deelnemers opgeven of wijzigen")
        browser.fill({"delegates-0-email": "bram@"})
        browser.submit("Deelnemers opslaan")
        camera.shoot("kennis-deelnemers-fouten")
    from wijkwerk.kennis.delegates import delegate_token
    from wijkwerk.registrations.parts import RegistrationMember

    with app.app_context():
        delegate = db.session.scalars(
            select(RegistrationMember)
            .join(Registration)
            .join(Programme)
            .where(Programme.kind == ProgrammeKind.KENNISPROGRAMMA)
            .where(RegistrationMember.session_id.is_not(None))
        ).first()
        delegate_link = delegate and f"/kennis/deelnemer/{delegate_token(delegate)}"
    if delegate_link:
        browser.get(delegate_link)
        camera.shoot("kennis-deelnemer")
    browser.get("/login")
    camera.shoot("inloggen")


def back_office(app, browser: Browser, camera: Camera) -> None:
    """The organisers' pages, logged in: the front page, each programme, a registration with its
    actions, an action's confirmation, a mail as sent, the allocation's confirmation."""
    from wijkwerk.accounts.services import create_account
    from wijkwerk.outbox.models import OutboxMessage
    from wijkwerk.registrations.models import Registration, RegistrationState

    password = "schermafdrukken maken 2026"
    with app.app_context():
        create_account("organisator@example.nl", password, name="Romy Dekker")
        db.session.commit()
        registration_id = db.session.scalars(  # a trio waiting for approval: every action
            select(Registration.id)
            .where(Registration.state == RegistrationState.AWAITING_APPROVAL)
            .order_by(Registration.id)
        ).first()
        mailed = db.session.execute(  # the demo keeps no mail: one the walk above caused
            select(OutboxMessage.registration_id, OutboxMessage.id)
            .where(OutboxMessage.registration_id.is_not(None))
            .order_by(OutboxMessage.id)
        ).first()
    browser.get("/login")
    browser.fill({"email": "organisator@example.nl", "password": password})
    browser.submit("Inloggen")
    browser.get("/beheer")
    camera.shoot("beheer")
    for kind in ("werkplaats", "driedaagse", "wijklab", "kennisprogramma"):
        browser.get(f"/beheer/programmas/{slug_of(app, kind)}")
        camera.shoot(f"beheer-programma-{kind}")
    browser.get(f"/beheer/programmas/{slug_of(app, 'werkplaats')}/verdelen")
    camera.shoot("beheer-verdelen")
    with app.app_context():
        from wijkwerk.programmes.models import Programme, ProgrammeKind, ProgrammeSession

        day_id = db.session.scalars(
            select(ProgrammeSession.id)
            .join(Programme)
            .where(Programme.kind == ProgrammeKind.DRIEDAAGSE)
            .order_by(ProgrammeSession.starts_at)
        ).first()
    browser.get(f"/beheer/bijeenkomsten/{day_id}/aanwezigheid")
    camera.shoot("beheer-aanwezigheid-vooruit")
    browser.get(f"/beheer/bijeenkomsten/{day_id}/aanwezigheid?vooraf=1")
    browser.driver.find_element("css selector", ".ww-choice").click()
    camera.shoot("beheer-aanwezigheid")
    browser.get(f"/beheer/programmas/{slug_of(app, 'driedaagse')}/aanwezigheid")
    camera.shoot("beheer-matrix")
    browser.get(f"/beheer/programmas/{slug_of(app, 'driedaagse')}/locatie")
    camera.shoot("beheer-locatie")
    browser.get("/beheer/facturen?toon=all")
    camera.shoot("beheer-facturen")
    with app.app_context():
        made = db.session.scalars(select(Invoice).order_by(Invoice.id)).all()
        with_einvoice = next(i.id for i in made if i.has_einvoice)
        without = next((i.id for i in made if not i.has_einvoice), None)
    browser.get(f"/beheer/facturen/{with_einvoice}")
    camera.shoot("beheer-factuur")
    with app.app_context():
        invoiced = db.session.get(Invoice, with_einvoice).registration_id
    browser.get(f"/beheer/aanmeldingen/{invoiced}/acties/exempt")
    camera.shoot("beheer-vrijstelling-na-factuur")
    if without is not None:
        browser.get(f"/beheer/facturen/{without}")
        camera.shoot("beheer-factuur-zonder-e-factuur")
    browser.get("/beheer/gemeenten/GM0606")
    camera.shoot("beheer-gemeente")
    browser.get(f"/beheer/programmas/{slug_of(app, 'werkplaats')}/bericht")
    browser.fill(
        {"subject": "Locatie werkplaats 1", "body": "We zijn in het stadhuis.\n\nTot dan!"}
    )
    browser.submit("Voorbeeld bekijken")
    camera.shoot("beheer-bericht")
    if registration_id:
        page = f"/beheer/aanmeldingen/{registration_id}"
        browser.get(page)
        camera.shoot("beheer-aanmelding")
        browser.get(f"{page}/acties/cancel")
        camera.shoot("beheer-annuleren")
    if mailed:
        browser.get(f"/beheer/aanmeldingen/{mailed[0]}/mails/{mailed[1]}")
        camera.shoot("beheer-mail")


def mails(browser: Browser, camera: Camera, smtp: SMTPServer, workdir: Path) -> None:
    """Every mail caught, as its HTML part shows in a mail program."""
    for index, (_to, message) in enumerate(smtp.messages, start=1):
        html = message.get_body(("html",))
        if html is None:
            continue
        path = workdir / f"mail-{index}.html"
        path.write_text(html.get_content(), encoding="utf-8")
        browser.driver.get(path.as_uri())
        subject = re.sub(r"[^a-z0-9]+", "-", message["Subject"].lower()).strip("-")[:40]
        camera.shoot(f"mail-{subject}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots")
