"""The Wijklab's endpoints of the JSON API: a lab's steps, its checklist and panel, and the expert
pool, with the shapes of their bodies. They join the API blueprint (the app factory imports this
module before registering it) and declare their part of the OpenAPI document (@documented; their
answers are in wijkwerk/wijklab/answers.py). The services are the ones the back-office calls;
what they refuse, the blueprint answers."""

from __future__ import annotations

from typing import Annotated

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.api import bp
from wijkwerk.api.auth import organiser_required
from wijkwerk.api.openapi import documented
from wijkwerk.calendars.changes import LocationInput
from wijkwerk.extensions import db
from wijkwerk.registrations.inputs import Reason
from wijkwerk.schema import Count, Matching, Moment, Says, Shape, Text, parse
from wijkwerk.wijklab import answers, panel, steps
from wijkwerk.wijklab import services as wijklab
from wijkwerk.wijklab.models import LabStage
from wijkwerk.wijklab.panel import ExpertInput

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
    report_url: Annotated[
        str,
        Matching(
            limit=500,
            optional=True,
            regex=steps.REPORT_URL.pattern,
            message=steps.report_url_words,
        ),
    ] = ""
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
            report_url=self.report_url or None,
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
@documented("Een Wijklab: stap, vragen, dag, taken en panel", answer=answers.Lab)
@organiser_required(write=False)
def lab_detail(registration_id: int):
    return jsonify(answers.lab(wijklab.lab_or_404(registration_id)))


@bp.post("/registrations/<int:registration_id>/wijklab/steps")
@documented(
    "Volgende stap van een Wijklab (de gemeente krijgt bericht)",
    body=LabStepInput,
    answer=answers.Lab,
    conflict=True,
)
@organiser_required(write=True)
def lab_step(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    steps.advance(
        lab, parse(LabStepInput, request.get_json(silent=True)).step(), actor=g.api_account
    )
    db.session.commit()
    return jsonify(answers.lab(lab))


@bp.put("/registrations/<int:registration_id>/wijklab/tasks/<kind>")
@documented(
    "Een taak van de checklist toewijzen of afvinken",
    body=LabTaskInput,
    answer=answers.Lab,
)
@organiser_required(write=True)
def lab_task(registration_id: int, kind: str):
    lab = wijklab.lab_or_404(registration_id)
    task = next((t for t in lab.tasks if t.kind == kind), None)
    if task is None:
        abort(404)
    given = parse(LabTaskInput, request.get_json(silent=True))
    wijklab.update_task(task, assignee=given.assignee, done=given.done)
    db.session.commit()
    return jsonify(answers.lab(lab))


@bp.post("/registrations/<int:registration_id>/wijklab/panel")
@documented(
    "Experts uitnodigen voor het panel (per e-mail)",
    body=PanelInviteInput,
    answer=answers.Lab,
    conflict=True,
)
@organiser_required(write=True)
def lab_invite(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    given = parse(PanelInviteInput, request.get_json(silent=True))
    panel.invite(lab, given.expert_ids, actor=g.api_account)
    db.session.commit()
    return jsonify(answers.lab(lab))


@bp.get("/registrations/<int:registration_id>/wijklab/suggestions")
@documented("Experts voor het panel, best passend eerst", answer=[answers.Suggestion])
@organiser_required(write=False)
def lab_suggestions(registration_id: int):
    lab = wijklab.lab_or_404(registration_id)
    return jsonify(
        [answers.suggestion(expert, matching) for expert, matching in panel.suggestions(lab)]
    )


@bp.get("/experts")
@documented("De expertpool", answer=[answers.Expert])
@organiser_required(write=False)
def experts():
    return jsonify([answers.expert(e) for e in panel.experts()])


@bp.post("/experts")
@documented(
    "Een expert aan de pool toevoegen",
    body=ExpertInput,
    answer=answers.Expert,
    status=201,
)
@organiser_required(write=True)
def add_expert():
    made = panel.save_expert(request.get_json(silent=True))
    db.session.commit()
    return jsonify(answers.expert(made)), 201
