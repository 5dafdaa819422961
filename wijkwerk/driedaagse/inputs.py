"""An individual's registration request read into typed input (docs/api.md, kind ``driedaagse``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.registrations.inputs import (
    MAX_TEXT,
    PHONE,
    BillingInput,
    PersonInput,
    Reader,
    read_billing,
)
from wijkwerk.registrations.parts import ProfessionalRole
from wijkwerk.validation import Problem


@dataclass(frozen=True)
class IndividualInput:
    person: PersonInput
    phone: str
    organisation: str
    organisation_type: OrganisationType | None
    role: ProfessionalRole | None
    billing: BillingInput
    payment_method: PaymentMethod | None
    dietary_needs: str
    accessibility_needs: str
    consent: bool | None  # None: not asked (an API client that collected it itself)
    locale: str


def read_individual(data: Any) -> tuple[IndividualInput, list[Problem]]:
    """Parse an individual's registration (docs/api.md, kind ``driedaagse``)."""
    reader = Reader()
    data = reader.mapping(data, None)
    person_data = reader.mapping(data.get("person"), "person")
    name = reader.text(person_data, "name", "person.name")
    person = PersonInput(
        name=name,
        email=reader.email(person_data, "email", "person.email"),
        function=reader.text(person_data, "function", "person.function", required=False),
    )
    phone_match = reader.pattern(
        person_data,
        "phone",
        "person.phone",
        PHONE,
        _("Vul een telefoonnummer in, zoals 06 12345678 of +31 6 12345678."),
        required=False,
    )
    individual = IndividualInput(
        person=person,
        phone=phone_match[0] if phone_match else "",
        organisation=reader.text(person_data, "organisation", "person.organisation"),
        organisation_type=reader.choice(
            person_data, "organisation_type", "person.organisation_type", OrganisationType
        ),
        role=reader.choice(person_data, "role", "person.role", ProfessionalRole),
        billing=read_billing(reader, data.get("billing"), "billing", ordered_by=name),
        payment_method=reader.choice(
            data, "payment_method", "payment_method", PaymentMethod, required=False
        ),
        dietary_needs=reader.text(
            data, "dietary_needs", "dietary_needs", required=False, limit=MAX_TEXT * 5
        ),
        accessibility_needs=reader.text(
            data, "accessibility_needs", "accessibility_needs", required=False, limit=MAX_TEXT * 5
        ),
        consent=reader.flag(data, "consent", "consent"),
        locale=reader.locale(data),
    )
    return individual, reader.problems
