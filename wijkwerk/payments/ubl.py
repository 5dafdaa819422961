"""The invoice as an e-invoice: a UBL 2.1 Invoice or CreditNote per Peppol BIS Billing 3.0, which
carries EN 16931 and the Dutch rules (docs/einvoice.md says what each part is for and which rule
asks for it). Made from the same record as the PDF (wijkwerk/payments/pdf.py); amounts stay
integer cents until they are written here.

An e-invoice is addressed to the buyer's KvK number or OIN: without one it cannot be made, and
``Invoice.has_einvoice`` says so before anything asks for it."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from flask import Response, abort
from flask_babel import force_locale
from flask_babel import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from wijkwerk.extensions import db
from wijkwerk.formatting import date
from wijkwerk.outbox.writing import Attachment, renders_attachment
from wijkwerk.payments.models import Invoice
from wijkwerk.payments.parties import compact, scheme_of
from wijkwerk.payments.pdf import invoice_pdf
from wijkwerk.timeutil import AMSTERDAM

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EINVOICE_TYPE = "application/xml"
CURRENCY = "EUR"
BUYER_COUNTRY = "NL"  # billing details hold a Dutch postcode (wijkwerk/registrations/inputs.py)
COMMERCIAL_INVOICE = "380"  # UNTDID 1001
CREDIT_NOTE = "381"
CREDIT_TRANSFER = "30"  # UNTDID 4461
ONE = "C62"  # UN/ECE rec. 20: a unit ("one"); an invoice line is one registration's fee

cac = ElementMaker(namespace=CAC_NS, nsmap={"cac": CAC_NS, "cbc": CBC_NS})
cbc = ElementMaker(namespace=CBC_NS, nsmap={"cac": CAC_NS, "cbc": CBC_NS})


class NoBuyerAddress(LookupError):
    """The buyer's KvK number or OIN is unknown, and an e-invoice needs it as its address."""


def einvoice_attachment(invoice: Invoice) -> Attachment:
    """The e-invoice for the invoice mail, made when the mail is sent, as its PDF is."""
    return Attachment(
        invoice.einvoice_filename, EINVOICE_TYPE, render_from=f"invoice-ubl:{invoice.id}"
    )


@renders_attachment("invoice-ubl")
def _einvoice_by_id(invoice_id: int) -> bytes:
    return einvoice_of(db.session.get_one(Invoice, invoice_id))


def einvoice_of(invoice: Invoice) -> bytes:
    """``invoice`` as an e-invoice, its PDF inside."""
    return einvoice_xml(invoice, invoice_pdf(invoice))


def einvoice_response(invoice: Invoice) -> Response:
    """The e-invoice to download; 404 when it cannot be made (no address for the buyer)."""
    if not invoice.has_einvoice:
        abort(404)
    return Response(
        einvoice_of(invoice),
        mimetype=EINVOICE_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{invoice.einvoice_filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def einvoice_xml(invoice: Invoice, pdf: bytes) -> bytes:
    """``invoice`` as UBL, with ``pdf`` (its PDF) embedded as the buyer's view of it."""
    if not invoice.has_einvoice:
        raise NoBuyerAddress(invoice.number)
    with force_locale("nl"):
        root = _document(invoice, pdf)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def amount(cents: int) -> str:
    """Cents as the decimal an e-invoice writes: 180000 → "1800.00"."""
    return f"{Decimal(cents).scaleb(-2):.2f}"


def percent(rate_bp: int) -> str:
    """A VAT rate in basis points as a percentage: 2100 → "21", 950 → "9.5"."""
    return f"{Decimal(rate_bp).scaleb(-2).normalize():f}"


def _money(element, cents: int):
    return element(amount(cents), currencyID=CURRENCY)


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(AMSTERDAM).date().isoformat()


def _document(invoice: Invoice, pdf: bytes):
    credit = invoice.is_credit
    sign = -1 if credit else 1  # a credit note states what it credits as positive amounts
    net, vat, total = (
        sign * c for c in (invoice.amount_cents, invoice.vat_cents, invoice.total_cents)
    )
    prepaid = total if invoice.paid_at is not None and not credit else 0
    maker = ElementMaker(
        namespace=CREDIT_NOTE_NS if credit else INVOICE_NS,
        nsmap={None: CREDIT_NOTE_NS if credit else INVOICE_NS, "cac": CAC_NS, "cbc": CBC_NS},
    )
    head = [
        cbc.CustomizationID(CUSTOMIZATION),
        cbc.ProfileID(PROFILE),
        cbc.ID(invoice.number),
        cbc.IssueDate(_day(invoice.issued_at)),
    ]
    if credit:
        head.append(cbc.CreditNoteTypeCode(CREDIT_NOTE))
    else:
        head += [cbc.DueDate(_day(invoice.due_at)), cbc.InvoiceTypeCode(COMMERCIAL_INVOICE)]
    head += [
        cbc.Note(
            _("Referentie aanmelding: %(reference)s", reference=invoice.registration.reference)
        ),
        cbc.DocumentCurrencyCode(CURRENCY),
        # BT-10, which a Dutch buyer routes by (PEPPOL-EN16931-R003): the purchase order number;
        # without one, the registration's reference, which the buyer's confirmation names.
        cbc.BuyerReference(invoice.buyer_reference or invoice.registration.reference),
    ]
    if invoice.supplied_from is not None:
        head.append(
            cac.InvoicePeriod(
                cbc.StartDate(invoice.supplied_from.isoformat()),
                cbc.EndDate((invoice.supplied_until or invoice.supplied_from).isoformat()),
            )
        )
    if invoice.buyer_reference:
        head.append(cac.OrderReference(cbc.ID(invoice.buyer_reference)))
    if invoice.credited_invoice is not None:
        credited = invoice.credited_invoice
        head.append(
            cac.BillingReference(
                cac.InvoiceDocumentReference(
                    cbc.ID(credited.number), cbc.IssueDate(_day(credited.issued_at))
                )
            )
        )
    head.append(
        cac.AdditionalDocumentReference(
            cbc.ID(invoice.number),
            cbc.DocumentDescription(_("Factuur als PDF")),
            cac.Attachment(
                cbc.EmbeddedDocumentBinaryObject(
                    base64.b64encode(pdf).decode("ascii"),
                    mimeCode="application/pdf",
                    filename=invoice.filename,
                )
            ),
        )
    )
    parties = [
        cac.AccountingSupplierParty(_seller(invoice)),
        cac.AccountingCustomerParty(_buyer(invoice)),
    ]
    payment = [] if credit else [_payment_means(invoice)]
    payment.append(cac.PaymentTerms(cbc.Note(_payment_terms(invoice))))
    totals = [
        cac.TaxTotal(
            _money(cbc.TaxAmount, vat),
            cac.TaxSubtotal(
                _money(cbc.TaxableAmount, net),
                _money(cbc.TaxAmount, vat),
                cac.TaxCategory(*_category(invoice), cac.TaxScheme(cbc.ID("VAT"))),
            ),
        ),
        cac.LegalMonetaryTotal(
            _money(cbc.LineExtensionAmount, net),
            _money(cbc.TaxExclusiveAmount, net),
            _money(cbc.TaxInclusiveAmount, total),
            *([_money(cbc.PrepaidAmount, prepaid)] if prepaid else []),
            _money(cbc.PayableAmount, total - prepaid),
        ),
    ]
    line = (cac.CreditNoteLine if credit else cac.InvoiceLine)(
        cbc.ID("1"),
        (cbc.CreditedQuantity if credit else cbc.InvoicedQuantity)("1", unitCode=ONE),
        _money(cbc.LineExtensionAmount, net),
        cac.Item(
            cbc.Description(invoice.description),
            cbc.Name(invoice.registration.programme.title),
            cac.ClassifiedTaxCategory(*_category(invoice)[:2], cac.TaxScheme(cbc.ID("VAT"))),
        ),
        cac.Price(_money(cbc.PriceAmount, net)),
    )
    return (maker.CreditNote if credit else maker.Invoice)(*head, *parties, *payment, *totals, line)


def _category(invoice: Invoice) -> list:
    """New elements (lxml moves an element appended twice) for the VAT category (UNCL 5305): standard (S) at the programme's rate, or exempt (E) with
    the exemption's text (CRKBO, art. 11 lid 1 sub o Wet OB) that the PDF prints too."""
    if invoice.vat_rate_bp:
        return [cbc.ID("S"), cbc.Percent(percent(invoice.vat_rate_bp))]
    reason = invoice.vat_exemption_text or _("Vrijgesteld van btw")
    return [cbc.ID("E"), cbc.Percent("0"), cbc.TaxExemptionReason(reason)]


def _address(lines: list[str], postcode: str | None, city: str | None, country: str):
    parts = [cbc.StreetName(lines[0])] if lines else []
    if len(lines) > 1:
        parts.append(cbc.AdditionalStreetName(", ".join(lines[1:])))
    if city:
        parts.append(cbc.CityName(city))
    if postcode:
        parts.append(cbc.PostalZone(postcode))
    return cac.PostalAddress(*parts, cac.Country(cbc.IdentificationCode(country)))


def _seller(invoice: Invoice):
    """The seller, addressed and registered by its KvK number, with its btw-id."""
    return _party(
        compact(invoice.seller_kvk),
        invoice.seller_name,
        _address(
            invoice.seller_address.splitlines(),
            invoice.seller_postcode,
            invoice.seller_city,
            invoice.seller_country or "NL",
        ),
        tax=[
            cac.PartyTaxScheme(
                cbc.CompanyID(compact(invoice.seller_vat_number)), cac.TaxScheme(cbc.ID("VAT"))
            )
        ],
        contact=[cbc.ElectronicMail(invoice.seller_email)] if invoice.seller_email else [],
    )


def _buyer(invoice: Invoice):
    """The buyer, addressed and registered by its KvK number or OIN, with who ordered."""
    named = [cbc.Name(invoice.ordered_by)] if invoice.ordered_by else []
    return _party(
        invoice.buyer_identifier,
        invoice.buyer_name,
        _address(
            invoice.buyer_address.splitlines(),
            invoice.buyer_postcode,
            invoice.buyer_city,
            BUYER_COUNTRY,
        ),
        contact=[*named, cbc.ElectronicMail(invoice.buyer_email)],
    )


def _party(identifier: str, name: str, address, *, tax=(), contact=()):
    """A party in the order UBL gives its parts: its electronic address and legal registration
    are the same KvK number or OIN (PEPPOL-EN16931-R010/R020, NL-R-003/005)."""
    scheme = scheme_of(identifier)
    return cac.Party(
        cbc.EndpointID(identifier, schemeID=scheme),
        cac.PartyName(cbc.Name(name)),
        address,
        *tax,
        cac.PartyLegalEntity(
            cbc.RegistrationName(name), cbc.CompanyID(identifier, schemeID=scheme)
        ),
        *([cac.Contact(*contact)] if contact else []),
    )


def _payment_means(invoice: Invoice):
    """A credit transfer to the seller's account, the invoice number as the payment reference."""
    account = [cbc.ID(compact(invoice.seller_iban))] if invoice.seller_iban else []
    return cac.PaymentMeans(
        cbc.PaymentMeansCode(CREDIT_TRANSFER, name="Credit transfer"),
        cbc.PaymentID(invoice.number),
        cac.PayeeFinancialAccount(*account, cbc.Name(invoice.seller_name)),
    )


def _payment_terms(invoice: Invoice) -> str:
    if invoice.is_credit:
        return _("Het gecrediteerde bedrag wordt verrekend of teruggestort.")
    if invoice.paid_at is not None:
        return _("Voldaan op %(date)s. U hoeft niets meer te betalen.", date=date(invoice.paid_at))
    return _(
        "Te betalen vóór %(date)s op %(iban)s ten name van %(seller)s, onder vermelding van "
        "factuurnummer %(number)s.",
        date=date(invoice.due_at),
        iban=invoice.seller_iban or "-",
        seller=invoice.seller_name,
        number=invoice.number,
    )
