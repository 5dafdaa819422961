"""Which sessions a registration attends, and the .ics attachments of the mails about them."""

from __future__ import annotations

from wijkwerk.outbox.writing import Attachment
from wijkwerk.programmes import kinds
from wijkwerk.programmes.ics import calendar
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.links import page_url
from wijkwerk.registrations.models import Registration, RegistrationState


def sessions_of(registration: Registration) -> list[ProgrammeSession]:
    """The sessions a registration attends, by its kind (wijkwerk/programmes/kinds.py): none
    unless confirmed."""
    if registration.state is not RegistrationState.CONFIRMED:
        return []
    return kinds.of(registration.programme).attends(registration)


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
        "manage_url": page_url(registration, person),
    }
