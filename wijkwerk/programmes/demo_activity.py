"""Demo activity for the Wijklab and the Kennisprogramma, so that each shows a realistic state:
labs at several steps with a panel from the expert pool, and twelve cities with their people
for the first theme meeting. Made through the same services as real use; the mails those
services queue go to made-up addresses and are taken out of the outbox again."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from sqlalchemy import delete, select

from wijkwerk.extensions import db
from wijkwerk.kennis import services as kennis
from wijkwerk.municipalities.models import Municipality
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.wijklab import panel
from wijkwerk.wijklab import services as wijklab
from wijkwerk.wijklab.models import LabStage

EXPERTS = [
    ("Anouk de Wit", "Platform31", "wonen, stedelijke vernieuwing, wijkaanpak"),
    ("Hamid El Idrissi", "Hogeschool Rotterdam", "sociaal werk, bewonersparticipatie"),
    ("Marieke Dijkstra", "Gemeente Zwolle", "wijkaanpak, bestuur, financiering"),
    ("Peter van Dam", "Woonbron", "wonen, corporaties, leefbaarheid"),
    ("Sophie Verbeek", "Politie Eenheid Rotterdam", "veiligheid, ondermijning"),
    ("Yusuf Demir", "Movisie", "sociaal werk, jeugd, armoede"),
    ("Eva Hoekstra", "Universiteit Utrecht", "onderzoek, leefbaarheid, wijkaanpak"),
    ("Jan Willem Kuipers", "ondernemer", "economie, ondernemers, winkelgebieden"),
    ("Lisa Brouwer", "GGD", "gezondheid, armoede, sociaal werk"),
    ("Ruben Mertens", "Gemeente Arnhem", "bestuur, domeinoverstijgend werken, financiering"),
]

LABS = [
    # municipality, wijk, question, stage
    (
        "GM0606",
        "Oost",
        "Hoe combineren we Oost Pact Door, van onderop, met de aanpak van het Nationaal "
        "Programma Leefbaarheid en Veiligheid?",
        LabStage.PLANNED,
    ),
    (
        "GM0193",
        "Holtenbroek",
        "Hoe houden we de vernieuwing van de wijk vast nu de investeringen "
        "van de corporatie teruglopen?",
        LabStage.INTAKE,
    ),
    (
        "GM0855",
        "Noord",
        "Hoe verbinden we de aanpak van armoede met de herstructurering van de wijk?",
        LabStage.REQUESTED,
    ),
]

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


def load_activity(programmes: list[Programme], now: dt.datetime) -> list[str]:
    """Fill the just-created Wijklab and Kennisprogramma with activity; returns what was made.
    Without the municipalities (load them first) nothing is made."""
    if db.session.scalar(select(Municipality.code).limit(1)) is None:
        return []
    before = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    made = []
    for programme in programmes:
        if programme.kind is ProgrammeKind.WIJKLAB:
            made += _labs(programme, now)
        elif programme.kind is ProgrammeKind.KENNISPROGRAMMA:
            made += _cities(programme, now)
    db.session.flush()
    demo_mail = select(OutboxMessage.id).where(OutboxMessage.id > before)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(demo_mail)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > before))
    return made


def _email(name: str, domain: str = "example.nl") -> str:
    return name.lower().replace(" ", ".") + "@" + domain


def _labs(programme: Programme, now: dt.datetime) -> list[str]:
    experts = [
        panel.save_expert(
            {"name": name, "organisation": org, "email": _email(name), "expertise": tags}
        )
        for name, org, tags in EXPERTS
        if db.session.scalar(select(panel.Expert.id).where(panel.Expert.email == _email(name)))
        is None
    ]
    made = []
    for code, wijk, question, stage in LABS:
        municipality = db.session.get(Municipality, code)
        if municipality is None:
            continue
        place = municipality.display_name
        outcome = wijklab.request_lab(
            programme,
            {
                "municipality": code,
                "contact": {
                    "name": f"Contactpersoon {place}",
                    "email": _email(f"wijklab {place}", "example.nl"),
                    "function": "Programmamanager wijkaanpak",
                },
                "wijk": wijk,
                "question": question,
                "goal": "directions",
                "preferred_periods": "Na de zomer",
                "stakeholders": "Wethouder, wijkprofessionals, corporatie, bewoners",
                "billing": {
                    "organisation": f"Gemeente {place}",
                    "address": "Postbus 1",
                    "postcode": "1000 AA",
                    "city": place,
                    "email": _email(f"facturen {place}"),
                    "po_number": f"PO-{code}-01",
                },
                "consent": True,
            },
            now=now,
        )
        lab = wijklab.lab_of(outcome.registration)
        if stage in (LabStage.INTAKE, LabStage.PLANNED):
            wijklab.advance(
                lab,
                wijklab.StepInput(
                    LabStage.INTAKE,
                    themes=("wijkaanpak", "bewonersparticipatie", "wonen"),
                ),
                now=now,
            )
            panel.invite(lab, [e.id for e in experts[:7]])
        if stage is LabStage.PLANNED:
            for invitation in lab.invitations[:5]:
                panel.respond(invitation, True, now=now)
            panel.respond(lab.invitations[5], False, now=now)
            day = (
                (now + dt.timedelta(days=75))
                .astimezone(dt.UTC)
                .replace(hour=7, minute=30, second=0, microsecond=0)
            )
            wijklab.advance(
                lab,
                wijklab.StepInput(
                    LabStage.PLANNED,
                    sharpened_question="Hoe krijgt Oost Pact Door een stevige plek in het "
                    "Nationaal Programma Schiedam-Oost?",
                    starts_at=day,
                    ends_at=day + dt.timedelta(hours=11, minutes=30),
                    location_name="Wijkcentrum Oost",
                    location_address="Broersvest 1, Schiedam",
                    day_programme="09.30 ontvangst en wijkwandeling\n12.30 lunch in de wijk\n"
                    "13.30 gesprekken met bewoners en professionals\n17.00 advies aan de "
                    "wethouder\n18.30 diner",
                ),
                now=now,
            )
            panel.attach_startnotitie(
                lab,
                "Startnotitie Schiedam-Oost.pdf",
                _pdf(
                    "Startnotitie Wijklab Schiedam-Oost",
                    "Wijkbeschrijving, de belangrijkste discussiepunten en relevante documentatie.",
                ),
            )
            for task in lab.tasks[:2]:
                task.assignee = "Gemeente Schiedam"
                task.done_at = now
        made.append(f"Wijklab {place}: {lab.stage.value}")
    return made


def _cities(programme: Programme, now: dt.datetime) -> list[str]:
    made = []
    registrations = []
    for code, name, wijk in CITIES:
        if db.session.get(Municipality, code) is None or programme.places_left == 0:
            continue
        outcome = kennis.admit_city(
            programme,
            {
                "municipality": code,
                "wijk": wijk,
                "contact": {"name": f"Contactpersoon {name}", "email": _email(f"kennis {name}")},
            },
            now=now,
        )
        registrations.append((outcome.registration, name, wijk))
        made.append(f"Stad {name} ({wijk})")
    first = programme.sessions[0] if programme.sessions else None
    if first is None or not registrations:
        return made
    kennis.set_meeting(
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
        kennis.name_delegates(
            registration,
            first,
            {
                "delegates": [
                    {
                        "name": f"{role.title()} {name}",
                        "email": _email(f"{role} {name}"),
                        "organisation": f"{role.title()} {name}",
                        "discipline": discipline,
                    }
                    for role, discipline in people[:count]
                ]
            },
            actor_label="demo",
            now=now,
        )
    city = kennis.city_of(registrations[0][0])
    kennis.attach_wijkanalyse(
        city,
        f"Wijkanalyse {city.wijk}.pdf",
        _pdf(f"Wijkanalyse {city.wijk}", "Ontwikkeling, opgaven en aanpakken van de wijk."),
    )
    return made


def _pdf(title: str, text: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=16)
    document.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    document.set_font("helvetica", size=11)
    document.multi_cell(w=0, text=text)
    return bytes(document.output())
