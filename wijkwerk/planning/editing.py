"""Organisers create and change programmes and their sessions: in the back-office forms and with
``POST /api/v1/programmes``. The rules live here once; each door reads its own input into plain
values (attribute names of :class:`Programme` and :class:`ProgrammeSession`) and maps the field of
each :class:`Problem` back to its own field names: the API's body in
wijkwerk/planning/reading.py, the back-office forms in wijkwerk/backoffice/programme_forms.py."""

from __future__ import annotations

import re
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import exists, select

from wijkwerk.accounts.models import Account
from wijkwerk.calendars import changes
from wijkwerk.extensions import db
from wijkwerk.money import FULL_SHARE_BP
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import (
    ContactTopic,
    Programme,
    ProgrammeContact,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
)
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.inputs import Line, Phone
from wijkwerk.registrations.models import Registration
from wijkwerk.schema import Email, Says, Shape, parse
from wijkwerk.validation import Problem, RuleViolation

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# What an organiser sets on a programme (besides its slug and kind, which never change).
SETTINGS = (
    "title",
    "summary",
    "description",
    "audience",
    "fee_cents",
    "vat_rate_bp",
    "vat_exemption_text",
    "fee_per",
    "exemption",
    "capacity",
    "min_participants",
    "allocation",
    "registration_opens_at",
    "registration_deadline",
    "cancel_free_days",
    "cancel_late_charge_bp",
    "cancellation_terms",
    "reminder_days",
)
SESSION_SETTINGS = (
    "title",
    "theme",
    "outcome",
    "practical",
    "starts_at",
    "ends_at",
    "location_name",
    "location_address",
)
MAX_REMINDER_DAYS = 365


# --- the rules ------------------------------------------------------------------------------------


def check_identity(slug: str, kind: ProgrammeKind | None) -> list[Problem]:
    """A new programme's slug (its address, for good) and kind."""
    problems = []
    if not slug:
        problems.append(Problem("required", "slug", _("Vul dit veld in.")))
    elif not SLUG.fullmatch(slug) or len(slug) > 80:
        problems.append(
            Problem("invalid", "slug", _("Gebruik kleine letters, cijfers en streepjes."))
        )
    elif db.session.scalar(select(Programme.id).where(Programme.slug == slug)):
        problems.append(
            Problem("already_exists", "slug", _("Er is al een programma met deze slug."))
        )
    if kind is None:
        problems.append(Problem("required", "kind", _("Kies een van de mogelijkheden.")))
    return problems


def check_settings(values: dict[str, Any], programme: Programme | None = None) -> list[Problem]:
    """The rules a programme's settings keep, for a new one and for a change of ``programme``."""
    problems = []
    if not values.get("title"):
        problems.append(Problem("required", "title", _("Vul dit veld in.")))
    capacity, minimum = values.get("capacity"), values.get("min_participants")
    if capacity is not None and minimum is not None and minimum > capacity:
        problems.append(
            Problem("invalid", "min_participants", _("Het minimum is hoger dan het maximum."))
        )
    opens, deadline = values.get("registration_opens_at"), values.get("registration_deadline")
    if opens is not None and deadline is not None and deadline <= opens:
        problems.append(
            Problem(
                "invalid",
                "registration_deadline",
                _("De aanmelding sluit na het moment waarop ze opengaat."),
            )
        )
    days = values.get("reminder_days") or []
    if any(not 0 <= d <= MAX_REMINDER_DAYS for d in days):
        problems.append(
            Problem(
                "invalid",
                "reminder_days",
                _("Kies dagen tussen 0 en %(max)s.", max=MAX_REMINDER_DAYS),
            )
        )
    if not 0 <= values.get("cancel_late_charge_bp", 0) <= FULL_SHARE_BP:
        problems.append(
            Problem("invalid", "cancel_late_charge_bp", _("Kies een percentage van 0 tot 100."))
        )
    if programme is None:
        return problems
    if capacity is not None and capacity < programme.places_taken:
        problems.append(
            Problem(
                "invalid",
                "capacity",
                _(
                    "Er zijn al %(taken)s plaatsen bezet; kies minstens %(taken)s.",
                    taken=programme.places_taken,
                ),
            )
        )
    if values.get(
        "allocation", programme.allocation
    ) is not programme.allocation and db.session.scalar(
        select(exists().where(Registration.programme_id == programme.id))
    ):
        problems.append(
            Problem(
                "invalid",
                "allocation",
                _("Er zijn al aanmeldingen; de manier van plaatsen verdelen ligt nu vast."),
            )
        )
    return problems


def check_session(values: dict[str, Any]) -> list[Problem]:
    problems = []
    if not values.get("title"):
        problems.append(Problem("required", "title", _("Vul dit veld in.")))
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(Problem("invalid", "ends_at", _("De bijeenkomst eindigt na het begin.")))
    return problems


# --- the changes ----------------------------------------------------------------------------------


def kind_problems(kind: ProgrammeKind | None, values: dict[str, Any]) -> list[Problem]:
    """What the programme's kind does not allow (its exemptions and allocation policies in the
    registry, wijkwerk/programmes/kinds.py)."""
    problems: list[Problem] = []
    if kind is None:
        return problems
    exemption = values.get("exemption")
    if exemption is not None and exemption not in kinds.of(kind).exemptions:
        problems.append(
            Problem(
                "invalid",
                "exemption",
                _("Bij dit soort programma is er geen vrijstelling voor middelgrote gemeenten."),
            )
        )
    allocation = values.get("allocation")
    if allocation is not None and allocation not in kinds.of(kind).allocations:
        problems.append(
            Problem(
                "invalid",
                "allocation",
                _("Bij dit soort programma worden de plaatsen in volgorde van aanmelding gegeven."),
            )
        )
    return problems


def problems_of_new(
    slug: str, kind: ProgrammeKind | None, values: dict[str, Any], sessions: list[dict[str, Any]]
) -> list[Problem]:
    """Every rule a new programme breaks; session problems are at ``sessions[i].field``."""
    problems = check_identity(slug, kind) + check_settings(values)
    problems += kind_problems(kind, values)
    for index, session in enumerate(sessions):
        problems += [
            Problem(p.code, f"sessions[{index}].{p.field}", p.message)
            for p in check_session(session)
        ]
    return problems


def new_programme(
    slug: str,
    kind: ProgrammeKind | None,
    values: dict[str, Any],
    sessions: list[dict[str, Any]] = (),
    *,
    published: bool = False,
) -> Programme:
    """A new programme, a draft unless ``published``, with its sessions. Raises
    :class:`RuleViolation` with every problem."""
    problems = problems_of_new(slug, kind, values, sessions)
    if problems:
        raise RuleViolation(*problems)
    settings = {"fee_per": kinds.of(kind).fee_unit}
    settings.update({k: v for k, v in values.items() if k in SETTINGS and v is not None})
    programme = Programme(
        slug=slug,
        kind=kind,
        status=ProgrammeStatus.PUBLISHED if published else ProgrammeStatus.DRAFT,
        **settings,
    )
    for index, session in enumerate(sessions):
        programme.sessions.append(ProgrammeSession(position=index, **session))
    db.session.add(programme)
    db.session.flush()
    return programme


def change_programme(
    programme: Programme, values: dict[str, Any], *, actor: Account | None = None
) -> list[Registration]:
    """Change ``programme``'s settings (the audit log keeps before and after). New registrations
    pay the new fee; those made earlier keep theirs. Places added go to the waiting list, first in
    line first; returns the registrations moved up."""
    problems = check_settings(values, programme) + kind_problems(programme.kind, values)
    if problems:
        raise RuleViolation(*problems)
    for key in SETTINGS:
        if key in values:
            setattr(programme, key, values[key])
    db.session.flush()
    promoted = []
    while programme.places_left is None or programme.places_left > 0:
        moved_up = lifecycle.promote_next(programme)
        if moved_up is None:
            break
        promoted.append(moved_up)
    return promoted


def set_status(programme: Programme, status: ProgrammeStatus) -> None:
    """Publish a programme (registration opens within its window) or take it back to draft.
    Cancelling is not a status change but a service with consequences
    (registrations/cancelling.py); a cancelled programme does not come back."""
    if status is ProgrammeStatus.CANCELLED:
        raise RuleViolation(
            Problem("invalid", "status", _("Laat een programma vervallen via zijn eigen pagina."))
        )
    if programme.status is ProgrammeStatus.CANCELLED:
        raise RuleViolation(
            Problem(
                "invalid",
                "status",
                _("Een vervallen programma gaat niet meer door; maak zo nodig een nieuw."),
            )
        )
    programme.status = status


def add_session(programme: Programme, values: dict[str, Any]) -> ProgrammeSession:
    """A new session; confirmed participants who attend it get a mail with its .ics."""
    problems = check_session(values)
    if problems:
        raise RuleViolation(*problems)
    session = ProgrammeSession(
        position=max((s.position for s in programme.sessions), default=-1) + 1, **values
    )
    programme.sessions.append(session)
    db.session.flush()
    changes.tell_added(session)
    return session


# --- contacts -------------------------------------------------------------------------------------

MAX_CONTACTS = 4


class ContactRowInput(Shape):
    topic: Annotated[ContactTopic, Says(missing=lambda: _("Kies een van de mogelijkheden."))]
    name: Line
    email: Annotated[str, Email(optional=True)] = ""
    phone: Phone = ""


class ContactsInput(Shape):
    contacts: Annotated[
        list[ContactRowInput],
        Field(max_length=MAX_CONTACTS),
        Says(
            too_long=lambda: _("Geef hooguit %(max)s contactpersonen.", max=MAX_CONTACTS),
        ),
    ]


def set_contacts(programme: Programme, rows: list[dict[str, Any]]) -> None:
    """Who to ask about a programme (shown on its page, in every mail and calendar event):
    ``[{topic, name, email?, phone?}]``, replacing the ones before. Raises :class:`RuleViolation`
    with each problem at ``contacts[i].field``."""
    given = parse(ContactsInput, {"contacts": rows})
    contacts = [
        ProgrammeContact(
            topic=row.topic,
            name=row.name,
            email=row.email or None,
            phone=row.phone or None,
            position=index,
        )
        for index, row in enumerate(given.contacts)
    ]
    programme.contacts = contacts
    db.session.flush()
