"""Pictures on a programme's page, drawn on the server as SVG with pygal: registrations over time
(cumulative, with the capacity, the minimum and the closing date drawn in) and attendance per
session. Each comes with the same numbers as a table on the page (for screen readers and for
copying). The SVG is an image of its own, served with a policy that lets its inline style apply
and nothing else (no script runs in an image)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pygal
from flask import Blueprint, abort, make_response
from flask_babel import gettext as _
from pygal.style import Style
from sqlalchemy import func, select

from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.extensions import db
from wijkwerk.formatting import short_date, shown
from wijkwerk.programmes.models import Programme
from wijkwerk.programmes.services import get_programme
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.timeutil import now_utc

bp = Blueprint("charts", __name__)

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _style(*colors: str) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#666666",
        font_family="'Noto Sans', Arial, sans-serif",
        colors=colors,
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        value_font_size=12,
    )


@dataclass(frozen=True)
class Growth:
    """Registrations received by day, counted up."""

    days: list[tuple[dt.date, int]]  # (day, registrations received by the end of that day)
    capacity: int | None
    minimum: int | None
    deadline: dt.date | None


def growth(programme: Programme) -> Growth:
    """One query: the moments registrations came in."""
    moments = db.session.scalars(
        select(Registration.created_at)
        .where(Registration.programme_id == programme.id)
        .order_by(Registration.created_at)
    ).all()
    days: list[tuple[dt.date, int]] = []
    for count, moment in enumerate(moments, start=1):
        day = shown(moment).date()
        if days and days[-1][0] == day:
            days[-1] = (day, count)
        else:
            days.append((day, count))
    deadline = programme.registration_deadline
    return Growth(
        days=days,
        capacity=programme.capacity,
        minimum=programme.min_participants,
        deadline=shown(deadline).date() if deadline else None,
    )


def per_session(programme: Programme) -> list[tuple[str, dt.datetime, int, int]]:
    """(title, start, present, expected) per session, counted in the database (two queries
    whatever the size), as the attendance matrix counts them: the members of confirmed
    registrations expected at a session (every session, or the one they were named for)."""
    confirmed = select(Registration.id).where(
        Registration.programme_id == programme.id,
        Registration.state == RegistrationState.CONFIRMED,
    )
    named = dict(
        db.session.execute(
            select(RegistrationMember.session_id, func.count(RegistrationMember.id))
            .where(RegistrationMember.registration_id.in_(confirmed))
            .group_by(RegistrationMember.session_id)
        ).all()
    )
    ids = [s.id for s in programme.sessions]
    present = dict(
        db.session.execute(
            select(Attendance.session_id, func.count(Attendance.id))
            .join(RegistrationMember, RegistrationMember.id == Attendance.member_id)
            .where(
                Attendance.session_id.in_(ids),
                Attendance.status == AttendanceStatus.PRESENT,
                RegistrationMember.registration_id.in_(confirmed),
                (RegistrationMember.session_id.is_(None))
                | (RegistrationMember.session_id == Attendance.session_id),
            )
            .group_by(Attendance.session_id)
        ).all()
    )
    everyone = named.get(None, 0)
    return [
        (s.title, s.starts_at, present.get(s.id, 0), everyone + named.get(s.id, 0))
        for s in programme.sessions
    ]


def _svg(chart) -> object:
    response = make_response(chart.render(is_unicode=True))
    response.mimetype = "image/svg+xml"
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _programme(slug: str) -> Programme:
    programme = get_programme(slug, published_only=False)
    if programme is None:
        abort(404)
    return programme


def _labels(first: dt.date, last: dt.date, most: int = 7) -> list[dt.date]:
    """Evenly spread days to label the time axis with, at most ``most``."""
    span = max((last - first).days, 1)
    step = max(span // (most - 1), 1)
    return [first + dt.timedelta(days=n) for n in range(0, span + 1, step)][:most]


@bp.get("/programmas/<slug>/grafiek/aanmeldingen.svg")
def growth_chart(slug: str):
    data = growth(_programme(slug))
    chart = pygal.DateLine(
        js=[],
        disable_xml_declaration=True,
        # registrations, places, minimum, closing date
        style=_style("#1d4f91", "#a4281e", "#8a6d00", "#555555"),
        width=800,
        height=320,
        show_dots=False,
        legend_at_bottom=True,
        truncate_label=-1,
        x_value_formatter=lambda day: short_date(
            dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
        ),
        truncate_legend=-1,
    )
    first = data.days[0][0] if data.days else shown(now_utc()).date()
    last = max([d for d, _n in data.days] + [d for d in (data.deadline,) if d] + [first])
    chart.x_labels = _labels(first, last)
    chart.add(_("Aanmeldingen (opgeteld)"), data.days, stroke_style={"width": 3})
    top = max([n for _d, n in data.days] + [data.capacity or 0, data.minimum or 0, 1])
    if data.capacity:
        chart.add(_("Plaatsen"), [(first, data.capacity), (last, data.capacity)])
    if data.minimum:
        chart.add(
            _("Minimum"),
            [(first, data.minimum), (last, data.minimum)],
            stroke_style={"dasharray": "6, 4"},
        )
    if data.deadline:
        chart.add(_("Sluitingsdatum"), [(data.deadline, 0), (data.deadline, top)])
    chart.range = (0, top + 1)
    return _svg(chart)


@bp.get("/programmas/<slug>/grafiek/aanwezigheid.svg")
def attendance_chart(slug: str):
    rows = per_session(_programme(slug))
    chart = pygal.Bar(
        js=[],
        disable_xml_declaration=True,
        style=_style("#9db4d6", "#1e6b2f"),  # expected, present
        width=800,
        height=320,
        legend_at_bottom=True,
        x_label_rotation=0,
        truncate_label=-1,
    )
    chart.x_labels = [title for title, _start, _present, _expected in rows]
    chart.add(_("Verwacht"), [expected for _t, _s, _p, expected in rows])
    chart.add(_("Aanwezig"), [present for _t, _s, present, _e in rows])
    return _svg(chart)
