"""`make bench`: how fast the back-office renders a big programme.

Builds a throwaway SQLite database with one programme of 4 sessions and 2,000 confirmed
registrations (one person each, every session marked), then renders the registrations list and the
attendance matrix through the real app, logged in as an organiser, and reports the median time and
the number of SQL queries per page: the back-office's front page (dashboard) beside the list, the
matrix, the exports and a chart. Issue 8 adds load figures under gunicorn.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wijkwerk import create_app  # noqa: E402
from wijkwerk.accounts.models import Role  # noqa: E402
from wijkwerk.accounts.services import create_account  # noqa: E402
from wijkwerk.attendance.models import Attendance, AttendanceStatus  # noqa: E402
from wijkwerk.extensions import db  # noqa: E402
from wijkwerk.people.models import Person  # noqa: E402
from wijkwerk.programmes.models import (  # noqa: E402
    FeeUnit,
    Programme,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
)
from wijkwerk.registrations.models import Registration, RegistrationState  # noqa: E402
from wijkwerk.registrations.parts import MemberRole, RegistrationMember  # noqa: E402
from wijkwerk.timeutil import local  # noqa: E402

REGISTRATIONS = 2_000
SESSIONS = 4
RUNS = 5
PASSWORD = "metingen van de snelheid 2026"


def build(app) -> None:
    with app.app_context():
        db.create_all()
        create_account("bench@example.nl", PASSWORD, Role.ORGANISER)
        programme = Programme(
            slug="bench",
            kind=ProgrammeKind.DRIEDAAGSE,
            title="Benchmark",
            status=ProgrammeStatus.PUBLISHED,
            fee_cents=180_000,
            fee_per=FeeUnit.PERSON,
        )
        sessions = [
            ProgrammeSession(
                programme=programme,
                title=f"Dag {n + 1}",
                starts_at=local(2099, 11, 22 + n, 9, 30),
                ends_at=local(2099, 11, 22 + n, 17, 0),
            )
            for n in range(SESSIONS)
        ]
        db.session.add(programme)
        db.session.flush()
        statuses = list(AttendanceStatus)
        for n in range(REGISTRATIONS):
            person = Person(email=f"deelnemer{n}@example.nl", name=f"Deelnemer {n}")
            registration = Registration(
                programme=programme,
                contact_person=person,
                state=RegistrationState.CONFIRMED,
                fee_cents=180_000,
                holds_place=True,
            )
            member = RegistrationMember(
                person=person,
                role=MemberRole.PARTICIPANT,
                organisation_name=f"Organisatie {n % 97}",
            )
            registration.members.append(member)
            db.session.add(registration)
            db.session.flush()
            for index, session in enumerate(sessions):
                db.session.add(
                    Attendance(session=session, member=member, status=statuses[(n + index) % 3])
                )
        db.session.commit()


def measure(client, url: str, engine) -> tuple[float, int]:
    statements: list[str] = []

    def count(*_args) -> None:
        statements.append("")

    timings = []
    for run in range(RUNS):
        if run == RUNS - 1:
            event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    event.remove(engine, "before_cursor_execute", count)
    return statistics.median(timings), len(statements)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="wijkwerk-bench-"))
    app = create_app(
        "config.default.Config",
        instance_path=str(folder / "instance"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite3'}",
        SECRET_KEY="bench",
        WTF_CSRF_ENABLED=False,
    )
    started = time.perf_counter()
    build(app)
    print(
        f"setup: {REGISTRATIONS} registrations × {SESSIONS} sessions in {time.perf_counter() - started:.1f} s"
    )
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.nl", "password": PASSWORD})
    with app.app_context():
        engine = db.engine
        print(f"{'page':<40} {'median':>9} {'queries':>8}")
        for label, url in (
            ("dashboard (front page)", "/beheer/"),
            ("registrations list", "/beheer/programmas/bench"),
            ("attendance matrix", "/beheer/programmas/bench/aanwezigheid"),
            ("attendance export (xlsx)", "/beheer/programmas/bench/aanwezigheid.xlsx"),
            ("registrations export (xlsx)", "/beheer/programmas/bench/aanmeldingen.xlsx"),
            ("registrations chart (svg)", "/beheer/programmas/bench/grafiek/aanmeldingen.svg"),
        ):
            seconds, queries = measure(client, url, engine)
            print(f"{label:<40} {seconds * 1000:>7.0f} ms {queries:>8}")


if __name__ == "__main__":
    main()
