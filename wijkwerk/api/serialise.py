"""Model → JSON, in the shapes docs/api.md fixes."""

from __future__ import annotations

import datetime as dt

from wijkwerk.money import rate_as_string
from wijkwerk.municipalities.models import Municipality
from wijkwerk.payments.models import Invoice, Payment
from wijkwerk.programmes.models import Programme, ProgrammeSession
from wijkwerk.registrations.links import feed_url, manage_url, payment_url
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.parts import BillingDetails, MemberRole, RegistrationMember


def timestamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 with offset (UTC)."""
    return value.isoformat() if value is not None else None


def municipality(m: Municipality) -> dict:
    return {
        "code": m.code,
        "name": m.display_name,
        "official_name": m.name,
        "province": m.province_name,
        "population": m.population,
        "middelgroot": m.middelgroot,
    }


def session(s: ProgrammeSession) -> dict:
    return {
        "id": s.id,
        "title": s.title,
        "theme": s.theme,
        "outcome": s.outcome,
        "starts_at": timestamp(s.starts_at),
        "ends_at": timestamp(s.ends_at),
        "location": {"name": s.location_name, "address": s.location_address},
        "status": s.status.value,
        "uid": s.uid,
        "sequence": s.sequence,
    }


def programme(p: Programme) -> dict:
    return {
        "slug": p.slug,
        "kind": p.kind.value,
        "title": p.title,
        "summary": p.summary,
        "description": p.description,
        "fee": {
            "amount_cents": p.fee_cents,
            "vat_rate": rate_as_string(p.vat_rate_bp),
            "vat_cents": p.price.vat_cents,
            "total_cents": p.price.total_cents,
            "per": p.fee_per.value,
        },
        "exemption": p.exemption.value if p.exemption else None,
        "capacity": p.capacity,
        "min_participants": p.min_participants,
        "registration_deadline": timestamp(p.registration_deadline),
        "allocation": p.allocation.value,
        "state": p.window().value,
        "places_left": p.places_left,
        "sessions": [session(s) for s in p.public_sessions],
    }


def problems(items) -> dict:
    return {"errors": [p.as_json() for p in items]}


def fee(r: Registration) -> dict:
    price = r.price
    return {
        "amount_cents": price.amount_cents,
        "vat_rate": rate_as_string(r.vat_rate_bp),
        "vat_cents": price.vat_cents,
        "total_cents": price.total_cents,
        "exempt": r.exempt,
        "exemption_reason": r.exemption_reason,
    }


def registration(r: Registration, warnings=()) -> dict:
    """A registration as the public POST answers it (docs/api.md)."""
    return {
        "id": r.id,
        "reference": r.reference,
        "programme": r.programme.slug,
        "state": r.state.value,
        "fee": fee(r),
        "warnings": [{"code": w.code, "message": w.message} for w in warnings],
        "payment_url": payment_url(r),
        "calendar_url": feed_url(r),
        "manage_url": manage_url(r),
    }


def registration_detail(r: Registration) -> dict:
    """A registration for organisers: members, casus, approver, history."""
    body = registration(r)
    body.update(
        {
            "municipality": municipality(r.municipality) if r.municipality else None,
            "created_at": timestamp(r.created_at),
            "completed_at": timestamp(r.completed_at),
            "holds_place": r.holds_place,
            "payment_method": r.payment_method.value if r.payment_method else None,
            "members": [member(m) for m in r.members],
            "casus": {
                "title": r.casus.title,
                "wijk": r.casus.wijk,
                "description": r.casus.description,
                "domains": r.casus.domains,
            }
            if r.casus
            else None,
            "approver": {
                "name": r.approver.name,
                "email": r.approver.email,
                "function": r.approver_function,
            }
            if r.approver
            else None,
            "history": [
                {
                    "from": e.from_state.value if e.from_state else None,
                    "to": e.to_state.value,
                    "at": timestamp(e.at),
                    "by": e.actor_label,
                    "reason": e.reason,
                }
                for e in r.events
            ],
            "billing": billing(r.billing) if r.billing else None,
            "payments": [payment(p) for p in r.payments],
            "invoices": [invoice(i) for i in r.invoices],
        }
    )
    return body


def member(m: RegistrationMember) -> dict:
    body = {
        "name": m.person.name,
        "email": m.person.email,
        "function": m.function,
        "role": m.role.value,
        "domain": m.domain.value if m.domain else None,
    }
    if m.role is MemberRole.PARTICIPANT:
        body.update(
            {
                "phone": m.person.phone,
                "organisation": m.organisation_name,
                "organisation_type": m.organisation_type.value if m.organisation_type else None,
                "professional_role": m.professional_role.value if m.professional_role else None,
                "dietary_needs": m.dietary_needs,
                "accessibility_needs": m.accessibility_needs,
            }
        )
    if m.role is MemberRole.DELEGATE:
        body.update({"organisation": m.organisation_name, "session": m.session_id})
    return body


def billing(b: BillingDetails) -> dict:
    return {
        "organisation": b.organisation,
        "address": b.address,
        "postcode": b.postcode,
        "city": b.city,
        "email": b.email,
        "po_number": b.po_number,
        "ordered_by": b.ordered_by,
    }


def payment(p: Payment) -> dict:
    return {
        "id": p.id,
        "method": p.method.value,
        "status": p.status.value,
        "amount_cents": p.amount_cents,
        "refunded_cents": p.refunded_cents,
        "currency": p.currency,
        "expires_at": timestamp(p.expires_at),
        "paid_at": timestamp(p.paid_at),
        "refunds": [
            {
                "amount_cents": refund.amount_cents,
                "status": refund.status.value,
                "created_at": timestamp(refund.created_at),
            }
            for refund in p.refunds
        ],
    }


def invoice(i: Invoice) -> dict:
    return {
        "number": i.number,
        "kind": i.kind.value,
        "credits": i.credited_invoice.number if i.credited_invoice else None,
        "issued_at": timestamp(i.issued_at),
        "due_at": timestamp(i.due_at),
        "paid_at": timestamp(i.paid_at),
        "amount_cents": i.amount_cents,
        "vat_rate": rate_as_string(i.vat_rate_bp),
        "vat_cents": i.vat_cents,
        "total_cents": i.total_cents,
        "buyer_reference": i.buyer_reference,
    }


def allocation(result) -> dict:
    return {
        "confirmed": [r.reference for r in result.confirmed],
        "waitlisted": [r.reference for r in result.waitlisted],
        "places_taken": result.places_taken,
        "min_participants": result.minimum,
        "below_minimum": result.below_minimum,
    }


def mark(a) -> dict | None:
    if a is None:
        return None
    return {
        "status": a.status.value,
        "substitute": {"name": a.substitute_name, "email": a.substitute_email}
        if a.substitute_name
        else None,
        "recorded_at": timestamp(a.recorded_at),
    }


def roster(session, lines) -> dict:
    return {
        "session": session_ref(session),
        "records": [
            {
                "email": line.member.person.email,
                "name": line.member.person.name,
                "registration": line.registration.reference,
                "group": line.group,
                "attendance": mark(line.mark),
            }
            for line in lines
        ],
    }


def session_ref(s: ProgrammeSession) -> dict:
    return {"id": s.id, "title": s.title, "starts_at": timestamp(s.starts_at)}


def attendance_matrix(m) -> dict:
    return {
        "programme": m.programme.slug,
        "sessions": [
            {**session_ref(s), "present": m.present_at(index)} for index, s in enumerate(m.sessions)
        ],
        "people": [
            {
                "email": row.email,
                "name": row.name,
                "registration": row.reference,
                "group": row.group,
                "marks": [
                    {"session_id": s.id, "expected": expected, "attendance": mark(a)}
                    for s, a, expected in zip(m.sessions, row.marks, row.expected, strict=True)
                ],
                "present": row.present,
            }
            for row in m.rows
        ],
        "groups": [
            {"registration": reference, "name": name, "present": present, "expected": expected}
            for name, reference, present, expected in m.groups()
        ],
    }
