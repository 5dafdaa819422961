"""The Wijklab's endpoints of the JSON API: a lab's steps, its checklist and panel, and the expert
pool. They join the API blueprint (the app factory imports this module before registering it); their part of
the OpenAPI document is in wijkwerk/wijklab/openapi.py. The services
are the ones the back-office calls; what they refuse, the blueprint answers."""

from __future__ import annotations

from typing import Annotated

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.api import bp, serialise
from wijkwerk.api.auth import organiser_required
from wijkwerk.calendars.changes import LocationInput
from wijkwerk.extensions import db
from wijkwerk.registrations.inputs import Reason
from wijkwerk.schema import Count, Moment, Says, Shape, Text, parse
from wijkwerk.wijklab import panel, steps
from wijkwerk.wijklab import services as wijklab
from wijkwerk.wijklab.models import LabStage

LongBlank = Annotated[str, Text(5000, multiline=True, blank=True)] | None


class LabStepInput(Shape):
    """A step of a lab (wijkwerk/wijklab/steps.py); each step reads what it needs."""

    stage: LabStage
    sharpened_question: LongBlank = None
    themes: Annotated[
        list[Annotated[str, Text(60)]] | None,
        Says(list_type=lambda: _("Geef een lijst van thema's.")),
    ] = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    location: LocationInput | None = None
    day_programme: LongBlank = None
    report_url: Annotated[str, Text(500, blank=True)] | None = None
    reason: Annotated[Reason, Field(description="verplicht bij `withdrawn`")] = ""

    def step(self) -> steps.StepInput:
        location = self.location or LocationInput()
        return steps.StepInput(
            stage=self.stage,
            sharpened_question=self.sharpened_question,
            themes=tuple(panel.tags(self.themes)) if self.themes is not None else None,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            location_name=location.name,
            location_address=location.address,
            day_programme=self.day_programme,
            report_url=self.report_url,
            reason=self.reason,
        )


class LabTaskInput(Shape):
    assignee: Annotated[str, Text(blank=True)] | None = None
    done: bool | None = None


class PanelInviteInput(Shape):
    expert_ids: Annotated[
        list[Count],
        Field(min_length=1),
        Says(
            missing=lambda: _("Geef een lijst van expert-id's."),
            list_type=lambda: _("Geef een lijst van expert-id's."),
            too_short=("required", lambda: _("Kies minstens één expert.")),
        ),
    ]


@bp.get("/registrations/<int:registration_id>/wijklab")
@organiser_required(write=False)
def lab_detail(registration_id: int):
    return jsonify(lab_json(wijklab.lab_or_404(registration_id)))


@bp.post("/registrations/<int:registration_id>/wijklab/steps")
@organiser_required(write=True)
def lab_step(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    steps.advance(
        lab, parse(LabStepInput, request.get_json(silent=True)).step(), actor=g.api_account
    )
    db.session.commit()
    return jsonify(lab_json(lab))


@bp.put("/registrations/<int:registration_id>/wijklab/tasks/<kind>")
@organiser_required(write=True)
def lab_task(registration_id: int, kind: str):
    lab = wijklab.lab_or_404(registration_id)
    task = next((t for t in lab.tasks if t.kind == kind), None)
    if task is None:
        abort(404)
    given = parse(LabTaskInput, request.get_json(silent=True))
    wijklab.update_task(task, assignee=given.assignee, done=given.done)
    db.session.commit()
    return jsonify(lab_json(lab))


@bp.post("/registrations/<int:registration_id>/wijklab/panel")
@organiser_required(write=True)
def lab_invite(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    given = parse(PanelInviteInput, request.get_json(silent=True))
    panel.invite(lab, given.expert_ids, actor=g.api_account)
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
    made = panel.save_expert(request.get_json(silent=True))
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
