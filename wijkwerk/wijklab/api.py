"""The Wijklab's endpoints of the JSON API: a lab's steps, its checklist and panel, and the expert
pool. They join the API blueprint (the app factory imports this module before registering it); their part of
the OpenAPI document is in wijkwerk/wijklab/openapi.py. The services
are the ones the back-office calls; what they refuse, the blueprint answers."""

from __future__ import annotations

from flask import abort, g, jsonify
from flask_babel import gettext as _

from wijkwerk.api import bp, serialise
from wijkwerk.api.auth import organiser_required
from wijkwerk.api.body import json_object, text
from wijkwerk.calendars.changes import read_moment
from wijkwerk.extensions import db
from wijkwerk.validation import Problem, RuleViolation
from wijkwerk.wijklab import panel, steps
from wijkwerk.wijklab import services as wijklab
from wijkwerk.wijklab.models import LabStage


def read_step(body: dict) -> steps.StepInput:
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
    step = steps.StepInput(
        stage=stage,
        sharpened_question=text(body, "sharpened_question", 5000),
        themes=tuple(panel.tags(themes)) if themes is not None else None,
        starts_at=read_moment(body, "starts_at", problems),
        ends_at=read_moment(body, "ends_at", problems),
        location_name=text(location, "name", 200),
        location_address=text(location, "address", 300),
        day_programme=text(body, "day_programme", 5000),
        report_url=text(body, "report_url", 500),
        reason=text(body, "reason", 1000) or "",
    )
    if problems:
        raise RuleViolation(*problems)
    return step


@bp.get("/registrations/<int:registration_id>/wijklab")
@organiser_required(write=False)
def lab_detail(registration_id: int):
    return jsonify(lab_json(wijklab.lab_or_404(registration_id)))


@bp.post("/registrations/<int:registration_id>/wijklab/steps")
@organiser_required(write=True)
def lab_step(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    steps.advance(lab, read_step(json_object()), actor=g.api_account)
    db.session.commit()
    return jsonify(lab_json(lab))


@bp.put("/registrations/<int:registration_id>/wijklab/tasks/<kind>")
@organiser_required(write=True)
def lab_task(registration_id: int, kind: str):
    lab = wijklab.lab_or_404(registration_id)
    task = next((t for t in lab.tasks if t.kind == kind), None)
    if task is None:
        abort(404)
    body = json_object()
    assignee = text(body, "assignee", 200)
    done = body.get("done")
    if done is not None and not isinstance(done, bool):
        raise RuleViolation(Problem("invalid", "done", _("Kies ja of nee.")))
    wijklab.update_task(task, assignee=assignee, done=done)
    db.session.commit()
    return jsonify(lab_json(lab))


@bp.post("/registrations/<int:registration_id>/wijklab/panel")
@organiser_required(write=True)
def lab_invite(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    ids = json_object().get("expert_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuleViolation(Problem("invalid", "expert_ids", _("Geef een lijst van expert-id's.")))
    panel.invite(lab, ids, actor=g.api_account)
    db.session.commit()
    return jsonify(lab_json(lab))


@bp.get("/registrations/<int:registration_id>/wijklab/suggestions")
@organiser_required(write=False)
def lab_suggestions(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    return jsonify(
        [
            expert_json(expert) | {"matching": matching}
            for expert, matching in panel.suggestions(lab)
        ]
    )


@bp.get("/experts")
@organiser_required(write=False)
def experts():
    return jsonify([expert_json(e) for e in panel.experts()])


@bp.post("/experts")
@organiser_required(write=True)
def add_expert():
    made = panel.save_expert(json_object())
    db.session.commit()
    return jsonify(expert_json(made)), 201


# --- Model → JSON (docs/api.md) ----------------------------------------------------------------


def expert_json(e) -> dict:
    return {
        "id": e.id,
        "name": e.name,
        "organisation": e.organisation,
        "email": e.email,
        "phone": e.phone,
        "expertise": list(e.expertise),
        "active": e.active,
    }


def lab_json(lab) -> dict:
    """A Wijklab for organisers: its step, the question before and after the intake, the day,
    the checklist and the panel."""
    return {
        "registration": lab.registration_id,
        "reference": lab.registration.reference,
        "state": lab.registration.state.value,
        "stage": lab.stage.value,
        "stage_changed_at": serialise.timestamp(lab.stage_changed_at),
        "municipality": serialise.municipality(lab.registration.municipality),
        "wijk": lab.wijk,
        "question": lab.question,
        "sharpened_question": lab.sharpened_question,
        "goal": lab.goal.value,
        "preferred_periods": lab.preferred_periods,
        "stakeholders": lab.stakeholders,
        "themes": list(lab.themes or []),
        "session": serialise.session(lab.session) if lab.session else None,
        "day_programme": lab.day_programme,
        "report_url": lab.report_url or None,
        "startnotitie": lab.startnotitie.filename if lab.startnotitie else None,
        "tasks": [
            {
                "kind": t.kind,
                "owner": t.owner.value,
                "optional": t.optional,
                "assignee": t.assignee,
                "done": t.done_at is not None,
            }
            for t in lab.tasks
        ],
        "panel": [
            {
                "expert": expert_json(i.expert),
                "status": i.status.value,
                "invited_at": serialise.timestamp(i.invited_at),
                "responded_at": serialise.timestamp(i.responded_at),
            }
            for i in lab.invitations
        ],
    }
