"""One intake for every kind (docs/programmes.md): the window, the request read and checked, the
municipality, the people found or made race-safe, the price, the registration written with its
first step (a unique violation becomes ``already_registered``), and the notifications.

A kind says what differs in an :class:`Application`: how its request is read, its own rules, who
its people are, what it adds to the registration, its first step and its mails. The kind's
``register`` (its entry in wijkwerk/programmes/kinds.py) is one call of :func:`take_in`. It flushes
and never commits: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.people import services as people
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import Programme, ProgrammeKind, ProgrammeStatus, RegistrationWindow
from wijkwerk.registrations import places, pricing
from wijkwerk.registrations.inputs import BillingInput, PersonInput, po_number_words
from wijkwerk.registrations.lifecycle import Outcome
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import BillingDetails
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation


def check_window(programme: Programme, now: dt.datetime) -> None:
    """Raises ``registration_closed`` outside the registration window."""
    window = programme.window(now)
    if window is RegistrationWindow.OPEN:
        return
    if window is RegistrationWindow.UPCOMING:
        message = _("De aanmelding is nog niet geopend.")
    else:
        message = _("De aanmelding voor dit programma is gesloten.")
    raise RuleViolation(Problem("registration_closed", None, message))


def consent_refused() -> Problem:
    """Someone said no to the use of their details: nothing can be registered."""
    return Problem(
        "required",
        "consent",
        _(
            "Geef toestemming voor het gebruik van uw gegevens zoals de privacyverklaring beschrijft."
        ),
    )


def po_number_required() -> Problem:
    """A municipality paying by invoice must give its purchase order number (docs/domain.md)."""
    return Problem("required", "billing.po_number", po_number_words())


def active_municipality(code: str, problems: list[Problem]) -> Municipality | None:
    """The municipality with ``code`` that still exists; else an ``unknown_municipality``
    problem is added."""
    municipality = db.session.get(Municipality, code) if code else None
    if municipality is None or not municipality.active:
        problems.append(
            Problem("unknown_municipality", "municipality", _("Deze gemeente kennen we niet."))
        )
        return None
    return municipality


def municipality_taken(programme: Programme, code: str, slot: int | None = None) -> bool:
    """Whether the municipality has a registration under way in ``programme`` (in ``slot``, or
    in any)."""
    query = select(Registration.id).where(
        Registration.programme_id == programme.id,
        Registration.municipality_code == code,
        Registration.active_slot.is_not(None) if slot is None else Registration.active_slot == slot,
    )
    return db.session.scalar(query) is not None


def new_person(data: PersonInput, locale: str, *, phone: str | None = None) -> people.NewPerson:
    return people.NewPerson(data.email, data.name, data.function, locale, phone)


def find_or_create_person(data: PersonInput, locale: str, *, phone: str | None = None) -> Person:
    """The person with this e-mail address; a new one is made with the name given. An existing
    person's name is not overwritten by what someone else typed. Safe when requests race
    (:mod:`wijkwerk.people.services`)."""
    return people.find_or_create(new_person(data, locale, phone=phone))


@dataclass(frozen=True, kw_only=True)
class Application:
    """A request as a kind read it, with what the shared steps need. Subclasses add their own
    fields and override the hooks below; the defaults fit most kinds."""

    locale: str
    consent: bool | None  # None: not asked (an organiser, or an API client that asked itself)
    municipality: str = ""  # its code, when a municipality takes part
    contact: PersonInput | None = None  # the registration's contact person
    phone: str = ""  # the contact's
    billing: BillingInput | None = None
    payment_method: PaymentMethod | None = None

    def rules(self, programme: Programme) -> tuple[list[Problem], list[Problem]]:
        """The kind's own rules: (refusals, warnings)."""
        return [], []

    def people(self) -> list[PersonInput]:
        """Everyone to find or make, the contact first."""
        return [self.contact] if self.contact is not None else []

    def slot(self) -> int:
        """Which active place of its municipality this registration takes (docs/layout.md)."""
        return 1

    def taken(self, programme: Programme, municipality: Municipality) -> bool:
        """Whether the municipality already takes part."""
        return municipality_taken(programme, municipality.code)

    def taken_by(self, programme: Programme, contact: Person) -> bool:
        """Whether the contact person already takes part (for kinds of individuals)."""
        return False

    def already_registered(self) -> Problem:
        return Problem(
            "already_registered", "municipality", _("Deze gemeente doet al mee aan dit programma.")
        )

    def build(self, registration: Registration, people: dict[str, Person]) -> None:
        """Add the kind's parts to the new registration (members, a casus, a lab request)."""

    def first_step(
        self, registration: Registration, now: dt.datetime, actor: Account | None
    ) -> None:
        """Where the registration goes from ``submitted``, written in the same flush."""

    def then(self, registration: Registration, now: dt.datetime, actor: Account | None) -> None:
        """What follows once the registration is written (a place taken for a city admitted)."""

    def notify(self, registration: Registration) -> None:
        """The mails that announce it (those of the first step are sent by the step)."""


def _refuse_cancelled(programme: Programme) -> None:
    if programme.status is ProgrammeStatus.CANCELLED:
        raise RuleViolation(
            Problem("registration_closed", None, _("De aanmelding voor dit programma is gesloten."))
        )


def _still_open(programme: Programme, now: dt.datetime, by_organiser: bool) -> None:
    """Read the programme afresh under a lock that cancelling the whole programme waits for
    (registrations/cancelling.py takes it for update), and check again that it takes this
    registration (registrations/places.py ``share_programme``)."""
    places.share_programme(programme.id)
    _refuse_cancelled(programme)
    if not by_organiser:
        check_window(programme, now)


def take_in(
    programme: Programme,
    kind: ProgrammeKind,
    application: Application,
    problems: list[Problem],
    *,
    now: dt.datetime | None = None,
    actor: Account | None = None,
    actor_label: str = "registrant",
    wrong_kind: str,
    by_organiser: bool = False,
) -> Outcome:
    """Register ``application`` (read with ``problems``) for ``programme``, which must be of
    ``kind`` (``wrong_kind`` says otherwise). An organiser admitting someone (``by_organiser``)
    is not held to the registration window. Raises :class:`RuleViolation` with every problem."""
    now = now or now_utc()
    if programme.kind is not kind:
        raise RuleViolation(Problem("invalid", None, wrong_kind))
    if by_organiser:  # not held to the window, but a cancelled programme admits nobody
        _refuse_cancelled(programme)
    else:
        check_window(programme, now)
    # A field that could not be read is not judged by the rules as well; one that was read but
    # broke a rule of its shape (a trio of two: not_a_trio) is.
    shaped = {p.field for p in problems if p.code in ("required", "invalid")}
    refusals, warnings = application.rules(programme)
    if application.consent is False:  # said first: without it nothing else matters
        refusals.insert(0, consent_refused())
    problems = problems + [p for p in refusals if p.field not in shaped]

    municipality = None
    if application.municipality and "municipality" not in shaped:
        municipality = active_municipality(application.municipality, problems)
        if municipality is not None and application.taken(programme, municipality):
            problems.append(application.already_registered())
    if problems:
        raise RuleViolation(*problems)

    # Everyone in one statement, race-safe (wijkwerk.people.services).
    found = people.find_or_create_all(
        new_person(p, application.locale, phone=application.phone or None)
        if p is application.contact
        else new_person(p, application.locale)
        for p in application.people()
    )
    # After the people (on SQLite their INSERT already made this transaction the one writer):
    _still_open(programme, now, by_organiser)
    contact = found[application.contact.email] if application.contact is not None else None
    if contact is not None and contact.id is not None and application.taken_by(programme, contact):
        raise RuleViolation(application.already_registered())

    registration = Registration(
        programme=programme,
        municipality=municipality,
        contact_person=contact,
        active_slot=application.slot(),
        state=RegistrationState.SUBMITTED,
        **pricing.terms_for(programme, municipality),
        payment_method=application.payment_method,
        locale=application.locale,
        consent_at=now if application.consent else None,
        created_at=now,
    )
    if application.billing is not None:
        registration.billing = BillingDetails(**application.billing.model_dump())
    application.build(registration, found)
    db.session.add(registration)
    registration.record_created(actor=actor, actor_label=actor_label, at=now)
    try:  # the registration is written with its first step: one flush
        application.first_step(registration, now, actor)
        db.session.flush()
    except IntegrityError as exc:  # a concurrent registration of the same won
        raise RuleViolation(application.already_registered()) from exc
    application.then(registration, now, actor)
    application.notify(registration)
    return Outcome(registration, warnings)
