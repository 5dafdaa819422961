"""A certificate of participation (PDF) for someone who attended every session, on request."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from sqlalchemy import select

from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.extensions import db
from wijkwerk.formatting import date
from wijkwerk.payments.pdf import ENCODING, pdf_text
from wijkwerk.programmes.models import ProgrammeSession, SessionStatus
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.timeutil import now_utc


def attended_sessions(member: RegistrationMember) -> list[ProgrammeSession]:
    """The sessions this member was expected at and attended (in person, not by a substitute)."""
    present = set(
        db.session.scalars(
            select(Attendance.session_id).where(
                Attendance.member_id == member.id,
                Attendance.status == AttendanceStatus.PRESENT,
                Attendance.substitute_name.is_(None),
            )
        )
    )
    return [s for s in expected_sessions(member) if s.id in present]


def expected_sessions(member: RegistrationMember) -> list[ProgrammeSession]:
    programme = member.registration.programme
    return [
        s
        for s in programme.sessions
        if s.status is SessionStatus.SCHEDULED and member.expected_at(s.id)
    ]


def eligible(member: RegistrationMember) -> bool:
    """Confirmed, every expected session over, and present at each one."""
    registration: Registration = member.registration
    if registration.state is not RegistrationState.CONFIRMED:
        return False
    expected = expected_sessions(member)
    if not expected or any(s.ends_at > now_utc() for s in expected):
        return False
    return len(attended_sessions(member)) == len(expected)


def certificate_pdf(member: RegistrationMember) -> bytes:
    programme = member.registration.programme
    sessions = expected_sessions(member)
    with force_locale(member.registration.locale):
        pdf = FPDF(format="A4", orientation="landscape")
        pdf.core_fonts_encoding = ENCODING
        pdf.set_title(pdf_text(_("Bewijs van deelname")))
        pdf.set_margins(25, 25, 25)
        pdf.add_page()
        pdf.set_font("helvetica", "B", 28)
        pdf.ln(15)
        pdf.cell(
            0, 14, pdf_text(_("Bewijs van deelname")), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(10)
        pdf.set_font("helvetica", size=14)
        pdf.cell(
            0, 8, pdf_text(_("Hierbij verklaren wij dat")), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(4)
        pdf.set_font("helvetica", "B", 22)
        pdf.cell(0, 12, pdf_text(member.person.name), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("helvetica", size=14)
        pdf.multi_cell(
            0,
            8,
            pdf_text(
                _(
                    "heeft deelgenomen aan alle %(count)s bijeenkomsten van %(programme)s.",
                    count=len(sessions),
                    programme=programme.title,
                )
            ),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(6)
        pdf.set_font("helvetica", size=11)
        for session in sessions:
            line = f"{date(session.starts_at)}: {session.title}"
            if session.theme:
                line += f" ({session.theme})"
            pdf.cell(0, 6, pdf_text(line), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        pdf.cell(
            0,
            6,
            pdf_text(_("Referentie %(reference)s", reference=member.registration.reference)),
            align="C",
        )
        return bytes(pdf.output())
