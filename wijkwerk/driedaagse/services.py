"""Individuals for a course (docs/domain.md §2, the driedaagse): register, get a place or wait, pay by
invoice or by Stripe, book a coach conversation.

The web form and the JSON API both call :func:`register_individual`; it flushes and never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from wijkwerk.driedaagse.inputs import IndividualInput
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments import gateway
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.registrations import intake, lifecycle
from wijkwerk.registrations.lifecycle import Outcome
from wijkwerk.registrations.models import Registration, RegistrationState, StateConflict
from wijkwerk.registrations.parts import CoachSlot, MemberRole, RegistrationMember
from wijkwerk.schema import read
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation

S = RegistrationState


def individual_rules(programme: Programme, data: IndividualInput) -> list[Problem]:
    problems = []
    if programme.fee_cents > 0:
        if data.payment_method is None:
            problems.append(Problem("required", "payment_method", _("Kies hoe u betaalt.")))
        elif data.payment_method is PaymentMethod.STRIPE and not gateway.enabled():
            problems.append(
                Problem(
                    "invalid",
                    "payment_method",
                    _(
                        "Betalen met iDEAL of creditcard is nu niet mogelijk; kies betaling op factuur."
                    ),
                )
            )
        if (
            data.payment_method is PaymentMethod.INVOICE
            and data.person.organisation_type is OrganisationType.GEMEENTE
            and not data.billing.po_number
        ):
            problems.append(intake.po_number_required())
    return problems


def register_individual(
    programme: Programme, data: object, *, now: dt.datetime | None = None
) -> Outcome:
    """Register one person for a course. A free place is confirmed at once (and invoiced) or, for
    payment by Stripe, held while they pay; when the course is full they wait on the list.

    Raises :class:`RuleViolation` with every problem found.
    """
    individual, problems = read(IndividualInput, data)
    person = individual.person
    application = IndividualApplication(
        locale=individual.locale or "nl",
        consent=individual.consent,
        contact=person,
        phone=person.phone if person else "",
        billing=individual.billing.ordered(person.name if person else "")
        if individual.billing
        else None,
        payment_method=individual.payment_method if programme.fee_cents > 0 else None,
        individual=individual,
    )
    return intake.take_in(
        programme,
        ProgrammeKind.DRIEDAAGSE,
        application,
        problems,
        now=now,
        wrong_kind=_("Voor dit programma meldt u zich niet als persoon aan."),
    )


@dataclass(frozen=True, kw_only=True)
class IndividualApplication(intake.Application):
    """An individual's request for the intake (wijkwerk/registrations/intake.py)."""

    individual: IndividualInput

    def rules(self, programme: Programme) -> tuple[list[Problem], list[Problem]]:
        return individual_rules(programme, self.individual), []

    def taken_by(self, programme: Programme, contact) -> bool:
        found = db.session.scalar(
            select(Registration.id).where(
                Registration.programme_id == programme.id,
                Registration.contact_person_id == contact.id,
                Registration.active_slot.is_not(None),
            )
        )
        return found is not None

    def already_registered(self) -> Problem:
        return Problem(
            "already_registered",
            "person.email",
            _("Met dit e-mailadres is al iemand aangemeld voor dit programma."),
        )

    def build(self, registration: Registration, people: dict) -> None:
        data = self.individual
        registration.completed_at = registration.created_at
        registration.members.append(
            RegistrationMember(
                person=registration.contact_person,
                position=0,
                role=MemberRole.PARTICIPANT,
                function=data.person.function or None,
                organisation_name=data.person.organisation,
                organisation_type=data.person.organisation_type,
                professional_role=data.person.role,
                dietary_needs=data.dietary_needs,
                accessibility_needs=data.accessibility_needs,
            )
        )

    def first_step(self, registration: Registration, now: dt.datetime, actor) -> None:
        lifecycle.place_or_waitlist(registration, actor_label="registrant", now=now)


# --- coach conversations --------------------------------------------------------------------------


def book_coach_slot(
    registration: Registration, slot_id: int, *, now: dt.datetime | None = None
) -> CoachSlot:
    """Book ``slot_id`` for a confirmed participant, giving up a slot they held before. A slot
    holds one person: the booking is a conditional UPDATE, so of two people clicking the same
    slot at once exactly one gets it."""
    if registration.state is not S.CONFIRMED:
        raise StateConflict(registration)
    slot = db.session.get(CoachSlot, slot_id)
    if slot is None or slot.programme_id != registration.programme_id:
        raise RuleViolation(Problem("invalid", "slot", _("Kies een van de tijden.")))
    if slot.registration_id == registration.id:
        return slot
    release_coach_slot(registration)
    db.session.flush()
    taken = db.session.execute(
        update(CoachSlot)
        .where(CoachSlot.id == slot_id, CoachSlot.registration_id.is_(None))
        .values(registration_id=registration.id, booked_at=now or now_utc())
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise RuleViolation(
            Problem(
                "slot_taken",
                "slot",
                _("Deze tijd is net door iemand anders gekozen. Kies een andere."),
            )
        )
    db.session.expire(slot)
    db.session.expire(registration, ["coach_slot"])
    registration.note_change(
        actor_label="registrant",
        reason=_("Coachgesprek gekozen: %(coach)s.", coach=slot.coach_name),
    )
    return slot


def cancel_coach_slot(registration: Registration) -> None:
    if registration.coach_slot is None:
        return
    release_coach_slot(registration)
    registration.note_change(actor_label="registrant", reason=_("Coachgesprek afgezegd."))


def coach_slots(programme: Programme) -> list[CoachSlot]:
    return list(
        db.session.scalars(
            select(CoachSlot)
            .where(CoachSlot.programme_id == programme.id)
            .order_by(CoachSlot.starts_at, CoachSlot.id)
        )
    )


def coach_slot_problems(minutes: int | None, coach_name: str) -> list[Problem]:
    """What is wrong with a coach slot's length and coach (the rules of one slot)."""
    problems = []
    if not coach_name.strip():
        problems.append(Problem("required", "coach_name", _("Vul de naam van de coach in.")))
    if minutes is None or not 5 <= minutes <= 240:
        problems.append(Problem("invalid", "minutes", _("Kies een duur tussen 5 en 240 minuten.")))
    return problems


def publish_coach_slot(
    programme: Programme, starts_at: dt.datetime, minutes: int, coach_name: str, location: str = ""
) -> CoachSlot:
    """An organiser offers a time for a coach conversation."""
    problems = coach_slot_problems(minutes, coach_name)
    if problems:
        raise RuleViolation(*problems)
    slot = CoachSlot(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        coach_name=coach_name.strip()[:200],
        location=location.strip()[:200],
    )
    db.session.add(slot)
    return slot


def release_coach_slot(registration: Registration) -> None:
    """Give up the coach time a participant held (on cancelling too: the kind's ``cancelled``)."""
    db.session.execute(
        update(CoachSlot)
        .where(CoachSlot.registration_id == registration.id)
        .values(registration_id=None, booked_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(registration, ["coach_slot"])
