"""A programme's registrations as a spreadsheet, a row per person, with everything an organiser
works with; and the overview a venue asks for: per session how many come, and their dietary and
accessibility wishes. CSV and XLSX through the same formula-safe writers as the attendance matrix
(wijkwerk/attendance/exports.py). Every organiser and viewer may download them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _

from wijkwerk.attendance.exports import export_response, rows_csv, rows_xlsx
from wijkwerk.backoffice.queries import payment_state, registrations_of
from wijkwerk.formatting import date
from wijkwerk.money import euros_as_string
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Programme, ProgrammeSession, SessionStatus
from wijkwerk.programmes.services import get_programme
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.notifications import people_of

bp = Blueprint("exports", __name__)


def _people(registration: Registration):
    """Each person of a registration once (as its mail goes: registrations/notifications.py),
    with their member row when they are one."""
    members = {m.person_id: m for m in registration.members}
    for person in people_of(registration):
        yield person, members.get(person.id)


def registration_rows(programme: Programme) -> list[list[str]]:
    """A header, then a row per person of every registration (active first, in allocation order)."""
    from wijkwerk.backoffice import payment_words  # the package's, defined before it nests us

    kind = kinds.of(programme)
    header = [
        _("Referentie"),
        _("Status"),
        _("Gemeente"),
        _("Organisatie"),
        _("Naam"),
        _("E-mailadres"),
        _("Telefoon"),
        _("Functie"),
        _("Rol"),
        _("Kosten incl. btw"),
        _("Vrijstelling"),
        _("Factuur"),
        _("Betaling"),
        _("Inkoopordernummer"),
        _("Dieetwensen"),
        _("Toegankelijkheid"),
        _("Aangemeld op"),
    ]
    rows = [header]
    states = {state.value: kind.headline(state.value) for state in RegistrationState}
    words = {**payment_words(), "none": ""}
    for registration in registrations_of(programme):
        money_state, invoice = payment_state(registration)
        billing = registration.billing
        for person, member in _people(registration):
            contact = person.id == registration.contact_person_id
            rows.append(
                [
                    registration.reference,
                    states[registration.state.value],
                    registration.municipality.display_name if registration.municipality else "",
                    (member.organisation_name if member else "")
                    or (billing.organisation if billing else ""),
                    person.name,
                    person.email,
                    person.phone or "",
                    (member.function if member else "") or "",
                    _("contactpersoon") if contact else _("deelnemer"),
                    "" if registration.exempt else euros_as_string(registration.price.total_cents),
                    registration.exemption_reason or "" if registration.exempt else "",
                    invoice or "",
                    words[money_state],
                    (billing.po_number or "") if billing else "",
                    (member.dietary_needs if member else "") or "",
                    (member.accessibility_needs if member else "") or "",
                    date(registration.created_at),
                ]
            )
    return rows


@dataclass(frozen=True)
class VenueSession:
    session: ProgrammeSession
    expected: int
    dietary: list[tuple[str, int]]  # each wish as typed (case folded) and how many
    accessibility: list[str]


def venue(programme: Programme) -> list[VenueSession]:
    """Per session still to be held: how many are expected (confirmed), and their wishes."""
    confirmed = [r for r in registrations_of(programme) if r.state is RegistrationState.CONFIRMED]
    kind = kinds.of(programme)
    found = []
    for session in programme.sessions:
        if session.status is not SessionStatus.SCHEDULED:
            continue
        members = [
            m
            for r in confirmed
            if session in kind.attends(r)
            for m in r.members
            if m.expected_at(session.id)
        ]
        dietary = Counter(
            m.dietary_needs.strip().lower() for m in members if (m.dietary_needs or "").strip()
        )
        found.append(
            VenueSession(
                session=session,
                expected=len(members),
                dietary=sorted(dietary.items()),
                accessibility=[
                    m.accessibility_needs.strip()
                    for m in members
                    if (m.accessibility_needs or "").strip()
                ],
            )
        )
    return found


def venue_rows(programme: Programme) -> list[list[str]]:
    rows = [
        [
            _("Bijeenkomst"),
            _("Datum"),
            _("Locatie"),
            _("Verwacht"),
            _("Dieetwensen"),
            _("Toegankelijkheid"),
        ]
    ]
    for item in venue(programme):
        rows.append(
            [
                item.session.title,
                date(item.session.starts_at),
                item.session.location_name or "",
                str(item.expected),
                "; ".join(f"{wish}: {count}" for wish, count in item.dietary),
                "; ".join(item.accessibility),
            ]
        )
    return rows


@bp.get("/programmas/<slug>/aanmeldingen.<fmt>")
def registrations_export(slug: str, fmt: str):
    programme = get_programme(slug, published_only=False)
    if programme is None or fmt not in ("csv", "xlsx"):
        abort(404)
    rows = registration_rows(programme)
    body = rows_csv(rows) if fmt == "csv" else rows_xlsx(rows, _("Aanmeldingen"))
    return export_response(body, fmt, f"aanmeldingen-{slug}")


@bp.get("/programmas/<slug>/locatie")
def venue_page(slug: str):
    programme = get_programme(slug, published_only=False)
    if programme is None:
        abort(404)
    return render_template("backoffice/venue.html", programme=programme, sessions=venue(programme))


@bp.get("/programmas/<slug>/locatie.<fmt>")
def venue_export(slug: str, fmt: str):
    programme = get_programme(slug, published_only=False)
    if programme is None or fmt not in ("csv", "xlsx"):
        abort(404)
    rows = venue_rows(programme)
    body = rows_csv(rows) if fmt == "csv" else rows_xlsx(rows, _("Voor de locatie"))
    return export_response(body, fmt, f"locatie-{slug}")
