"""The Wijklab's part of the OpenAPI document: a municipality's request, a lab with its steps,
checklist and panel, and the expert pool. Its entry in the kind registry
(kind.py) carries it."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import REGISTRATION_ID, enum_of, read, ref, write
from wijkwerk.registrations.models import RegistrationState
from wijkwerk.wijklab.api import LabStepInput, LabTaskInput, PanelInviteInput
from wijkwerk.wijklab.models import InvitationStatus, LabGoal, LabStage, TaskOwner
from wijkwerk.wijklab.panel import ExpertInput

_EXPERT_PROPERTIES = {
    "name": {"type": "string"},
    "organisation": {"type": "string"},
    "email": {"type": "string", "format": "email"},
    "phone": {"type": "string"},
    "expertise": {"type": "array", "items": {"type": "string"}},
    "active": {"type": "boolean"},
}
SCHEMAS: dict[str, dict | type] = {
    "Expert": {
        "type": "object",
        "required": ["id", "name", "email", "expertise", "active"],
        "properties": {
            "id": {"type": "integer"},
            **_EXPERT_PROPERTIES,
            "matching": {
                "type": "array",
                "items": {"type": "string"},
                "description": "expertise die past bij de thema's van het Wijklab",
            },
        },
    },
    "Lab": {
        "type": "object",
        "required": ["registration", "stage", "question", "sharpened_question", "tasks"],
        "properties": {
            "registration": {"type": "integer"},
            "reference": {"type": "string"},
            "state": enum_of(RegistrationState),
            "stage": enum_of(LabStage),
            "stage_changed_at": {"type": "string", "format": "date-time"},
            "municipality": ref("Municipality"),
            "wijk": {"type": "string"},
            "question": {"type": "string"},
            "sharpened_question": {"type": "string"},
            "goal": enum_of(LabGoal),
            "preferred_periods": {"type": "string"},
            "stakeholders": {"type": "string"},
            "themes": {"type": "array", "items": {"type": "string"}},
            "session": {"oneOf": [ref("Session"), {"type": "null"}]},
            "day_programme": {"type": "string"},
            "report_url": {"type": ["string", "null"]},
            "startnotitie": {"type": ["string", "null"], "description": "bestandsnaam"},
            "tasks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string"},
                        "owner": enum_of(TaskOwner),
                        "optional": {"type": "boolean"},
                        "assignee": {"type": "string"},
                        "done": {"type": "boolean"},
                    },
                },
            },
            "panel": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "expert": ref("Expert"),
                        "status": enum_of(InvitationStatus),
                        "invited_at": {"type": "string", "format": "date-time"},
                        "responded_at": {"type": ["string", "null"], "format": "date-time"},
                    },
                },
            },
        },
    },
    "LabStepInput": LabStepInput,
    "LabTaskInput": LabTaskInput,
    "PanelInviteInput": PanelInviteInput,
    "ExpertInput": ExpertInput,
}

_KIND = {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}

PATHS: dict[str, dict] = {
    "/registrations/{registration_id}/wijklab": read(
        "Een Wijklab: stap, vragen, dag, taken en panel", ref("Lab"), "Wijklab", [REGISTRATION_ID]
    ),
    "/registrations/{registration_id}/wijklab/steps": {
        "post": write(
            "Volgende stap van een Wijklab (de gemeente krijgt bericht)",
            body="LabStepInput",
            answer=("Lab", "Het Wijklab na de stap"),
            parameters=[REGISTRATION_ID],
            conflict=True,
        )
    },
    "/registrations/{registration_id}/wijklab/tasks/{kind}": {
        "put": write(
            "Een taak van de checklist: wie, en of ze gedaan is",
            body="LabTaskInput",
            answer=("Lab", "Het Wijklab"),
            parameters=[REGISTRATION_ID, _KIND],
        )
    },
    "/registrations/{registration_id}/wijklab/panel": {
        "post": write(
            "Experts uitnodigen voor het panel (per e-mail)",
            body="PanelInviteInput",
            answer=("Lab", "Het Wijklab met de uitnodigingen"),
            parameters=[REGISTRATION_ID],
        )
    },
    "/registrations/{registration_id}/wijklab/suggestions": read(
        "Experts voor het panel, best passend eerst",
        {"type": "array", "items": ref("Expert")},
        "Voorstellen",
        [REGISTRATION_ID],
    ),
    "/experts": {
        **read("De expertpool", {"type": "array", "items": ref("Expert")}, "Experts"),
        "post": write(
            "Een expert aan de pool toevoegen",
            body="ExpertInput",
            answer=("Expert", "De expert"),
            status="201",
        ),
    },
}
