"""Reading calendars with a second, independent parser (``ical``), not the library that wrote them."""

from __future__ import annotations

from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream


def parse(ics: bytes | str) -> Calendar:
    text = ics.decode() if isinstance(ics, bytes) else ics
    return IcsCalendarStream.calendar_from_ics(text)


def attached_calendar(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    return parse(part.get_content())
