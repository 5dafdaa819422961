"""What the API answers, declared once (docs/api.md fixes the names): each answer's shape as an
:class:`~wijkwerk.schema.Answer`, and the function that fills it from the models. The OpenAPI
document's answer schemas are generated from these classes; the app's JSON provider sends them.
A registration's answers are in :mod:`wijkwerk.api.serialise_registration`, attendance's in
:mod:`wijkwerk.api.serialise_attendance`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wijkwerk.money import rate_as_string
from wijkwerk.municipalities.models import Municipality as MunicipalityModel
from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    ProgrammeKind,
    ProgrammeSession,
    RegistrationWindow,
    SessionStatus,
)
from wijkwerk.programmes.models import Programme as ProgrammeModel
from wijkwerk.schema import Answer, Timestamp


class Error(Answer):
    code: str
    field: str | None
    message: str


class Errors(Answer):
    """Fout; ``errors`` somt op wat er mis is."""

    errors: list[Error]


def problems(items) -> Errors:
    return Errors(errors=[Error(code=p.code, field=p.field, message=p.message) for p in items])


class Municipality(Answer):
    code: Annotated[str, Field(pattern="^GM[0-9]{4}$")]
    name: str
    official_name: str
    province: str | None
    population: int
    middelgroot: bool


def municipality(m: MunicipalityModel) -> Municipality:
    return Municipality(
        code=m.code,
        name=m.display_name,
        official_name=m.name,
        province=m.province_name,
        population=m.population,
        middelgroot=m.middelgroot,
    )


class Location(Answer):
    name: str | None
    address: str | None


class Session(Answer):
    id: int
    title: str
    theme: str | None
    outcome: str | None
    starts_at: Timestamp
    ends_at: Timestamp
    location: Location
    status: SessionStatus
    uid: Annotated[str, Field(description="iCalendar UID, stable for the session's life")]
    sequence: Annotated[int, Field(description="iCalendar SEQUENCE; rises at each change")]


def session(s: ProgrammeSession) -> Session:
    return Session(
        id=s.id,
        title=s.title,
        theme=s.theme,
        outcome=s.outcome,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        location=Location(name=s.location_name, address=s.location_address),
        status=s.status,
        uid=s.uid,
        sequence=s.sequence,
    )


class SessionRef(Answer):
    id: int
    title: str
    starts_at: Timestamp


def session_ref(s: ProgrammeSession) -> SessionRef:
    return SessionRef(id=s.id, title=s.title, starts_at=s.starts_at)


class Fee(Answer):
    amount_cents: Annotated[int, Field(description="excl. btw, in eurocent")]
    vat_rate: Annotated[str, Field(examples=["21"])]
    vat_cents: int
    total_cents: int
    per: FeeUnit


class Programme(Answer):
    slug: str
    kind: ProgrammeKind
    title: str
    summary: str | None
    description: str | None
    fee: Fee
    exemption: Exemption | None
    capacity: int | None
    min_participants: int | None
    registration_deadline: Timestamp | None
    allocation: Allocation
    state: RegistrationWindow
    places_left: int | None
    sessions: list[Session]


def programme(p: ProgrammeModel) -> Programme:
    return Programme(
        slug=p.slug,
        kind=p.kind,
        title=p.title,
        summary=p.summary,
        description=p.description,
        fee=Fee(
            amount_cents=p.fee_cents,
            vat_rate=rate_as_string(p.vat_rate_bp),
            vat_cents=p.price.vat_cents,
            total_cents=p.price.total_cents,
            per=p.fee_per,
        ),
        exemption=p.exemption,
        capacity=p.capacity,
        min_participants=p.min_participants,
        registration_deadline=p.registration_deadline,
        allocation=p.allocation,
        state=p.window(),
        places_left=p.places_left,
        sessions=[session(s) for s in p.public_sessions],
    )


class AllocationResult(Answer):
    confirmed: list[str]
    waitlisted: list[str]
    places_taken: int
    min_participants: int | None
    below_minimum: bool


def allocation(result) -> AllocationResult:
    return AllocationResult(
        confirmed=[r.reference for r in result.confirmed],
        waitlisted=[r.reference for r in result.waitlisted],
        places_taken=result.places_taken,
        min_participants=result.minimum,
        below_minimum=result.below_minimum,
    )


class ProgrammeCancellation(Answer):
    programme: Programme
    registrations_cancelled: int
    invoices_credited: int
    payments_refunded: int


def cancellation(p: ProgrammeModel, done) -> ProgrammeCancellation:
    return ProgrammeCancellation(
        programme=programme(p),
        registrations_cancelled=done.registrations,
        invoices_credited=done.credited,
        payments_refunded=done.refunded,
    )
