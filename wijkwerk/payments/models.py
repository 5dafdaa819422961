"""Payments (Stripe Checkout or bank transfer) and invoices with gap-free numbers per year."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.extensions import db
from wijkwerk.timeutil import now_utc

if TYPE_CHECKING:  # types only: the registration imports this module
    from wijkwerk.registrations.models import Registration


class PaymentMethod(StrEnum):
    STRIPE = "stripe"
    INVOICE = "invoice"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class Payment(db.Model):
    """Money expected or received for a registration, incl. VAT, in cents."""

    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus, "payment_status"), default=PaymentStatus.PENDING
    )
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    stripe_checkout_url: Mapped[str | None] = mapped_column(Text)
    failure_message: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="payments")
    refunds: Mapped[list[Refund]] = relationship(
        back_populates="payment", order_by="Refund.id", cascade="all, delete-orphan"
    )

    @property
    def refundable_cents(self) -> int:
        """Paid and not yet refunded or being refunded."""
        if self.status not in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
            return 0
        pending = sum(r.amount_cents for r in self.refunds if r.status is not RefundStatus.FAILED)
        return max(self.amount_cents - max(pending, self.refunded_cents), 0)


class RefundStatus(StrEnum):
    PENDING = "pending"  # recorded; sent to Stripe after the commit (and retried by tick)
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(db.Model):
    """Money going back to a card or bank account through Stripe. Recorded in the transaction that
    cancels the registration, then sent to Stripe with the refund's id as the idempotency key, so a
    retry never refunds twice."""

    __tablename__ = "refund"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[RefundStatus] = mapped_column(
        str_enum(RefundStatus, "refund_status"), default=RefundStatus.PENDING
    )
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT = "credit"  # cancels (part of) an earlier invoice


class InvoiceCounter(db.Model):
    """The last invoice number used per year. Taking a number is an atomic UPDATE of this row in
    the invoice's own transaction, so numbers have no gaps and no duplicates."""

    __tablename__ = "invoice_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class StripeEvent(db.Model):
    """Stripe events already handled: a replayed webhook finds its id here and changes nothing."""

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class Invoice(db.Model):
    """A Dutch invoice (art. 35a Wet OB): every buyer detail is copied in, so the invoice stays as
    issued even when the registration changes or its person is anonymised. Kept 7 years."""

    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    kind: Mapped[InvoiceKind] = mapped_column(
        str_enum(InvoiceKind, "invoice_kind"), default=InvoiceKind.INVOICE
    )
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "2027-0001"
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    # The seller as configured when the invoice was issued (art. 35a Wet OB).
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_address: Mapped[str] = mapped_column(String(300))  # street and number (lines)
    seller_postcode: Mapped[str | None] = mapped_column(String(10))
    seller_city: Mapped[str | None] = mapped_column(String(100))
    seller_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1: "NL"
    seller_kvk: Mapped[str] = mapped_column(String(20))
    seller_vat_number: Mapped[str] = mapped_column(String(20))
    seller_iban: Mapped[str | None] = mapped_column(String(40))
    seller_email: Mapped[str | None] = mapped_column(String(254))

    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_address: Mapped[str] = mapped_column(String(300))
    buyer_postcode: Mapped[str] = mapped_column(String(10))
    buyer_city: Mapped[str] = mapped_column(String(100))
    buyer_email: Mapped[str] = mapped_column(String(254))
    buyer_reference: Mapped[str | None] = mapped_column(String(100))  # PO / verplichtingennummer
    ordered_by: Mapped[str | None] = mapped_column(String(200))
    # The buyer's KvK number (8 digits) or OIN (20): its address in an e-invoice (docs/einvoice.md).
    buyer_identifier: Mapped[str | None] = mapped_column(String(20))

    description: Mapped[str] = mapped_column(Text)
    amount_cents: Mapped[int] = mapped_column(Integer)  # excl. VAT; negative on a credit invoice
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    vat_exemption_text: Mapped[str | None] = mapped_column(Text)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The date of supply (art. 35a Wet OB): the first and last day of the sessions invoiced.
    supplied_from: Mapped[dt.date | None] = mapped_column(Date)
    supplied_until: Mapped[dt.date | None] = mapped_column(Date)

    registration: Mapped[Registration] = relationship(back_populates="invoices")
    credited_invoice: Mapped[Invoice | None] = relationship(
        remote_side=[id], back_populates="credit_notes"
    )
    credit_notes: Mapped[list[Invoice]] = relationship(
        back_populates="credited_invoice", order_by="Invoice.id"
    )

    @property
    def outstanding_cents(self) -> int:
        """What is still to pay, incl. VAT: nothing once paid or credited in full."""
        if self.is_credit or self.paid_at is not None:
            return 0
        return max(self.total_cents + sum(c.total_cents for c in self.credit_notes), 0)

    @property
    def is_credit(self) -> bool:
        return self.kind is InvoiceKind.CREDIT

    @property
    def filename(self) -> str:
        return f"factuur-{self.number}.pdf"

    @property
    def has_einvoice(self) -> bool:
        """An e-invoice is addressed to the buyer's KvK number or OIN: without one there is none."""
        return bool(self.buyer_identifier)

    @property
    def buyer_identifier_is_oin(self) -> bool:
        """The buyer's identifier is an OIN (20 digits), not a KvK number (8)."""
        return len(self.buyer_identifier or "") == 20

    @property
    def einvoice_filename(self) -> str:
        return f"factuur-{self.number}.xml"

    @property
    def seller_address_lines(self) -> list[str]:
        """The seller's address as printed: the street lines, then postcode and city."""
        place = " ".join(part for part in (self.seller_postcode, self.seller_city) if part)
        return [*self.seller_address.splitlines(), *([place] if place else [])]
