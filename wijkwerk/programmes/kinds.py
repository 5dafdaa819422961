"""The kind registry: everything that varies by programme kind, one entry per kind.

Each kind's package (``wijkwerk/werkplaatsen``, ``driedaagse``, ``wijklab``, ``kennis``) builds its
:class:`Kind` in its ``kind.py``; the app factory installs them (:func:`install`). Views, the API,
templates (``kind_of(programme)``), calendars, invoices, reminders and the demo ask the registry
(:func:`of`); nothing else compares kinds. docs/adding-a-kind.md lists what a new kind provides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    Programme,
    ProgrammeKind,
    ProgrammeSession,
    SessionStatus,
)

if TYPE_CHECKING:  # types only: the registrations core sits above this module
    from wijkwerk.registrations.lifecycle import Outcome
    from wijkwerk.registrations.models import Registration


class Joining(StrEnum):
    """How one takes part."""

    FORM = "form"  # anyone registers with the public form (trios, individuals)
    REQUEST = "request"  # a municipality requests with the public form; organisers plan it
    INVITATION = "invitation"  # organisers admit who takes part; there is no public form


# What a registration's state is called on pages and in mails, unless a kind calls it otherwise.
HEADLINES: Mapping[str, Any] = {
    "awaiting_approval": _l("Aanmelding ontvangen, wacht op akkoord"),
    "submitted": _l("Aanmelding ontvangen"),
    "awaiting_payment": _l("Aanmelding ontvangen, wacht op betaling"),
    "confirmed": _l("Plaats bevestigd"),
    "waitlisted": _l("Op de wachtlijst"),
    "cancelled": _l("Aanmelding geannuleerd"),
    "declined": _l("Geen akkoord"),
    "rejected": _l("Aanmelding afgewezen"),
}


@dataclass(frozen=True)
class Column:
    """A column of the back-office's list of a programme's registrations."""

    heading: Any
    value: Callable[[Registration], str]


def municipality_name(registration: Registration) -> str:
    return registration.municipality.display_name if registration.municipality else ""


def contact_name(registration: Registration) -> str:
    return registration.contact_person.name if registration.contact_person else ""


@dataclass(frozen=True)
class Duty:
    """Periodic work of a kind that ``tick`` runs (wijkwerk/jobs.py): ``run(now)`` returns how
    much it did, which ``summary(count)`` says in the tick report ("1 herinnering voor akkoord")."""

    name: str
    summary: Callable[[int], str]
    run: Callable[[dt.datetime], int]


@dataclass(frozen=True)
class PersonalData:
    """Personal data a kind keeps outside its registrations (the Wijklab's expert pool), for the
    core's access and erasure requests (wijkwerk/privacy/): ``holds(email)``, ``export(email)``
    (its part of the export, under ``key``) and ``erase(email, done)``."""

    key: str
    holds: Callable[[str], bool]
    export: Callable[[str], dict | None]
    erase: Callable[[str, Any], None]


def every_session(registration: Registration) -> list[ProgrammeSession]:
    """The sessions of a kind whose registrations attend the whole programme."""
    return list(registration.programme.sessions)


@dataclass(frozen=True, kw_only=True)
class Kind:
    """One programme kind. Texts are lazy (translated when shown); callables take what they name.

    - ``count(n)``: ``n`` of what a place holds, for capacity and counts ("8 trio's", "12 steden").
    - ``register(programme, data, *, now=None, actor=None, allow_second=False)``: the kind's intake
      (docs/api.md request shape) returning an ``Outcome``; raises ``RuleViolation``.
    - ``form()``: the public form ready to show (choices set), or None when one does not register
      (``Joining.INVITATION``); ``form_template`` renders it.
    - ``attends(registration)``: the sessions a registration takes part in (calendars, reminders,
      its start for the cancellation terms), cancelled ones included.
    - ``invoice_who(registration)``: who the invoice line names ("trio van gemeente Zeist").
    - ``withdraw(registration, actor_label, reason="")``: the registrant cancels, after the page
      that says what follows (``withdraw_note``: what the kind adds to it).
    - ``registrant_context``: what the kind's fragment of the registrant's page needs.
    """

    value: ProgrammeKind
    label: Any
    summary: Any  # what it is in a few words, to choose it by ("Wijklab (een dag, geboekt door …)")
    count: Callable[[int], str]
    joining: Joining
    register: Callable[..., Outcome]
    form: Callable[[], Any] | None
    form_template: str | None
    call_to_action: Any | None
    received: Any  # the heading once someone registered
    fee_unit: FeeUnit
    allocations: tuple[Allocation, ...]
    # The exemptions a programme of this kind may grant (werkplaatsen: middelgrote gemeenten).
    exemptions: tuple[Exemption, ...]
    attends: Callable[[Registration], list[ProgrammeSession]]
    invoice_who: Callable[[Registration], str]
    withdraw: Callable[..., None]
    withdraw_label: Any  # the registrant's button ("Aanmelding annuleren", "Aanvraag intrekken")
    what_now_template: str
    registrant_template: str | None = None
    withdraw_note: Any | None = None  # what else follows, on the page that asks to confirm
    registrant_context: Callable[[Registration], dict] = lambda registration: {}
    # The back-office: the columns of a programme's list of registrations (after the reference),
    # the kind's fragment of the programme page (its own pages) and of a registration's page.
    roster: tuple[Column, ...] = ()
    backoffice_programme_template: str | None = None
    backoffice_template: str | None = None
    # Municipalities take part (not individuals): the list filters on the municipality.
    municipal: bool = False
    # A member may name a substitute from their own page (registrations/members.py): a trio's
    # members; a city's delegates are named per meeting by its contact instead.
    substitutes: bool = False
    # Each registration has its own day (a Wijklab): the programme shows no dates, and the
    # cancellation terms count from that day.
    own_dates: bool = False
    headlines: Mapping[str, Any] = field(default_factory=dict)
    duties: tuple[Duty, ...] = ()
    personal_data: PersonalData | None = None
    # What the kind gives up when a registration is cancelled, however that happens (a coach
    # time; a Wijklab's lab, its day and its panel): ``(registration)``.
    cancelled: Callable[[Registration], None] | None = None
    # The shape of its registration request (docs/api.md; wijkwerk/schema/), one of the bodies
    # of POST /programmes/{slug}/registrations in the OpenAPI document (wijkwerk/api/openapi.py).
    # Its own endpoints declare themselves (wijkwerk/<kind>/api.py).
    api_request: Any = None
    # Fills a just-made demo programme with activity (``make run``); returns what it made.
    demo_activity: Callable[[Programme, dt.datetime], list[str]] | None = None
    # What needs an organiser in the kind's current programmes, for the back-office's front
    # page: ``(programmes, now)`` to ``(text, url, programme)`` triples (cities short of people
    # before a naming deadline). Called once for all of a kind's programmes.
    attention: Callable[[list[Programme], dt.datetime], list[tuple[str, str, Programme]]] | None = (
        None
    )

    def event_label(self, from_state: str | None, to_state: str) -> str:
        """What a step in a registration's history is called: its first is its arrival."""
        if from_state is None:
            return str(self.headlines.get("created") or HEADLINES["submitted"])
        return self.headline(to_state)

    def headline(self, state: str) -> str:
        """What the state ``state`` (its value) is called for this kind."""
        text = self.headlines.get(state) or HEADLINES.get(state) or _l("Stand van uw aanmelding")
        return str(text)

    def starts_at(self, registration: Registration) -> dt.datetime | None:
        """When what ``registration`` takes part in begins: its first session that goes ahead."""
        starts = [
            s.starts_at for s in self.attends(registration) if s.status is SessionStatus.SCHEDULED
        ]
        return min(starts, default=None)

    @property
    def public_form(self) -> bool:
        return self.form is not None


_REGISTRY: dict[ProgrammeKind, Kind] = {}


def install(kinds: Iterable[Kind]) -> None:
    """Put the kinds in the registry (the app factory does this once per process)."""
    for kind in kinds:
        _REGISTRY[kind.value] = kind


def of(programme: Programme | ProgrammeKind) -> Kind:
    """The registry's entry for a programme (or a kind)."""
    value = programme.kind if isinstance(programme, Programme) else ProgrammeKind(programme)
    try:
        return _REGISTRY[value]
    except KeyError:
        raise LookupError(f"programme kind {value!r} is not installed") from None


def all_kinds() -> list[Kind]:
    """Every installed kind, in the order of :class:`ProgrammeKind`."""
    return [_REGISTRY[value] for value in ProgrammeKind if value in _REGISTRY]
