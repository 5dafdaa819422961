"""Demo activity for the Wijklab: labs at several steps with a panel from the expert pool."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from wijkwerk.demo.activity import demo_email as _email
from wijkwerk.demo.activity import demo_name, demo_oin
from wijkwerk.demo.activity import demo_pdf as _pdf
from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.programmes.models import Programme
from wijkwerk.wijklab import panel, steps
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


def activity(programme: Programme, now: dt.datetime) -> list[str]:
    experts = [
        panel.save_expert(
            {"name": name, "organisation": org, "email": _email(name), "expertise": tags}
        )
        for name, org, tags in EXPERTS
        if db.session.scalar(select(panel.Expert.id).where(panel.Expert.email == _email(name)))
        is None
    ]
    made = []
    for number, (code, wijk, question, stage) in enumerate(LABS):
        municipality = db.session.get(Municipality, code)
        if municipality is None:
            continue
        place = municipality.display_name
        outcome = wijklab.request_lab(
            programme,
            {
                "municipality": code,
                "contact": {
                    "name": demo_name(60 + number),
                    "email": _email(f"{demo_name(60 + number)} {place}"),
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
                    "kvk_or_oin": demo_oin(code),
                },
                "consent": True,
            },
            now=now,
        )
        lab = wijklab.lab_of(outcome.registration)
        if stage in (LabStage.INTAKE, LabStage.PLANNED):
            steps.advance(
                lab,
                steps.StepInput(
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
            steps.advance(
                lab,
                steps.StepInput(
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
