"""Invoices and credit invoices: numbered per year without gaps, with every field a Dutch invoice
needs (art. 35a Wet OB), sent as a PDF to the invoice address.

A number is taken by an atomic UPDATE of the year's counter row inside the transaction that issues
the invoice: concurrent transactions queue on that row, and a rolled-back transaction gives its
number back, so numbers have neither gaps nor duplicates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from wijkwerk.db import dialect_insert
from wijkwerk.extensions import db
from wijkwerk.money import share_of, vat_cents
from wijkwerk.outbox.services import queue
from wijkwerk.outbox.writing import MailContent, renders_mail
from wijkwerk.payments.models import Invoice, InvoiceCounter, InvoiceKind
from wijkwerk.payments.parties import BuyerIdentifierInput
from wijkwerk.payments.pdf import invoice_attachment
from wijkwerk.payments.ubl import einvoice_attachment
from wijkwerk.programmes import kinds
from wijkwerk.schema import parse
from wijkwerk.timeutil import AMSTERDAM, now_utc

if TYPE_CHECKING:  # types only: the registrations build on the payments
    from wijkwerk.registrations.models import Registration

BUYER_FIELDS = (
    "buyer_name",
    "buyer_address",
    "buyer_postcode",
    "buyer_city",
    "buyer_email",
    "buyer_reference",
    "ordered_by",
    "buyer_identifier",
)


def next_number(year: int) -> int:
    """Take the next invoice number of ``year`` in one statement (the year's first invoice makes
    the counter); the counter row stays locked until commit, so numbers never repeat or skip."""
    statement = dialect_insert(db.session, InvoiceCounter).values(year=year, last_number=1)
    with (
        db.session.no_autoflush
    ):  # the counter needs nothing pending; it is flushed with the invoice
        return db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["year"],
                set_={"last_number": InvoiceCounter.last_number + 1},
            ).returning(InvoiceCounter.last_number)
        ).scalar_one()


def _seller() -> dict:
    config = current_app.config
    return {
        "seller_name": config["SELLER_NAME"],
        "seller_address": config["SELLER_ADDRESS"],
        "seller_postcode": config["SELLER_POSTCODE"],
        "seller_city": config["SELLER_CITY"],
        "seller_country": config["SELLER_COUNTRY"],
        "seller_kvk": config["SELLER_KVK"],
        "seller_vat_number": config["SELLER_VAT_NUMBER"],
        "seller_iban": config.get("SELLER_IBAN"),
        "seller_email": config.get("SELLER_EMAIL"),
    }


def _numbered(kind: InvoiceKind, now: dt.datetime) -> dict:
    year = now.astimezone(AMSTERDAM).year
    sequence = next_number(year)
    return {
        "kind": kind,
        "year": year,
        "sequence": sequence,
        "number": f"{year}-{sequence:04d}",
        "issued_at": now,
    }


def description_for(registration: Registration) -> str:
    programme = registration.programme
    with force_locale("nl"):
        who = kinds.of(programme).invoice_who(registration)
        return _(
            "Deelname %(programme)s: %(who)s (referentie %(reference)s)",
            programme=programme.title,
            who=who,
            reference=registration.reference,
        )


def supply_dates(registration: Registration) -> tuple[dt.date | None, dt.date | None]:
    """The date of supply of what ``registration`` is invoiced for (art. 35a Wet OB): the first and
    last day, in Amsterdam, of the sessions it attends (by its kind), else of its programme's."""
    programme = registration.programme
    sessions = kinds.of(programme).attends(registration) or list(programme.sessions)
    days = sorted(
        s.starts_at.astimezone(AMSTERDAM).date() for s in sessions if s.status.value == "scheduled"
    )
    return (days[0], days[-1]) if days else (None, None)


def buyer_identifier(registration: Registration) -> str | None:
    """Where an e-invoice to ``registration``'s buyer is addressed: the KvK number or OIN its
    billing details give, else its municipality's OIN (docs/einvoice.md)."""
    billing = registration.billing
    if billing is not None and billing.kvk_or_oin:
        return billing.kvk_or_oin
    municipality = registration.municipality
    return municipality.oin if municipality is not None else None


def active_invoice(registration: Registration) -> Invoice | None:
    """The registration's latest invoice that is not a credit invoice, if one was issued (a
    second follows only one credited in full: :func:`issue_invoice`)."""
    for invoice in reversed(registration.invoices):
        if invoice.kind is InvoiceKind.INVOICE:
            return invoice
    return None


def issue_invoice(
    registration: Registration,
    *,
    now: dt.datetime | None = None,
    paid_at: dt.datetime | None = None,
    send: bool = True,
) -> Invoice | None:
    """Invoice what the registration owes and mail it to the invoice address (unless ``send`` is
    false: the caller sends it with :func:`send_invoice`). Issuing twice returns the first
    invoice, unless that was credited in full (an exemption granted, then withdrawn). Nothing is issued when nothing is owed (an exemption) or when the billing details are
    missing (a trio that left them out); the organiser sees the latter."""
    existing = active_invoice(registration)
    if existing is not None and credited_cents(existing) < existing.amount_cents:
        return existing  # issued, and not credited in full (an exemption granted later would)
    price = registration.price
    billing = registration.billing
    if price.amount_cents == 0 or billing is None:
        return None
    now = now or now_utc()
    days = int(current_app.config["INVOICE_PAYMENT_DAYS"])
    supplied_from, supplied_until = supply_dates(registration)  # before the invoice joins it
    invoice = Invoice(
        registration=registration,
        **_numbered(InvoiceKind.INVOICE, now),
        **_seller(),
        due_at=now + dt.timedelta(days=days),
        buyer_name=billing.organisation,
        buyer_address=billing.address,
        buyer_postcode=billing.postcode,
        buyer_city=billing.city,
        buyer_email=billing.email,
        buyer_reference=billing.po_number,
        ordered_by=billing.ordered_by,
        buyer_identifier=buyer_identifier(registration),
        description=description_for(registration),
        amount_cents=price.amount_cents,
        vat_rate_bp=price.vat_rate_bp,
        vat_cents=price.vat_cents,
        total_cents=price.total_cents,
        vat_exemption_text=registration.programme.vat_exemption_text,
        paid_at=paid_at,
        supplied_from=supplied_from,
        supplied_until=supplied_until,
    )
    db.session.add(invoice)
    db.session.flush()
    if send:
        send_invoice(invoice)
    return invoice


def credited_cents(invoice: Invoice) -> int:
    """How much of ``invoice`` (excl. VAT) credit invoices have already cancelled."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.amount_cents), 0)).where(
            Invoice.credited_invoice_id == invoice.id
        )
    )
    return -int(total)


def credit_amount(invoice: Invoice, share_bp: int) -> int:
    """What a credit invoice for ``share_bp`` of ``invoice`` cancels, excl. VAT: never more than
    is left uncredited."""
    return max(
        min(
            share_of(invoice.amount_cents, share_bp),
            invoice.amount_cents - credited_cents(invoice),
        ),
        0,
    )


def credit_total(invoice: Invoice, share_bp: int) -> int:
    """:func:`credit_amount` incl. VAT, as the credit invoice will show it (positive)."""
    amount = credit_amount(invoice, share_bp)
    return amount + vat_cents(amount, invoice.vat_rate_bp) if amount else 0


def issue_credit(
    invoice: Invoice, share_bp: int, *, reason: str, now: dt.datetime | None = None
) -> Invoice | None:
    """A credit invoice for ``share_bp`` of ``invoice`` (10000 = all of it), never more than is
    left uncredited. Returns None when there is nothing to credit."""
    amount = credit_amount(invoice, share_bp)
    if amount <= 0:
        return None
    now = now or now_utc()
    vat = vat_cents(amount, invoice.vat_rate_bp)
    with force_locale("nl"):
        description = _(
            "Creditering van factuur %(number)s: %(reason)s", number=invoice.number, reason=reason
        )
    credit = Invoice(
        registration_id=invoice.registration_id,
        credited_invoice=invoice,
        **_numbered(InvoiceKind.CREDIT, now),
        **_seller(),
        due_at=now,
        **{name: getattr(invoice, name) for name in BUYER_FIELDS},
        description=description,
        amount_cents=-amount,
        vat_rate_bp=invoice.vat_rate_bp,
        vat_cents=-vat,
        total_cents=-(amount + vat),
        vat_exemption_text=invoice.vat_exemption_text,
        supplied_from=invoice.supplied_from,
        supplied_until=invoice.supplied_until,
    )
    db.session.add(credit)
    db.session.flush()
    send_invoice(credit)
    return credit


def send_invoice(invoice: Invoice) -> None:
    """Queue the invoice mail with its PDF, once per invoice; both are made when it is sent."""
    queue(
        f"invoice:{invoice.id}",
        invoice.buyer_email,
        "invoice",
        locale="nl",
        registration_id=invoice.registration_id,
        render_from=f"invoice:{invoice.id}",
    )


@renders_mail("invoice")
def _invoice_mail(invoice_id: str) -> MailContent:
    invoice = db.session.get(Invoice, int(invoice_id))
    if invoice is None:
        raise LookupError(f"invoice:{invoice_id} is gone")
    files = [invoice_attachment(invoice)]
    if current_app.config["EINVOICE_ATTACHED"] and invoice.has_einvoice:
        files.append(einvoice_attachment(invoice))
    context = {"invoice": invoice, "registration": invoice.registration, "einvoice": len(files) > 1}
    return MailContent(context, tuple(files))


def address_buyer(invoice: Invoice, given: str, *, actor) -> list[Invoice]:
    """Give an invoice issued without one the buyer's KvK number or OIN (``given`` as typed), so
    its e-invoice can be made (organisers, docs/einvoice.md); its credit notes, or the invoice a
    credit note credits, get it too. An e-invoice once made keeps its address: only documents
    without one change. Returns those that did; raises :class:`RuleViolation` at
    ``kvk_or_oin``."""
    identifier = parse(BuyerIdentifierInput, {"kvk_or_oin": given}).kvk_or_oin
    first = invoice.credited_invoice or invoice
    changed = [i for i in (first, *first.credit_notes) if not i.buyer_identifier]
    for document in changed:
        document.buyer_identifier = identifier
    if changed:
        invoice.registration.note_change(
            actor=actor,
            reason=_(
                "KvK-nummer of OIN van de afnemer toegevoegd aan %(numbers)s: daarmee is er "
                "ook een e-factuur.",
                numbers=", ".join(i.number for i in changed),
            ),
        )
    return changed


def mark_paid(invoice: Invoice, *, actor, now: dt.datetime | None = None) -> None:
    """Record that a bank transfer for ``invoice`` came in (organisers). Marking twice changes
    nothing."""
    if invoice.paid_at is not None or invoice.is_credit:
        return
    invoice.paid_at = now or now_utc()
    invoice.registration.note_change(
        actor=actor, reason=_("Factuur %(number)s is betaald.", number=invoice.number)
    )
