"""A registration in the API's answers (docs/api.md): as the public POST answers it, and as
organisers read it, with its members, history, billing, payments and invoices."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wijkwerk.api.serialise import Municipality, municipality
from wijkwerk.money import rate_as_string
from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments.models import Invoice as InvoiceModel
from wijkwerk.payments.models import InvoiceKind, PaymentMethod, PaymentStatus, RefundStatus
from wijkwerk.payments.models import Payment as PaymentModel
from wijkwerk.registrations.links import feed_url, manage_url, payment_url
from wijkwerk.registrations.models import Registration as RegistrationModel
from wijkwerk.registrations.models import RegistrationState
from wijkwerk.registrations.parts import (
    BillingDetails,
    Domain,
    MemberRole,
    ProfessionalRole,
    RegistrationMember,
)
from wijkwerk.schema import Answer, Timestamp


class RegistrationFee(Answer):
    amount_cents: int
    vat_rate: str
    vat_cents: int
    total_cents: int
    exempt: bool
    exemption_reason: str | None


class Warning(Answer):
    code: str
    message: str


def warning(problem) -> Warning:
    return Warning(code=problem.code, message=problem.message)


class Registration(Answer):
    id: int
    reference: str
    programme: str
    state: RegistrationState
    fee: RegistrationFee
    warnings: list[Warning]
    payment_url: str | None
    calendar_url: str | None
    manage_url: str


def _fields(r: RegistrationModel, warnings=()) -> dict:
    price = r.price
    return {
        "id": r.id,
        "reference": r.reference,
        "programme": r.programme.slug,
        "state": r.state,
        "fee": RegistrationFee(
            amount_cents=price.amount_cents,
            vat_rate=rate_as_string(r.vat_rate_bp),
            vat_cents=price.vat_cents,
            total_cents=price.total_cents,
            exempt=r.exempt,
            exemption_reason=r.exemption_reason,
        ),
        "warnings": [warning(w) for w in warnings],
        "payment_url": payment_url(r),
        "calendar_url": feed_url(r),
        "manage_url": manage_url(r),
    }


def registration(r: RegistrationModel, warnings=()) -> Registration:
    """A registration as the public POST answers it (docs/api.md)."""
    return Registration(**_fields(r, warnings))


class Member(Answer):
    """A person taking part: a trio member, the individual, a city's delegate. The individual's
    and the delegate's own fields are null for the others."""

    name: str
    email: str
    function: str | None
    role: MemberRole
    domain: Domain | None
    phone: str | None = None
    organisation: str | None = None
    organisation_type: OrganisationType | None = None
    professional_role: ProfessionalRole | None = None
    dietary_needs: str | None = None
    accessibility_needs: str | None = None
    session: Annotated[
        int | None, Field(description="de bijeenkomst waarvoor een stad deze persoon opgaf")
    ] = None


def member(m: RegistrationMember) -> Member:
    own: dict = {}
    if m.role is MemberRole.PARTICIPANT:
        own = {
            "phone": m.person.phone,
            "organisation": m.organisation_name,
            "organisation_type": m.organisation_type,
            "professional_role": m.professional_role,
            "dietary_needs": m.dietary_needs,
            "accessibility_needs": m.accessibility_needs,
        }
    if m.role is MemberRole.DELEGATE:
        own = {"organisation": m.organisation_name, "session": m.session_id}
    return Member(
        name=m.person.name,
        email=m.person.email,
        function=m.function,
        role=m.role,
        domain=m.domain,
        **own,
    )


class Casus(Answer):
    title: str
    wijk: str
    description: str
    domains: list[Domain]


class Approver(Answer):
    name: str
    email: str
    function: str | None


class Step(Answer):
    from_: Annotated[RegistrationState | None, Field(alias="from")]
    to: RegistrationState
    at: Timestamp
    by: str
    reason: str | None


class Billing(Answer):
    organisation: str
    address: str
    postcode: Annotated[str, Field(examples=["1234 AB"])]
    city: str
    email: Annotated[str, Field(description="waar de factuur heen gaat")]
    po_number: Annotated[
        str | None,
        Field(description="inkoopordernummer; verplicht voor een gemeente die op factuur betaalt"),
    ]
    ordered_by: Annotated[str | None, Field(description="standaard: de aanmelder")]
    kvk_or_oin: Annotated[
        str | None, Field(description="KvK-nummer of OIN: het adres van de e-factuur")
    ]


def billing(b: BillingDetails) -> Billing:
    return Billing(
        organisation=b.organisation,
        address=b.address,
        postcode=b.postcode,
        city=b.city,
        email=b.email,
        po_number=b.po_number,
        ordered_by=b.ordered_by,
        kvk_or_oin=b.kvk_or_oin or None,
    )


class Refund(Answer):
    amount_cents: int
    status: RefundStatus
    created_at: Timestamp


class Payment(Answer):
    id: int
    method: PaymentMethod
    status: PaymentStatus
    amount_cents: Annotated[int, Field(description="incl. btw")]
    refunded_cents: int
    currency: str
    expires_at: Timestamp | None
    paid_at: Timestamp | None
    refunds: list[Refund]


def payment(p: PaymentModel) -> Payment:
    return Payment(
        id=p.id,
        method=p.method,
        status=p.status,
        amount_cents=p.amount_cents,
        refunded_cents=p.refunded_cents,
        currency=p.currency,
        expires_at=p.expires_at,
        paid_at=p.paid_at,
        refunds=[
            Refund(amount_cents=r.amount_cents, status=r.status, created_at=r.created_at)
            for r in p.refunds
        ],
    )


class Invoice(Answer):
    number: Annotated[str, Field(examples=["2027-0001"])]
    kind: InvoiceKind
    credits: Annotated[
        str | None, Field(description="het nummer dat deze creditfactuur crediteert")
    ]
    issued_at: Timestamp
    due_at: Timestamp | None
    paid_at: Timestamp | None
    amount_cents: Annotated[int, Field(description="excl. btw; negatief bij een creditfactuur")]
    vat_rate: str
    vat_cents: int
    total_cents: int
    buyer_reference: str | None
    einvoice: Annotated[
        bool,
        Field(description="of er een e-factuur is (?format=ubl); die vraagt het KvK-nummer of OIN"),
    ]


def invoice(i: InvoiceModel) -> Invoice:
    return Invoice(
        number=i.number,
        kind=i.kind,
        credits=i.credited_invoice.number if i.credited_invoice else None,
        issued_at=i.issued_at,
        due_at=i.due_at,
        paid_at=i.paid_at,
        amount_cents=i.amount_cents,
        vat_rate=rate_as_string(i.vat_rate_bp),
        vat_cents=i.vat_cents,
        total_cents=i.total_cents,
        buyer_reference=i.buyer_reference,
        einvoice=i.has_einvoice,
    )


class RegistrationDetail(Registration):
    """A registration for organisers: members, casus, approver, history, money."""

    municipality: Municipality | None
    created_at: Timestamp
    completed_at: Timestamp | None
    holds_place: bool
    payment_method: PaymentMethod | None
    members: list[Member]
    casus: Casus | None
    approver: Approver | None
    history: list[Step]
    billing: Billing | None
    payments: list[Payment]
    invoices: list[Invoice]


def registration_detail(r: RegistrationModel) -> RegistrationDetail:
    casus = r.casus
    return RegistrationDetail(
        **_fields(r),
        municipality=municipality(r.municipality) if r.municipality else None,
        created_at=r.created_at,
        completed_at=r.completed_at,
        holds_place=r.holds_place,
        payment_method=r.payment_method,
        members=[member(m) for m in r.members],
        casus=Casus(
            title=casus.title,
            wijk=casus.wijk,
            description=casus.description,
            domains=[Domain(d) for d in casus.domains],
        )
        if casus
        else None,
        approver=Approver(
            name=r.approver.name, email=r.approver.email, function=r.approver_function
        )
        if r.approver
        else None,
        history=[
            Step(
                **{"from": e.from_state},
                to=e.to_state,
                at=e.at,
                by=e.actor_label,
                reason=e.reason,
            )
            for e in r.events
        ],
        billing=billing(r.billing) if r.billing else None,
        payments=[payment(p) for p in r.payments],
        invoices=[invoice(i) for i in r.invoices],
    )
