"""A Wijklab's steps (docs/domain.md §3): organisers take a requested lab through the intake, plan
the day (which confirms and invoices the booking), hold it and publish the report, or it is
withdrawn. Each step mails the municipality's contact, and the panel hears what concerns it.

The back-office and the API call :func:`advance`; the municipality's own page calls
:func:`withdraw`. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from wijkwerk.accounts.models import Account
from wijkwerk.calendars import changes
from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue
from wijkwerk.programmes.models import ProgrammeSession, SessionStatus
from wijkwerk.registrations import lifecycle, links, places
from wijkwerk.registrations.parts import MemberRole, RegistrationMember
from wijkwerk.registrations.sessions import ics_attachment
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation
from wijkwerk.wijklab import panel
from wijkwerk.wijklab.models import NEXT_STAGES, LabRequest, LabStage


@dataclass(frozen=True)
class StepInput:
    """What an organiser gives with a step; each step reads what it needs."""

    stage: LabStage
    sharpened_question: str | None = None
    themes: tuple[str, ...] | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location_name: str | None = None
    location_address: str | None = None
    day_programme: str | None = None
    report_url: str | None = None
    reason: str = ""


# Where the report is published: a whole link over https, without spaces.
REPORT_URL = re.compile(r"https://[^ \x00-\x1f\x7f-\x9f]+")


def report_url_words() -> str:
    return _("Geef een volledige link die met https:// begint.")


def withdraw(lab: LabRequest, *, actor_label: str, reason: str = "") -> None:
    """The municipality withdraws its request (until the lab is held), by the programme's terms;
    ``reason`` is theirs, when they gave one."""
    said = _("Ingetrokken door de gemeente.")
    advance(
        lab,
        StepInput(LabStage.WITHDRAWN, reason=f"{said} {reason}" if reason else said),
        actor_label=actor_label,
    )


def cancelled(lab: LabRequest) -> None:
    """Its booking was cancelled, however that happened (the municipality withdrew, an organiser
    cancelled it or the whole programme): the lab is withdrawn, its day is off, its panel told."""
    if lab.session is not None and lab.session.status is SessionStatus.SCHEDULED:
        changes.change_session(
            lab.session,
            changes.SessionChange(
                status=SessionStatus.CANCELLED, reason=_("Het Wijklab gaat niet door.")
            ),
        )
    if lab.stage is not LabStage.WITHDRAWN:
        lab.stage = LabStage.WITHDRAWN
        lab.stage_changed_at = now_utc()
        tell_panel(lab)


def advance(
    lab: LabRequest,
    step: StepInput,
    *,
    actor: Account | None = None,
    actor_label: str = "organiser",
    now: dt.datetime | None = None,
) -> None:
    """Take ``lab`` to ``step.stage``, recording what that step needs, and mail the contact.

    - intake: optionally the sharpened question and the themes for the panel;
    - planned: the sharpened question, the day (start and end) and its place; the booking is
      confirmed and invoiced. Planning again moves the day: everyone on it is told once;
    - held; reported: the report's public link (https);
    - withdrawn: the booking is cancelled by the programme's terms.

    Raises :class:`RuleViolation` (a step that cannot follow, or what it misses) and
    :class:`StateConflict`.
    """
    now = now or now_utc()
    if step.stage not in NEXT_STAGES[lab.stage]:
        raise RuleViolation(
            Problem(
                "invalid",
                "stage",
                _("Deze stap kan niet volgen op de huidige stap van het Wijklab."),
            )
        )
    problems = _step_problems(lab, step)
    if problems:
        raise RuleViolation(*problems)
    if step.sharpened_question is not None:
        lab.sharpened_question = step.sharpened_question
    if step.themes is not None:
        lab.themes = list(step.themes)
    if step.day_programme is not None:
        lab.day_programme = step.day_programme
    registration = lab.registration
    replanned = step.stage is LabStage.PLANNED and lab.stage is LabStage.PLANNED
    if step.stage is LabStage.PLANNED:
        _plan(lab, step, actor=actor, now=now)
    elif step.stage is LabStage.REPORTED:
        lab.report_url = step.report_url or ""
        registration.active_slot = None  # done: the municipality may ask for another lab
        registration.note_change(actor=actor, reason=_("Verslag gepubliceerd."))
    elif step.stage is LabStage.WITHDRAWN:  # the lab, its day and its panel: steps.cancelled
        lifecycle.cancel(
            registration, actor=actor, actor_label=actor_label, reason=step.reason, quiet=True
        )
    else:
        registration.note_change(
            actor=actor, reason=step.reason or _stage_label_for_history(step.stage)
        )
    if replanned:  # the contact hears of the move from the session change
        tell_panel(lab)
        return
    lab.stage = step.stage
    lab.stage_changed_at = now
    tell_step(lab, step.reason)
    if step.stage in (LabStage.PLANNED, LabStage.WITHDRAWN):
        tell_panel(lab)


def _stage_label_for_history(stage: LabStage) -> str:
    return {
        LabStage.INTAKE: _("Intake: de vraag wordt samen aangescherpt."),
        LabStage.HELD: _("Het Wijklab is gehouden."),
    }.get(stage, "")


def _step_problems(lab: LabRequest, step: StepInput) -> list[Problem]:
    problems = []
    if step.stage is LabStage.PLANNED:
        if not (step.sharpened_question or lab.sharpened_question):
            problems.append(
                Problem(
                    "required",
                    "sharpened_question",
                    _("Leg eerst de aangescherpte vraag vast."),
                )
            )
        if step.starts_at is None:
            problems.append(Problem("required", "starts_at", _("Kies de datum en begintijd.")))
        if step.ends_at is None:
            problems.append(Problem("required", "ends_at", _("Kies de eindtijd.")))
        elif step.starts_at is not None and step.ends_at <= step.starts_at:
            problems.append(Problem("invalid", "ends_at", _("De dag eindigt na het begin.")))
    if step.stage is LabStage.REPORTED:
        url = step.report_url or ""
        if not url:
            problems.append(Problem("required", "report_url", _("Geef de link naar het verslag.")))
        elif not REPORT_URL.fullmatch(url) or len(url) > 500:
            problems.append(Problem("invalid", "report_url", report_url_words()))
    if step.stage is LabStage.WITHDRAWN and not step.reason:
        problems.append(Problem("required", "reason", _("Geef een reden op.")))
    return problems


def _plan(lab: LabRequest, step: StepInput, *, actor: Account | None, now: dt.datetime) -> None:
    """Put the day in the calendar; the first time, confirm and invoice the booking."""
    registration = lab.registration
    location_name = step.location_name if step.location_name is not None else lab.wijk
    location_address = step.location_address or ""
    if lab.session is not None:
        changes.change_session(
            lab.session,
            changes.SessionChange(
                starts_at=step.starts_at,
                ends_at=step.ends_at,
                location_name=location_name,
                location_address=location_address,
                reason=step.reason,
            ),
            actor=actor,
        )
        return
    programme = registration.programme
    municipality = registration.municipality.display_name if registration.municipality else ""
    session = ProgrammeSession(
        programme=programme,
        position=len(programme.sessions),
        title=_("Wijklab %(place)s, %(wijk)s", place=municipality, wijk=lab.wijk),
        theme=lab.sharpened_question or step.sharpened_question or "",
        outcome=_("Een onafhankelijk advies van het panel, aan het eind van de dag."),
        starts_at=step.starts_at,
        ends_at=step.ends_at,
        location_name=location_name,
        location_address=location_address,
    )
    db.session.add(session)
    lab.session = session
    db.session.flush()
    registration.members.append(
        RegistrationMember(
            person=registration.contact_person,
            position=0,
            role=MemberRole.PARTICIPANT,
            session_id=session.id,
            organisation_name=municipality,
        )
    )
    db.session.flush()
    places.take_place(registration)
    registration.completed_at = now
    lifecycle.admit(
        registration,
        _("Het Wijklab is ingepland."),
        actor=actor,
        actor_label="organiser",
        now=now,
        quiet=True,
    )


def tell_step(lab: LabRequest, reason: str) -> None:
    """The contact hears of each step once (the key holds the step)."""
    registration = lab.registration
    person = registration.contact_person
    attachments = []
    if lab.stage is LabStage.PLANNED and lab.session is not None:
        attachments.append(
            ics_attachment(
                registration.programme.title,
                [lab.session],
                locale=registration.locale,
                filename="wijklab.ics",
            )
        )
    queue(
        f"lab-step:{lab.id}:{lab.stage.value}",
        person.email,
        "lab_step",
        locale=registration.locale,
        registration_id=registration.id,
        person_id=person.id,
        registration=registration,
        person=person,
        lab=lab,
        reason=reason,
        manage_url=links.manage_url(registration),
        attachments=attachments,
    )


def tell_panel(lab: LabRequest) -> None:
    """Everyone on the panel gets what they need once it exists (the day in their calendar, the
    startnotitie), or hears that the lab is off."""
    for invitation in lab.panel:
        panel.send_briefing(invitation)
