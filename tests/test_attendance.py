"""Attendance per session through the API (docs/api.md): marks with substitutes, an unknown person
refuses the whole request, double taps leave one mark, and the matrix with totals as JSON and CSV."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import factories, trio_helpers
from tests.conftest import csrf_token, end_unit_of_work, log_in
from tests.course_helpers import course, individual
from tests.test_backoffice_trios import counted_queries
from tests.test_pages import text_of
from tests.test_races import race
from tests.trio_helpers import trio
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.attendance import services as attendance
from wijkwerk.attendance.models import Attendance
from wijkwerk.driedaagse import services as individuals
from wijkwerk.extensions import db as _db
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations import approval
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local
from wijkwerk.werkplaatsen import services as trios


@pytest.fixture
def series(db):
    """Werkplaatsen with two sessions and two confirmed trios (Schiedam, Almelo); Amsterdam waits."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    factories.session(programme, day=(2099, 11, 10), title="Werkplaats 2")
    for code, domain in (("GM0606", "schiedam.nl"), ("GM0141", "almelo.nl")):
        approval.approve(trios.register_trio(programme, trio(code, domain)).registration)
    trios.register_trio(programme, trio("GM0363", "amsterdam.nl"))
    end_unit_of_work()
    return programme


@pytest.fixture
def token(db):
    value = create_api_token(factories.account("org@example.nl"))
    db.session.commit()
    return value


def on_the_day(session_id: int):
    """The clock at the session's start: attendance is marked on the day."""
    return frozen_at(_db.session.get(ProgrammeSession, session_id).starts_at)


def put(client, session_id, body, token):
    with on_the_day(session_id):
        return client.put(
            f"/api/v1/sessions/{session_id}/attendance",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )


def test_marks_are_recorded_with_a_named_substitute(client, db, series, token):
    session = series.sessions[0]
    response = put(
        client,
        session.id,
        {
            "records": [
                {"email": "anna@schiedam.nl", "status": "present", "substitute": None},
                {
                    "email": "BRAM@schiedam.nl",
                    "status": "present",
                    "substitute": {"name": "Sanne Bos", "email": "sanne@schiedam.nl"},
                },
                {"email": "chantal@schiedam.nl", "status": "excused"},
            ]
        },
        token,
    )
    assert response.status_code == 200, response.json
    records = {r["email"]: r for r in response.json["records"]}
    assert len(records) == 6  # both confirmed trios, not the one awaiting approval
    assert [r["group"] for r in response.json["records"]] == ["Almelo"] * 3 + ["Schiedam"] * 3
    assert records["anna@schiedam.nl"]["attendance"]["status"] == "present"
    assert records["bram@schiedam.nl"]["attendance"]["substitute"] == {
        "name": "Sanne Bos",
        "email": "sanne@schiedam.nl",
    }
    assert records["chantal@schiedam.nl"]["attendance"]["status"] == "excused"
    assert records["anna@almelo.nl"]["attendance"] is None


def test_an_unknown_person_refuses_the_whole_request(client, db, series, token):
    session = series.sessions[0]
    response = put(
        client,
        session.id,
        {
            "records": [
                {"email": "anna@schiedam.nl", "status": "present"},
                {"email": "anna@amsterdam.nl", "status": "present"},  # not confirmed
                {"email": "bram@schiedam.nl", "status": "misschien"},
            ]
        },
        token,
    )
    assert response.status_code == 422
    assert {(e["code"], e["field"]) for e in response.json["errors"]} == {
        ("unknown_person", "records[1].email"),
        ("invalid", "records[2].status"),
    }
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_a_record_that_cannot_be_read_keeps_the_others_at_their_own_index(
    client, db, series, token
):
    """Rows that are no record at all are said at their place, and the rule about the next
    one names that one (records[2]), not the first."""
    response = put(
        client,
        series.sessions[0].id,
        {"records": [None, 5, {"email": "anna@amsterdam.nl", "status": "present"}]},
        token,
    )
    assert response.status_code == 422
    assert {(e["code"], e["field"]) for e in response.json["errors"]} == {
        ("required", "records[0]"),
        ("invalid", "records[1]"),
        ("unknown_person", "records[2].email"),
    }


@pytest.mark.parametrize("body", [None, {}, {"records": "x"}, {"records": [1]}])
def test_nonsense_is_a_422(client, series, token, body):
    assert put(client, series.sessions[0].id, body, token).status_code == 422


def test_a_mark_given_twice_or_changed_stays_one_mark(client, db, series, token):
    session_id = series.sessions[0].id
    body = {"records": [{"email": "anna@schiedam.nl", "status": "absent"}]}
    put(client, session_id, body, token)
    put(client, session_id, body, token)
    put(
        client, session_id, {"records": [{"email": "anna@schiedam.nl", "status": "present"}]}, token
    )
    [mark] = db.session.scalars(select(Attendance)).all()
    assert mark.status.value == "present"


def test_two_organisers_marking_at_once_leave_one_mark_each_person(app, db, series):
    session_id = series.sessions[0].id

    def mark(status):
        def job():
            session = _db.session.get(ProgrammeSession, session_id)
            with frozen_at(session.starts_at):  # each thread its own clock, on the day
                marks = attendance.read_marks(
                    session, {"records": [{"email": "anna@schiedam.nl", "status": status}]}
                )
                attendance.record(session, marks, actor=None)
            return status

        return job

    results = race(app, [mark("present"), mark("absent"), mark("present"), mark("excused")])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert db.session.scalar(select(func.count(Attendance.id))) == 1


def test_the_matrix_has_totals_per_person_group_and_session(client, db, series, token):
    first, second = series.sessions
    put(
        client,
        first.id,
        {
            "records": [
                {"email": "anna@schiedam.nl", "status": "present"},
                {"email": "bram@schiedam.nl", "status": "present"},
                {"email": "anna@almelo.nl", "status": "absent"},
            ]
        },
        token,
    )
    put(client, second.id, {"records": [{"email": "anna@schiedam.nl", "status": "present"}]}, token)
    response = client.get(
        "/api/v1/programmes/werkplaatsen/attendance", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.json
    assert [s["present"] for s in body["sessions"]] == [2, 1]
    people = {p["email"]: p for p in body["people"]}
    assert people["anna@schiedam.nl"]["present"] == 2
    assert [
        m["attendance"]["status"] if m["attendance"] else None
        for m in people["anna@almelo.nl"]["marks"]
    ] == [
        "absent",
        None,
    ]
    groups = {g["name"]: (g["present"], g["expected"]) for g in body["groups"]}
    assert groups == {"Schiedam": (3, 6), "Almelo": (0, 6)}

    csv = client.get(
        "/api/v1/programmes/werkplaatsen/attendance?format=csv",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(
        "Naam;E-mailadres;Gemeente of organisatie;Referentie;Werkplaats 1 (13 oktober 2099)"
    )
    assert "Anna de Vries;anna@schiedam.nl;Schiedam;" in lines[4]
    assert lines[4].endswith(";aanwezig;aanwezig;2")
    assert lines[-1] == "Totaal aanwezig;;;;2;1;3"


def test_attendance_needs_an_organiser_token(client, db, series):
    session_id = series.sessions[0].id
    body = {"records": []}
    assert client.put(f"/api/v1/sessions/{session_id}/attendance", json=body).status_code == 401
    assert client.get("/api/v1/programmes/werkplaatsen/attendance").status_code == 401
    viewer = create_api_token(factories.account("kijker@example.nl", Role.VIEWER))
    db.session.commit()
    assert put(client, session_id, body, viewer).status_code == 403
    headers = {"Authorization": f"Bearer {viewer}"}
    assert (
        client.get("/api/v1/programmes/werkplaatsen/attendance", headers=headers).status_code == 200
    )
    assert client.get("/api/v1/programmes/onbekend/attendance", headers=headers).status_code == 404


def test_individuals_are_grouped_by_organisation(client, db, token):
    programme = course()
    individuals.register_individual(programme, individual())
    end_unit_of_work()
    response = put(
        client,
        programme.sessions[0].id,
        {"records": [{"email": "fatima@rotterdam.nl", "status": "present"}]},
        token,
    )
    [record] = response.json["records"]
    assert record["group"] == "Gemeente Rotterdam"


@pytest.fixture
def organiser(client, db):
    factories.account("balie@example.nl")
    db.session.commit()
    log_in(client, "balie@example.nl", factories.PASSWORD)


def test_checking_in_at_the_door_one_tap_per_person(client, db, series, organiser):
    session = series.sessions[0]
    url = f"/beheer/bijeenkomsten/{session.id}/aanwezigheid"
    with frozen_at(session.starts_at - dt.timedelta(hours=1)):
        page = client.get(url)
        assert page.status_code == 200
        text = text_of(page)
        assert "Deze bijeenkomst is pas op" not in text
        assert text.index("Almelo") < text.index("Schiedam")  # by municipality
        assert "✓ Aanwezig 0 ✗ Afwezig 0 – Afgemeld 0 ○ Nog niet gezien 6 Verwacht 6" in text
        response = client.post(
            url,
            data={
                "csrf_token": csrf_token(page.text),
                "email": "bram@schiedam.nl",
                "status": "present",
                "substitute_name": "Sanne Bos",
            },
        )
        assert response.status_code == 302
        member_id = db.session.scalar(select(Attendance.member_id))
        assert response.headers["Location"].endswith(f"#p-{member_id}")
        page = client.get(url)
        assert "Bram Jansen: aanwezig (vervangen door Sanne Bos)" in text_of(page)
        assert "✓ Aanwezig 1 ✗ Afwezig 0 – Afgemeld 0 ○ Nog niet gezien 5" in text_of(page)
        row = page.text[page.text.index(f'id="p-{member_id}"') :]
        row = row[: row.index("</li>")]
        assert 'class="ww-choice ww-choice--chosen" aria-pressed="true"' in row  # unmistakable
        assert row.count('aria-pressed="true"') == 1
        # a retried tap (slow connection) and a change: still one mark
        for status in ("present", "absent"):
            client.post(
                url,
                data={
                    "csrf_token": csrf_token(page.text),
                    "email": "bram@schiedam.nl",
                    "status": status,
                },
            )
        [mark] = db.session.scalars(select(Attendance)).all()
        assert mark.status.value == "absent"
        bad = client.post(
            url, data={"csrf_token": csrf_token(page.text), "email": "x@y.nl", "status": "present"}
        )
        assert "Deze persoon staat niet op de lijst van deze bijeenkomst." in text_of(
            client.get(bad.headers["Location"])
        )
        # with the page's script: the answer is JSON, with the new counts
        tapped = client.post(
            url,
            data={
                "csrf_token": csrf_token(page.text),
                "email": "anna@schiedam.nl",
                "status": "excused",
            },
            headers={"Accept": "application/json"},
        )
        assert tapped.status_code == 200
        assert tapped.json["status"] == "excused" and tapped.json["label"] == "afgemeld"
        assert tapped.json["counts"] == {
            "present": 0,
            "absent": 1,
            "excused": 1,
            "open": 4,
            "total": 6,
        }
        # search by name, without the script too; accents and case do not matter
        found = text_of(client.get(url, query_string={"q": "ALMELÖ"}))
        assert "3 personen gevonden voor “ALMELÖ”" in found
        assert "anna@almelo.nl" in client.get(url, query_string={"q": "almelo"}).text
        assert "anna@schiedam.nl" not in client.get(url, query_string={"q": "almelo"}).text


def test_a_session_more_than_a_day_ahead_is_marked_only_when_asked_for(
    client, db, series, organiser, token
):
    session = series.sessions[0]
    url = f"/beheer/bijeenkomsten/{session.id}/aanwezigheid"
    with frozen_at(session.starts_at - dt.timedelta(days=30)):
        page = client.get(url)
        said = text_of(page)
        assert "Deze bijeenkomst is pas op 13 oktober 2099." in said
        assert 'value="present"' not in page.text  # no buttons to slip on
        tap = {
            "csrf_token": csrf_token(page.text),
            "email": "anna@schiedam.nl",
            "status": "present",
        }
        refused = client.post(url, data=tap)
        assert "Aanwezigheid leggen we vast vanaf een dag ervoor" in text_of(
            client.get(refused.headers["Location"])
        )
        api = client.put(
            f"/api/v1/sessions/{session.id}/attendance",
            json={"records": [{"email": "anna@schiedam.nl", "status": "excused"}]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert api.status_code == 422
        assert [(e["code"], e["field"]) for e in api.json["errors"]] == [("invalid", "early")]
        assert db.session.scalar(select(func.count(Attendance.id))) == 0
        # asked for explicitly: an excuse that came in early
        early = client.get(url, query_string={"vooraf": "1"})
        assert 'name="early" value="1"' in early.text
        client.post(url, data={**tap, "status": "excused", "early": "1"})
        api = client.put(
            f"/api/v1/sessions/{session.id}/attendance",
            json={"records": [{"email": "bram@schiedam.nl", "status": "excused"}], "early": True},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert api.status_code == 200
    assert db.session.scalar(select(func.count(Attendance.id))) == 2


def test_a_viewer_sees_the_list_but_cannot_mark(client, db, series):
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    url = f"/beheer/bijeenkomsten/{series.sessions[0].id}/aanwezigheid"
    with on_the_day(series.sessions[0].id):
        page = client.get(url)
    assert page.status_code == 200 and 'value="present"' not in page.text
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            "email": "anna@schiedam.nl",
            "status": "present",
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_matrix_page_exports_and_printable_sheet(client, db, series, organiser, token):
    first = series.sessions[0]
    put(client, first.id, {"records": [{"email": "anna@schiedam.nl", "status": "present"}]}, token)
    page = text_of(client.get("/beheer/programmas/werkplaatsen/aanwezigheid"))
    assert re.search(r"Anna de Vries Schiedam · WW-\S+ ✓ aanwezig · nog niet opgenomen 1/2", page)
    assert re.search(r"Bram Jansen Schiedam · WW-\S+ (· nog niet opgenomen ){2}0/2", page)
    assert "Totaal aanwezig 1/6 0/6 1" in page
    assert re.search(r"Schiedam WW-\S+ 1 van 6", page)
    xlsx = client.get("/beheer/programmas/werkplaatsen/aanwezigheid.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Naam", "E-mailadres", "Gemeente of organisatie", "Referentie")
    assert rows[4][:3] == ("Anna de Vries", "anna@schiedam.nl", "Schiedam")
    assert rows[4][4:] == ("aanwezig", None, 1)
    assert rows[-1][0] == "Totaal aanwezig" and rows[-1][4:] == (1, 0, 1)
    sheet_page = text_of(client.get(f"/beheer/bijeenkomsten/{first.id}/presentielijst"))
    assert "Presentielijst" in sheet_page and "Handtekening" in sheet_page
    assert "Anna de Vries Schiedam" in sheet_page


def test_lists_use_as_many_queries_for_ten_as_for_five_hundred_registrations(db, organiser, client):
    """The registrations list and the attendance matrix: a constant number of SQL queries."""
    programme = course(capacity=None, fee_cents=0)  # free: no invoice PDFs to make
    db.session.commit()
    pages = (
        f"/beheer/programmas/{programme.slug}",
        f"/beheer/programmas/{programme.slug}/aanwezigheid",
    )

    def grow_to(total: int) -> list[int]:
        existing = db.session.scalar(select(func.count()).select_from(Registration)) or 0
        for n in range(existing, total):
            individuals.register_individual(programme, individual(f"p{n}@example.nl"))
        db.session.commit()
        counts = []
        for page in pages:
            with counted_queries(db.engine) as statements:
                assert client.get(page).status_code == 200
            counts.append(len(statements))
        return counts

    assert grow_to(10) == grow_to(500)


def test_a_certificate_for_who_attended_every_session(client, db, series, token):
    first, second = series.sessions
    for session in (first, second):
        put(
            client,
            session.id,
            {"records": [{"email": "anna@schiedam.nl", "status": "present"}]},
            token,
        )
    put(client, first.id, {"records": [{"email": "bram@schiedam.nl", "status": "present"}]}, token)
    registration = db.session.scalar(
        select(Registration).where(Registration.municipality_code == "GM0606")
    )
    anna, bram, _chantal = registration.members
    url = f"/aanmelding/{registration.manage_token}/deelnamebewijs"
    assert client.get(f"{url}/{anna.id}.pdf").status_code == 404  # the series has not ended yet
    with frozen_at(local(2099, 12, 1)):
        page = client.get(f"/aanmelding/{registration.manage_token}")
        assert "Bewijs van deelname voor Anna de Vries (PDF)" in page.text
        assert "Bewijs van deelname voor Bram Jansen" not in page.text
        response = client.get(f"{url}/{anna.id}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
        assert "Anna de Vries" in text and "Werkplaatsen wijkgericht werken" in text
        assert "alle 2 bijeenkomsten" in text and "13 oktober 2099" in text
        assert client.get(f"{url}/{bram.id}.pdf").status_code == 404
