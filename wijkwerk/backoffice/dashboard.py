"""The back-office's front page as the organisers' daily overview: where each current programme
stands (its fill against minimum and maximum, who waits for what, its next session) and what needs
them today, each item linking to where it is dealt with. A fixed number of queries however many
programmes and registrations there are (tests/test_dashboard.py counts them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from wijkwerk.backoffice.queries import towards_minimum
from wijkwerk.extensions import db
from wijkwerk.formatting import date as format_date
from wijkwerk.payments.models import Invoice, InvoiceKind, Payment, PaymentStatus
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import (
    Programme,
    ProgrammeSession,
    ProgrammeStatus,
    SessionStatus,
)
from wijkwerk.registrations.models import Registration, RegistrationState

S = RegistrationState


@dataclass(frozen=True)
class Standing:
    """One programme at a glance."""

    programme: Programme
    taken: int
    waiting: int
    awaiting_approval: int
    awaiting_payment: int
    towards_minimum: int
    next_session: ProgrammeSession | None

    @property
    def below_minimum(self) -> bool:
        minimum = self.programme.min_participants
        return minimum is not None and self.towards_minimum < minimum


@dataclass(frozen=True)
class Attention:
    """Something that needs an organiser, and where it is dealt with."""

    text: str
    url: str
    programme: Programme | None = None


def _current(now: dt.datetime) -> list[Programme]:
    """Drafts and published programmes whose last session has not ended (or that have none)."""
    last = (
        select(ProgrammeSession.programme_id, func.max(ProgrammeSession.ends_at).label("ends"))
        .group_by(ProgrammeSession.programme_id)
        .subquery()
    )
    query = (
        select(Programme)
        .outerjoin(last, last.c.programme_id == Programme.id)
        .where(Programme.status != ProgrammeStatus.CANCELLED)
        .where((last.c.ends.is_(None)) | (last.c.ends > now))
        .order_by(Programme.title)
    )
    return list(db.session.scalars(query))


def standings(now: dt.datetime) -> list[Standing]:
    """Every current programme with its numbers (three queries)."""
    programmes = _current(now)
    ids = [p.id for p in programmes]
    states: Counter = Counter()
    active: Counter = Counter()  # before a priority allocation, these count towards the minimum
    for programme_id, state, count in db.session.execute(
        select(Registration.programme_id, Registration.state, func.count(Registration.id))
        .where(Registration.programme_id.in_(ids))
        .group_by(Registration.programme_id, Registration.state)
    ):
        states[programme_id, state] += count
        if state.is_active:
            active[programme_id] += count
    upcoming = {}
    for session in db.session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.programme_id.in_(ids),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
        )
        .order_by(ProgrammeSession.starts_at)
    ):
        upcoming.setdefault(session.programme_id, session)
    found = []
    for p in programmes:
        found.append(
            Standing(
                programme=p,
                taken=p.places_taken,
                waiting=states[p.id, S.WAITLISTED],
                awaiting_approval=states[p.id, S.AWAITING_APPROVAL],
                awaiting_payment=states[p.id, S.AWAITING_PAYMENT],
                towards_minimum=towards_minimum(p, active[p.id]),
                next_session=upcoming.get(p.id),
            )
        )
    return found


def _registration_url(registration: Registration) -> str:
    return url_for("backoffice.registrations.registration", registration_id=registration.id)


def attention(now: dt.datetime, current: list[Standing]) -> list[Attention]:
    """What needs an organiser now, most urgent kinds first (four queries)."""
    config = current_app.config
    items: list[Attention] = []
    waited = dt.timedelta(days=config["BACKOFFICE_APPROVAL_WAIT_DAYS"])
    for registration in db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.municipality), joinedload(Registration.programme))
        .where(Registration.state == S.AWAITING_APPROVAL, Registration.created_at < now - waited)
        .order_by(Registration.created_at)
    ):
        days = (now - registration.created_at).days
        items.append(
            Attention(
                ngettext(
                    "%(who)s wacht al %(num)s dag op akkoord van de bestuurder (%(ref)s).",
                    "%(who)s wacht al %(num)s dagen op akkoord van de bestuurder (%(ref)s).",
                    days,
                    who=registration.municipality.display_name
                    if registration.municipality
                    else registration.reference,
                    ref=registration.reference,
                ),
                _registration_url(registration),
                registration.programme,
            )
        )
    for invoice in db.session.scalars(
        select(Invoice)
        .options(joinedload(Invoice.registration).joinedload(Registration.programme))
        .options(joinedload(Invoice.credit_notes))
        .where(
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.paid_at.is_(None),
            Invoice.due_at < now,
        )
        .order_by(Invoice.due_at)
    ).unique():
        if invoice.outstanding_cents <= 0:
            continue
        items.append(
            Attention(
                _(
                    "Factuur %(number)s (%(buyer)s) is over de vervaldatum van %(date)s.",
                    number=invoice.number,
                    buyer=invoice.buyer_name,
                    date=format_date(invoice.due_at),
                ),
                url_for("backoffice.invoices.invoice", invoice_id=invoice.id),
                invoice.registration.programme,
            )
        )
    for payment in db.session.scalars(
        select(Payment)
        .join(Registration)
        .options(joinedload(Payment.registration).joinedload(Registration.programme))
        .where(  # an attempt failed; the checkout is still open (registrations/paying.py)
            Payment.status == PaymentStatus.PENDING,
            Payment.failure_message.is_not(None),
            Registration.state == S.AWAITING_PAYMENT,
        )
        .order_by(Payment.id)
    ):
        registration = payment.registration
        items.append(
            Attention(
                _(
                    "Betaling mislukt voor %(ref)s; de plaats wordt nog vastgehouden.",
                    ref=registration.reference,
                ),
                _registration_url(registration),
                registration.programme,
            )
        )
    ids = [s.programme.id for s in current]
    for session in db.session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.programme_id.in_(ids),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
            func.coalesce(ProgrammeSession.location_name, "") == "",
        )
        .order_by(ProgrammeSession.starts_at)
    ):
        items.append(
            Attention(
                _(
                    "%(session)s van %(date)s heeft nog geen locatie.",
                    session=session.title,
                    date=format_date(session.starts_at),
                ),
                url_for("backoffice.programmes.session", session_id=session.id),
                session.programme,
            )
        )
    for kind in kinds.all_kinds():
        theirs = [s.programme for s in current if s.programme.kind is kind.value]
        if kind.attention is not None and theirs:
            items += [Attention(t, u, p) for t, u, p in kind.attention(theirs, now)]
    soon = dt.timedelta(days=config["BACKOFFICE_MINIMUM_WARNING_DAYS"])
    for standing in current:
        deadline = standing.programme.registration_deadline
        if standing.below_minimum and deadline is not None and now <= deadline <= now + soon:
            items.append(
                Attention(
                    _(
                        "%(programme)s zit onder het minimum (%(count)s van %(minimum)s) en "
                        "sluit op %(date)s.",
                        programme=standing.programme.title,
                        count=standing.towards_minimum,
                        minimum=standing.programme.min_participants,
                        date=format_date(deadline),
                    ),
                    url_for("backoffice.programmes.programme", slug=standing.programme.slug),
                    standing.programme,
                )
            )
    return items
