"""An individual's registration request (docs/api.md, kind ``driedaagse``), declared once
(wijkwerk/schema/): the API reads it, the form sends it, the OpenAPI document shows it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.registrations.inputs import (
    BillingInput,
    Consent,
    EmailAddress,
    Line,
    Locale,
    OptionalLine,
    Phone,
)
from wijkwerk.registrations.parts import ProfessionalRole
from wijkwerk.schema import Shape, Text

Wishes = Annotated[str, Text(1000, multiline=True, optional=True)]


class IndividualPersonInput(Shape):
    name: Line
    email: EmailAddress
    phone: Phone = ""
    function: OptionalLine = ""
    organisation: Line
    organisation_type: OrganisationType
    role: ProfessionalRole


class IndividualInput(Shape):
    person: IndividualPersonInput
    billing: BillingInput
    payment_method: Annotated[
        PaymentMethod | None,
        Field(
            description="verplicht als het programma iets kost; `stripe` alleen als Stripe is "
            "ingesteld"
        ),
    ] = None
    dietary_needs: Wishes = ""
    accessibility_needs: Wishes = ""
    consent: Consent = None  # its description is the type's
    locale: Locale = "nl"
