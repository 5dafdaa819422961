"""The Wijklab in the API's answers (docs/api.md): a lab with its step, questions, day,
checklist and panel, and the experts of the pool. Their schemas in the OpenAPI document are
generated from these classes (wijkwerk/schema/)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wijkwerk.api.serialise import Municipality, Session, municipality, session
from wijkwerk.registrations.models import RegistrationState
from wijkwerk.schema import Answer, Timestamp
from wijkwerk.wijklab.models import InvitationStatus, LabGoal, LabStage, TaskOwner


class Expert(Answer):
    id: int
    name: str
    organisation: str | None
    email: str
    phone: str | None
    expertise: list[str]
    active: bool


def expert(e) -> Expert:
    return Expert(
        id=e.id,
        name=e.name,
        organisation=e.organisation,
        email=e.email,
        phone=e.phone,
        expertise=list(e.expertise),
        active=e.active,
    )


class Suggestion(Expert):
    matching: Annotated[
        list[str], Field(description="expertise die past bij de thema's van het Wijklab")
    ]


def suggestion(e, matching) -> Suggestion:
    return Suggestion(**dict(expert(e)), matching=list(matching))


class Task(Answer):
    kind: str
    owner: TaskOwner
    optional: bool
    assignee: str | None
    done: bool


class Invitation(Answer):
    expert: Expert
    status: InvitationStatus
    invited_at: Timestamp
    responded_at: Timestamp | None


class Lab(Answer):
    """A Wijklab for organisers: its step, the question before and after the intake, the day,
    the checklist and the panel."""

    registration: int
    reference: str
    state: RegistrationState
    stage: LabStage
    stage_changed_at: Timestamp | None
    municipality: Municipality
    wijk: str
    question: str
    sharpened_question: str | None
    goal: LabGoal
    preferred_periods: str | None
    stakeholders: str | None
    themes: list[str]
    session: Session | None
    day_programme: str | None
    report_url: str | None
    startnotitie: Annotated[str | None, Field(description="bestandsnaam")]
    tasks: list[Task]
    panel: list[Invitation]


def lab(lab) -> Lab:
    registration = lab.registration
    return Lab(
        registration=lab.registration_id,
        reference=registration.reference,
        state=registration.state,
        stage=lab.stage,
        stage_changed_at=lab.stage_changed_at,
        municipality=municipality(registration.municipality),
        wijk=lab.wijk,
        question=lab.question,
        sharpened_question=lab.sharpened_question,
        goal=lab.goal,
        preferred_periods=lab.preferred_periods,
        stakeholders=lab.stakeholders,
        themes=list(lab.themes or []),
        session=session(lab.session) if lab.session else None,
        day_programme=lab.day_programme,
        report_url=lab.report_url or None,
        startnotitie=lab.startnotitie.filename if lab.startnotitie else None,
        tasks=[
            Task(
                kind=t.kind,
                owner=t.owner,
                optional=t.optional,
                assignee=t.assignee,
                done=t.done_at is not None,
            )
            for t in lab.tasks
        ],
        panel=[
            Invitation(
                expert=expert(i.expert),
                status=i.status,
                invited_at=i.invited_at,
                responded_at=i.responded_at,
            )
            for i in lab.invitations
        ],
    )
