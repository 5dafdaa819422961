"""The Kennisprogramma end to end: organisers admit cities (back-office and API); a city's contact
names two or three people per theme meeting (more refused, fewer flagged at the deadline to the
city and the organisers); hosts and presenters per meeting; wijkanalyses shared with the cities;
attendance per meeting per city in the matrix. Mail is read from the SMTP server."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from tests import factories, trio_helpers
from tests.calendar_helpers import attached_calendar
from tests.conftest import csrf_token, log_in
from tests.test_pages import text_of
from tests.trio_helpers import plain, subject
from tests.wijklab_helpers import pdf_bytes
from wijkwerk.accounts.models import Account
from wijkwerk.accounts.services import create_api_token
from wijkwerk.calendars.changes import participants
from wijkwerk.jobs import run_due_jobs
from wijkwerk.kennis.models import CityParticipation, KennisMeeting
from wijkwerk.programmes.models import Allocation, FeeUnit, ProgrammeKind
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local

SLUG = "kennisprogramma"
API = f"/api/v1/programmes/{SLUG}/registrations"


@pytest.fixture
def programme(db):
    trio_helpers.load_municipalities()
    found = factories.programme(
        slug=SLUG,
        kind=ProgrammeKind.KENNISPROGRAMMA,
        title="Kennisprogramma wijkaanpak",
        fee_cents=0,
        fee_per=FeeUnit.CITY,
        capacity=12,
        min_participants=None,
        allocation=Allocation.FIRST_COME,
    )
    for n, (month, theme) in enumerate(
        [(12, "Slim koppelen van opgaven"), (2, "Nieuwe partijen")], start=1
    ):
        factories.session(
            found,
            day=(2099 if month == 12 else 2100, month, 8),
            start=(10, 0),
            end=(16, 0),
            title=f"Themabijeenkomst {n}",
            theme=theme,
        )
    factories.account("org@example.nl")
    db.session.commit()
    return found


def city(code="GM0606", wijk="Oost", email="contact@schiedam.nl", **changes) -> dict:
    body = {
        "municipality": code,
        "wijk": wijk,
        "contact": {"name": "Noor Visser", "email": email, "function": "Wijkregisseur"},
    }
    body.update(changes)
    return body


def token(db) -> str:
    organiser = db.session.scalar(select(Account).where(Account.email == "org@example.nl"))
    made = create_api_token(organiser)
    db.session.commit()
    return made


def auth(db) -> dict:
    return {"Authorization": f"Bearer {token(db)}"}


def admitted(client, db, **changes) -> Registration:
    response = client.post(API, json=city(**changes), headers=auth(db))
    assert response.status_code == 201, response.json
    return db.session.get(Registration, response.json["id"])


PEOPLE = [
    {
        "name": "Bram Jansen",
        "email": "bram@schiedam.nl",
        "organisation": "Gemeente Schiedam",
        "discipline": "wijkregie",
    },
    {
        "name": "Fenna Mol",
        "email": "fenna@woonplus.nl",
        "organisation": "Woonplus",
        "discipline": "wonen",
    },
    {
        "name": "Joost Kok",
        "email": "joost@welzijn.nl",
        "organisation": "Welzijn Schiedam",
        "discipline": "sociaal werk",
    },
    {
        "name": "Iris Bos",
        "email": "iris@politie.nl",
        "organisation": "Politie",
        "discipline": "veiligheid",
    },
]


def test_only_organisers_admit_a_city_and_its_contact_gets_the_meetings(
    client, db, smtp, programme
):
    assert client.post(API, json=city()).status_code == 401
    response = client.post(API, json=city(), headers=auth(db))
    assert response.status_code == 201 and response.json["state"] == "confirmed"
    [mail] = smtp.to("contact@schiedam.nl")
    assert subject(mail).startswith("Uw stad of regio neemt deel")
    assert len(attached_calendar(mail).events) == 2
    again = client.post(API, json=city(), headers=auth(db))
    assert [e["code"] for e in again.json["errors"]] == ["already_registered"]
    bad = client.post(API, json=city(code="GM9999", wijk=""), headers=auth(db))
    assert {(e["code"], e["field"]) for e in bad.json["errors"]} == {
        ("unknown_municipality", "municipality"),
        ("required", "wijk"),
    }
    listed = client.get(f"/api/v1/programmes/{SLUG}/cities", headers=auth(db)).json
    assert [(c["name"], c["wijk"]) for c in listed] == [("Schiedam", "Oost")]


def test_a_city_names_two_or_three_people_per_meeting_on_its_page(client, db, smtp, programme):
    registration = admitted(client, db)
    first, second = programme.sessions
    smtp.clear()
    page = client.get(f"/aanmelding/{registration.manage_token}")
    assert "Nog niemand opgegeven." in text_of(page)
    url = f"/aanmelding/{registration.manage_token}/deelnemers/{first.id}"
    form_page = client.get(url)
    assert "alleen om de bijeenkomst te organiseren" in text_of(form_page)  # the purpose
    data = {"csrf_token": csrf_token(form_page.text)}
    for i, person in enumerate(PEOPLE[:2]):
        for key, value in person.items():
            data[f"delegates-{i}-{key}"] = value
    # A row left out in the middle, a bad address in the third: shown at that row, kept.
    data.update(
        {
            "delegates-2-name": "Joost Kok",
            "delegates-2-email": "joost@",
            "delegates-2-organisation": "Welzijn",
            "delegates-2-discipline": "sociaal werk",
        }
    )
    bad = client.post(url, data=data)
    assert bad.status_code == 422
    assert 'id="delegates-2-email-error"' in bad.text and 'value="Fenna Mol"' in bad.text
    data["delegates-2-email"] = "joost@welzijn.nl"
    saved = client.post(url, data=data)
    assert saved.status_code == 302
    names = {m.person.email for m in registration.members if m.session_id == first.id}
    assert names == {"bram@schiedam.nl", "fenna@woonplus.nl", "joost@welzijn.nl"}
    for email in names:
        [mail] = smtp.to(email)
        assert subject(mail).startswith("Aangemeld: Kennisprogramma wijkaanpak, Themabijeenkomst 1")
        [event] = attached_calendar(mail).events
        assert event.summary.endswith("Themabijeenkomst 1")

    # Changing who comes: one is replaced; only the new person is mailed.
    smtp.clear()
    data.update({f"delegates-2-{k}": v for k, v in PEOPLE[3].items()})
    client.post(url, data={**data, "csrf_token": csrf_token(client.get(url).text)})
    db.session.expire_all()
    names = {
        m.person.email
        for m in db.session.get(Registration, registration.id).members
        if m.session_id == first.id
    }
    assert names == {"bram@schiedam.nl", "fenna@woonplus.nl", "iris@politie.nl"}
    assert [rcpts for rcpts, _m in smtp.messages] == [["iris@politie.nl"]]
    # The city's feed keeps every meeting; each person gets only their own.
    feed = client.get(f"/agenda/{registration.feed_token}.ics").text
    assert "Themabijeenkomst 1" in feed and "Themabijeenkomst 2" in feed
    expected_first = {person.email for _r, person in participants(first)}
    assert expected_first == {"bram@schiedam.nl", "fenna@woonplus.nl", "iris@politie.nl"}
    # Nobody named yet for the second meeting: the contact hears about it.
    assert [person.email for _r, person in participants(second)] == ["contact@schiedam.nl"]


def test_more_than_three_is_refused_and_fewer_than_two_is_a_warning(client, db, smtp, programme):
    registration = admitted(client, db)
    session = programme.sessions[0]
    url = f"/api/v1/registrations/{registration.id}/sessions/{session.id}/delegates"
    four = client.put(url, json={"delegates": PEOPLE}, headers=auth(db))
    assert four.status_code == 422
    assert [(e["code"], e["field"]) for e in four.json["errors"]] == [
        ("too_many_delegates", "delegates")
    ]
    assert not [m for m in registration.members if m.session_id == session.id]
    twice = client.put(url, json={"delegates": [PEOPLE[0], PEOPLE[0]]}, headers=auth(db))
    assert [(e["code"], e["field"]) for e in twice.json["errors"]] == [
        ("duplicate_member", "delegates[1].email")
    ]
    one = client.put(url, json={"delegates": [PEOPLE[0]]}, headers=auth(db))
    assert one.status_code == 200
    assert [w["code"] for w in one.json["warnings"]] == ["too_few_delegates"]
    same = dict(PEOPLE[1], organisation="Gemeente Schiedam", discipline="wijkregie")
    alike = client.put(url, json={"delegates": [PEOPLE[0], same]}, headers=auth(db))
    assert [w["code"] for w in alike.json["warnings"]] == ["same_organisation"]
    assert [d["email"] for d in alike.json["delegates"]] == [
        "bram@schiedam.nl",
        "fenna@woonplus.nl",
    ]


def test_at_the_deadline_cities_short_of_people_are_flagged_once(client, db, smtp, programme):
    admitted(client, db)
    almere = admitted(client, db, code="GM0034", wijk="Haven", email="contact@almere.nl")
    first = programme.sessions[0]
    url = f"/api/v1/registrations/{almere.id}/sessions/{first.id}/delegates"
    assert client.put(url, json={"delegates": PEOPLE[:2]}, headers=auth(db)).status_code == 200
    smtp.clear()
    with frozen_at(local(2099, 11, 30, 12)):  # nine days before: no deadline yet
        run_due_jobs(local(2099, 11, 30, 12))
    assert smtp.messages == []
    with frozen_at(local(2099, 12, 2, 12)):  # six days before: past the week
        report = run_due_jobs(local(2099, 12, 2, 12))
        run_due_jobs(local(2099, 12, 2, 13))  # a second run tells nobody again
    assert report.duties["delegates_flagged"] == 2
    assert "2 meldingen over te weinig deelnemers" in report.summary()
    [to_city] = [m for m in smtp.to("contact@schiedam.nl") if "Te weinig" in subject(m)]
    assert "Schiedam 0 deelnemers opgegeven" in plain(to_city)
    [to_organiser] = smtp.to("org@example.nl")
    assert "- Schiedam: 0" in plain(to_organiser) and "Almere" not in plain(to_organiser)
    assert not [m for m in smtp.to("contact@almere.nl") if "Te weinig" in subject(m)]


def test_a_meeting_is_hosted_in_a_participating_wijk_with_three_or_four_presenting(
    client, db, smtp, programme
):
    cities = [
        admitted(client, db, code=code, wijk=wijk, email=f"contact@{code.lower()}.nl")
        for code, wijk in [
            ("GM0606", "Oost"),
            ("GM0034", "Haven"),
            ("GM0307", "Kruiskamp"),
            ("GM0344", "Overvecht"),
            ("GM0141", "Kerkelanden"),
        ]
    ]
    session = programme.sessions[0]
    url = f"/api/v1/sessions/{session.id}/meeting"
    ids = [c.id for c in cities]
    five = client.put(url, json={"host": ids[0], "presenters": ids}, headers=auth(db))
    assert five.status_code == 422 and five.json["errors"][0]["field"] == "presenters"
    smtp.clear()
    two = client.put(url, json={"host": ids[0], "presenters": ids[1:3]}, headers=auth(db))
    assert two.status_code == 200
    assert [w["code"] for w in two.json["warnings"]] == ["too_few_presenters"]
    assert two.json["session"]["location"]["name"] == "Oost, Schiedam"
    assert len(smtp.messages) == 5  # every city's contact: the meeting has a place now
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/kennis/bijeenkomsten/{session.id}")
    tampered = client.post(
        f"/beheer/kennis/bijeenkomsten/{session.id}",
        data={"csrf_token": csrf_token(page.text), "host": "999999", "presenters": ["x"]},
    )
    assert tampered.status_code == 422 and 'id="host-error"' in tampered.text
    too_late = client.post(
        f"/beheer/kennis/bijeenkomsten/{session.id}",
        data={"csrf_token": csrf_token(page.text), "host": "", "deadline_day": "2100-01-01"},
    )
    assert too_late.status_code == 422 and 'id="deadline_day-error"' in too_late.text
    response = client.post(
        f"/beheer/kennis/bijeenkomsten/{session.id}",
        data={
            "csrf_token": csrf_token(page.text),
            "host": str(ids[1]),
            "presenters": [str(i) for i in ids[:4]],
            "deadline_day": "2099-11-20",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(KennisMeeting, session.id)
    assert meeting.host_registration_id == ids[1]
    assert sorted(p.registration_id for p in meeting.presenters) == sorted(ids[:4])
    assert meeting.naming_deadline == local(2099, 11, 20, 23, 59)


def test_wijkanalyses_are_shared_with_the_participating_cities_only(client, db, smtp, programme):
    schiedam = admitted(client, db)
    almere = admitted(client, db, code="GM0034", wijk="Haven", email="contact@almere.nl")
    log_in(client, "org@example.nl", factories.PASSWORD)
    overview = client.get(f"/beheer/kennis/{SLUG}")
    assert overview.status_code == 200 and "Haven" in overview.text
    city_row = db.session.scalar(
        select(CityParticipation).where(CityParticipation.registration_id == schiedam.id)
    )
    not_a_document = client.post(
        f"/beheer/kennis/steden/{city_row.id}/wijkanalyse",
        data={
            "csrf_token": csrf_token(overview.text),
            "document": (io.BytesIO(b"<script>alert(1)</script>"), "wijkanalyse.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert not_a_document.status_code == 422
    assert f'id="wijkanalyse-{city_row.id}-error"' in not_a_document.text
    assert "Kies een PDF" in text_of(not_a_document)
    upload = client.post(
        f"/beheer/kennis/steden/{city_row.id}/wijkanalyse",
        data={
            "csrf_token": csrf_token(overview.text),
            "document": (io.BytesIO(pdf_bytes()), "wijkanalyse oost.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    page = client.get(f"/aanmelding/{almere.manage_token}")
    assert "Oost (Schiedam)" in text_of(page)
    anonymous = client.application.test_client()
    got = anonymous.get(f"/aanmelding/{almere.manage_token}/wijkanalyses/{city_row.id}")
    assert got.status_code == 200 and got.data == pdf_bytes()
    assert got.headers["Content-Disposition"] == 'attachment; filename="wijkanalyse oost.pdf"'
    assert anonymous.get(f"/aanmelding/nope/wijkanalyses/{city_row.id}").status_code == 404
    # A person Almere named for a meeting reads them through the link in their mail.
    url = f"/api/v1/registrations/{almere.id}/sessions/{programme.sessions[0].id}/delegates"
    assert client.put(url, json={"delegates": PEOPLE[:2]}, headers=auth(db)).status_code == 200
    [named] = smtp.to("bram@schiedam.nl")
    link = re.search(r"https?://\S+/kennis/deelnemer/\S+", plain(named))[0]
    path = "/" + link.split("/", 3)[3]
    listing = anonymous.get(path)
    assert listing.status_code == 200 and "Oost (Schiedam)" in text_of(listing)
    assert anonymous.get(f"{path}/wijkanalyses/{city_row.id}").data == pdf_bytes()
    assert anonymous.get(f"{path}x/wijkanalyses/{city_row.id}").status_code == 404
    # A cancelled city no longer reads them.
    almere_row = db.session.get(Registration, almere.id)
    from wijkwerk.registrations import lifecycle

    lifecycle.cancel(almere_row)
    db.session.commit()
    assert (
        anonymous.get(f"/aanmelding/{almere.manage_token}/wijkanalyses/{city_row.id}").status_code
        == 404
    )
    assert anonymous.get(path).status_code == 404


def test_the_organiser_admits_a_city_in_the_back_office_and_names_people_for_it(
    client, db, smtp, programme
):
    log_in(client, "org@example.nl", factories.PASSWORD)
    overview = client.get(f"/beheer/kennis/{SLUG}")
    bad = client.post(
        f"/beheer/kennis/{SLUG}/steden",
        data={
            "csrf_token": csrf_token(overview.text),
            "municipality": "GM0606",
            "wijk": "",
            "contact-name": "Noor Visser",
            "contact-email": "contact@schiedam.nl",
        },
    )
    assert (
        bad.status_code == 422
        and 'id="wijk-error"' in bad.text
        and 'value="Noor Visser"' in bad.text
    )
    made = client.post(
        f"/beheer/kennis/{SLUG}/steden",
        data={
            "csrf_token": csrf_token(overview.text),
            "municipality": "GM0606",
            "wijk": "Oost",
            "contact-name": "Noor Visser",
            "contact-email": "contact@schiedam.nl",
        },
    )
    assert made.status_code == 302
    registration = db.session.scalar(select(Registration))
    session = programme.sessions[1]
    url = f"/beheer/aanmeldingen/{registration.id}/deelnemers/{session.id}"
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text)}
    for key, value in PEOPLE[0].items():
        data[f"delegates-0-{key}"] = value
    response = client.post(url, data=data)
    assert response.status_code == 302
    text = text_of(client.get(response.headers["Location"]))
    assert "Bram Jansen" in text and "twee of drie mensen" in text  # the warning
    assert smtp.to("bram@schiedam.nl")


def test_attendance_is_kept_per_meeting_per_city(client, db, smtp, programme):
    schiedam = admitted(client, db)
    almere = admitted(client, db, code="GM0034", wijk="Haven", email="contact@almere.nl")
    first, second = programme.sessions
    for registration, people in ((schiedam, PEOPLE[:2]), (almere, PEOPLE[2:])):
        url = f"/api/v1/registrations/{registration.id}/sessions/{first.id}/delegates"
        assert client.put(url, json={"delegates": people}, headers=auth(db)).status_code == 200
    marks = {
        "records": [
            {"email": "bram@schiedam.nl", "status": "present", "substitute": None},
            {"email": "fenna@woonplus.nl", "status": "excused", "substitute": None},
            {"email": "joost@welzijn.nl", "status": "present", "substitute": None},
            {"email": "iris@politie.nl", "status": "present", "substitute": None},
        ]
    }
    with frozen_at(first.starts_at):  # marked on the day
        put = client.put(f"/api/v1/sessions/{first.id}/attendance", json=marks, headers=auth(db))
    assert put.status_code == 200, put.json
    # Someone named for the first meeting is not expected at the second.
    wrong = client.put(
        f"/api/v1/sessions/{second.id}/attendance",
        json={"records": [marks["records"][0]], "early": True},
        headers=auth(db),
    )
    assert [e["code"] for e in wrong.json["errors"]] == ["unknown_person"]
    matrix = client.get(f"/api/v1/programmes/{SLUG}/attendance", headers=auth(db)).json
    groups = {g["name"]: (g["present"], g["expected"]) for g in matrix["groups"]}
    assert groups == {"Schiedam": (1, 2), "Almere": (2, 2)}


def test_a_city_that_named_people_only_for_a_later_meeting_takes_part_from_the_first(
    client, db, smtp, programme
):
    """Which sessions a registration attends is decided once (the kind registry's ``attends``):
    the calendar and the start of the cancellation terms agree, also for a city that named its
    people only for the second meeting."""
    from wijkwerk.registrations import terms
    from wijkwerk.registrations.sessions import sessions_of

    registration = admitted(client, db)
    first, second = programme.sessions
    url = f"/api/v1/registrations/{registration.id}/sessions/{second.id}/delegates"
    assert client.put(url, json={"delegates": PEOPLE[:2]}, headers=auth(db)).status_code == 200
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert [m.session_id for m in registration.members if m.session_id] == [second.id] * 2
    assert [s.id for s in sessions_of(registration)] == [first.id, second.id]
    assert terms.starts_at(registration) == first.starts_at


def test_a_delegate_sees_the_participation_but_names_no_substitute(client, db, smtp, programme):
    """A city's people are named per meeting by its contact: a delegate's own page (a member's
    link, docs/registrants.md) shows the participation but offers no substitute."""
    registration = admitted(client, db)
    first = programme.sessions[0]
    url = f"/aanmelding/{registration.manage_token}/deelnemers/{first.id}"
    form_page = client.get(url)
    data = {"csrf_token": csrf_token(form_page.text)}
    for i, person in enumerate(PEOPLE[:2]):
        data |= {f"delegates-{i}-{key}": value for key, value in person.items()}
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    member = next(m for m in db.session.get(Registration, registration.id).members)
    page = client.get(f"/deelname/{member.access_token}")
    assert page.status_code == 200
    assert "Geef een vervanger op" not in page.text and "/vervanger" not in page.text
    refused = client.post(
        f"/deelname/{member.access_token}/vervanger",
        data={
            "csrf_token": csrf_token(page.text),
            "substitute-name": "Iemand Anders",
            "substitute-email": "iemand@schiedam.nl",
            "substitute-function": "beleid",
        },
    )
    assert refused.status_code == 422
    assert "geeft de contactpersoon de deelnemers op" in refused.text


def test_the_dashboard_lists_cities_short_of_people_before_the_naming_deadline(
    client, db, smtp, programme
):
    admitted(client, db)
    almere = admitted(client, db, code="GM0034", wijk="Haven", email="contact@almere.nl")
    first = programme.sessions[0]
    url = f"/api/v1/registrations/{almere.id}/sessions/{first.id}/delegates"
    assert client.put(url, json={"delegates": PEOPLE[:2]}, headers=auth(db)).status_code == 200
    log_in(client, "org@example.nl", factories.PASSWORD)
    with frozen_at(local(2099, 11, 1, 12)):  # a month before the meeting: not yet
        assert "deelnemers opgegeven" not in text_of(client.get("/beheer/"))
    with frozen_at(local(2099, 11, 20, 12)):  # the deadline (1 December) is near
        page = client.get("/beheer/")
    said = text_of(page)
    assert (
        "Themabijeenkomst 1 (8 december 2099): Schiedam heeft nog geen twee deelnemers "
        "opgegeven; de termijn is dinsdag 1 december 2099, 10:00." in said
    ), said
    assert f'href="/beheer/kennis/{programme.slug}"' in page.text
