"""Building iCalendar files with the ``icalendar`` library."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event

from wijkwerk.programmes.models import ProgrammeSession, SessionStatus
from wijkwerk.timeutil import now_utc
from wijkwerk.urls import external_url


def session_event(session: ProgrammeSession) -> Event:
    """One session as a VEVENT with its stable UID and current SEQUENCE."""
    programme = session.programme
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", now_utc())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    summary = f"{programme.title}: {session.title}"
    event.add("summary", summary)
    description = [programme.title]
    if session.theme:
        description.append(session.theme)
    if session.outcome:
        description.append(session.outcome)
    if session.practical:
        description.append(session.practical)
    event.add("description", "\n\n".join(description))
    location = ", ".join(p for p in (session.location_name, session.location_address) if p)
    if location:
        event.add("location", location)
    event.add("url", external_url("programmes.detail", slug=programme.slug))
    if session.status is SessionStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar(name: str, sessions: Iterable[ProgrammeSession]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//wijkwerk//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for session in sessions:
        cal.add_component(session_event(session))
    return cal.to_ical()
