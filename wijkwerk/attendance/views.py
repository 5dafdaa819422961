"""The registrant's certificates of attendance: the download, and the list their page shows
(``certificates_of``, a template global, so the registrant's page needs no import of this area)."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from wijkwerk.attendance import certificates
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.parts import RegistrationMember

bp = Blueprint("attendance", __name__)


@bp.app_template_global()
def certificates_of(registration: Registration) -> list[RegistrationMember]:
    """The members of ``registration`` who may download a certificate: who attended every
    session of a series that has ended."""
    return [m for m in registration.members if certificates.eligible(m)]


@bp.get("/aanmelding/<token>/deelnamebewijs/<int:member_id>.pdf")
def certificate(token: str, member_id: int):
    """A participant's certificate, for whoever attended every session."""
    registration = lifecycle.by_manage_token_or_404(token)
    member = next((m for m in registration.members if m.id == member_id), None)
    if member is None or not certificates.eligible(member):
        abort(404)
    filename = f"deelnamebewijs-{registration.reference}-{member.id}.pdf"
    return Response(
        certificates.certificate_pdf(member),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",  # it names the participant
        },
    )
