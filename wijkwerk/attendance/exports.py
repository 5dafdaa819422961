"""The attendance matrix as a spreadsheet: CSV (Excel-friendly: UTF-8 with BOM, semicolons as Dutch
Excel expects) for the API and the back-office."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from wijkwerk.attendance.models import AttendanceStatus
from wijkwerk.attendance.services import Matrix
from wijkwerk.formatting import date


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
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Aanwezigheid")
    rows = matrix_rows(matrix)
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[len(rows)]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 40)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def matrix_csv(matrix: Matrix) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(matrix_rows(matrix))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
