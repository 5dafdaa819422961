"""Read models for the back-office: lists in a fixed number of queries, with their counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from wijkwerk.extensions import db
from wijkwerk.formatting import folded
from wijkwerk.payments.models import Invoice, InvoiceKind
from wijkwerk.programmes.models import Allocation, Programme
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.registrations.places import allocation_order


def registrations_of(programme: Programme) -> list[Registration]:
    """Every registration of a programme, active first in allocation order, with municipality,
    casus and members loaded (three queries however many there are)."""
    query = (
        select(Registration)
        .where(Registration.programme_id == programme.id)
        .options(
            joinedload(Registration.municipality),
            joinedload(Registration.casus),
            joinedload(Registration.contact_person),
            joinedload(Registration.billing),
            selectinload(Registration.members).joinedload(RegistrationMember.person),
            selectinload(Registration.invoices),
            selectinload(Registration.payments),
        )
    )
    registrations = list(db.session.scalars(allocation_order(query, programme)).unique())
    registrations.sort(key=lambda r: r.state.is_final)  # stable: keeps allocation order
    return registrations


def towards_minimum(programme: Programme, active: int) -> int:
    """Who counts towards a programme's minimum: the places taken, or, before a priority
    allocation has given them, every ``active`` registration."""
    allocated = programme.allocation is Allocation.FIRST_COME or programme.allocated_at
    return programme.places_taken if allocated else active


@dataclass(frozen=True)
class RegistrationCounts:
    places_taken: int
    places_left: int | None
    waiting: int
    awaiting_approval: int
    exempt: int
    # Who counts towards the minimum: places taken, or, before a priority allocation, registrations.
    towards_minimum: int
    below_minimum: bool
    invoiced_cents: int  # excl. btw, after credit invoices
    invoiced_total_cents: int  # incl. btw
    outstanding_invoices: int

    @classmethod
    def of(cls, programme: Programme, registrations: list[Registration]) -> RegistrationCounts:
        active = [r for r in registrations if r.state.is_active]
        invoices = [i for r in registrations for i in r.invoices]
        towards = towards_minimum(programme, len(active))
        return cls(
            places_taken=programme.places_taken,
            places_left=programme.places_left,
            waiting=sum(r.state is RegistrationState.WAITLISTED for r in active),
            awaiting_approval=sum(r.state is RegistrationState.AWAITING_APPROVAL for r in active),
            exempt=sum(r.exempt for r in active),
            towards_minimum=towards,
            below_minimum=programme.min_participants is not None
            and towards < programme.min_participants,
            invoiced_cents=sum(i.amount_cents for i in invoices),
            invoiced_total_cents=sum(i.total_cents for i in invoices),
            outstanding_invoices=sum(is_outstanding(i) for i in invoices),
        )


def is_outstanding(invoice: Invoice) -> bool:
    """Not paid, and not cancelled by credit invoices (loaded with the registration)."""
    if invoice.is_credit or invoice.paid_at is not None:
        return False
    credited = -sum(
        i.amount_cents for i in invoice.registration.invoices if i.credited_invoice_id == invoice.id
    )
    return credited < invoice.amount_cents


INVOICE_FILTERS = ("open", "paid", "credit", "all")


def invoices_list(which: str) -> list[Invoice]:
    """Invoices, newest first, with their registration and programme (two queries)."""
    query = (
        select(Invoice)
        .options(
            joinedload(Invoice.registration).joinedload(Registration.programme),
            joinedload(Invoice.registration).selectinload(Registration.invoices),
        )
        .order_by(Invoice.year.desc(), Invoice.sequence.desc())
    )
    if which == "paid":
        query = query.where(Invoice.paid_at.is_not(None))
    elif which == "credit":
        query = query.where(Invoice.kind == InvoiceKind.CREDIT)
    elif which == "open":
        query = query.where(Invoice.kind == InvoiceKind.INVOICE, Invoice.paid_at.is_(None))
    found = list(db.session.scalars(query).unique())
    if which == "open":
        found = [i for i in found if is_outstanding(i)]
    return found


def payment_state(registration: Registration) -> tuple[str, str | None]:
    """Where a registration's money stands: ``none`` (nothing owed), ``paid``, ``open`` (an
    invoice to pay), ``awaiting`` (a Stripe checkout) or ``not_invoiced``; with the invoice
    number where there is one."""
    if registration.exempt or not registration.fee_cents:
        return "none", None
    invoice = next((i for i in registration.invoices if not i.is_credit), None)
    if invoice is not None:
        return ("paid" if invoice.paid_at else "open"), invoice.number
    if registration.state is RegistrationState.AWAITING_PAYMENT:
        return "awaiting", None
    return "not_invoiced", None


@dataclass(frozen=True)
class RegistrationFilter:
    """The organiser's filters on a programme's registrations (from the query string)."""

    state: str = ""
    municipality: str = ""
    exempt: str = ""  # "ja", "nee" or ""
    paid: str = ""  # a payment_state code, or ""
    query: str = ""  # in a name, an e-mail address, the reference or the municipality
    page: int = 1

    @classmethod
    def from_args(cls, args) -> RegistrationFilter:
        page = args.get("pagina", "1")
        return cls(
            state=args.get("status", ""),
            municipality=args.get("gemeente", "").strip().lower(),
            exempt=args.get("vrijgesteld", ""),
            paid=args.get("betaling", ""),
            query=args.get("q", "").strip()[:200],
            page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
        )

    @property
    def active(self) -> bool:
        return any((self.state, self.municipality, self.exempt, self.paid, self.query))

    def keeps(self, registration: Registration) -> bool:
        if self.query and folded(self.query) not in _searchable(registration):
            return False
        if self.state and registration.state.value != self.state:
            return False
        if self.municipality:
            municipality = registration.municipality
            names = (
                (municipality.display_name.lower(), municipality.code.lower())
                if municipality
                else ()
            )
            if not any(self.municipality in name for name in names):
                return False
        if self.exempt in ("ja", "nee") and registration.exempt != (self.exempt == "ja"):
            return False
        return not self.paid or payment_state(registration)[0] == self.paid

    def apply(self, registrations: list[Registration]) -> list[Registration]:
        return [r for r in registrations if self.keeps(r)]

    def page_of(self, registrations: list[Registration]) -> Page:
        """The page asked for of the registrations kept (``PAGE_SIZE`` a page)."""
        return page_of(self.apply(registrations), str(self.page))


PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, which page of how many, and where it starts."""

    rows: list
    number: int
    pages: int
    total: int
    start: int  # the index of its first row in the whole list

    @property
    def first(self) -> int:
        return self.start + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.start + len(self.rows)


def page_of(rows: list, asked: str) -> Page:
    """Page ``asked`` (from the query string: anything but a page number is the first; past the
    end is the last) of ``rows``, ``PAGE_SIZE`` a page."""
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(int(asked) if asked.isdigit() and 0 < len(asked) < 7 else 1, pages)
    start = (number - 1) * PAGE_SIZE
    return Page(rows[start : start + PAGE_SIZE], max(number, 1), pages, len(rows), start)


def _searchable(registration: Registration) -> str:
    """What a search looks in: the reference, the municipality, every person's name and e-mail."""
    people = [m.person for m in registration.members]
    if registration.contact_person is not None:
        people.append(registration.contact_person)
    parts = [registration.reference]
    if registration.municipality is not None:
        parts.append(registration.municipality.display_name)
    parts += [f"{p.name} {p.email}" for p in people]
    return folded(" ".join(parts))
