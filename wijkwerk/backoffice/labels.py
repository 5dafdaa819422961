"""Dutch words for the codes the back-office shows (roles, payment and refund states, audit
actions): the codes stay English in the database and the API, people read these."""

from __future__ import annotations

from enum import Enum

from flask_babel import lazy_gettext as _l

WORDS = {
    "role": {
        "admin": _l("beheerder"),
        "organiser": _l("organisator"),
        "viewer": _l("kijker"),
    },
    "payment": {
        "pending": _l("wacht op betaling"),
        "paid": _l("betaald"),
        "failed": _l("mislukt"),
        "expired": _l("verlopen"),
        "refunded": _l("terugbetaald"),
    },
    "refund": {
        "pending": _l("wordt verstuurd"),
        "succeeded": _l("uitgevoerd"),
        "failed": _l("mislukt"),
    },
    "programme": {
        "draft": _l("concept (niet openbaar)"),
        "published": _l("gepubliceerd"),
        "cancelled": _l("vervallen"),
    },
    "audit": {
        "insert": _l("toegevoegd"),
        "update": _l("gewijzigd"),
        "delete": _l("verwijderd"),
        "upsert": _l("vastgelegd"),
    },
}


def label(kind: str, value: Enum | str) -> str:
    """The word for ``value`` (an enum member or its code) of ``kind``; the code when unknown."""
    code = value.value if isinstance(value, Enum) else value
    return str(WORDS[kind].get(code, code))
