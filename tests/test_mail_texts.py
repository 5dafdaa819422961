"""Every mail wijkwerk sends, read from the SMTP server as its recipient gets it: plain Dutch in
the text and the HTML part, the sessions it is about (date, time, place and address) and whom to
ask. Each test causes its mails the way the application does (a registration, the approver's
page, a payment webhook, `tick`, an organiser's step); ``read`` finds a mail by the template it
was written from. A template in ``templates/mail`` that no test here reads fails
:func:`test_every_mail_template_is_read_here`."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import factories, trio_helpers
from tests.conftest import csrf_token, end_unit_of_work
from tests.course_helpers import course, deliver, individual
from tests.trio_helpers import approval_link, subject, trio
from tests.wijklab_helpers import URL as LAB_URL
from tests.wijklab_helpers import expert_pool, lab_request, wijklab
from wijkwerk.calendars.changes import SessionChange, change_session
from wijkwerk.driedaagse import services as individuals
from wijkwerk.jobs import run_due_jobs
from wijkwerk.kennis import delegates
from wijkwerk.kennis import services as kennis
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.programmes.models import (
    Allocation,
    ContactTopic,
    FeeUnit,
    ProgrammeContact,
    ProgrammeKind,
)
from wijkwerk.registrations import allocation, approval, lifecycle, lost_links, members, messages
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local
from wijkwerk.werkplaatsen import services as trios
from wijkwerk.wijklab import panel, steps
from wijkwerk.wijklab.models import LabRequest, LabStage

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "mail"
CHECKED: set[str] = set()

CONTENT = "Inhoudelijke vragen: Cisca Hoekstra, 06 21561175"
PRACTICAL = "Praktische vragen: Romy Dekker, romy@example.nl"
ORGANISATION = "Kennisinstituut Wijkwerk: wijkaanpak@wijkwerk.localhost, 070 000 00 00"


def checks(*templates: str):
    """Declare the mail templates a test reads (see the module's docstring)."""
    CHECKED.update(templates)
    return lambda test: test


def test_every_mail_template_is_read_here():
    templates = {p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")}
    assert templates and templates == CHECKED


@pytest.fixture
def app_overrides(request):
    if "stripe" in request.fixturenames:
        return request.getfixturevalue("stripe_settings")
    return {}


def with_contacts(programme) -> None:
    programme.contacts.append(
        ProgrammeContact(topic=ContactTopic.CONTENT, name="Cisca Hoekstra", phone="06 21561175")
    )
    programme.contacts.append(
        ProgrammeContact(topic=ContactTopic.PRACTICAL, name="Romy Dekker", email="romy@example.nl")
    )


class Mail:
    """One received mail: its subject, its text part (as sent, line breaks kept) and the words
    of its HTML part."""

    def __init__(self, message: EmailMessage) -> None:
        self.message = message
        self.subject = subject(message)
        self.text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(("html",))
        assert html is not None, self.subject
        self.html = html.get_content()
        inline = re.sub(r"</?(a|strong|em|s|span|b|i)\b[^>]*>", "", self.html)
        words = re.sub(r"<[^>]+>", " ", inline)
        for entity, char in (("&amp;", "&"), ("&#39;", "'"), ("&quot;", '"'), ("&nbsp;", " ")):
            words = words.replace(entity, char)
        self.html_words = re.sub(r"\s+", " ", words)
        self.words = re.sub(r"\s+", " ", self.text)

    def says(self, *phrases: str) -> None:
        """Each phrase is in the text part and in the HTML part."""
        for phrase in phrases:
            assert phrase in self.words, (phrase, self.text)
            assert phrase in self.html_words, (phrase, self.html_words)

    def lists(self, *phrases: str) -> None:
        """Each phrase is in the text part (a list the HTML part sets out in its own markup)."""
        for phrase in phrases:
            assert phrase in self.words, (phrase, self.text)


def plain_dutch(mail: Mail) -> None:
    """What any mail must never show: template leftovers, "None", "(s)" plurals, English, "je"
    beside "u", a sentence glued to the next, doubled lines or runs of empty lines."""
    for part in (mail.subject, mail.text, mail.html_words):
        assert "None" not in part and "{{" not in part and "{%" not in part, part
        assert not re.search(r"\w\((s|en)\)", part), part
        assert not re.search(r"\b(jouw|je|jij|jullie)\b", part, re.IGNORECASE), part
        assert not re.search(r"\b(Dear|Your|Hello|Thank you|Please)\b", part), part
    without_links = re.sub(r"\S+@\S+|https?://\S+", "", mail.text)
    assert not re.search(r"[a-z]\.[A-Z]", without_links), mail.text
    assert "\n\n\n" not in mail.text.strip(), mail.text
    assert not re.search(r"[a-z)]- [A-Z]", without_links), mail.text  # list items run together
    lines = [line.strip() for line in mail.text.splitlines() if line.strip()]
    assert not [a for a, b in itertools.pairwise(lines) if a == b], mail.text


def read(db, smtp, template: str, recipient: str, *, nth: int = -1) -> Mail:
    """The mail written from ``template`` to ``recipient`` (the last one, or the ``nth``), as
    the SMTP server received it; checked for plain Dutch."""
    assert template in CHECKED, f"declare {template!r} with @checks"
    db.session.expire_all()
    sent = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == template, OutboxMessage.recipient == recipient)
        .where(OutboxMessage.sent_at.is_not(None))
        .order_by(OutboxMessage.id)
    ).all()
    assert sent, f"no {template} mail sent to {recipient}"
    wanted = re.sub(r"\s+", " ", sent[nth].subject).strip()
    received = [m for m in smtp.to(recipient) if subject(m) == wanted]
    assert received, (wanted, [subject(m) for m in smtp.to(recipient)])
    mail = Mail(received[-1])
    plain_dutch(mail)
    return mail


def tick(at: dt.datetime):
    with frozen_at(at):
        return run_due_jobs(at)


# The werkplaatsen: a paying trio of Schiedam, one session in the town hall ----------------------

WERKPLAATS = ("Werkplaats 1: dinsdag 13 oktober 2099, 13:00–17:00, Stadhuis, Stadserf 1, Schiedam",)
WHEN = "dinsdag 13 oktober 2099, 13:00–17:00"
WHERE = "Stadhuis, Stadserf 1, Schiedam"


@pytest.fixture
def werkplaatsen(db):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    session = programme.sessions[0]
    session.location_name, session.location_address = "Stadhuis", "Stadserf 1, Schiedam"
    with_contacts(programme)
    factories.account("org@example.nl")
    db.session.commit()
    return programme


def registered_trio(client, db) -> Registration:
    response = client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio())
    assert response.status_code == 201, response.json
    return db.session.get(Registration, response.json["id"])


def approve_on_the_page(client, db, smtp) -> None:
    link = approval_link(smtp)
    page = client.get(link)
    answer = client.post(link, data={"decision": "approve", "csrf_token": csrf_token(page.text)})
    assert answer.status_code in (200, 302, 303)
    db.session.expire_all()  # this test's session reads what the page's request saved


@checks("registration_status", "approval_request", "approval_decided", "invoice")
def test_a_trio_registering_and_approved_reads_its_sessions_and_contacts(
    client, db, smtp, werkplaatsen
):
    registered_trio(client, db)
    received = read(db, smtp, "registration_status", "anna@schiedam.nl")
    received.says("Beste Anna de Vries,", "Aanmelding ontvangen, wacht op akkoord")
    received.says("We hebben Dirk Smit om akkoord gevraagd.", CONTENT, PRACTICAL)
    received.lists("De geplande bijeenkomsten:", *WERKPLAATS)
    asked = read(db, smtp, "approval_request", "dirk@schiedam.nl")
    asked.says("Beste Dirk Smit,", "Wonen en zorg in Oost", WHEN, "Stadhuis", CONTENT, PRACTICAL)
    asked.says("€ 242,00")  # what it costs, with btw

    approve_on_the_page(client, db, smtp)
    copy = read(db, smtp, "approval_decided", "dirk@schiedam.nl")
    copy.says("akkoord gegeven voor deelname van het trio van Schiedam", CONTENT, PRACTICAL)
    confirmed = read(db, smtp, "registration_status", "bram@schiedam.nl")
    confirmed.says("Plaats bevestigd", "Dirk Smit", CONTENT, PRACTICAL)
    confirmed.lists("Uw bijeenkomsten:", *WERKPLAATS)
    invoice = read(db, smtp, "invoice", "facturen@schiedam.nl")
    invoice.says("Geachte heer, mevrouw,", "Uw inkoopordernummer", "PO-2027-118")
    invoice.says("Totaal incl. btw", "€ 242,00", "Vragen over deze factuur? Mail naar")


@checks("session_changed", "session_reminder", "aftercare", "member_changed")
def test_a_trio_is_told_of_a_move_a_substitute_the_reminder_and_the_aftercare(
    client, db, smtp, werkplaatsen
):
    registration = registered_trio(client, db)
    approve_on_the_page(client, db, smtp)
    session = werkplaatsen.sessions[0]
    change_session(session, SessionChange(starts_at=local(2099, 10, 20, 13, 0)))
    end_unit_of_work()
    moved = read(db, smtp, "session_changed", "chantal@schiedam.nl")
    moved.says(
        "De bijeenkomst “Werkplaats 1” is gewijzigd.", "dinsdag 20 oktober 2099, 13:00–17:00"
    )
    moved.says(WHERE, CONTENT, PRACTICAL)
    moved.lists(f"Was: {WHEN}")

    member = next(m for m in registration.members if m.person.email == "chantal@schiedam.nl")
    members.substitute(
        member, {"name": "Dewi Kok", "email": "dewi@schiedam.nl", "function": "Adviseur veiligheid"}
    )
    end_unit_of_work()
    welcome = read(db, smtp, "member_changed", "dewi@schiedam.nl")
    welcome.says("Beste Dewi Kok,", "Dewi Kok neemt deel in plaats van Chantal Bakker.")
    welcome.says("Uw aanmelding bekijken", CONTENT, PRACTICAL)
    welcome.lists("De bijeenkomsten:", "Werkplaats 1: dinsdag 20 oktober 2099, 13:00–17:00")
    farewell = read(db, smtp, "member_changed", "chantal@schiedam.nl")
    farewell.says("U neemt niet meer deel", CONTENT)
    assert "De bijeenkomsten:" not in farewell.words

    tick(local(2099, 10, 13, 13, 0))  # a week before the moved session
    reminded = read(db, smtp, "session_reminder", "dewi@schiedam.nl")
    reminded.says("Binnenkort is het zover", "dinsdag 20 oktober 2099, 13:00–17:00")
    reminded.says(WHERE, CONTENT, PRACTICAL)
    tick(local(2099, 10, 20, 17, 0))
    after = read(db, smtp, "aftercare", "anna@schiedam.nl")
    after.says("Bedankt voor uw deelname aan Werkplaatsen wijkgericht werken", CONTENT, PRACTICAL)


@checks("invoice_reminder", "registration_links")
def test_an_overdue_invoice_and_the_lost_links_say_whom_to_ask(client, db, smtp, werkplaatsen):
    with frozen_at(local(2027, 3, 1, 10)):
        registered_trio(client, db)
        approve_on_the_page(client, db, smtp)
    tick(local(2027, 4, 2, 10))
    overdue = read(db, smtp, "invoice_reminder", "facturen@schiedam.nl")
    overdue.says("Geachte heer, mevrouw,", "nog open", "De vervaldatum was 31 maart 2027")
    overdue.says("PO-2027-118", "Vragen over deze factuur? Mail naar")

    lost_links.send_links("anna@schiedam.nl")
    end_unit_of_work()
    links = read(db, smtp, "registration_links", "anna@schiedam.nl")
    links.says("Beste Anna de Vries,", "Werkplaatsen wijkgericht werken", ORGANISATION)


@checks("programme_message")
def test_a_message_from_the_organisers_reads_their_text_and_whom_to_ask(
    client, db, smtp, werkplaatsen
):
    registered_trio(client, db)
    approve_on_the_page(client, db, smtp)
    wanted = messages.read_message(
        werkplaatsen,
        {"audience": "confirmed", "subject": "Locatie bekend", "body": "We zijn in het stadhuis."},
    )
    messages.send(werkplaatsen, "formulier-1", wanted, None)
    end_unit_of_work()
    told = read(db, smtp, "programme_message", "bram@schiedam.nl")
    told.says("Beste Bram Jansen,", "We zijn in het stadhuis.", "Uw aanmelding bekijken")
    told.says(CONTENT, PRACTICAL)
    assert told.subject == "Locatie bekend (Werkplaatsen wijkgericht werken)"


@checks("below_minimum")
def test_organisers_read_a_programme_below_its_minimum(db, smtp):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(allocation=Allocation.PRIORITY_AT_CLOSE, capacity=8)
    factories.account("org@example.nl")
    registration = trios.register_trio(programme, trio()).registration
    approval.approve(registration)
    end_unit_of_work()
    allocation.allocate(programme)
    end_unit_of_work()
    warned = read(db, smtp, "below_minimum", "org@example.nl")
    warned.says(
        "Werkplaatsen wijkgericht werken 1 trio; het minimum is 6 trio's",
        "Besluit of de reeks doorgaat",
    )


# The driedaagse, paid through Stripe -----------------------------------------------------------

DAYS = (
    "Dag 1: zondag 22 november 2099, 09:30–17:00, Kaap Doorn, Postweg 9, 3941 KN Doorn",
    "Dag 3: dinsdag 24 november 2099, 09:30–17:00, Kaap Doorn, Postweg 9, 3941 KN Doorn",
)


@checks("checkout_reminder", "payment_failed", "refund")
def test_someone_paying_reads_the_days_and_whom_to_ask(client, db, smtp, stripe):
    programme = course(capacity=1)
    with_contacts(programme)
    db.session.commit()
    with frozen_at(local(2027, 3, 1, 10)):
        first = individuals.register_individual(programme, individual("a@example.nl"))
        second = individuals.register_individual(
            programme, individual("fatima@rotterdam.nl", payment_method="stripe")
        )
        end_unit_of_work()
        lifecycle.cancel(first.registration)  # Fatima moves up and holds the place for a day
        end_unit_of_work()
    registration = second.registration
    tick(registration.payments[0].expires_at - dt.timedelta(hours=3))
    held = read(db, smtp, "checkout_reminder", "fatima@rotterdam.nl")
    held.says("Beste Fatima el Amrani,", "We houden uw plaats", CONTENT, PRACTICAL)
    held.lists("De bijeenkomsten:", *DAYS)

    paying = client.get(f"/aanmelding/{registration.manage_token}/betalen")
    session_id = paying.headers["Location"].rsplit("/", 1)[-1]
    deliver(client, stripe.payment_failed(session_id, "Your card was declined."))
    failed = read(db, smtp, "payment_failed", "fatima@rotterdam.nl")
    failed.says("Uw betaling is niet gelukt.", CONTENT, PRACTICAL)

    deliver(client, stripe.pay(session_id))
    db.session.expire_all()
    lifecycle.cancel(db.session.get(Registration, registration.id))
    end_unit_of_work()
    refunded = read(db, smtp, "refund", "fatima@rotterdam.nl")
    refunded.says("We hebben € 2.178,00 teruggestort", CONTENT, PRACTICAL)


# The Wijklab: a municipality's lab and its expert panel ----------------------------------------


@checks("lab_step", "panel_invitation", "panel_briefing")
def test_a_wijklab_and_its_panel_read_the_day_and_whom_to_ask(client, db, smtp):
    programme = wijklab()
    with_contacts(programme)
    pool = expert_pool()
    db.session.commit()
    assert client.post(LAB_URL, json=lab_request()).status_code == 201
    lab = db.session.scalars(select(LabRequest)).one()
    steps.advance(lab, steps.StepInput(stage=LabStage.INTAKE, themes=("wonen",)))
    end_unit_of_work()
    intake = read(db, smtp, "lab_step", "s.bakker@schiedam.nl")
    intake.says("Beste Sanne Bakker,", CONTENT, PRACTICAL)
    intake.lists("Gemeente: Schiedam", "Wijk: Oost")

    panel.invite(lab, [pool[1].id])
    end_unit_of_work()
    invited = read(db, smtp, "panel_invitation", "amira@example.nl")
    invited.says("Beste Amira Haddou,", "Wilt u meedoen?", "Voorkeursperiode", CONTENT)
    panel.respond(lab.invitations[0], True)
    end_unit_of_work()

    steps.advance(
        lab,
        steps.StepInput(
            stage=LabStage.PLANNED,
            sharpened_question="Hoe laten we Oost Pact Door en het NPLV samenwerken?",
            starts_at=local(2099, 9, 15, 9, 30),
            ends_at=local(2099, 9, 15, 16, 30),
            location_name="Wijkcentrum Oost",
            location_address="Nieuwe Haven 3, Schiedam",
        ),
    )
    end_unit_of_work()
    planned = read(db, smtp, "lab_step", "s.bakker@schiedam.nl")
    day = "dinsdag 15 september 2099, 09:30–16:30"
    planned.says(day, "Wijkcentrum Oost, Nieuwe Haven 3, Schiedam", "€ 6.050,00", CONTENT)
    briefed = read(db, smtp, "panel_briefing", "amira@example.nl")
    briefed.says("Dank dat u meedoet aan het panel", day, "Wijkcentrum Oost, Nieuwe Haven 3")
    briefed.says(CONTENT, PRACTICAL)


# The Kennisprogramma: a city names its delegates -----------------------------------------------


@checks("delegate_named", "delegates_short")
def test_a_delegate_and_a_city_short_of_people_read_the_meeting_and_whom_to_ask(client, db, smtp):
    trio_helpers.load_municipalities()
    programme = factories.programme(
        slug="kennisprogramma",
        kind=ProgrammeKind.KENNISPROGRAMMA,
        title="Kennisprogramma wijkaanpak",
        fee_cents=0,
        fee_per=FeeUnit.CITY,
        capacity=12,
        min_participants=None,
    )
    meeting = factories.session(
        programme,
        day=(2099, 12, 8),
        start=(10, 0),
        end=(16, 0),
        title="Themabijeenkomst 1",
        theme="Slim koppelen van opgaven",
        location_name="De Nieuwe Liefde",
        location_address="Da Costakade 102, Amsterdam",
    )
    with_contacts(programme)
    factories.account("org@example.nl")
    city = {
        "municipality": "GM0606",
        "wijk": "Oost",
        "contact": {"name": "Noor Visser", "email": "contact@schiedam.nl", "function": "Regisseur"},
    }
    schiedam = admitted(programme, city)
    almere = admitted(
        programme,
        {**city, "municipality": "GM0034", "contact": {**city["contact"], "email": "c@almere.nl"}},
    )
    delegates.name_delegates(
        schiedam,
        meeting,
        {
            "delegates": [
                {
                    "name": "Bram Jansen",
                    "email": "bram@schiedam.nl",
                    "organisation": "Gemeente Schiedam",
                    "discipline": "wijkregie",
                }
            ]
        },
    )
    end_unit_of_work()
    named = read(db, smtp, "delegate_named", "bram@schiedam.nl")
    named.says("Beste Bram Jansen,", "Schiedam heeft u aangemeld", "Slim koppelen van opgaven")
    named.says("dinsdag 8 december 2099, 10:00–16:00", "De Nieuwe Liefde, Da Costakade 102")
    named.says(CONTENT, PRACTICAL)

    tick(local(2099, 12, 2, 12))  # past the naming deadline, a week before
    short = read(db, smtp, "delegates_short", "contact@schiedam.nl")
    short.says("Beste Noor Visser,", "heeft Schiedam 1 deelnemer opgegeven", CONTENT, PRACTICAL)
    told = read(db, smtp, "delegates_short", "org@example.nl")
    told.says("Deze steden hebben er minder dan twee opgegeven", "Schiedam: 1", "Almere: 0")
    assert almere.state.value == "confirmed"


def admitted(programme, body: dict) -> Registration:
    registration = kennis.admit_city(programme, body).registration
    end_unit_of_work()
    return registration
