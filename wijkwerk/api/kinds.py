"""The JSON API of the Wijklab (its steps, checklist, panel and the expert pool) and of the
Kennisprogramma (its cities, the people per meeting, the meetings' hosts and presenters). The
routes join the ``api`` blueprint; the services are the ones the back-office calls."""

from __future__ import annotations

from flask import abort, g, jsonify, request
from flask_babel import gettext as _

from wijkwerk.api import bp, serialise
from wijkwerk.api.auth import organiser_required
from wijkwerk.calendars.changes import read_moment
from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.registrations.models import Registration
from wijkwerk.validation import Problem, RuleViolation
from wijkwerk.wijklab import panel
from wijkwerk.wijklab import services as wijklab
from wijkwerk.wijklab.models import LabStage

# --- Wijklab --------------------------------------------------------------------------------------


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RuleViolation(Problem("invalid", None, _("Stuur een JSON-object.")))
    return body


def _text(body: dict, key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise RuleViolation(
            Problem("invalid", key, _("Gebruik hooguit %(limit)s tekens.", limit=limit))
        )
    return value.strip()


def read_step(body: dict) -> wijklab.StepInput:
    """``{stage, sharpened_question?, themes?, starts_at?, ends_at?, location?, day_programme?,
    report_url?, reason?}``."""
    try:
        stage = LabStage(body.get("stage"))
    except ValueError:
        raise RuleViolation(
            Problem("invalid", "stage", _("Kies een van de mogelijkheden."))
        ) from None
    problems: list[Problem] = []
    location = body.get("location") if isinstance(body.get("location"), dict) else {}
    themes = body.get("themes")
    if themes is not None and not isinstance(themes, list):
        problems.append(Problem("invalid", "themes", _("Geef een lijst van thema's.")))
        themes = None
    step = wijklab.StepInput(
        stage=stage,
        sharpened_question=_text(body, "sharpened_question", 5000),
        themes=tuple(panel.tags(themes)) if themes is not None else None,
        starts_at=read_moment(body, "starts_at", problems),
        ends_at=read_moment(body, "ends_at", problems),
        location_name=_text(location, "name", 200),
        location_address=_text(location, "address", 300),
        day_programme=_text(body, "day_programme", 5000),
        report_url=_text(body, "report_url", 500),
        reason=_text(body, "reason", 1000) or "",
    )
    if problems:
        raise RuleViolation(*problems)
    return step


@bp.get("/registrations/<int:registration_id>/wijklab")
@organiser_required(write=False)
def lab_detail(registration_id: int):
    return jsonify(serialise.lab(wijklab.lab_or_404(registration_id)))


@bp.post("/registrations/<int:registration_id>/wijklab/steps")
@organiser_required(write=True)
def lab_step(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    wijklab.advance(lab, read_step(_body()), actor=g.api_account)
    db.session.commit()
    return jsonify(serialise.lab(lab))


@bp.put("/registrations/<int:registration_id>/wijklab/tasks/<kind>")
@organiser_required(write=True)
def lab_task(registration_id: int, kind: str):
    lab = wijklab.lab_or_404(registration_id)
    task = next((t for t in lab.tasks if t.kind == kind), None)
    if task is None:
        abort(404)
    body = _body()
    assignee = _text(body, "assignee", 200)
    done = body.get("done")
    if done is not None and not isinstance(done, bool):
        raise RuleViolation(Problem("invalid", "done", _("Kies ja of nee.")))
    wijklab.update_task(task, assignee=assignee, done=done)
    db.session.commit()
    return jsonify(serialise.lab(lab))


@bp.post("/registrations/<int:registration_id>/wijklab/panel")
@organiser_required(write=True)
def lab_invite(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    ids = _body().get("expert_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuleViolation(Problem("invalid", "expert_ids", _("Geef een lijst van expert-id's.")))
    panel.invite(lab, ids, actor=g.api_account)
    db.session.commit()
    return jsonify(serialise.lab(lab))


@bp.get("/registrations/<int:registration_id>/wijklab/suggestions")
@organiser_required(write=False)
def lab_suggestions(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    return jsonify(
        [
            serialise.expert(expert) | {"matching": matching}
            for expert, matching in panel.suggestions(lab)
        ]
    )


@bp.get("/experts")
@organiser_required(write=False)
def experts():
    return jsonify([serialise.expert(e) for e in panel.experts()])


@bp.post("/experts")
@organiser_required(write=True)
def add_expert():
    made = panel.save_expert(_body())
    db.session.commit()
    return jsonify(serialise.expert(made)), 201


# --- Kennisprogramma ------------------------------------------------------------------------------


@bp.get("/programmes/<slug>/cities")
@organiser_required(write=False)
def cities(slug: str):
    programme = kennis.programme_or_404(slug)
    return jsonify([serialise.city(c, programme.sessions) for c in kennis.cities(programme)])


@bp.put("/registrations/<int:registration_id>/sessions/<int:session_id>/delegates")
@organiser_required(write=True)
def delegates(registration_id: int, session_id: int):
    registration = db.get_or_404(Registration, registration_id)
    session = db.get_or_404(ProgrammeSession, session_id)
    warnings = kennis.name_delegates(
        registration,
        session,
        request.get_json(silent=True),
        actor=g.api_account,
        actor_label="organiser",
    )
    db.session.commit()
    return jsonify(
        {
            "delegates": [serialise.member(m) for m in kennis.delegates_of(registration, session)],
            "warnings": [{"code": w.code, "message": w.message} for w in warnings],
        }
    )


@bp.put("/sessions/<int:session_id>/meeting")
@organiser_required(write=True)
def meeting(session_id: int):
    session = db.get_or_404(ProgrammeSession, session_id)
    if session.programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        abort(404)
    body = _body()
    problems: list[Problem] = []
    host = body.get("host")
    presenters = body.get("presenters") or []
    if host is not None and not isinstance(host, int):
        problems.append(Problem("invalid", "host", _("Geef het id van een aanmelding.")))
    if not isinstance(presenters, list) or not all(isinstance(p, int) for p in presenters):
        problems.append(Problem("invalid", "presenters", _("Geef een lijst van id's.")))
    deadline = read_moment(body, "naming_deadline", problems)
    if problems:
        raise RuleViolation(*problems)
    warnings = kennis.set_meeting(
        session,
        host_id=host,
        presenter_ids=presenters,
        naming_deadline=deadline,
        actor=g.api_account,
    )
    db.session.commit()
    return jsonify(serialise.meeting(session) | {"warnings": [w.as_json() for w in warnings]})
