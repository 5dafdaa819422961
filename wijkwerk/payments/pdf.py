"""The invoice as a PDF (fpdf2): an A4 page with the seller, the buyer, the line with btw, the totals
and how to pay. Always Dutch: the invoice is a legal document for a Dutch administration."""

from __future__ import annotations

import unicodedata

from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from wijkwerk.extensions import db
from wijkwerk.formatting import date, money, supply_period, vat_rate
from wijkwerk.outbox.writing import Attachment, renders_attachment
from wijkwerk.payments.models import Invoice

ENCODING = "windows-1252"  # the PDF core fonts' encoding; it has the euro sign and Dutch accents


def pdf_text(text: str) -> str:
    """``text`` with characters the core fonts lack replaced by their closest plain letters."""
    out = []
    for char in text:
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            out.append(plain or "?")
        else:
            out.append(char)
    return "".join(out)


class _InvoicePdf(FPDF):
    def __init__(self, invoice: Invoice) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.invoice = invoice
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=25)
        self.set_title(pdf_text(f"{self.heading()} {invoice.number}"))
        self.set_author(pdf_text(invoice.seller_name))
        self.set_creation_date(invoice.issued_at)

    def heading(self) -> str:
        return _("Creditfactuur") if self.invoice.is_credit else _("Factuur")

    def footer(self) -> None:
        invoice = self.invoice
        self.set_y(-18)
        self.set_font("helvetica", size=8)
        parts = [
            invoice.seller_name,
            _("KvK %(number)s", number=invoice.seller_kvk),
            _("btw-id %(number)s", number=invoice.seller_vat_number),
        ]
        if invoice.seller_iban:
            parts.append(_("IBAN %(iban)s", iban=invoice.seller_iban))
        self.cell(0, 5, pdf_text(" · ".join(parts)), align="C")

    def line(self, label: str, value: str, *, bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", 10)
        self.cell(55, 6, pdf_text(label))
        self.text_block(0, 6, pdf_text(value))

    def text_block(self, width: float, height: float, text: str, *, beside: bool = False) -> float:
        """``text`` in a box ``width`` wide (0: to the right margin), wrapped at spaces over as
        many lines as it needs; returns the y below the block. Afterwards the next text goes on
        the line below, at the left margin, or with ``beside`` to the right of the block's top.

        Wrapping is done here, from each word's width: fpdf2's line breaker (``multi_cell``)
        measures the line again for every character and took most of an invoice's rendering time.
        A word wider than the box still goes to ``multi_cell``, which breaks it."""
        left, top = self.x, self.y
        width = width or self.w - self.r_margin - left
        lines = _wrap(text, width - 2 * self.c_margin, self.get_string_width)
        if lines is None:
            self.multi_cell(width, height, text, new_x="LEFT", new_y="NEXT")
        else:
            for line in lines:
                self.cell(width, height, line, new_x="LEFT", new_y="NEXT")
        bottom = self.y
        if beside:
            self.set_xy(left + width, top)
        else:
            self.set_x(self.l_margin)
        return bottom


def _wrap(text: str, room: float, width_of) -> list[str] | None:
    """``text`` as lines no wider than ``room``, broken at spaces (and at its own line breaks);
    None when a single word does not fit."""
    space = width_of(" ")
    lines = []
    for paragraph in text.split("\n"):
        line, used = [], 0.0
        for word in paragraph.split(" "):
            wide = width_of(word)
            if wide > room:
                return None
            if line and used + space + wide > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + wide
            line.append(word)
        lines.append(" ".join(line))
    return lines


def invoice_attachment(invoice: Invoice) -> Attachment:
    """The invoice's PDF for a mail, rendered when the mail is sent (not in the request that
    issues the invoice): an issued invoice's details never change, only whether it is paid."""
    return Attachment(invoice.filename, "application/pdf", render_from=f"invoice-pdf:{invoice.id}")


@renders_attachment("invoice-pdf")
def _invoice_pdf_by_id(invoice_id: int) -> bytes:
    return invoice_pdf(db.session.get_one(Invoice, invoice_id))


def invoice_pdf(invoice: Invoice) -> bytes:
    with force_locale("nl"):
        return bytes(_render(invoice).output())


def _render(invoice: Invoice) -> FPDF:
    pdf = _InvoicePdf(invoice)
    pdf.add_page()

    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 6, pdf_text(invoice.seller_name), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    seller_lines = invoice.seller_address_lines
    if invoice.seller_email:
        seller_lines.append(invoice.seller_email)
    seller_lines += [
        _("KvK-nummer: %(number)s", number=invoice.seller_kvk),
        _("Btw-nummer: %(number)s", number=invoice.seller_vat_number),
    ]
    for text in seller_lines:
        pdf.cell(0, 5, pdf_text(text), align="R", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(8)
    pdf.set_font("helvetica", "B", 10)
    for text in (invoice.buyer_name, invoice.buyer_address):
        pdf.cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.cell(
        0,
        5,
        pdf_text(f"{invoice.buyer_postcode} {invoice.buyer_city}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )

    pdf.ln(8)
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(0, 10, pdf_text(pdf.heading()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(_("Factuurnummer"), invoice.number, bold=True)
    pdf.line(_("Factuurdatum"), date(invoice.issued_at))
    if invoice.supplied_from is not None:
        pdf.line(_("Leveringsdatum"), supply_period(invoice))
    if invoice.credited_invoice is not None:
        pdf.line(_("Crediteert factuur"), invoice.credited_invoice.number)
    elif invoice.outstanding_cents:
        pdf.line(_("Te betalen vóór"), date(invoice.due_at))
    if invoice.buyer_reference:
        pdf.line(_("Uw inkoopordernummer"), invoice.buyer_reference)
    if invoice.ordered_by:
        pdf.line(_("Besteld door"), invoice.ordered_by)
    if invoice.buyer_identifier:
        label = _("Uw OIN") if invoice.buyer_identifier_is_oin else _("Uw KvK-nummer")
        pdf.line(label, invoice.buyer_identifier)
    pdf.line(_("Referentie aanmelding"), invoice.registration.reference)

    pdf.ln(6)
    widths = (80, 30, 15, 25, 20)
    headers = (_("Omschrijving"), _("Bedrag excl. btw"), _("Btw"), _("Btw-bedrag"), _("Totaal"))
    pdf.set_font("helvetica", "B", 9)
    for width, text in zip(widths, headers, strict=True):
        pdf.cell(width, 7, pdf_text(text), border="B", align="L" if width == 80 else "R")
    pdf.ln()
    pdf.set_font("helvetica", size=9)
    top = pdf.get_y()
    bottom = pdf.text_block(widths[0], 5, pdf_text(invoice.description), beside=True)
    cells = (
        money(invoice.amount_cents),
        vat_rate(invoice.vat_rate_bp),
        money(invoice.vat_cents),
        money(invoice.total_cents),
    )
    for width, text in zip(widths[1:], cells, strict=True):
        pdf.cell(width, 5, pdf_text(text), align="R")
    pdf.set_y(max(bottom, top + 5) + 4)

    pdf.set_font("helvetica", size=10)
    totals = (
        (_("Totaal excl. btw"), money(invoice.amount_cents)),
        (_("Btw %(rate)s", rate=vat_rate(invoice.vat_rate_bp)), money(invoice.vat_cents)),
        (_("Totaal incl. btw"), money(invoice.total_cents)),
    )
    for index, (label, value) in enumerate(totals):
        pdf.set_font("helvetica", "B" if index == 2 else "", 10)
        pdf.cell(140, 6, pdf_text(label), align="R")
        pdf.cell(30, 6, pdf_text(value), align="R", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(6)
    pdf.set_font("helvetica", size=10)
    for text in _payment_lines(invoice):
        pdf.text_block(0, 5, pdf_text(text))
    return pdf


def _payment_lines(invoice: Invoice) -> list[str]:
    lines = []
    if invoice.vat_exemption_text:
        lines.append(invoice.vat_exemption_text)
    if invoice.is_credit:
        lines.append(_("Het gecrediteerde bedrag wordt verrekend of teruggestort."))
    elif invoice.paid_at is not None:
        lines.append(
            _("Voldaan op %(date)s. U hoeft niets meer te betalen.", date=date(invoice.paid_at))
        )
    elif not invoice.outstanding_cents:
        lines.append(
            _(
                "Gecrediteerd met %(numbers)s. U hoeft niets te betalen.",
                numbers=", ".join(c.number for c in invoice.credit_notes),
            )
        )
    else:
        lines.append(
            _(
                "Gelieve %(amount)s vóór %(date)s over te maken op %(iban)s ten name van "
                "%(seller)s, onder vermelding van factuurnummer %(number)s.",
                amount=money(invoice.outstanding_cents),
                date=date(invoice.due_at),
                iban=invoice.seller_iban or "-",
                seller=invoice.seller_name,
                number=invoice.number,
            )
        )
    return lines


def pdf_response(found: Invoice) -> Response:
    return Response(
        invoice_pdf(found),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "private, no-store",
        },
    )
