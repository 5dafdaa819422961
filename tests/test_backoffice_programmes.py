"""Organisers create and change programmes and sessions in the back-office, with the same rules as
the API; more places go to the waiting list, and an organiser may move someone up."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests import factories
from tests.calendar_helpers import attached_calendar
from tests.conftest import csrf_token, log_in
from tests.course_helpers import URL, course, individual
from tests.test_pages import text_of
from tests.trio_helpers import subject
from wijkwerk.accounts.models import Role
from wijkwerk.audit.models import AuditEntry
from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
)
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import AMSTERDAM, local

NEW = "/beheer/programmas/nieuw"


@pytest.fixture
def organiser(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)


def new_programme_form(page: str, **changes) -> dict:
    form = {
        "csrf_token": csrf_token(page),
        "slug": "werkplaatsen-2028",
        "kind": "werkplaats",
        "title": "Werkplaatsen wijkaanpak 2028",
        "summary": "Vier werkplaatsen voor trio's.",
        "fee": "1.250,50",
        "vat_rate": "9",
        "fee_per": "trio",
        "middelgroot_free": "yes",
        "capacity": "20",
        "min_participants": "8",
        "allocation": "priority_at_close",
        "opens_day": "2028-01-10",
        "opens_time": "09:00",
        "deadline_day": "2028-03-01",
        "deadline_time": "",
        "cancel_free_days": "42",
        "late_charge": "50",
        "reminder_days": "1; 14, 7",
    }
    form.update(changes)
    return form


def test_an_organiser_creates_a_draft_programme_in_dutch_notation(client, db, organiser):
    page = client.get(NEW)
    assert page.status_code == 200 and 'value="0,00"' in page.text
    response = client.post(NEW, data=new_programme_form(page.text))
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/programmas/werkplaatsen-2028"
    made = db.session.scalar(select(Programme).where(Programme.slug == "werkplaatsen-2028"))
    assert (made.kind, made.status, made.fee_cents, made.vat_rate_bp, made.fee_per) == (
        ProgrammeKind.WERKPLAATS,
        ProgrammeStatus.DRAFT,
        125_050,
        900,
        FeeUnit.TRIO,
    )
    assert (made.exemption, made.capacity, made.min_participants, made.allocation) == (
        Exemption.MIDDELGROOT,
        20,
        8,
        Allocation.PRIORITY_AT_CLOSE,
    )
    assert made.registration_opens_at == local(2028, 1, 10, 9, 0)
    assert made.registration_deadline == local(2028, 3, 1, 23, 59)  # no time: end of the day
    assert (made.cancel_free_days, made.cancel_late_charge_bp) == (42, 5000)
    assert made.reminder_days == [14, 7, 1]
    assert client.get("/programmes/werkplaatsen-2028").status_code == 404  # a draft
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.table == "programme", AuditEntry.action == "insert")
    ).all()
    assert entry.actor.email == "org@example.nl"

    edit = client.get("/beheer/programmas/werkplaatsen-2028/bewerken")
    assert edit.status_code == 200
    for shown in ('value="1250,50"', 'value="9"', 'value="14, 7, 1"', 'value="2028-03-01"'):
        assert shown in edit.text
    assert 'name="slug"' not in edit.text  # the address never changes


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"fee": "twaalf euro"}, "fee", "Vul een bedrag in euro in, zoals 200,00."),
        ({"fee": "12,345"}, "fee", "Vul een bedrag in euro in, zoals 200,00."),
        ({"vat_rate": "eenentwintig"}, "vat_rate", 'Geef een btw-tarief zoals "21" of "9".'),
        ({"min_participants": "30"}, "min_participants", "Het minimum is hoger dan het maximum."),
        ({"slug": "Werkplaatsen 2028"}, "slug", "Gebruik kleine letters, cijfers en streepjes."),
        ({"deadline_day": "2027-12-31"}, "deadline_day", "sluit na het moment"),
        ({"reminder_days": "7, morgen"}, "reminder_days", "Geef hele dagen"),
        ({"reminder_days": "400"}, "reminder_days", "Kies dagen tussen 0 en 365."),
        ({"late_charge": "150"}, "late_charge", "Kies een percentage van 0 tot 100."),
        ({"title": ""}, "title", "Vul dit veld in."),
        ({"kind": "cursus"}, "kind", None),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_kept(
    client, db, organiser, changes, field_id, message
):
    page = client.get(NEW)
    form = new_programme_form(page.text, **changes)
    response = client.post(NEW, data=form)
    assert response.status_code == 422
    assert f'id="{field_id}-error"' in response.text
    if message:
        assert message.replace('"', "&#34;") in response.text or message in text_of(response)
    assert "Vier werkplaatsen voor trio" in response.text
    if "title" not in changes:
        assert 'value="Werkplaatsen wijkaanpak 2028"' in response.text
    if changes.get("fee"):
        assert f'value="{changes["fee"]}"' in response.text
    assert db.session.scalar(select(Programme.id)) is None


def test_a_slug_in_use_is_refused(client, db, organiser):
    factories.programme(slug="werkplaatsen-2028")
    db.session.commit()
    response = client.post(NEW, data=new_programme_form(client.get(NEW).text))
    assert response.status_code == 422
    assert "Er is al een programma met deze slug." in text_of(response)


def test_viewers_cannot_create_or_change_programmes(client, db):
    factories.account("kijker@example.nl", role=Role.VIEWER)
    course()
    db.session.commit()
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    assert client.get(NEW).status_code == 403
    assert client.get("/beheer/programmas/driedaagse/bewerken").status_code == 403
    assert client.get("/beheer/programmas/driedaagse/bijeenkomsten/nieuw").status_code == 403
    assert "Programma wijzigen" not in client.get("/beheer/programmas/driedaagse").text


def edit_form(client, programme: Programme) -> dict:
    """The edit form as the page fills it in."""
    page = client.get(f"/beheer/programmas/{programme.slug}/bewerken").text
    form = {"csrf_token": csrf_token(page)}
    form.update(
        title=programme.title,
        fee="1800,00",
        vat_rate="21",
        fee_per=programme.fee_per.value,
        middelgroot_free="no",
        capacity=str(programme.capacity or ""),
        allocation=programme.allocation.value,
        deadline_day="2099-09-16",
        deadline_time="23:59",
        cancel_free_days="42",
        late_charge="50",
        reminder_days="7, 1",
    )
    return form


def test_more_places_go_to_the_waiting_list_in_order_and_fewer_than_taken_is_refused(
    client, db, smtp, organiser
):
    programme = course()
    db.session.commit()
    states = [
        client.post(URL, json=individual(f"deelnemer{n}@example.nl")).json["state"]
        for n in range(6)
    ]
    assert states == ["confirmed"] * 3 + ["waitlisted"] * 3
    url = "/beheer/programmas/driedaagse/bewerken"

    too_few = client.post(url, data={**edit_form(client, programme), "capacity": "2"})
    assert too_few.status_code == 422
    assert "Er zijn al 3 plaatsen bezet; kies minstens 3." in text_of(too_few)
    assert 'value="2"' in too_few.text

    other_policy = {**edit_form(client, programme), "allocation": "priority_at_close"}
    refused = client.post(url, data=other_policy)
    assert refused.status_code == 422
    assert "de manier van plaatsen verdelen ligt nu vast" in text_of(refused)

    smtp.clear()
    response = client.post(
        url, data={**edit_form(client, programme), "capacity": "5", "fee": "2.000"}
    )
    assert response.status_code == 302
    assert "2 aanmeldingen van de wachtlijst kregen een plaats." in text_of(
        client.get(response.headers["Location"])
    )
    db.session.expire_all()
    by_email = {
        r.contact_person.email: r
        for r in db.session.scalars(select(Registration).order_by(Registration.id))
    }
    assert [by_email[f"deelnemer{n}@example.nl"].state.value for n in (3, 4, 5)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert programme.places_taken == 5 and programme.fee_cents == 200_000
    # Earlier registrations keep the fee of their moment; a new one pays the new fee.
    assert by_email["deelnemer3@example.nl"].fee_cents == 180_000
    assert subject(smtp.to("deelnemer3@example.nl")[0]).startswith("Plaats bevestigd")
    assert smtp.to("deelnemer5@example.nl") == []
    client.post(url, data={**edit_form(client, programme), "capacity": "20", "fee": "2000"})
    late = client.post(URL, json=individual("laat@example.nl")).json
    assert late["fee"]["amount_cents"] == 200_000


def test_an_organiser_moves_someone_up_from_the_waiting_list_when_a_place_is_free(
    client, db, smtp, organiser
):
    programme = course(capacity=1)
    db.session.commit()
    for n in range(3):
        client.post(URL, json=individual(f"deelnemer{n}@example.nl"))
    third = db.session.scalars(select(Registration).order_by(Registration.id)).all()[2]
    url = f"/beheer/aanmeldingen/{third.id}"
    full = client.get(url)
    assert "Van de wachtlijst plaatsen" not in text_of(full)  # no place free: not offered
    assert client.get(f"{url}/acties/promote").status_code == 302

    programme.capacity = 2  # raised outside the form: nobody is moved up by itself
    db.session.commit()
    smtp.clear()
    assert "Van de wachtlijst plaatsen" in text_of(client.get(url))
    page = client.get(f"{url}/acties/promote")
    assert "De aanmelding krijgt een plaats" in text_of(page)
    response = client.post(
        f"{url}/acties/promote", data={"csrf_token": csrf_token(page.text), "reason": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, third.id).state.value == "confirmed"
    assert subject(smtp.to("deelnemer2@example.nl")[0]).startswith("Plaats bevestigd")
    again = client.post(f"{url}/acties/promote", data={"csrf_token": csrf_token(page.text)})
    assert "Dat kan nu niet (meer)" in text_of(client.get(again.headers["Location"]))


def test_a_session_added_is_mailed_with_its_calendar_event_to_confirmed_participants(
    client, db, smtp, organiser
):
    programme = course()
    db.session.commit()
    client.post(URL, json=individual("fatima@rotterdam.nl"))
    url = "/beheer/programmas/driedaagse/bijeenkomsten/nieuw"
    page = client.get(url)
    form = {
        "csrf_token": csrf_token(page.text),
        "title": "Terugkomdag",
        "theme": "Wat werkte?",
        "day": "2100-02-02",
        "start": "13:00",
        "end": "12:00",
        "location_name": "Kaap Doorn",
    }
    bad = client.post(url, data=form)
    assert bad.status_code == 422
    assert 'id="end-error"' in bad.text and "De bijeenkomst eindigt na het begin." in bad.text
    assert 'value="Terugkomdag"' in bad.text
    smtp.clear()
    response = client.post(url, data={**form, "end": "17:00"})
    assert response.status_code == 302
    db.session.expire_all()
    added = programme.sessions[-1]
    assert added.title == "Terugkomdag"
    assert added.position > max(s.position for s in programme.sessions[:-1])
    assert added.starts_at.astimezone(AMSTERDAM) == dt.datetime(2100, 2, 2, 13, tzinfo=AMSTERDAM)
    [mail] = smtp.to("fatima@rotterdam.nl")
    assert subject(mail).startswith("Nieuwe bijeenkomst: ")
    [event] = attached_calendar(mail).events
    assert event.summary.endswith("Terugkomdag")
    feed = client.get(f"/agenda/{db.session.scalar(select(Registration.feed_token))}.ics").text
    assert "Terugkomdag" in feed


def test_the_programme_page_warns_while_a_programme_is_below_its_minimum(
    client, db, smtp, organiser
):
    course(min_participants=2)
    db.session.commit()
    client.post(URL, json=individual("deelnemer1@example.nl"))
    page = text_of(client.get("/beheer/programmas/driedaagse"))
    assert "Dit programma zit onder het minimum: 1 deelnemer, minstens 2 deelnemers nodig." in page
    client.post(URL, json=individual("deelnemer2@example.nl"))
    assert "onder het minimum" not in text_of(client.get("/beheer/programmas/driedaagse"))


def test_before_a_priority_allocation_the_minimum_counts_registrations(client, db, smtp, organiser):
    course(min_participants=2, allocation=Allocation.PRIORITY_AT_CLOSE)
    db.session.commit()
    client.post(URL, json=individual("deelnemer1@example.nl"))
    page = text_of(client.get("/beheer/programmas/driedaagse"))
    assert "Nog onder het minimum: 1 deelnemer aangemeld, minstens 2 deelnemers nodig." in page


def test_an_organiser_sets_the_contact_persons_shown_everywhere(client, db, organiser):
    course()
    db.session.commit()
    url = "/beheer/programmas/driedaagse/contactpersonen"
    page = client.get(url)
    form = {
        "csrf_token": csrf_token(page.text),
        "contacts-0-topic": "content",
        "contacts-0-name": "Cisca van Vieren",
        "contacts-0-phone": "06 21561175",
        "contacts-2-topic": "practical",
        "contacts-2-name": "Romy de Groot",
        "contacts-2-email": "romy@",
    }
    bad = client.post(url, data=form)
    assert bad.status_code == 422
    assert 'id="contacts-2-email-error"' in bad.text and 'value="Romy de Groot"' in bad.text
    saved = client.post(url, data={**form, "contacts-2-email": "romy@platform31.nl"})
    assert saved.status_code == 302
    programme = db.session.scalar(select(Programme).where(Programme.slug == "driedaagse"))
    assert [(c.topic.value, c.name, c.email, c.phone) for c in programme.contacts] == [
        ("content", "Cisca van Vieren", None, "06 21561175"),
        ("practical", "Romy de Groot", "romy@platform31.nl", None),
    ]
    public = text_of(client.get("/programmes/driedaagse"))
    assert "Cisca van Vieren" in public and "romy@platform31.nl" in public


def _participants(programme, count: int, start: int = 0) -> None:
    """``count`` confirmed individuals, written at once (the list's speed is not the intake's)."""
    from wijkwerk.extensions import db
    from wijkwerk.people.models import Person
    from wijkwerk.registrations.parts import MemberRole, RegistrationMember

    for n in range(start, start + count):
        person = Person(email=f"deelnemer{n}@example.nl", name=f"Deelnemer {n:03d} Çelik")
        registration = Registration(
            programme=programme, state=RegistrationState.CONFIRMED, fee_cents=0, exempt=False
        )
        registration.members.append(
            RegistrationMember(person=person, position=0, role=MemberRole.PARTICIPANT)
        )
        db.session.add(registration)
    db.session.flush()


def test_a_long_list_is_searched_filtered_and_paged_in_the_same_queries(client, db, organiser):
    from tests.test_backoffice_trios import counted_queries

    programme = course(capacity=None, fee_cents=0)
    _participants(programme, 250)
    db.session.commit()
    page_url = f"/beheer/programmas/{programme.slug}"
    first = client.get(page_url)
    said = text_of(first)
    assert "Regels 1–100 van 250" in said
    assert first.text.count('href="/beheer/aanmeldingen/') == 100
    assert 'aria-current="page"' in first.text and 'rel="next"' in first.text
    last = client.get(page_url, query_string={"pagina": "3"})
    assert "Regels 201–250 van 250" in text_of(last)
    assert last.text.count('href="/beheer/aanmeldingen/') == 50
    assert client.get(page_url, query_string={"pagina": "99999999"}).status_code == 200

    found = text_of(client.get(page_url, query_string={"q": "deelnemer 137 celik"}))
    assert "1 van 250 aanmeldingen." in found and "Deelnemer 137 Çelik" in found
    by_mail = text_of(client.get(page_url, query_string={"q": "DEELNEMER42@example.nl"}))
    assert "1 van 250 aanmeldingen." in by_mail
    none = text_of(client.get(page_url, query_string={"q": "niemand"}))
    assert "Geen aanmeldingen met deze filters." in none
    # the pages keep the filters
    cancelled = client.get(page_url, query_string={"status": "confirmed"})
    assert "status=confirmed" in cancelled.text and "pagina=2" in cancelled.text

    counts = []
    for pagina in ("1", "3"):
        with counted_queries(db.engine) as statements:
            client.get(page_url, query_string={"pagina": pagina, "q": "çelik"})
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_invoice_list_is_searched_by_number_buyer_and_reference(client, db, organiser):
    course(capacity=5)
    db.session.commit()
    for email in ("a@example.nl", "b@example.nl"):
        client.post(URL, json=individual(email))
    body = individual("c@example.nl")
    body["billing"]["organisation"] = "Gemeente Ğroningen"
    client.post(URL, json=body)
    shown = text_of(client.get("/beheer/facturen", query_string={"toon": "all", "q": "groningen"}))
    assert "1 factuur, samen € 2.178,00 incl. btw" in shown and "Gemeente Ğroningen" in shown
    everything = text_of(client.get("/beheer/facturen", query_string={"toon": "all"}))
    assert "3 facturen" in everything


def test_a_page_past_the_end_is_the_last_and_nonsense_is_the_first():
    from wijkwerk.backoffice.queries import page_of

    rows = list(range(250))
    assert (page_of(rows, "1").first, page_of(rows, "1").last, page_of(rows, "1").pages) == (
        1,
        100,
        3,
    )
    assert page_of(rows, "3").rows == list(range(200, 250))
    assert page_of(rows, "99999").number == 3 and page_of(rows, "-1").number == 1
    assert page_of(rows, "x").number == 1 and page_of([], "2").rows == []
