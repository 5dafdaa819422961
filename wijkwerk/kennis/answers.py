"""The Kennisprogramma in the API's answers (docs/api.md): a city with its people per meeting, the
people a city sends, and a theme meeting's host, presenters and naming deadline. Their schemas
in the OpenAPI document are generated from these classes (wijkwerk/schema/)."""

from __future__ import annotations

from wijkwerk.api.serialise import Session, session
from wijkwerk.api.serialise_registration import Member, Warning, member, warning
from wijkwerk.kennis.delegates import naming_deadline
from wijkwerk.kennis.meetings import meeting_of
from wijkwerk.schema import Answer, Timestamp


class CityContact(Answer):
    name: str
    email: str


class CityMeeting(Answer):
    session: int
    delegates: list[Member]


class City(Answer):
    """A participating city or region with its people per meeting."""

    registration: int
    name: str
    municipality: str | None
    wijk: str
    region: str | None
    contact: CityContact
    wijkanalyse: str | None
    meetings: list[CityMeeting]


def city(c, sessions) -> City:
    contact = c.registration.contact_person
    return City(
        registration=c.registration_id,
        name=c.name,
        municipality=c.registration.municipality_code,
        wijk=c.wijk,
        region=c.region or None,
        contact=CityContact(name=contact.name, email=contact.email),
        wijkanalyse=c.wijkanalyse.filename if c.wijkanalyse else None,
        meetings=[
            CityMeeting(
                session=s.id,
                delegates=[member(m) for m in c.registration.members if m.session_id == s.id],
            )
            for s in sessions
        ],
    )


class Delegates(Answer):
    delegates: list[Member]
    warnings: list[Warning]


def delegates(members, warnings) -> Delegates:
    return Delegates(
        delegates=[member(m) for m in members], warnings=[warning(w) for w in warnings]
    )


class Meeting(Answer):
    session: Session
    host: int | None
    presenters: list[int]
    naming_deadline: Timestamp
    warnings: list[Warning] = []


def meeting(s, warnings=()) -> Meeting:
    found = meeting_of(s)
    return Meeting(
        session=session(s),
        host=found.host_registration_id,
        presenters=sorted(p.registration_id for p in found.presenters),
        naming_deadline=naming_deadline(s, found),
        warnings=[warning(w) for w in warnings],
    )
