"""The core's endpoints of the JSON API (docs/api.md): programmes, registrations and the
decisions on them, sessions and attendance. What a service refuses is answered by the blueprint's
handlers (wijkwerk/api/__init__.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.api import bp, serialise
from wijkwerk.api import serialise_attendance as attendance_answers
from wijkwerk.api import serialise_registration as answers
from wijkwerk.api.auth import bearer_account, organiser_required
from wijkwerk.api.openapi import READ_OPTIONAL, documented, openapi_document
from wijkwerk.attendance import exports
from wijkwerk.attendance import services as attendance
from wijkwerk.calendars import changes
from wijkwerk.errors import error_response
from wijkwerk.extensions import db
from wijkwerk.municipalities.services import search_municipalities
from wijkwerk.planning import reading
from wijkwerk.planning.reading import ProgrammeCreateInput
from wijkwerk.programmes import kinds
from wijkwerk.programmes.kinds import Joining
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.programmes.services import get_programme, list_programmes
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import allocation, approval, cancelling, lifecycle
from wijkwerk.registrations.inputs import DecisionInput, ProgrammeCancellationInput
from wijkwerk.registrations.models import Registration
from wijkwerk.schema import Query, Text, parse


class MunicipalitySearch(Query):
    q: Annotated[str, Text(100, optional=True), Field(description="deel van naam of CBS-code")] = ""


class MatrixFormat(Query):
    format: Literal["json", "csv"] = "json"


@bp.get("/openapi.json")
@documented("Dit document (OpenAPI 3.1)")
def openapi():
    return jsonify(openapi_document())


@bp.get("/municipalities")
@documented(
    "Gemeenten zoeken",
    answer=[serialise.Municipality],
    query=MunicipalitySearch,
)
def municipalities():
    found = search_municipalities(parse(MunicipalitySearch, request.args.to_dict()).q)
    return jsonify([serialise.municipality(m) for m in found])


def _organiser_reads() -> bool:
    """With an organiser's token the catalogue includes drafts; the public sees none."""
    return bearer_account() is not None


@bp.get("/programmes")
@documented(
    "Gepubliceerde programma's; met een organisator-token ook de concepten",
    answer=[serialise.Programme],
    who=READ_OPTIONAL,
)
def programmes():
    found = list_programmes(published_only=not _organiser_reads())
    return jsonify([serialise.programme(p) for p in found])


@bp.post("/programmes")
@documented(
    "Een programma met zijn bijeenkomsten maken (organisatoren); een concept tenzij state "
    "published is",
    body=ProgrammeCreateInput,
    answer=serialise.Programme,
    status=201,
)
@organiser_required(write=True)
def create_programme():
    """Create a programme with its sessions (a draft unless ``state`` is ``published``)."""
    made = reading.create_programme(request.get_json(silent=True))
    db.session.commit()
    return jsonify(serialise.programme(made)), 201


@bp.get("/programmes/<slug>")
@documented(
    "Eén programma met zijn bijeenkomsten; een concept alleen met een organisator-token",
    answer=serialise.Programme,
    who=READ_OPTIONAL,
)
def programme(slug: str):
    found = get_programme(slug, published_only=not _organiser_reads())
    if found is None:
        abort(404)
    return jsonify(serialise.programme(found))


@bp.post("/programmes/<slug>/registrations")
@documented(
    "Aanmelden: een trio (werkplaats), een persoon (driedaagse), een Wijklab-aanvraag; een "
    "stad in een kennisprogramma voegt een organisator toe (token)",
    registration_request=True,
    answer=answers.Registration,
    status=201,
)
@limited("registrations")
def register(slug: str):
    found = get_programme(slug)
    if found is None:
        abort(404)
    body = request.get_json(silent=True)
    organiser = bearer_account()
    allow_second = bool(
        isinstance(body, dict)
        and body.get("allow_second")
        and organiser is not None
        and organiser.role.can_write
    )
    kind = kinds.of(found)
    if kind.joining is Joining.INVITATION:  # cities are admitted by organisers
        if organiser is None:
            return error_response(401, _("Geef een geldig API-token mee."), "unauthorized")
        if not organiser.role.can_write:
            return error_response(403, _("Dit token mag alleen lezen."), "forbidden")
        g.api_account = organiser
    outcome = kind.register(
        found,
        body,
        actor=organiser if kind.joining is Joining.INVITATION else None,
        allow_second=allow_second,
    )
    answer = answers.registration(outcome.registration, outcome.warnings)  # before the commit
    db.session.commit()  # expires what was loaded: the answer needs no second reading of it
    return jsonify(answer), 201


@bp.get("/registrations/<int:registration_id>")
@documented(
    "Eén aanmelding met leden, geschiedenis en kosten",
    answer=answers.RegistrationDetail,
)
@organiser_required(write=False)
def registration(registration_id: int):
    return jsonify(answers.registration_detail(db.get_or_404(Registration, registration_id)))


_DECISION = {
    "body": DecisionInput,
    "body_required": False,
    "answer": answers.RegistrationDetail,
    "conflict": True,
}


def _decide(registration_id: int, action, **options):
    found = db.get_or_404(Registration, registration_id)
    body = request.get_json() if request.get_data() else {}  # a body is optional; null is not
    decision = parse(DecisionInput, body)
    if action is lifecycle.cancel:
        options["full_refund"] = decision.full_refund
    action(found, actor=g.api_account, reason=decision.reason, **options)
    db.session.commit()
    return jsonify(answers.registration_detail(found))


@bp.post("/registrations/<int:registration_id>/approve")
@documented("Akkoord vastleggen namens de bestuurder", **_DECISION)
@organiser_required(write=True)
def approve(registration_id: int):
    return _decide(registration_id, approval.approve)


@bp.post("/registrations/<int:registration_id>/decline")
@documented("Geen akkoord vastleggen", **_DECISION)
@organiser_required(write=True)
def decline(registration_id: int):
    return _decide(registration_id, approval.decline)


@bp.post("/registrations/<int:registration_id>/cancel")
@documented(
    "Aanmelding annuleren: creditfactuur en terugbetaling volgens de annuleringsvoorwaarden, "
    'of alles terug met `{"full_refund": true}`',
    **_DECISION,
)
@organiser_required(write=True)
def cancel(registration_id: int):
    """Cancel by the programme's terms, or refund everything with ``{"full_refund": true}``."""
    return _decide(registration_id, lifecycle.cancel)


@bp.post("/programmes/<slug>/allocate")
@documented(
    "Plaatsen nu verdelen volgens het beleid van het programma",
    answer=serialise.AllocationResult,
)
@organiser_required(write=True)
def allocate(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    result = allocation.allocate(found, actor=g.api_account)
    db.session.commit()
    return jsonify(serialise.allocation(result))


@bp.post("/programmes/<slug>/cancel")
@documented(
    "Het programma laten vervallen: iedere aanmelding geannuleerd met bericht, facturen "
    "gecrediteerd, betalingen terugbetaald, geen plaatsing van de wachtlijst",
    body=ProgrammeCancellationInput,
    answer=serialise.ProgrammeCancellation,
    conflict=True,
)
@organiser_required(write=True)
def cancel_programme(slug: str):
    """The programme does not go ahead (wijkwerk/registrations/cancelling.py); ``{"reason"}``."""
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    given = parse(ProgrammeCancellationInput, request.get_json(silent=True))
    done = cancelling.cancel_programme(found, reason=given.reason, actor=g.api_account)
    db.session.commit()
    return jsonify(serialise.cancellation(found, done))


@bp.patch("/sessions/<int:session_id>")
@documented(
    "Bijeenkomst verplaatsen, verhuizen of afzeggen; deelnemers krijgen één mail met de "
    "bijgewerkte afspraak",
    body=changes.SessionChangeInput,
    answer=serialise.Session,
)
@organiser_required(write=True)
def change_session(session_id: int):
    """Move, relocate or cancel a session; participants are told and calendars updated."""
    found = db.get_or_404(ProgrammeSession, session_id)
    changes.change_session(
        found, changes.read_change(request.get_json(silent=True)), actor=g.api_account
    )
    db.session.commit()
    return jsonify(serialise.session(found))


@bp.put("/sessions/<int:session_id>/attendance")
@documented(
    "Aanwezigheid vastleggen; een onbekende persoon is een 422 en dan wordt niets van het "
    "verzoek opgeslagen",
    body=attendance.MarksInput,
    answer=attendance_answers.Roster,
)
@organiser_required(write=True)
def record_attendance(session_id: int):
    """Record marks for a session; one unknown person and nothing of the request is stored."""
    found = db.get_or_404(ProgrammeSession, session_id)
    marks = attendance.read_marks(found, request.get_json(silent=True))
    attendance.record(found, marks, actor=g.api_account)
    db.session.commit()
    return jsonify(attendance_answers.roster(found, attendance.roster(found)))


@bp.get("/programmes/<slug>/attendance")
@documented(
    "Aanwezigheid per persoon en bijeenkomst, met totalen; ?format=csv voor een spreadsheet",
    answer=attendance_answers.AttendanceMatrix,
    files=("text/csv",),
    query=MatrixFormat,
)
@organiser_required(write=False)
def attendance_matrix(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    matrix = attendance.matrix(found)
    if parse(MatrixFormat, request.args.to_dict()).format == "csv":
        return exports.export_response(exports.matrix_csv(matrix), "csv", f"aanwezigheid-{slug}")
    return jsonify(attendance_answers.attendance_matrix(matrix))
