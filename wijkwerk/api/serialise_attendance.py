"""Attendance in the API's answers (docs/api.md): a session's roster with its marks, and a
programme's matrix of people by sessions with the totals."""

from __future__ import annotations

from wijkwerk.api.serialise import SessionRef, session_ref
from wijkwerk.attendance.models import AttendanceStatus
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.schema import Answer, Timestamp


class Substitute(Answer):
    name: str
    email: str | None


class Mark(Answer):
    status: AttendanceStatus
    substitute: Substitute | None
    recorded_at: Timestamp


def mark(a) -> Mark | None:
    if a is None:
        return None
    return Mark(
        status=a.status,
        substitute=Substitute(name=a.substitute_name, email=a.substitute_email)
        if a.substitute_name
        else None,
        recorded_at=a.recorded_at,
    )


class RosterLine(Answer):
    email: str
    name: str
    registration: str
    group: str
    attendance: Mark | None


class Roster(Answer):
    session: SessionRef
    records: list[RosterLine]


def roster(session: ProgrammeSession, lines) -> Roster:
    return Roster(
        session=session_ref(session),
        records=[
            RosterLine(
                email=line.member.person.email,
                name=line.member.person.name,
                registration=line.registration.reference,
                group=line.group,
                attendance=mark(line.mark),
            )
            for line in lines
        ],
    )


class MatrixSession(SessionRef):
    present: int


class MatrixMark(Answer):
    session_id: int
    expected: bool
    attendance: Mark | None


class MatrixRow(Answer):
    email: str
    name: str
    registration: str
    group: str
    marks: list[MatrixMark]
    present: int


class MatrixGroup(Answer):
    registration: str
    name: str
    present: int
    expected: int


class AttendanceMatrix(Answer):
    programme: str
    sessions: list[MatrixSession]
    people: list[MatrixRow]
    groups: list[MatrixGroup]


def attendance_matrix(m) -> AttendanceMatrix:
    return AttendanceMatrix(
        programme=m.programme.slug,
        sessions=[
            MatrixSession(id=s.id, title=s.title, starts_at=s.starts_at, present=m.present_at(i))
            for i, s in enumerate(m.sessions)
        ],
        people=[
            MatrixRow(
                email=row.email,
                name=row.name,
                registration=row.reference,
                group=row.group,
                marks=[
                    MatrixMark(session_id=s.id, expected=expected, attendance=mark(a))
                    for s, a, expected in zip(m.sessions, row.marks, row.expected, strict=True)
                ],
                present=row.present,
            )
            for row in m.rows
        ],
        groups=[
            MatrixGroup(registration=reference, name=name, present=present, expected=expected)
            for name, reference, present, expected in m.groups()
        ],
    )
