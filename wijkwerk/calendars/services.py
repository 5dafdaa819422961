"""Which sessions belong in whose calendar, and the .ics attachments of mails."""

from __future__ import annotations

from wijkwerk.calendars.ics import calendar
from wijkwerk.outbox.writing import Attachment
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.urls import external_url


def sessions_of(registration: Registration) -> list[ProgrammeSession]:
    """The sessions a registration attends, by its kind (wijkwerk/programmes/kinds.py): none
    unless confirmed."""
    if registration.state is not RegistrationState.CONFIRMED:
        return []
    return kinds.of(registration.programme).attends(registration)


def feed_url(registration: Registration) -> str | None:
    if registration.feed_token is None:
        return None
    return external_url("calendars.personal_feed", token=registration.feed_token)


def webcal_url(registration: Registration) -> str | None:
    """The feed as a subscription link (``webcal://``): calendar apps subscribe instead of
    importing once."""
    url = feed_url(registration)
    if url is None:
        return None
    return "webcal://" + url.split("://", 1)[1]


def ics_attachment(
    name: str, sessions: list[ProgrammeSession], *, locale: str, filename: str = "bijeenkomsten.ics"
) -> Attachment:
    return Attachment(
        filename,
        "text/calendar; method=PUBLISH; charset=utf-8",
        calendar(name, sessions, locale=locale),
    )


def session_mail(registration: Registration, person, session: ProgrammeSession) -> dict:
    """What every mail about one session to one person carries: who and what it is about, in the
    registrant's locale, with the session as an .ics attachment."""
    from wijkwerk.registrations.notifications import manage_url  # imports this module

    return {
        "locale": registration.locale,
        "registration_id": registration.id,
        "person_id": person.id,
        "session_id": session.id,
        "attachments": [
            ics_attachment(
                session.programme.title,
                [session],
                locale=registration.locale,
                filename=f"bijeenkomst-{session.id}.ics",
            )
        ],
        "session": session,
        "person": person,
        "registration": registration,
        "manage_url": manage_url(registration),
    }
