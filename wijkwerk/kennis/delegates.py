"""Who a city sends to a Kennisprogramma's meetings (docs/domain.md §4): two or three people per
theme meeting, from different organisations or disciplines, named before the meeting's naming
deadline; their signed link to the wijkanalyses; and the mails once the deadline has passed with a
city still short.

Web pages and the JSON API call these functions; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import Field
from sqlalchemy import select

from wijkwerk.accounts.models import Account, Role
from wijkwerk.attendance.models import Attendance
from wijkwerk.extensions import db
from wijkwerk.kennis.meetings import may_read_wijkanalyses
from wijkwerk.kennis.models import KennisMeeting
from wijkwerk.kennis.services import cities, city_of, require_kennis, warning
from wijkwerk.outbox.services import queue
from wijkwerk.programmes.models import (
    Programme,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
    SessionStatus,
)
from wijkwerk.registrations import intake, links
from wijkwerk.registrations.inputs import EmailAddress, Line, PersonInput
from wijkwerk.registrations.models import Registration, RegistrationState, StateConflict
from wijkwerk.registrations.parts import MemberRole, RegistrationMember
from wijkwerk.registrations.sessions import session_mail
from wijkwerk.schema import Says, Shape, read
from wijkwerk.timeutil import now_utc
from wijkwerk.urls import external_url
from wijkwerk.validation import Problem, RuleViolation

S = RegistrationState
MIN_DELEGATES, MAX_DELEGATES = 2, 3  # "twee of drie deelnemers" per city per meeting (seed 002)
NAMING_DAYS = 7  # cities name their people a week before a meeting, unless set otherwise


# --- the people per meeting -----------------------------------------------------------------------


class DelegateInput(Shape):
    name: Line
    email: EmailAddress
    organisation: Line
    discipline: Line


class DelegatesInput(Shape):
    """Who a city sends to a meeting: ``{"delegates": [{name, email, organisation,
    discipline}]}``, at most three."""

    delegates: Annotated[
        list[DelegateInput],
        Field(max_length=MAX_DELEGATES),
        Says(
            missing=lambda: _("Geef de deelnemers op."),
            too_long=(
                "too_many_delegates",
                lambda: _(
                    "Per bijeenkomst komen hooguit %(max)s mensen per stad.", max=MAX_DELEGATES
                ),
            ),
        ),
    ]


def naming_deadline(session: ProgrammeSession, meeting: KennisMeeting | None = None) -> dt.datetime:
    """Until when a city names its people for ``session``."""
    meeting = meeting or db.session.get(KennisMeeting, session.id)
    if meeting is not None and meeting.naming_deadline is not None:
        return meeting.naming_deadline
    return session.starts_at - dt.timedelta(days=NAMING_DAYS)


def delegates_of(registration: Registration, session: ProgrammeSession) -> list[RegistrationMember]:
    return [m for m in registration.members if m.session_id == session.id]


def name_delegates(
    registration: Registration,
    session: ProgrammeSession,
    data: Any,
    *,
    actor: Account | None = None,
    actor_label: str = "registrant",
    now: dt.datetime | None = None,
) -> list[Problem]:
    """Set who a city sends to a meeting (replacing whom it named before). More than three is
    refused; fewer than two, or two from the same organisation and discipline, is a warning.
    Each person newly named gets the meeting in their calendar by mail. Raises
    :class:`RuleViolation` and :class:`StateConflict`."""
    now = now or now_utc()
    programme = registration.programme
    require_kennis(programme)
    if registration.state is not S.CONFIRMED:
        raise StateConflict(registration)
    if session.programme_id != programme.id:
        raise RuleViolation(
            Problem("invalid", "session", _("Kies een bijeenkomst van dit programma."))
        )
    if session.status is not SessionStatus.SCHEDULED or now >= session.starts_at:
        raise RuleViolation(
            Problem(
                "invalid",
                "session",
                _("Voor deze bijeenkomst kunt u geen deelnemers meer opgeven."),
            )
        )
    given, problems = read(DelegatesInput, data)
    delegates = given.delegates
    seen: dict[str, int] = {}
    for index, delegate in enumerate(delegates):
        if delegate.email and delegate.email in seen:
            problems.append(
                Problem(
                    "duplicate_member",
                    f"delegates[{index}].email",
                    _("Dit e-mailadres staat er al bij."),
                )
            )
        seen.setdefault(delegate.email, index)
    current = {m.person.email: m for m in delegates_of(registration, session)}
    keep = {d.email for d in delegates}
    leaving = [m for email, m in current.items() if email not in keep]
    marked = _with_attendance(leaving, session)
    for member in marked:
        problems.append(
            Problem(
                "invalid",
                "delegates",
                _(
                    "%(name)s is al aan- of afwezig gemeld en blijft op de lijst.",
                    name=member.person.name,
                ),
            )
        )
    if problems:
        raise RuleViolation(*problems)

    for member in leaving:
        registration.members.remove(member)
    added = []
    for position, delegate in enumerate(delegates):
        member = current.get(delegate.email)
        if member is None:
            person = intake.find_or_create_person(
                PersonInput.model_construct(
                    name=delegate.name, email=delegate.email, function=delegate.discipline
                ),
                registration.locale,
            )
            member = RegistrationMember(
                person=person, session_id=session.id, role=MemberRole.DELEGATE
            )
            registration.members.append(member)
            added.append(member)
        member.position = position
        member.organisation_name = delegate.organisation
        member.function = delegate.discipline
    db.session.flush()
    names = ", ".join(d.name for d in delegates) or "–"
    registration.note_change(
        actor=actor,
        actor_label=actor_label,
        reason=_("Deelnemers voor %(session)s: %(names)s.", session=session.title, names=names),
    )
    for member in added:
        queue(
            f"delegate:{session.id}:{member.person_id}",
            member.person.email,
            "delegate_named",
            **session_mail(registration, member.person, session),
            city=city_of(registration),
            documents_url=delegate_url(member),
        )
    return delegate_warnings(delegates)


def delegate_warnings(delegates: list[DelegateInput]) -> list[Problem]:
    warnings = []
    if len(delegates) < MIN_DELEGATES:
        warnings.append(
            warning(
                "too_few_delegates",
                _(
                    "Per bijeenkomst komen twee of drie mensen per stad; er staat er nu %(count)s.",
                    count=len(delegates),
                ),
            )
        )
    pairs = [(d.organisation.lower(), d.discipline.lower()) for d in delegates]
    if len(set(pairs)) < len(pairs):
        warnings.append(
            warning(
                "same_organisation",
                _("Kies bij voorkeur mensen uit verschillende organisaties of disciplines."),
            )
        )
    return warnings


def _with_attendance(members: list[RegistrationMember], session: ProgrammeSession):
    if not members:
        return []
    marked = set(
        db.session.scalars(
            select(Attendance.member_id).where(
                Attendance.session_id == session.id,
                Attendance.member_id.in_([m.id for m in members]),
            )
        )
    )
    return [m for m in members if m.id in marked]


# --- their link to the wijkanalyses ---------------------------------------------------------------


_DELEGATE_LINK = "wijkwerk:kennis-delegate"


def delegate_token(member: RegistrationMember) -> str:
    """A person named for a meeting reads the wijkanalyses through this signed link."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_DELEGATE_LINK)
    return serializer.dumps({"m": member.id, "p": member.person_id})


def delegate_by_token(token: str) -> RegistrationMember | None:
    """The person a link is for, while they are named for a meeting of a city taking part."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_DELEGATE_LINK)
    try:
        data = serializer.loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    member = db.session.get(RegistrationMember, data["m"])
    if (
        member is None
        or member.person_id != data.get("p")
        or member.role is not MemberRole.DELEGATE
        or not may_read_wijkanalyses(member.registration)
    ):
        return None
    return member


def delegate_url(member: RegistrationMember) -> str:
    return external_url("kennis.delegate_documents", token=delegate_token(member))


# --- the deadline ---------------------------------------------------------------------------------


def flag_missing_delegates(now: dt.datetime) -> int:
    """Once a meeting's naming deadline has passed (and it has not begun), every city with fewer
    than two people named is told, and organisers get the list; each once per meeting."""
    from wijkwerk.reminders import queue_once

    sessions = db.session.scalars(
        select(ProgrammeSession)
        .join(Programme)
        .where(
            Programme.kind == ProgrammeKind.KENNISPROGRAMMA,
            Programme.status == ProgrammeStatus.PUBLISHED,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
        )
    ).all()
    count = 0
    for session in sessions:
        if naming_deadline(session) > now:
            continue
        short = [
            (city, len(delegates_of(city.registration, session)))
            for city in cities(session.programme)
            if len(delegates_of(city.registration, session)) < MIN_DELEGATES
        ]
        for city, named in short:
            contact = city.registration.contact_person
            count += queue_once(
                f"delegates-short:{session.id}:{city.registration_id}",
                contact.email,
                "delegates_short",
                locale=city.registration.locale,
                registration_id=city.registration_id,
                person_id=contact.id,
                person=contact,
                city=city,
                session=session,
                named=named,
                shortlist=None,
                manage_url=links.manage_url(city.registration),
            )
        if short:
            for account in _organisers():
                count += queue_once(
                    f"delegates-short-organiser:{session.id}:{account.id}",
                    account.email,
                    "delegates_short",
                    person=None,
                    city=None,
                    session=session,
                    named=None,
                    shortlist=short,
                )
    return count


def _organisers() -> list[Account]:
    return list(
        db.session.scalars(
            select(Account).where(
                Account.active.is_(True), Account.role.in_([Role.ADMIN, Role.ORGANISER])
            )
        )
    )
