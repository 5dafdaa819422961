"""Demo activity for the Kennisprogramma: twelve cities with their people for the first meeting."""

from __future__ import annotations

import datetime as dt

from wijkwerk.demo.activity import demo_email as _email
from wijkwerk.demo.activity import demo_name
from wijkwerk.demo.activity import demo_pdf as _pdf
from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.kennis.delegates import name_delegates
from wijkwerk.kennis.meetings import attach_wijkanalyse, set_meeting
from wijkwerk.municipalities.models import Municipality
from wijkwerk.programmes.models import Programme

CITIES = [
    ("GM0363", "Amsterdam", "Nieuw-West"),
    ("GM0599", "Rotterdam", "Bospolder-Tussendijken"),
    ("GM0518", "Den Haag", "Moerwijk"),
    ("GM0344", "Utrecht", "Overvecht"),
    ("GM0772", "Eindhoven", "Woensel-West"),
    ("GM0014", "Groningen", "Selwerd"),
    ("GM0202", "Arnhem", "Malburgen"),
    ("GM0268", "Nijmegen", "Dukenburg"),
    ("GM0153", "Enschede", "Velve-Lindenhof"),
    ("GM0034", "Almere", "Haven"),
    ("GM0193", "Zwolle", "Holtenbroek"),
    ("GM0935", "Maastricht", "Noordoost"),
]


def activity(programme: Programme, now: dt.datetime) -> list[str]:
    made = []
    registrations = []
    for number, (code, name, wijk) in enumerate(CITIES):
        if db.session.get(Municipality, code) is None or programme.places_left == 0:
            continue
        contact = demo_name(number)
        outcome = kennis.admit_city(
            programme,
            {
                "municipality": code,
                "wijk": wijk,
                "contact": {"name": contact, "email": _email(f"{contact} {name}")},
            },
            now=now,
        )
        registrations.append((outcome.registration, name, wijk))
        made.append(f"Stad {name} ({wijk})")
    first = programme.sessions[0] if programme.sessions else None
    if first is None or not registrations:
        return made
    set_meeting(
        first,
        host_id=registrations[0][0].id,
        presenter_ids=[r.id for r, _name, _wijk in registrations[1:4]],
    )
    people = [
        ("gemeente", "wijkregie"),
        ("woningcorporatie", "wonen"),
        ("welzijnsorganisatie", "sociaal werk"),
    ]
    for index, (registration, name, _wijk) in enumerate(registrations):
        count = 1 if index == len(registrations) - 1 else 2 + index % 2  # one city is short
        name_delegates(
            registration,
            first,
            {
                "delegates": [
                    {
                        "name": demo_name(12 + 3 * index + n),
                        "email": _email(f"{demo_name(12 + 3 * index + n)} {name}"),
                        "organisation": f"{role.title()} {name}",
                        "discipline": discipline,
                    }
                    for n, (role, discipline) in enumerate(people[:count])
                ]
            },
            actor_label="demo",
            now=now,
        )
    city = kennis.city_of(registrations[0][0])
    attach_wijkanalyse(
        city,
        f"Wijkanalyse {city.wijk}.pdf",
        _pdf(f"Wijkanalyse {city.wijk}", "Ontwikkeling, opgaven en aanpakken van de wijk."),
    )
    return made
