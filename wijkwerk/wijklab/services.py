"""Wijklab requests (docs/domain.md §3): a municipality requests a lab, with the checklist of its
day; organisers take it through the steps in wijkwerk/wijklab/steps.py.

The public form and ``POST /api/v1/programmes/{slug}/registrations`` call :func:`request_lab`.
Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from flask import abort
from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.registrations import intake
from wijkwerk.registrations.inputs import (
    MAX_LONG_TEXT,
    Consent,
    ContactInput,
    Line,
    Locale,
    LongText,
    MunicipalityCode,
    OrderedBillingInput,
)
from wijkwerk.registrations.lifecycle import Outcome
from wijkwerk.registrations.models import Registration
from wijkwerk.schema import Shape, Text, read
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem
from wijkwerk.wijklab.models import LabGoal, LabRequest, LabTask, TaskOwner
from wijkwerk.wijklab.steps import tell_step

# The checklist of the day (seed 000): the host's part, then the institute's.
TASKS = (
    ("location", TaskOwner.HOST, False),
    ("lunch", TaskOwner.HOST, False),
    ("bicycles", TaskOwner.HOST, True),
    ("dinner", TaskOwner.HOST, False),
    ("startnotitie", TaskOwner.INSTITUTE, False),
    ("chair", TaskOwner.INSTITUTE, False),
    ("invitations", TaskOwner.INSTITUTE, False),
    ("report", TaskOwner.INSTITUTE, False),
    ("publication", TaskOwner.INSTITUTE, False),
)


class WijklabInput(Shape):
    """A municipality's request for a Wijklab (docs/api.md, kind ``wijklab``)."""

    municipality: MunicipalityCode
    contact: ContactInput
    wijk: Line
    question: Annotated[LongText, Field(description="het vraagstuk")]
    goal: LabGoal
    preferred_periods: Annotated[str, Text(1000, multiline=True)]
    stakeholders: Annotated[str, Text(MAX_LONG_TEXT, multiline=True, optional=True)] = ""
    billing: OrderedBillingInput
    consent: Consent = None
    locale: Locale = "nl"


def request_lab(programme: Programme, data: object, *, now: dt.datetime | None = None) -> Outcome:
    """A municipality asks for a Wijklab. Raises :class:`RuleViolation` with every problem."""
    request, problems = read(WijklabInput, data)
    contact = request.contact
    application = LabApplication(
        locale=request.locale or "nl",
        consent=request.consent,
        municipality=request.municipality,
        contact=contact,
        phone=contact.phone if contact else "",
        billing=request.billing.ordered(contact.name if contact else "")
        if request.billing
        else None,
        payment_method=PaymentMethod.INVOICE,
        request=request,
    )
    return intake.take_in(
        programme,
        ProgrammeKind.WIJKLAB,
        application,
        problems,
        now=now,
        wrong_kind=_("Voor dit programma vraagt u geen Wijklab aan."),
    )


@dataclass(frozen=True, kw_only=True)
class LabApplication(intake.Application):
    """A municipality's request for the intake (wijkwerk/registrations/intake.py)."""

    request: WijklabInput

    def already_registered(self) -> Problem:
        return Problem(
            "already_registered",
            "municipality",
            _(
                "Voor deze gemeente loopt al een aanvraag voor een Wijklab. Neem contact met ons op."
            ),
        )

    def build(self, registration: Registration, people: dict) -> None:
        request = self.request
        lab = LabRequest(
            registration=registration,
            question=request.question,
            wijk=request.wijk,
            goal=request.goal,
            preferred_periods=request.preferred_periods,
            stakeholders=request.stakeholders,
            stage_changed_at=registration.created_at,
        )
        for position, (kind, owner, optional) in enumerate(TASKS):
            lab.tasks.append(LabTask(kind=kind, owner=owner, optional=optional, position=position))
        db.session.add(lab)

    def notify(self, registration: Registration) -> None:
        tell_step(lab_of(registration), "")


def lab_or_404(registration_id: int) -> LabRequest:
    """The lab of a registration, for a page or an API call: 404 when there is none."""
    lab = db.session.scalar(select(LabRequest).where(LabRequest.registration_id == registration_id))
    if lab is None:
        abort(404)
    return lab


def lab_of(registration: Registration) -> LabRequest | None:
    return db.session.scalar(
        select(LabRequest).where(LabRequest.registration_id == registration.id)
    )


def update_task(
    task: LabTask,
    *,
    assignee: str | None = None,
    done: bool | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Who takes a checklist item on, and whether it is done (when it was done is kept while it
    stays done)."""
    if assignee is not None:
        task.assignee = assignee.strip()[:200]
    if done and task.done_at is None:
        task.done_at = now or now_utc()
    elif done is False:
        task.done_at = None
