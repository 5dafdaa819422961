"""The Kennisprogramma (docs/domain.md §4): organisers admit the participating cities or regions, each
with its wijk and a contact. Who a city sends to each meeting is in wijkwerk/kennis/delegates.py; a
meeting's host and presenters and the wijkanalyses are in wijkwerk/kennis/meetings.py.

Web pages and the JSON API call these functions; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from flask import abort
from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.kennis.models import CityParticipation
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.programmes.services import get_programme
from wijkwerk.registrations import intake, lifecycle, places
from wijkwerk.registrations.inputs import ContactInput, Line, Locale, MunicipalityCode, OptionalLine
from wijkwerk.registrations.lifecycle import Outcome
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.schema import Shape, read
from wijkwerk.validation import Problem, RuleViolation

S = RegistrationState


def programme_or_404(slug: str) -> Programme:
    """A Kennisprogramma by its slug, drafts included, for a page or an API call."""
    programme = get_programme(slug, published_only=False)
    if programme is None or programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        abort(404)
    return programme


def warning(code: str, message: str) -> Problem:
    return Problem(code, None, message)


def require_kennis(programme: Programme) -> None:
    if programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        raise RuleViolation(Problem("invalid", None, _("Dit kan alleen bij een kennisprogramma.")))


# --- the cities -----------------------------------------------------------------------------------


class CityAdmissionInput(Shape):
    """A city or region an organiser admits (docs/api.md, kind ``kennisprogramma``)."""

    municipality: MunicipalityCode
    wijk: Annotated[Line, Field(description="de deelnemende wijk")]
    region: Annotated[OptionalLine, Field(description="als een regio deelneemt")] = ""
    contact: ContactInput
    locale: Locale = "nl"


def admit_city(
    programme: Programme, data: Any, *, actor: Account | None = None, now: dt.datetime | None = None
) -> Outcome:
    """An organiser admits a city or region: ``{municipality, wijk, region?, contact {name,
    email, function}, locale}``. It is confirmed at once; its contact gets the meetings."""
    city, problems = read(CityAdmissionInput, data)
    application = CityApplication(
        locale=city.locale or "nl",
        consent=None,  # an organiser admits the city
        municipality=city.municipality,
        contact=city.contact,
        phone=city.contact.phone if city.contact else "",
        wijk=city.wijk,
        region=city.region,
    )
    return intake.take_in(
        programme,
        ProgrammeKind.KENNISPROGRAMMA,
        application,
        problems,
        now=now,
        actor=actor,
        actor_label="organiser",
        by_organiser=True,
        wrong_kind=_("Dit kan alleen bij een kennisprogramma."),
    )


@dataclass(frozen=True, kw_only=True)
class CityApplication(intake.Application):
    """A city admitted by an organiser, for the intake (wijkwerk/registrations/intake.py)."""

    wijk: str
    region: str

    def rules(self, programme: Programme) -> tuple[list[Problem], list[Problem]]:
        # reported with the rest; take_place in the first step is the guard
        return ([_full(programme)] if programme.places_left == 0 else []), []

    def already_registered(self) -> Problem:
        return _already_admitted()

    def build(self, registration: Registration, people: dict) -> None:
        registration.completed_at = registration.created_at
        db.session.add(
            CityParticipation(registration=registration, wijk=self.wijk, region=self.region)
        )

    def then(self, registration: Registration, now: dt.datetime, actor) -> None:
        if not places.take_place(registration):
            raise RuleViolation(_full(registration.programme))
        lifecycle.admit(
            registration,
            _("Uw stad of regio neemt deel aan het kennisprogramma."),
            actor=actor,
            actor_label="organiser",
            now=now,
        )


def _already_admitted() -> Problem:
    return Problem(
        "already_registered", "municipality", _("Deze gemeente neemt al deel aan dit programma.")
    )


def _full(programme: Programme) -> Problem:
    return Problem(
        "invalid", None, _("Alle %(count)s plaatsen zijn bezet.", count=programme.capacity)
    )


def city_of(registration: Registration) -> CityParticipation | None:
    return db.session.scalar(
        select(CityParticipation).where(CityParticipation.registration_id == registration.id)
    )


def cities(programme: Programme) -> list[CityParticipation]:
    """The confirmed cities of a programme, by name, with their people loaded."""
    found = db.session.scalars(
        select(CityParticipation)
        .join(Registration)
        .where(Registration.programme_id == programme.id, Registration.state == S.CONFIRMED)
        .options(
            selectinload(CityParticipation.registration)
            .selectinload(Registration.members)
            .selectinload(RegistrationMember.person),
            selectinload(CityParticipation.registration).selectinload(Registration.municipality),
            selectinload(CityParticipation.registration).selectinload(Registration.contact_person),
        )
    ).all()
    return sorted(found, key=lambda c: c.name.lower())
