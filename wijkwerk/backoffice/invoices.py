"""The invoices: the list (open, or all), one invoice as a page, a PDF or an e-invoice, marking
one paid, and giving one issued without it the buyer's KvK number or OIN."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk.backoffice.forms import BuyerIdentifierForm
from wijkwerk.backoffice.queries import INVOICE_FILTERS, invoices_list, is_outstanding, page_of
from wijkwerk.extensions import db
from wijkwerk.formatting import folded
from wijkwerk.payments import invoices as payment_invoices
from wijkwerk.payments.models import Invoice
from wijkwerk.payments.pdf import pdf_response
from wijkwerk.payments.ubl import einvoice_response
from wijkwerk.registrations.forms import show_problems
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("invoices", __name__)


@bp.get("/facturen")
def invoices():
    which = request.args.get("toon", "open")
    if which not in INVOICE_FILTERS:
        which = "open"
    query = request.args.get("q", "").strip()[:200]
    found = [i for i in invoices_list(which) if not query or folded(query) in _searchable(i)]
    page = page_of(found, request.args.get("pagina", "1"))
    return render_template(
        "backoffice/invoices.html",
        invoices=page.rows,
        page=page,
        everything=found,
        query=query,
        which=which,
        is_outstanding=is_outstanding,
        form=CheckedForm(),
    )


def _searchable(invoice: Invoice) -> str:
    """An invoice is found by its number, its buyer, its programme and its registration."""
    registration = invoice.registration
    return folded(
        f"{invoice.number} {invoice.buyer_name} {registration.reference} "
        f"{registration.programme.title}"
    )


@bp.get("/facturen/<int:invoice_id>")
def invoice(invoice_id: int):
    return _page(db.get_or_404(Invoice, invoice_id))


def _page(found: Invoice, buyer_form: BuyerIdentifierForm | None = None, status: int = 200):
    if buyer_form is None and not found.has_einvoice and current_user.role.can_write:
        buyer_form = BuyerIdentifierForm(formdata=None)
    return render_template(
        "payments/invoice.html",
        invoice=found,
        pdf_url=url_for("backoffice.invoices.invoice_download", invoice_id=found.id),
        einvoice_url=url_for("backoffice.invoices.einvoice_download", invoice_id=found.id),
        buyer_form=buyer_form,
    ), status


@bp.get("/facturen/<int:invoice_id>.pdf")
def invoice_download(invoice_id: int):
    return pdf_response(db.get_or_404(Invoice, invoice_id))


@bp.get("/facturen/<int:invoice_id>.xml")
def einvoice_download(invoice_id: int):
    return einvoice_response(db.get_or_404(Invoice, invoice_id))


@bp.post("/facturen/<int:invoice_id>/afnemer")
def address_buyer(invoice_id: int):
    """Give an invoice issued without one the buyer's KvK number or OIN (docs/einvoice.md)."""
    found = db.get_or_404(Invoice, invoice_id)
    form = BuyerIdentifierForm()
    if form.validate_on_submit():
        try:
            payment_invoices.address_buyer(found, form.kvk_or_oin.data or "", actor=current_user)
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems)
        else:
            db.session.commit()
            flash(_("Factuur %(number)s is nu ook een e-factuur.", number=found.number), "success")
            return redirect(url_for("backoffice.invoices.invoice", invoice_id=found.id))
    return _page(found, form, 422)


@bp.post("/facturen/<int:invoice_id>/betaald")
def mark_invoice_paid(invoice_id: int):
    found = db.get_or_404(Invoice, invoice_id)
    if not CheckedForm().validate_on_submit():
        abort(400)
    payment_invoices.mark_paid(found, actor=current_user)
    db.session.commit()
    flash(_("Factuur %(number)s staat op betaald.", number=found.number), "success")
    return redirect(request.form.get("next") or url_for("backoffice.invoices.invoices"))
