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


# Who took a step in a registration's history, as recorded (``RegistrationEvent.actor_label``):
# a role, or a role and an address ("approver dirk@…"); an organiser's account is its address.
ACTORS = {
    "system": _l("systeem"),
    "registrant": _l("aanmelder"),
    "organiser": _l("organisator"),
    "approver": _l("bestuurder"),
    "member": _l("deelnemer"),
    "demo": _l("demo"),
}


def actor(event) -> str:
    """Who took ``event``'s step, in Dutch: "aanmelder", "bestuurder (dirk@…)", "systeem", or
    the organiser's name or address with their role."""
    if event.actor is not None:
        who = event.actor.name or event.actor.email
        return f"{who} ({label('role', event.actor.role)})"
    role, _, address = (event.actor_label or "system").partition(" ")
    if role in ACTORS:
        return f"{ACTORS[role]} ({address})" if address else str(ACTORS[role])
    return event.actor_label  # an expert of a Wijklab's panel, by address
