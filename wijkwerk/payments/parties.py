"""Who an invoice is from and to, as an e-invoice names them (docs/einvoice.md): the seller's
identifiers from the configuration, checked at start, and the buyer's KvK number or OIN."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Annotated

from flask_babel import gettext as _
from pydantic import Field

from wijkwerk.schema import Matching, Shape

# A Dutch party's identifier: its KvK number (8 digits, scheme 0106) or its OIN (20 digits, the
# government's organisation number, scheme 0190). Either is the legal entity and the address.
KVK_OR_OIN = r"(?:[0-9]{8}|[0-9]{20})"
KVK_SCHEME = "0106"
OIN_SCHEME = "0190"


def _kvk_or_oin(*, optional: bool) -> Matching:
    return Matching(
        limit=20,
        optional=optional,
        regex=KVK_OR_OIN,
        message=lambda: _("Vul een KvK-nummer (8 cijfers) of een OIN (20 cijfers) in."),
    )


# Either, as billing details give it (optional there).
KvkOrOin = Annotated[
    str,
    _kvk_or_oin(optional=True),
    Field(description="KvK-nummer (8 cijfers) of OIN (20 cijfers): het adres van de e-factuur"),
]
# A municipality's OIN, as an organiser enters it (empty: none known).
Oin = Annotated[
    str,
    Matching(
        limit=20,
        optional=True,
        regex=r"[0-9]{20}",
        message=lambda: _("Een OIN heeft 20 cijfers, zoals 00000001001234567000."),
    ),
]


class BuyerIdentifierInput(Shape):
    """An organiser giving an issued invoice the buyer's KvK number or OIN."""

    kvk_or_oin: Annotated[str, _kvk_or_oin(optional=False)]


_FORMS = {
    "SELLER_KVK": (re.compile(r"[0-9]{8}"), "8 digits"),
    "SELLER_COUNTRY": (re.compile(r"[A-Z]{2}"), "an ISO 3166-1 code such as NL"),
    "SELLER_VAT_NUMBER": (re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}"), "a VAT id such as NL123456789B01"),
    "SELLER_IBAN": (re.compile(r"[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}"), "an IBAN"),
}
_DUTCH = {
    "SELLER_VAT_NUMBER": (re.compile(r"NL[0-9]{9}B[0-9]{2}"), "NL, 9 digits, B, 2 digits"),
    "SELLER_POSTCODE": (re.compile(r"[1-9][0-9]{3}[A-Z]{2}"), "a postcode such as 2511 AA"),
}


def scheme_of(identifier: str) -> str:
    """The ISO 6523 scheme of a KvK number (8 digits) or an OIN (20)."""
    return OIN_SCHEME if len(identifier) == 20 else KVK_SCHEME


def compact(text: str | None) -> str:
    """``text`` without spaces, as an identifier or an IBAN is written in a document."""
    return "".join((text or "").split())


def seller_problems(config: MutableMapping) -> list[str]:
    """What is wrong with the configured seller's identifiers (unset ones are the production
    config's to demand): an e-invoice with a malformed KvK or btw-id is refused by the buyer.

    Settings from the environment are read as JSON, so ``WIJKWERK_SELLER_KVK=12345678`` comes in
    as a number: every seller setting is made text first."""
    for key in [k for k in config if k.startswith("SELLER_")]:
        if config[key] is not None and not isinstance(config[key], str):
            config[key] = str(config[key])
    forms = dict(_FORMS)
    if config.get("SELLER_COUNTRY") == "NL":
        forms |= _DUTCH
    problems = []
    for key, (pattern, form) in forms.items():
        value = config.get(key)
        if value and not pattern.fullmatch(compact(value)):  # checked without its spaces
            problems.append(f"WIJKWERK_{key} must be {form}, not {value!r}")
    return problems
