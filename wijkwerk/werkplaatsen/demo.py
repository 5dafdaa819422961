"""Demo activity for the werkplaatsen: trios of several municipalities at each step — approved
and waiting for the allocation, one exempt, two still waiting for their approver (one for more
than a week), one declined — made through the same services as real use, days apart."""

from __future__ import annotations

import datetime as dt

from wijkwerk.demo.activity import demo_email as _email
from wijkwerk.demo.activity import demo_name, demo_oin
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.programmes.models import Programme
from wijkwerk.registrations import approval
from wijkwerk.werkplaatsen import services as trios

# municipality, wijk, days ago it registered, what became of it (days after registering)
TRIOS = [
    ("GM0344", "Overvecht", 14, ("approved", 2)),
    ("GM0141", "Kerkelanden", 12, ("approved", 1)),  # Almelo: middelgroot, exempt
    ("GM0153", "Velve-Lindenhof", 10, ("approved", 4)),
    ("GM0599", "Bospolder-Tussendijken", 9, None),  # the approver has not answered in 9 days
    ("GM0772", "Woensel-West", 7, ("declined", 3)),
    ("GM0518", "Moerwijk", 2, None),
]
ROLES = (
    ("wijkambtenaar", "sociaal"),
    ("sectorambtenaar", "fysiek"),
    ("sectorambtenaar", "veiligheid"),
)


def _trio(municipality: Municipality, wijk: str, number: int) -> dict:
    place = municipality.display_name
    people = [demo_name(100 + 4 * number + n) for n in range(4)]
    return {
        "municipality": municipality.code,
        "casus": {
            "title": f"Samen werken in {wijk}",
            "wijk": wijk,
            "description": "Wijkteam, woningcorporatie en welzijn zoeken één aanpak voor de "
            "bewoners die het meest kwetsbaar zijn.",
            "domains": ["sociaal", "fysiek"],
        },
        "members": [
            {
                "name": people[n],
                "email": _email(f"{people[n]} {place}"),
                "function": ("Wijkmanager", "Beleidsadviseur wonen", "Adviseur veiligheid")[n],
                "role": role,
                "domain": domain,
            }
            for n, (role, domain) in enumerate(ROLES)
        ],
        "approver": {
            "name": people[3],
            "email": _email(f"{people[3]} {place}"),
            "function": "Wethouder wijkaanpak",
        },
        "billing": {
            "organisation": f"Gemeente {place}",
            "address": "Postbus 1",
            "postcode": "1000 AA",
            "city": place,
            "email": _email(f"facturen {place}"),
            "po_number": f"PO-{municipality.code}-27",
            "kvk_or_oin": demo_oin(municipality.code),
        },
        "consent": True,
        "locale": "nl",
    }


def activity(programme: Programme, now: dt.datetime) -> list[str]:
    made = []
    for number, (code, wijk, days_ago, outcome) in enumerate(TRIOS):
        municipality = db.session.get(Municipality, code)
        if municipality is None:
            continue
        at = now - dt.timedelta(days=days_ago)
        registration = trios.register_trio(
            programme, _trio(municipality, wijk, number), now=at
        ).registration
        if outcome is not None:
            decision, after = outcome
            decided = at + dt.timedelta(days=after)
            approver = f"approver {registration.approver.email}"
            if decision == "approved":
                approval.approve(registration, actor_label=approver, now=decided)
            else:
                approval.decline(registration, actor_label=approver, now=decided)
        made.append(f"Trio {municipality.display_name} ({wijk})")
    return made
