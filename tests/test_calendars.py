"""Sessions land in Outlook, Google and Apple calendars correctly and stay correct: the files are
read back with an independent parser (``ical``), UIDs stay, SEQUENCE rises, cancelled says so."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar as WrittenCalendar

from tests import factories, trio_helpers
from tests.calendar_helpers import attached_calendar, parse
from tests.conftest import csrf_token, end_unit_of_work, log_in
from tests.trio_helpers import plain, subject, trio
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.programmes.models import ContactTopic, ProgrammeContact, ProgrammeStatus
from wijkwerk.registrations import approval
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import AMSTERDAM, local
from wijkwerk.werkplaatsen import services as trios

MEMBERS = ("anna@schiedam.nl", "bram@schiedam.nl", "chantal@schiedam.nl")


@pytest.fixture
def series(db):
    """Werkplaatsen with a summer and a winter session, contacts, and a confirmed trio."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    first = programme.sessions[0]
    first.theme, first.outcome, first.practical = "Positionering", "Een eigen positie", "Lunch"
    first.location_name, first.location_address = "Stadhuis", "Stadserf 1, Schiedam"
    factories.session(programme, day=(2100, 1, 14), title="Werkplaats 2")
    programme.contacts.append(
        ProgrammeContact(topic=ContactTopic.CONTENT, name="Cisca", phone="06 21561175")
    )
    programme.contacts.append(
        ProgrammeContact(topic=ContactTopic.PRACTICAL, name="Romy", email="romy@example.nl")
    )
    db.session.commit()
    return programme


@pytest.fixture
def confirmed(db, series, smtp):
    registration = trios.register_trio(series, trio()).registration
    approval.approve(registration)
    end_unit_of_work()
    return registration


def test_the_programme_calendar_holds_every_session_as_an_independent_parser_reads_it(
    client, series
):
    response = client.get("/programmes/werkplaatsen/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.data)
    assert [e.uid for e in calendar.events] == [s.uid for s in series.sessions]
    summer, winter = calendar.events
    assert summer.dtstart == local(2099, 10, 13, 13, 0)  # 11:00 UTC in summer time
    assert summer.dtstart.utcoffset() == dt.timedelta(hours=2)
    assert winter.dtstart == local(2100, 1, 14, 13, 0)  # 12:00 UTC in winter
    assert winter.dtstart.utcoffset() == dt.timedelta(hours=1)
    assert summer.dtend == local(2099, 10, 13, 17, 0)
    assert summer.summary == "Werkplaatsen wijkgericht werken: Werkplaats 1"
    assert summer.location == "Stadhuis, Stadserf 1, Schiedam"
    for text in (
        "Werkplaatsen wijkgericht werken",
        "Thema: Positionering",
        "Wat levert het op: Een eigen positie",
        "Praktisch: Lunch",
        "Inhoudelijke vragen: Cisca (06 21561175)",
        "Praktische vragen: Romy (romy@example.nl)",
    ):
        assert text in summer.description
    assert summer.organizer.uri == "mailto:noreply@wijkwerk.localhost"
    assert summer.url == "http://wijkwerk.test/programmes/werkplaatsen"
    assert summer.sequence == 0 and summer.status.value == "CONFIRMED"
    assert summer.dtstamp is not None

    written = WrittenCalendar.from_ical(response.data)
    assert written["METHOD"] == "PUBLISH"
    [zone] = written.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Amsterdam"
    rules = sorted(str(c["RRULE"].to_ical().decode()) for c in zone.subcomponents)
    assert rules == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]


def test_one_session_as_a_file_and_404_for_what_does_not_exist(client, db, series):
    session = series.sessions[0]
    response = client.get(f"/programmes/werkplaatsen/sessions/{session.id}.ics")
    [event] = parse(response.data).events
    assert event.uid == session.uid
    other = factories.programme(slug="ander")
    stranger = factories.session(other)
    db.session.commit()
    assert client.get(f"/programmes/werkplaatsen/sessions/{stranger.id}.ics").status_code == 404
    assert client.get("/programmes/werkplaatsen/sessions/999999.ics").status_code == 404
    assert client.get("/programmes/bestaat-niet/calendar.ics").status_code == 404
    series.status = ProgrammeStatus.DRAFT
    db.session.commit()
    assert client.get("/programmes/werkplaatsen/calendar.ics").status_code == 404


def test_the_personal_feed_holds_the_sessions_of_a_confirmed_registration_only(
    client, db, series, confirmed
):
    feed = f"/agenda/{confirmed.feed_token}.ics"
    assert len(parse(client.get(feed).data).events) == 2
    assert client.get("/agenda/geheim-maar-fout.ics").status_code == 404
    waiting = trios.register_trio(series, trio("GM0363", "amsterdam.nl")).registration
    db.session.commit()
    assert parse(client.get(f"/agenda/{waiting.feed_token}.ics").data).events == []


def test_a_renewed_feed_link_revokes_the_old_one(client, db, confirmed):
    old = confirmed.feed_token
    page = client.get(f"/aanmelding/{confirmed.manage_token}")
    assert f"webcal://wijkwerk.test/agenda/{old}.ics" in page.text
    response = client.post(
        f"/aanmelding/{confirmed.manage_token}/agenda-link",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Registration, confirmed.id).feed_token
    assert new != old
    assert client.get(f"/agenda/{old}.ics").status_code == 404
    assert client.get(f"/agenda/{new}.ics").status_code == 200


def test_the_confirmation_mail_carries_the_sessions_and_the_feed(smtp, confirmed):
    [mail] = [m for m in smtp.to("anna@schiedam.nl") if subject(m).startswith("Plaats bevestigd")]
    calendar = attached_calendar(mail)
    assert len(calendar.events) == 2
    assert f"webcal://wijkwerk.test/agenda/{confirmed.feed_token}.ics" in plain(mail)


@pytest.fixture
def token(db):
    account = factories.account("org@example.nl")
    db.session.commit()
    value = create_api_token(account)
    db.session.commit()
    return value


def patch(client, session_id, body, token):
    return client.patch(
        f"/api/v1/sessions/{session_id}", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_moving_a_session_keeps_its_uid_raises_sequence_and_tells_each_participant_once(
    client, db, smtp, series, confirmed, token
):
    session = series.sessions[0]
    uid = session.uid
    smtp.clear()
    response = patch(
        client,
        session.id,
        {"starts_at": "2099-10-20T14:00:00+02:00", "reason": "De zaal is bezet."},
        token,
    )
    assert response.status_code == 200, response.json
    assert response.json["sequence"] == 1 and response.json["uid"] == uid
    assert response.json["ends_at"] == "2099-10-20T16:00:00+00:00"  # kept its four hours
    for member in MEMBERS:
        [mail] = smtp.to(member)
        assert subject(mail) == "Gewijzigd: Werkplaatsen wijkgericht werken, Werkplaats 1"
        text = plain(mail)
        body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "is gewijzigd.\nWas: dinsdag 13 oktober 2099, 13:00–17:00" in body
        assert "Nu: dinsdag 20 oktober 2099, 14:00–18:00" in text
        assert "De zaal is bezet." in text
        [event] = attached_calendar(mail).events
        assert (event.uid, event.sequence) == (uid, 1)
        assert event.dtstart == local(2099, 10, 20, 14, 0)
    [event] = [
        e
        for e in parse(client.get(f"/agenda/{confirmed.feed_token}.ics").data).events
        if e.uid == uid
    ]
    assert event.sequence == 1 and event.dtstart == local(2099, 10, 20, 14, 0)

    smtp.clear()
    response = patch(client, session.id, {"status": "cancelled"}, token)
    assert response.json["sequence"] == 2 and response.json["status"] == "cancelled"
    for member in MEMBERS:
        [mail] = smtp.to(member)
        assert subject(mail).startswith("Gaat niet door")
        [event] = attached_calendar(mail).events
        assert (event.uid, event.sequence, event.status.value) == (uid, 2, "CANCELLED")

    smtp.clear()
    same = patch(client, session.id, {"status": "cancelled"}, token)  # nothing changes
    assert same.json["sequence"] == 2 and smtp.messages == []


def test_only_confirmed_participants_are_told(client, db, smtp, series, confirmed, token):
    trios.register_trio(series, trio("GM0363", "amsterdam.nl"))  # awaiting approval
    end_unit_of_work()
    smtp.clear()
    patch(
        client, series.sessions[0].id, {"location": {"name": "Theater", "address": "Dam 1"}}, token
    )
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted(MEMBERS)
    assert "Nieuwe locatie: Theater, Dam 1" in plain(smtp.to("anna@schiedam.nl")[0])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": "morgen"}, "starts_at"),
        ({"starts_at": "2099-10-13T13:00:00"}, "starts_at"),  # no offset
        ({"ends_at": "2099-10-13T08:00:00+02:00"}, "ends_at"),  # before the start
        ({"status": "misschien"}, "status"),
        ({"location": "ergens"}, "location"),
    ],
)
def test_a_bad_change_is_a_422_and_changes_nothing(client, db, series, token, body, field):
    session = series.sessions[0]
    response = patch(client, session.id, body, token)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]
    db.session.expire_all()
    assert db.session.get(type(session), session.id).sequence == 0


def test_changing_a_session_needs_a_writing_organiser(client, db, series):
    session_id = series.sessions[0].id
    body = {"status": "cancelled"}
    assert client.patch(f"/api/v1/sessions/{session_id}", json=body).status_code == 401
    viewer = factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    viewer_token = create_api_token(viewer)
    db.session.commit()
    assert patch(client, session_id, body, viewer_token).status_code == 403
    organiser_token = create_api_token(factories.account())
    db.session.commit()
    assert patch(client, 999999, body, organiser_token).status_code == 404


def test_organisers_move_a_session_in_the_back_office(client, db, smtp, series, confirmed):
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    session = series.sessions[0]
    url = f"/beheer/bijeenkomsten/{session.id}"
    page = client.get(url)
    assert 'value="2099-10-13"' in page.text and 'value="13:00"' in page.text
    smtp.clear()
    form = {
        "csrf_token": csrf_token(page.text),
        "title": session.title,
        "day": "2099-10-13",
        "start": "13:00",
        "end": "12:00",
        "location_name": "Stadhuis",
        "location_address": "Stadserf 1, Schiedam",
        "status": "scheduled",
    }
    bad = client.post(url, data=form)
    assert bad.status_code == 422 and "De bijeenkomst eindigt na het begin." in bad.text
    response = client.post(url, data={**form, "end": "16:30", "reason": "Korter"})
    assert response.status_code == 302
    assert "3 deelnemers krijgen bericht" in client.get(response.headers["Location"]).text
    db.session.expire_all()
    moved = db.session.get(type(session), session.id)
    assert moved.ends_at.astimezone(AMSTERDAM).time() == dt.time(16, 30)
    assert moved.sequence == 1
    assert len(smtp.messages) == 3

    # Only what it is about: calendars update (a higher SEQUENCE), nobody gets a mail.
    smtp.clear()
    details = {**form, "end": "16:30", "title": "Werkplaats 1: de wijk als vertrekpunt"}
    response = client.post(url, data={**details, "theme": "Samen met bewoners"})
    assert response.status_code == 302
    assert "werken zich bij" in client.get(response.headers["Location"]).text
    db.session.expire_all()
    renamed = db.session.get(type(session), session.id)
    assert (renamed.title, renamed.theme, renamed.sequence) == (
        "Werkplaats 1: de wijk als vertrekpunt",
        "Samen met bewoners",
        2,
    )
    [event] = parse(client.get(f"/programmes/{series.slug}/sessions/{session.id}.ics").data).events
    assert event.summary.endswith("Werkplaats 1: de wijk als vertrekpunt")
    assert event.sequence == 2
    assert smtp.messages == []
    no_title = client.post(url, data={**details, "title": ""})
    assert no_title.status_code == 422
    assert 'value="2099-10-13"' in no_title.text and "Samen met bewoners" in no_title.text


def test_a_session_that_goes_ahead_after_all_says_so_on_its_own_line(
    client, db, smtp, series, confirmed, token
):
    session = series.sessions[0]
    assert patch(client, session.id, {"status": "cancelled"}, token).status_code == 200
    smtp.clear()
    assert patch(client, session.id, {"status": "scheduled"}, token).status_code == 200
    [mail] = smtp.to(MEMBERS[0])
    body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "is gewijzigd.\nZe gaat toch door." in body
