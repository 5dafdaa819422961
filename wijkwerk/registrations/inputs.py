"""The shapes a registration request is made of, for the API and the web form alike
(wijkwerk/schema/): a person, a contact, where the invoice goes, the registrant's language,
consent; and an organiser's decision with its reason.

Every shape problem is reported at once, each with its contract code (``required``, ``invalid``) and
the path of its field (``members[1].email``), so the API can return them and the form can show each
message next to its field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import Field, WithJsonSchema

from wijkwerk.payments.parties import KvkOrOin
from wijkwerk.schema import Email, Matching, Says, Shape, Text

MAX_LONG_TEXT = 5000

Line = Annotated[str, Text()]
OptionalLine = Annotated[str, Text(optional=True)]
EmailAddress = Annotated[str, Email()]
LongText = Annotated[str, Text(MAX_LONG_TEXT, multiline=True)]
PHONE_PATTERN = r"\+?[0-9][0-9 ()\-]{8,18}[0-9]"
Phone = Annotated[
    str,
    Matching(
        optional=True,
        regex=PHONE_PATTERN,
        message=lambda: _("Vul een telefoonnummer in, zoals 06 12345678 of +31 6 12345678."),
    ),
]
Postcode = Annotated[
    str,
    Matching(
        regex=r"([1-9][0-9]{3}) ?([A-Za-z]{2})",
        message=lambda: _("Vul een Nederlandse postcode in, zoals 1234 AB."),
        shape=lambda found: f"{found[1]} {found[2].upper()}",
    ),
]
# A municipality by its CBS code (GM0606), in capitals or not; another code is no municipality.
MunicipalityCode = Annotated[
    str,
    Matching(
        limit=6,
        regex=r"[Gg][Mm][0-9]{4}",
        message=lambda: _("Deze gemeente kennen we niet."),
        shape=lambda found: found[0].upper(),
        code="unknown_municipality",
    ),
]
# The language mail and pages are in for this registrant (nl unless en).
Locale = Annotated[Literal["nl", "en"] | None, Says(literal_error=lambda: _("Kies nl of en."))]
# Consent as the privacy statement asks it: given (true), or not asked (null: an API client that
# asked it itself); false is refused by the intake (wijkwerk/registrations/intake.py), said first.
Consent = Annotated[
    bool | None,
    Says(bool_type=lambda: _("Kies ja of nee.")),
    WithJsonSchema(
        {
            "anyOf": [{"const": True}, {"type": "null"}],
            "description": "toestemming volgens de privacyverklaring; `false` wordt geweigerd",
        }
    ),
]


def po_number_words() -> str:
    """Why a municipality paying by invoice gives its purchase order number (docs/domain.md)."""
    return _(
        "Een gemeente verwerkt een factuur alleen met een inkoopordernummer of "
        "verplichtingennummer. Vul dat hier in."
    )


class PersonInput(Shape):
    """Someone named in a request: a trio member, an approver, a substitute."""

    name: Line
    email: EmailAddress
    function: Line


class ContactInput(Shape):
    """The person who acts for a municipality or a city (its function and phone optional)."""

    name: Line
    email: EmailAddress
    function: OptionalLine = ""
    phone: Phone = ""


class BillingInput(Shape):
    """Where the invoice goes (docs/domain.md: a municipality needs its PO number and who
    ordered); ``ordered_by`` is the kind's to fill when left empty (:meth:`ordered`)."""

    organisation: Line
    address: Annotated[str, Text(300, multiline=True)]
    postcode: Postcode
    city: Annotated[str, Text(100)]
    email: EmailAddress
    po_number: Annotated[str, Text(100, optional=True)] = ""
    ordered_by: OptionalLine = ""
    kvk_or_oin: KvkOrOin = ""

    def ordered(self, by: str) -> BillingInput:
        """These details, ordered by ``by`` unless they say who."""
        return self if self.ordered_by else self.model_copy(update={"ordered_by": by})


class OrderedBillingInput(BillingInput):
    """Billing details with the purchase order number, which a municipality always pays by."""

    po_number: Annotated[
        str,
        Text(100),
        Says(missing=po_number_words, required=("required", po_number_words)),
    ]


Reason = Annotated[str, Text(1000, multiline=True, optional=True)]


class DecisionInput(Shape):
    """An organiser's decision on a registration, with why (``POST …/approve``, ``/decline``,
    ``/cancel``); ``full_refund`` only for cancelling."""

    reason: Reason = ""
    full_refund: Annotated[
        bool,
        Field(description="alleen bij annuleren: alles terug, buiten de voorwaarden om"),
    ] = False


class ProgrammeCancellationInput(Shape):
    reason: Annotated[
        str,
        Text(1000, multiline=True),
        Field(description="iedere aanmelder leest deze reden"),
    ]
