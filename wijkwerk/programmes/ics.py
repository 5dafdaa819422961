"""Sessions as iCalendar (RFC 5545), built with the ``icalendar`` library.

Times are written in Europe/Amsterdam with a VTIMEZONE that states the EU summer-time rule (as
Outlook and Google write it), so the file is right for any year. Each session keeps its UID for
life; a move or a cancellation raises its SEQUENCE, and a cancelled session says STATUS:CANCELLED,
so calendars that already hold the event replace it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from wijkwerk.programmes.models import ContactTopic, ProgrammeSession, SessionStatus
from wijkwerk.timeutil import AMSTERDAM, now_utc
from wijkwerk.urls import external_url

TZID = "Europe/Amsterdam"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def amsterdam_timezone() -> Timezone:
    """VTIMEZONE for Europe/Amsterdam with the yearly rule (last Sunday of March and October)."""
    zone = Timezone()
    zone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))  # noqa: DTZ001  (local, by RFC 5545)
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))  # noqa: DTZ001
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _organizer() -> vCalAddress:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    return organizer


def description(session: ProgrammeSession) -> str:
    """What the event says: programme, theme, outcome, practical notes and whom to ask."""
    programme = session.programme
    parts = [programme.title]
    if session.theme:
        parts.append(_("Thema: %(theme)s", theme=session.theme))
    if session.outcome:
        parts.append(_("Wat levert het op: %(outcome)s", outcome=session.outcome))
    if session.practical:
        parts.append(_("Praktisch: %(notes)s", notes=session.practical))
    for contact in programme.contacts:
        label = {
            ContactTopic.CONTENT: _("Inhoudelijke vragen"),
            ContactTopic.PRACTICAL: _("Praktische vragen"),
        }.get(contact.topic, _("Vragen"))
        reach = ", ".join(p for p in (contact.phone, contact.email) if p)
        parts.append(f"{label}: {contact.name}" + (f" ({reach})" if reach else ""))
    parts.append(external_url("programmes.detail", slug=programme.slug))
    return "\n\n".join(parts)


def session_event(session: ProgrammeSession, now: dt.datetime) -> Event:
    """One session as a VEVENT with its stable UID and current SEQUENCE."""
    programme = session.programme
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", now)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", session.ends_at.astimezone(AMSTERDAM))
    event.add("summary", f"{programme.title}: {session.title}")
    event.add("description", description(session))
    location = ", ".join(p for p in (session.location_name, session.location_address) if p)
    if location:
        event.add("location", location)
    event.add("organizer", _organizer())
    event.add("url", external_url("programmes.detail", slug=programme.slug))
    cancelled = session.status is SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def calendar(name: str, sessions: Iterable[ProgrammeSession], *, locale: str = "nl") -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of ``sessions``, written in ``locale``."""
    now = now_utc()
    cal = Calendar()
    cal.add("prodid", "-//wijkwerk//wijkwerk 1.0//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    cal.add_component(amsterdam_timezone())
    with force_locale(locale):
        for session in sessions:
            cal.add_component(session_event(session, now))
    return cal.to_ical()
