"""Attendance per session: who is expected (the roster), recording marks, and the matrix of a
programme (people × sessions) with totals.

A mark is written with an upsert on (session, member), so a double tap, a retried request on a slow
connection or two organisers at the same door leave one mark, the last one given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from wijkwerk.accounts.models import Account
from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.audit import recorder as audit
from wijkwerk.db import dialect_insert
from wijkwerk.email_address import normalise_email
from wijkwerk.extensions import db
from wijkwerk.formatting import date as format_date
from wijkwerk.formatting import folded
from wijkwerk.municipalities.models import Municipality
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import Programme, ProgrammeSession
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.schema import Email, Says, Shape, Text, read
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation


@dataclass
class RosterLine:
    member: RegistrationMember
    registration: Registration
    mark: Attendance | None

    @property
    def group(self) -> str:
        """The trio's municipality, or the participant's organisation."""
        if self.registration.municipality is not None:
            return self.registration.municipality.display_name
        return self.member.organisation_name or ""


def _confirmed(programme_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.programme_id == programme_id,
                Registration.state == RegistrationState.CONFIRMED,
            )
            .options(
                joinedload(Registration.municipality),
                selectinload(Registration.members).joinedload(RegistrationMember.person),
            )
        ).unique()
    )


def _expected(registrations: list[Registration], session: ProgrammeSession):
    for registration in registrations:
        for member in registration.members:
            if member.expected_at(session.id):
                yield registration, member


def _sort_key(line: RosterLine) -> tuple:
    return (line.group.lower(), line.registration.id, line.member.position, line.member.person.name)


def roster(session: ProgrammeSession) -> list[RosterLine]:
    """Everyone expected at ``session``, by municipality or organisation, then trio, then name;
    with the mark recorded so far (three queries whatever the size)."""
    registrations = _confirmed(session.programme_id)
    marks = {
        a.member_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    lines = [
        RosterLine(member, registration, marks.get(member.id))
        for registration, member in _expected(registrations, session)
    ]
    return sorted(lines, key=_sort_key)


def counts(lines: list[RosterLine]) -> dict[str, int]:
    """How many are present, absent, excused and not yet seen, of everyone expected."""
    found = {"present": 0, "absent": 0, "excused": 0, "open": 0, "total": len(lines)}
    for line in lines:
        found[line.mark.status.value if line.mark else "open"] += 1
    return found


def matching(lines: list[RosterLine], query: str) -> list[RosterLine]:
    """The lines whose person, function or group holds ``query`` (case and accents ignored)."""
    wanted = folded(query)
    if not wanted:
        return lines
    return [
        line
        for line in lines
        if wanted in folded(f"{line.member.person.name} {line.member.function or ''} {line.group}")
    ]


@dataclass(frozen=True)
class Mark:
    member: RegistrationMember
    status: AttendanceStatus
    substitute_name: str | None
    substitute_email: str | None


# Attendance is marked on the day; more than this ahead of a session only when asked for
# explicitly (``"early": true``): a session months ahead marked "aanwezig" by a slip counts nowhere.
MARK_AHEAD = dt.timedelta(days=1)


def too_early(session: ProgrammeSession, now: dt.datetime | None = None) -> bool:
    """Whether ``session`` begins more than a day from ``now``."""
    return session.starts_at - (now or now_utc()) > MARK_AHEAD


class SubstituteInput(Shape):
    name: Annotated[str, Text(), Says(missing=lambda: _("Vul de naam van de vervanger in."))]
    email: Annotated[str, Email(optional=True)] = ""


class RecordInput(Shape):
    email: Annotated[str, Text(254)]
    status: Annotated[AttendanceStatus, Says(enum=lambda: _("Kies present, absent of excused."))]
    substitute: SubstituteInput | None = None


class MarksInput(Shape):
    """``PUT /sessions/{id}/attendance``; a session more than a day ahead takes marks only with
    ``"early": true``."""

    records: Annotated[list[RecordInput], Says(missing=lambda: _("Stuur een lijst records."))]
    early: bool = False


def read_marks(session: ProgrammeSession, data: Any) -> list[Mark]:
    """The marks of a request (:class:`MarksInput`). Every problem is reported at once; an
    e-mail address that is not expected at this session is a problem too, so nothing of a
    request with one is stored. A session more than a day ahead takes marks only with
    ``"early": true``."""
    given, problems = read(MarksInput, data)
    if too_early(session) and not given.early and "early" not in {p.field for p in problems}:
        # Said at once, with what else is wrong with the request; nothing is marked.
        raise RuleViolation(
            *problems,
            Problem(
                "invalid",
                "early",
                _(
                    "Deze bijeenkomst is pas op %(date)s. Aanwezigheid leggen we vast vanaf een "
                    "dag ervoor; wilt u het nu al doen, bevestig dat dan.",
                    date=format_date(session.starts_at),
                ),
            ),
        )
    by_email = {line.member.person.email: line.member for line in roster(session)}
    marks: list[Mark] = []
    for index, record in enumerate(given.records):
        member = by_email.get(normalise_email(record.email or ""))
        if member is None and record.email:
            problems.append(
                Problem(
                    "unknown_person",
                    f"records[{index}].email",
                    _("Deze persoon staat niet op de lijst van deze bijeenkomst."),
                )
            )
        if member is not None and record.status is not None:
            substitute = record.substitute
            marks.append(
                Mark(
                    member,
                    record.status,
                    substitute.name if substitute else None,
                    (substitute.email or None) if substitute else None,
                )
            )
    if problems:
        raise RuleViolation(*problems)
    return marks


def record(
    session: ProgrammeSession,
    marks: list[Mark],
    *,
    actor: Account | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Store ``marks`` for ``session``: one row per member, the last mark given wins."""
    now = now or now_utc()
    for mark in marks:
        values = {
            "status": mark.status,
            "substitute_name": mark.substitute_name,
            "substitute_email": mark.substitute_email,
            "recorded_at": now,
            "recorded_by_id": actor.id if actor is not None else None,
        }
        statement = dialect_insert(db.session, Attendance).values(
            session_id=session.id, member_id=mark.member.id, **values
        )
        db.session.execute(
            statement.on_conflict_do_update(index_elements=["session_id", "member_id"], set_=values)
        )
        audit.record(
            actor,
            "upsert",
            "attendance",
            f"{session.id},{mark.member.id}",
            {"status": (None, mark.status), "substitute_name": (None, mark.substitute_name)},
        )


@dataclass
class MatrixRow:
    """One person on the matrix, as plain values (thousands of rows load fast as tuples)."""

    registration_id: int
    reference: str
    name: str
    email: str
    group: str
    position: int
    marks: list  # a row (status, substitute_name, substitute_email, recorded_at) or None
    expected: list[bool]

    @property
    def present(self) -> int:
        return sum(m is not None and m.status is AttendanceStatus.PRESENT for m in self.marks)


@dataclass
class Matrix:
    programme: Programme
    sessions: list[ProgrammeSession]
    rows: list[MatrixRow] = field(default_factory=list)

    def present_at(self, index: int) -> int:
        return sum(
            r.marks[index] is not None and r.marks[index].status is AttendanceStatus.PRESENT
            for r in self.rows
        )

    def expected_at(self, index: int) -> int:
        return sum(r.expected[index] for r in self.rows)

    def groups(self) -> list[tuple[str, str, int, int]]:
        """(name, reference, present, expected) per trio, city or individual registration."""
        totals: dict[int, list] = {}
        for row in self.rows:
            entry = totals.setdefault(row.registration_id, [row.group, row.reference, 0, 0])
            entry[2] += row.present
            entry[3] += sum(row.expected)
        return [tuple(v) for v in totals.values()]


def matrix(programme: Programme) -> Matrix:
    """People × sessions of a programme, in two queries whatever the size."""
    sessions = list(programme.sessions)
    people = db.session.execute(
        select(
            Registration.id,
            Registration.reference,
            Municipality.common_name,
            Municipality.name.label("municipality_name"),
            RegistrationMember.id.label("member_id"),
            RegistrationMember.position,
            RegistrationMember.session_id,
            RegistrationMember.organisation_name,
            Person.name,
            Person.email,
        )
        .join(RegistrationMember, RegistrationMember.registration_id == Registration.id)
        .join(Person, Person.id == RegistrationMember.person_id)
        .outerjoin(Municipality, Municipality.code == Registration.municipality_code)
        .where(
            Registration.programme_id == programme.id,
            Registration.state == RegistrationState.CONFIRMED,
        )
    ).all()
    marks = {
        (row.session_id, row.member_id): row
        for row in db.session.execute(
            select(
                Attendance.session_id,
                Attendance.member_id,
                Attendance.status,
                Attendance.substitute_name,
                Attendance.substitute_email,
                Attendance.recorded_at,
            ).where(Attendance.session_id.in_([s.id for s in sessions]))
        )
    }
    result = Matrix(programme, sessions)
    for p in people:
        group = (
            (p.common_name or p.municipality_name)
            if p.municipality_name
            else (p.organisation_name or "")
        )
        result.rows.append(
            MatrixRow(
                p.id,
                p.reference,
                p.name,
                p.email,
                group,
                p.position,
                [marks.get((s.id, p.member_id)) for s in sessions],
                [p.session_id in (None, s.id) for s in sessions],
            )
        )
    result.rows.sort(key=lambda r: (r.group.lower(), r.registration_id, r.position, r.name))
    return result
