"""The AVG's right of access (art. 15): everything wijkwerk holds about a person, as plain data.
Erasure is in :mod:`wijkwerk.privacy.services`, the retention period in
:mod:`wijkwerk.privacy.retention`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select

from wijkwerk.attendance.models import Attendance
from wijkwerk.email_address import normalise_email
from wijkwerk.extensions import db
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.people.models import Person
from wijkwerk.programmes import kinds
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.parts import RegistrationMember
from wijkwerk.timeutil import now_utc


def find_person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


# --- export ---------------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def registrations_of(person: Person) -> list[Registration]:
    member_of = select(RegistrationMember.registration_id).where(
        RegistrationMember.person_id == person.id
    )
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                or_(
                    Registration.id.in_(member_of),
                    Registration.contact_person_id == person.id,
                    Registration.approver_person_id == person.id,
                )
            )
            .order_by(Registration.id)
        )
    )


def _as_member(member: RegistrationMember) -> dict:
    attended = db.session.scalars(select(Attendance).where(Attendance.member_id == member.id))
    return {
        "role": member.role.value,
        "session": member.session_id,
        "function": member.function,
        "organisation": member.organisation_name,
        "organisation_type": member.organisation_type.value if member.organisation_type else None,
        "professional_role": member.professional_role.value if member.professional_role else None,
        "domain": member.domain.value if member.domain else None,
        "dietary_needs": member.dietary_needs,
        "accessibility_needs": member.accessibility_needs,
        "attendance": [
            {
                "session": mark.session.title,
                "starts_at": _iso(mark.session.starts_at),
                "status": mark.status.value,
            }
            for mark in attended
        ],
    }


def _as_registration(registration: Registration, person: Person) -> dict:
    roles = []
    if registration.contact_person_id == person.id:
        roles.append("contact")
    if registration.approver_person_id == person.id:
        roles.append("approver")
    members = [m for m in registration.members if m.person_id == person.id]
    if members:
        roles.append("participant")
    found: dict[str, Any] = {
        "reference": registration.reference,
        "programme": registration.programme.title,
        "state": registration.state.value,
        "as": roles,
        "created_at": _iso(registration.created_at),
        "consent_at": _iso(registration.consent_at),
        "municipality": registration.municipality.display_name
        if registration.municipality
        else None,
        "participation": [_as_member(m) for m in members],
        "history": [
            {"at": _iso(e.at), "state": e.to_state.value, "reason": e.reason}
            for e in registration.events
        ],
    }
    if registration.approver_person_id == person.id:
        found["approver_function"] = registration.approver_function
    if "contact" in roles or "participant" in roles:
        billing = registration.billing
        if billing is not None:
            found["billing"] = {
                "organisation": billing.organisation,
                "address": billing.address,
                "postcode": billing.postcode,
                "city": billing.city,
                "email": billing.email,
                "po_number": billing.po_number,
                "ordered_by": billing.ordered_by,
                "kvk_or_oin": billing.kvk_or_oin,
            }
        found["payments"] = [
            {
                "method": p.method.value,
                "status": p.status.value,
                "amount_cents": p.amount_cents,
                "paid_at": _iso(p.paid_at),
                "refunded_cents": p.refunded_cents,
            }
            for p in registration.payments
        ]
        found["invoices"] = [
            {
                "number": i.number,
                "issued_at": _iso(i.issued_at),
                "buyer_name": i.buyer_name,
                "buyer_email": i.buyer_email,
                "total_cents": i.total_cents,
                "paid_at": _iso(i.paid_at),
            }
            for i in registration.invoices
        ]
    return found


def export_person(email: str) -> dict | None:
    """Everything wijkwerk holds about the person with this e-mail address (AVG art. 15), as
    plain JSON-ready data; None when nothing is held."""
    email = normalise_email(email)
    person = find_person(email)
    elsewhere = {
        kind.personal_data.key: kind.personal_data.export(email)
        for kind in kinds.all_kinds()
        if kind.personal_data is not None
    }
    substitutes = list(
        db.session.scalars(select(Attendance).where(Attendance.substitute_email == email))
    )
    if person is None and not any(elsewhere.values()) and not substitutes:
        return None
    mails = db.session.scalars(
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.recipient == email,
                OutboxMessage.person_id == (person.id if person else -1),
            )
        )
        .order_by(OutboxMessage.id)
    )
    return {
        "exported_at": now_utc().isoformat(),
        "email": email,
        "person": None
        if person is None
        else {
            "name": person.name,
            "email": person.email,
            "phone": person.phone,
            "function": person.function,
            "organisation": person.organisation.name if person.organisation else None,
            "locale": person.locale,
            "created_at": _iso(person.created_at),
        },
        "registrations": [_as_registration(r, person) for r in registrations_of(person)]
        if person
        else [],
        "substitute_at": [
            {
                "session": mark.session.title,
                "programme": mark.session.programme.title,
                "starts_at": _iso(mark.session.starts_at),
                "name": mark.substitute_name,
            }
            for mark in substitutes
        ],
        **elsewhere,  # what each kind keeps of the person (the Wijklab: "expert")
        "mails": [
            {"subject": m.subject, "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
            for m in mails
        ],
    }
