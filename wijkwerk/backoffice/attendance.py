"""Attendance: the check-in list at the door and its taps, the printable presentielijst, and the
people × sessions matrix of a programme with its downloads."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk.attendance import exports
from wijkwerk.attendance import services as attendance
from wijkwerk.attendance.exports import status_label
from wijkwerk.extensions import db
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.programmes.services import get_programme
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("attendance", __name__)


@bp.get("/bijeenkomsten/<int:session_id>/aanwezigheid")
def check_in(session_id: int):
    """The check-in list at the door: search by name, one tap per person; it works without
    JavaScript (every tap a POST and a redirect back to that person) and is quicker with it
    (static/js/check-in.js sends the tap and updates the row and the counts in place). More
    than a day before the session, marking waits for an explicit "toch nu al"."""
    found = db.get_or_404(ProgrammeSession, session_id)
    query = request.args.get("q", "").strip()
    lines = attendance.roster(found)
    return render_template(
        "backoffice/check_in.html",
        session=found,
        lines=lines,
        shown=attendance.matching(lines, query),
        query=query,
        counts=attendance.counts(lines),
        too_early=attendance.too_early(found),
        early=request.args.get("vooraf") == "1",
        status_label=status_label,
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/bijeenkomsten/<int:session_id>/aanwezigheid")
def mark(session_id: int):
    found = db.get_or_404(ProgrammeSession, session_id)
    if not CheckedForm().validate_on_submit():
        abort(400)
    email = request.form.get("email", "")
    substitute = None
    if request.form.get("substitute_name", "").strip():
        substitute = {
            "name": request.form["substitute_name"],
            "email": request.form.get("substitute_email", ""),
        }
    record = {"email": email, "status": request.form.get("status"), "substitute": substitute}
    early = request.form.get("early") == "1"
    back = url_for(
        "backoffice.attendance.check_in", session_id=session_id, vooraf="1" if early else None
    )
    try:
        marks = attendance.read_marks(found, {"records": [record], "early": early})
    except RuleViolation as violation:
        db.session.rollback()
        said = " ".join(p.message for p in violation.problems)
        if _wants_json():
            return jsonify({"message": said}), 422
        flash(said, "error")
        return redirect(back)
    attendance.record(found, marks, actor=current_user)
    db.session.commit()
    member = marks[0].member
    said = _("%(name)s: %(status)s", name=member.person.name, status=status_label(marks[0]))
    if _wants_json():
        return jsonify(
            {
                "member": member.id,
                "status": marks[0].status.value,
                "label": status_label(marks[0]),
                "message": said,
                "counts": attendance.counts(attendance.roster(found)),
            }
        )
    flash(said, "success")
    return redirect(f"{back}#p-{member.id}")


@bp.get("/programmas/<slug>/aanwezigheid")
def attendance_overview(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    matrix = attendance.matrix(found)
    return render_template(
        "backoffice/attendance.html",
        programme=found,
        matrix=matrix,
        status_names=exports.status_names,
        status_label=status_label,
    )


@bp.get("/programmas/<slug>/aanwezigheid.<fmt>")
def attendance_export(slug: str, fmt: str):
    found = get_programme(slug, published_only=False)
    if found is None or fmt not in ("csv", "xlsx"):
        abort(404)
    matrix = attendance.matrix(found)
    body = exports.matrix_csv(matrix) if fmt == "csv" else exports.matrix_xlsx(matrix)
    return exports.export_response(body, fmt, f"aanwezigheid-{slug}")


@bp.get("/bijeenkomsten/<int:session_id>/presentielijst")
def sign_in_sheet(session_id: int):
    """A printable presentielijst: name, organisation and a column to sign."""
    found = db.get_or_404(ProgrammeSession, session_id)
    return render_template(
        "backoffice/sign_in_sheet.html", session=found, lines=attendance.roster(found)
    )
