"""Building trio requests and reading the mails they cause."""

from __future__ import annotations

import copy
import re

from tests import factories
from wijkwerk.programmes.models import Allocation, Exemption, FeeUnit, ProgrammeKind
from wijkwerk.timeutil import local

VALID_TRIO = {
    "municipality": "GM0606",
    "casus": {
        "title": "Wonen en zorg in Oost",
        "wijk": "Oost",
        "description": "Kwetsbare bewoners wonen langer thuis; wijkteams en woningbouw zoeken elkaar op.",
        "domains": ["fysiek", "sociaal"],
    },
    "members": [
        {
            "name": "Anna de Vries",
            "email": "anna@schiedam.nl",
            "function": "Wijkmanager Oost",
            "role": "wijkambtenaar",
            "domain": "sociaal",
        },
        {
            "name": "Bram Jansen",
            "email": "bram@schiedam.nl",
            "function": "Beleidsadviseur wonen",
            "role": "sectorambtenaar",
            "domain": "fysiek",
        },
        {
            "name": "Chantal Bakker",
            "email": "chantal@schiedam.nl",
            "function": "Adviseur veiligheid",
            "role": "sectorambtenaar",
            "domain": "veiligheid",
        },
    ],
    "approver": {"name": "Dirk Smit", "email": "dirk@schiedam.nl", "function": "wethouder"},
    "billing": {
        "organisation": "Gemeente Schiedam",
        "address": "Stadserf 1",
        "postcode": "3112 DZ",
        "city": "Schiedam",
        "email": "facturen@schiedam.nl",
        "po_number": "PO-2027-118",
    },
    "locale": "nl",
}


def trio(municipality: str = "GM0606", domain: str = "schiedam.nl", **changes) -> dict:
    """A valid trio body for ``municipality``, with e-mail addresses at ``domain``."""
    body = copy.deepcopy(VALID_TRIO)
    body["municipality"] = municipality
    for person in [*body["members"], body["approver"], body["billing"]]:
        person["email"] = person["email"].replace("schiedam.nl", domain)
    body.update(changes)
    return body


MUNICIPALITIES = [
    # code, name, population, m50 member
    ("GM0606", "Schiedam", 81_931, False),  # large: pays
    ("GM0141", "Almelo", 75_166, False),  # middelgroot by population
    ("GM1959", "Altena", 58_946, True),  # middelgroot, M50 member
    ("GM0363", "Amsterdam", 941_927, False),
    ("GM0518", "'s-Gravenhage", 566_221, False),
    ("GM0599", "Rotterdam", 676_000, False),
    ("GM0106", "Assen", 70_769, False),
    ("GM0344", "Utrecht", 374_000, False),
    ("GM0034", "Almere", 232_619, False),
    ("GM0307", "Amersfoort", 163_764, False),
]


def load_municipalities() -> None:
    for code, name, population, member in MUNICIPALITIES:
        factories.municipality(
            code,
            name,
            population,
            m50_member=member,
            middelgroot_by_rule=member or 30_000 <= population <= 80_000,
        )


def werkplaats(**changes):
    values = {
        "slug": "werkplaatsen",
        "kind": ProgrammeKind.WERKPLAATS,
        "title": "Werkplaatsen wijkgericht werken",
        "fee_cents": 20_000,
        "fee_per": FeeUnit.TRIO,
        "exemption": Exemption.MIDDELGROOT,
        "capacity": 8,
        "min_participants": 6,
        "allocation": Allocation.FIRST_COME,
        "registration_deadline": local(2099, 9, 14, 23, 59),
    }
    values.update(changes)
    programme = factories.programme(**values)
    factories.session(programme, day=(2099, 10, 13), title="Werkplaats 1")
    return programme


LINK = re.compile(r"https?://\S+")


def plain(message) -> str:
    """A mail's plain-text body with whitespace (CRLF, the no-break space in "€ 200,00") collapsed."""
    return re.sub(r"\s+", " ", message.get_body(("plain",)).get_content())


def subject(message) -> str:
    """A subject as a mail client shows it (a long one arrives folded)."""
    return re.sub(r"\s+", " ", str(message["Subject"])).strip()


def links(message) -> list[str]:
    return LINK.findall(message.get_body(("plain",)).get_content())


def approval_link(smtp, approver: str = "dirk@schiedam.nl") -> str:
    [request] = [m for m in smtp.to(approver) if "kkoord gevraagd" in m["Subject"]]
    [link] = [url for url in links(request) if "/akkoord/" in url]
    return link.removeprefix("http://wijkwerk.test")
