"""Wijklab requests (docs/domain.md §3): a municipality requests a lab, with the checklist of its
day; organisers take it through the steps in wijkwerk/wijklab/steps.py.

The public form and ``POST /api/v1/programmes/{slug}/registrations`` call :func:`request_lab`.
Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.registrations import intake
from wijkwerk.registrations.inputs import (
    MAX_LONG_TEXT,
    PHONE,
    BillingInput,
    PersonInput,
    Reader,
    read_billing,
)
from wijkwerk.registrations.lifecycle import Outcome
from wijkwerk.registrations.models import Registration
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


@dataclass(frozen=True)
class LabInput:
    municipality: str
    contact: PersonInput
    phone: str
    question: str
    wijk: str
    goal: LabGoal | None
    preferred_periods: str
    stakeholders: str
    billing: BillingInput
    consent: bool | None
    locale: str


def read_lab_request(data: Any) -> tuple[LabInput, list[Problem]]:
    """Parse a Wijklab request (kind ``wijklab``)."""
    reader = Reader()
    data = reader.mapping(data, None)
    contact_data = reader.mapping(data.get("contact"), "contact")
    name = reader.text(contact_data, "name", "contact.name")
    phone = reader.pattern(
        contact_data,
        "phone",
        "contact.phone",
        PHONE,
        _("Vul een telefoonnummer in, zoals 06 12345678 of +31 6 12345678."),
        required=False,
    )
    request = LabInput(
        municipality=reader.text(data, "municipality", "municipality").upper(),
        contact=PersonInput(
            name=name,
            email=reader.email(contact_data, "email", "contact.email"),
            function=reader.text(contact_data, "function", "contact.function", required=False),
        ),
        phone=phone[0] if phone else "",
        question=reader.text(data, "question", "question", limit=MAX_LONG_TEXT),
        wijk=reader.text(data, "wijk", "wijk"),
        goal=reader.choice(data, "goal", "goal", LabGoal),
        preferred_periods=reader.text(data, "preferred_periods", "preferred_periods", limit=1000),
        stakeholders=reader.text(
            data, "stakeholders", "stakeholders", required=False, limit=MAX_LONG_TEXT
        ),
        billing=read_billing(reader, data.get("billing"), "billing", ordered_by=name),
        consent=reader.flag(data, "consent", "consent"),
        locale=reader.locale(data),
    )
    return request, reader.problems


def request_lab(programme: Programme, data: object, *, now: dt.datetime | None = None) -> Outcome:
    """A municipality asks for a Wijklab. Raises :class:`RuleViolation` with every problem."""
    request, problems = read_lab_request(data)
    application = LabApplication(
        locale=request.locale,
        consent=request.consent,
        municipality=request.municipality,
        contact=request.contact,
        phone=request.phone,
        billing=request.billing,
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

    request: LabInput

    def rules(self, programme: Programme) -> tuple[list[Problem], list[Problem]]:
        return ([] if self.request.billing.po_number else [intake.po_number_required()]), []

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
