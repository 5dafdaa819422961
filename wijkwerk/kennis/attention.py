"""What needs an organiser in a Kennisprogramma, for the back-office's front page
(``Kind.attention``, wijkwerk/programmes/kinds.py): cities short of people before a meeting's
naming deadline."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import ngettext

from wijkwerk.formatting import date as format_date
from wijkwerk.formatting import datetime as format_datetime
from wijkwerk.kennis.delegates import MIN_DELEGATES, delegates_of, naming_deadline
from wijkwerk.kennis.services import cities
from wijkwerk.programmes.models import Programme, SessionStatus

SHORT_WARNING = dt.timedelta(days=14)


def short_of_people(
    programmes: list[Programme], now: dt.datetime
) -> list[tuple[str, str, Programme]]:
    """For the back-office's front page: each coming meeting whose naming deadline is near (two
    weeks) or passed, with the cities that have named fewer than two people."""
    found = []
    for programme in programmes:
        taking_part = cities(programme)
        for session in programme.sessions:
            if session.status is not SessionStatus.SCHEDULED or session.starts_at <= now:
                continue
            deadline = naming_deadline(session)
            if deadline > now + SHORT_WARNING:
                continue
            short = [
                city.name
                for city in taking_part
                if len(delegates_of(city.registration, session)) < MIN_DELEGATES
            ]
            if not short:
                continue
            text = ngettext(
                "%(session)s (%(date)s): %(cities)s heeft nog geen twee deelnemers opgegeven; "
                "de termijn is %(deadline)s.",
                "%(session)s (%(date)s): %(num)s steden hebben nog geen twee deelnemers "
                "opgegeven (%(cities)s); de termijn is %(deadline)s.",
                len(short),
                session=session.title,
                date=format_date(session.starts_at),
                cities=", ".join(short),
                deadline=format_datetime(deadline),
            )
            found.append(
                (text, url_for("backoffice.kennis.overview", slug=programme.slug), programme)
            )
    return found
