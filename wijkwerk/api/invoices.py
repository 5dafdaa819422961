"""The invoices in the JSON API (docs/api.md): one invoice as JSON, as its PDF, or as its
e-invoice (UBL, Peppol BIS Billing 3.0; docs/einvoice.md), for an organiser's bookkeeping."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import abort, jsonify, request
from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import select

from wijkwerk.api import bp
from wijkwerk.api import serialise_registration as answers
from wijkwerk.api.auth import organiser_required
from wijkwerk.api.openapi import documented
from wijkwerk.errors import error_response
from wijkwerk.extensions import db
from wijkwerk.payments.models import Invoice
from wijkwerk.payments.pdf import pdf_response
from wijkwerk.payments.ubl import EINVOICE_TYPE, einvoice_response
from wijkwerk.schema import Query, parse


class InvoiceFormat(Query):
    format: Annotated[
        Literal["json", "pdf", "ubl"],
        Field(
            description="`pdf`: de factuur als PDF; `ubl`: de e-factuur (UBL 2.1, Peppol BIS 3.0)"
        ),
    ] = "json"


@bp.get("/invoices/<number>")
@documented(
    "Eén factuur of creditfactuur; ?format=pdf voor de PDF, ?format=ubl voor de e-factuur",
    answer=answers.Invoice,
    files=("application/pdf", EINVOICE_TYPE),
    query=InvoiceFormat,
    conflict=True,
)
@organiser_required(write=False)
def invoice(number: str):
    found = db.session.scalar(select(Invoice).where(Invoice.number == number))
    if found is None:
        abort(404)
    wanted = parse(InvoiceFormat, request.args.to_dict()).format
    if wanted == "pdf":
        return pdf_response(found)
    if wanted == "ubl":
        if not found.has_einvoice:
            return error_response(
                409,
                _(
                    "Van deze factuur is er geen e-factuur: het KvK-nummer of OIN van de afnemer "
                    "ontbreekt"
                ),
                "no_einvoice",
            )
        return einvoice_response(found)
    return jsonify(answers.invoice(found))
