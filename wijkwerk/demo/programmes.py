"""The demo programmes: the four programmes of the seed texts, moved into the coming year.

Each programme's dates move by one whole number of weeks, chosen so that its first date lands in the
coming year on the same weekday near the same calendar day; so a Tuesday stays a Tuesday and the
spacing between sessions stays as in the seed. The texts address the reader as "u", as the rest of
the site does (the seeds mix "je" in; docs/registrants.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.programmes.models import (
    Allocation,
    ContactTopic,
    Exemption,
    FeeUnit,
    Programme,
    ProgrammeContact,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
)
from wijkwerk.registrations.parts import CoachSlot
from wijkwerk.timeutil import local, now_utc


def week_shift(first: dt.date, year: int) -> dt.timedelta:
    """The shift, in whole weeks, that moves ``first`` to the same weekday within three days of
    the same calendar date in ``year``."""
    same_day = first.replace(year=year)
    days = (same_day - first).days
    weeks = round(days / 7)
    return dt.timedelta(weeks=weeks)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local(day.year, day.month, day.day, hour, minute)


@dataclass(frozen=True)
class _SessionSeed:
    day: dt.date
    title: str
    theme: str = ""
    outcome: str = ""
    start: tuple[int, int] = (9, 30)
    end: tuple[int, int] = (17, 0)
    location_name: str = ""
    location_address: str = ""


WERKPLAATSEN_DESCRIPTION = """\
Gemeentelijke organisaties zijn steeds meer ingericht om wijkgericht te werken. Met meer focus op de \
wijk staat de gemeente dichter bij haar inwoners. Maar de uitvoering van een wijkgerichte aanpak binnen \
de gemeentelijke organisatie is nog regelmatig lastig. Platform31, het Landelijk Platform Buurtgericht \
werken (LPB), M50 en A&O fonds Gemeenten gaan daarom in werkplaatssessies aan de slag met de vraag: hoe \
geeft u als gemeente succesvol en effectief vorm aan wijkgericht werken?

Hoewel wijk- en sectorambtenaren bij dezelfde organisatie werken, komen ze elkaar niet iedere dag \
tegen. Daarom brengen we ze in de werkplaatsen samen. Er is ruimte voor zes tot acht wijkambtenaren \
die allemaal twee (sector-)collega's meenemen. Samen zoekt ieder trio de verbinding met elkaar door te \
werken aan een eigen lokale casus: een strategische opgave met een wijkcomponent waarin verschillende \
domeinen samenkomen.

Wat vragen we? U neemt deel als trio waarvan minimaal één iemand wijkambtenaar is en dat \
meerdere domeinen vertegenwoordigt, bij voorkeur fysiek en sociaal. U brengt een casus in met een \
strategische opgave met een wijkcomponent. U heeft akkoord van uw bestuurder of management. De eigen \
bijdrage is 200 euro per trio.

Middelgrote gemeenten: het Account Middelgrote Gemeenten en het M50-stedennetwerk stellen middelen \
beschikbaar voor de werkplaatsen. Middelgrote gemeenten kunnen daardoor kosteloos deelnemen en krijgen \
voorrang bij een overschrijding van het maximum aantal deelnemers."""

DRIEDAAGSE_DESCRIPTION = """\
In Nederland kennen we een aantal wijken met allerlei maatschappelijke problematiek. Hoe zorgen we bij \
een nieuwe ronde investeringen in deze wijken dat we wél blijvend de negatieve spiraal doorbreken? \
Samen met onderzoeks- en adviesbureau Van Vieren organiseert Platform31 een driedaagse voor mensen die \
de kloof willen dichten en gelijke kansen willen creëren voor burgers die leven in wijken waar die \
kansen niet vanzelfsprekend zijn.

In deze werkplaats gaan we op zoek naar praktische interventies en systeemdoorbraken, met perspectief \
voor de langere termijn. In het driedaagse programma is achteroverleunen geen optie: denk eerder aan \
een bootcamp, met inspiratie uit de praktijk, theorie over nieuw publiek werken en wijkontwikkeling, \
methodiek (theory U, viral change, design thinking), casuïstiek van jezelf en van anderen, en reflectie. \
Iedereen kan een persoonlijk gesprek hebben met een ervaren coach.

De prijs is inclusief arrangement- en verblijfskosten."""

DRIEDAAGSE_AUDIENCE = """\
Mensen die werken bij de gemeente, een welzijnsinstelling, onderwijs of zorgverlening, sociaal en \
gemeenschapswerk, een impactondernemer of een maatschappelijk initiatief, een woningcorporatie of de \
politie, als programma- of projectleider, manager, onderzoeker, uitvoerend professional of adviseur."""

WIJKLAB_DESCRIPTION = """\
Loopt u als gemeente vast met een complex wijkprobleem? In een Wijklab bundelen zorgvuldig \
geselecteerde experts, afgestemd op het specifieke vraagstuk, hun krachten om in één dag tot een \
oplossing te komen. Ze verdiepen zich in de lokale situatie, gaan de wijk in en spreken met bewoners en \
belanghebbenden. Aan het einde van de dag presenteert het panel een concreet en praktisch advies aan \
bestuurders en betrokkenen.

Hoe het gaat: eerst scherpen we samen de vraag aan. Daarna bespreken we de planning, de documenten voor \
de panelleden, de financiën en de taakverdeling. De ontvangende gemeente zorgt voor een locatie in de \
wijk, lunch, eventueel fietsen en een diner. Platform31 neemt de rest op zich: de voorbereiding en \
startnotitie, de voorzitter, de uitnodigingen en het verslag. We selecteren zo'n acht panelleden, \
passend bij het thema.

Praktijkvoorbeeld: op 8 september 2022 adviseerde het Wijklab-panel in Schiedam-Oost hoe de aanpak van \
Oost Pact Door een plek krijgt in het Nationaal Programma Leefbaarheid en Veiligheid."""

KENNISPROGRAMMA_DESCRIPTION = """\
Platform31 werkt in dit kennisprogramma samen met twaalf steden die hun lokale wijkaanpak nieuw leven \
inblazen. De deelnemende steden of regio's worden uitgenodigd voor vier themabijeenkomsten, elk in een \
van de deelnemende wijken. Na een korte aftrap door een externe deskundige presenteren drie of vier \
wijken hoe zij met het thema aan de slag gaan; presentaties en discussies wisselen af met projectbezoek \
in de wijk.

Vanuit elke stad of regio kunnen twee of drie deelnemers de bijeenkomsten bijwonen, uit verschillende \
organisaties en disciplines; wie komt kan per thema verschillen. Van iedere deelnemende wijk maken we een \
beknopte wijkanalyse; de resultaten verschijnen in twee publicaties."""


def _werkplaatsen(year: int) -> tuple[dict, list[_SessionSeed]]:
    seed = [
        _SessionSeed(
            dt.date(2019, 10, 15),
            "Werkplaats 1",
            "Positionering van het wijkgerichte werken in de eigen gemeente",
            "Na afloop kunt u gestructureerd aangeven hoe het wijkgerichte werken in uw "
            "gemeente gepositioneerd is en wat de gezamenlijke stip op de horizon is.",
        ),
        _SessionSeed(
            dt.date(2019, 11, 7),
            "Werkplaats 2",
            "Lokale agenda",
            "Aan het einde van deze bijeenkomst heeft u prioriteiten bepaald en handvatten om "
            "te manoeuvreren tussen wat beleidsmakers, bestuurders én wijkbewoners urgent "
            "vinden; u werkt aan een lokale agenda.",
        ),
        _SessionSeed(
            dt.date(2020, 1, 14),
            "Werkplaats 3",
            "Wat en wie heeft u nodig?",
            "U krijgt een idee met wie u de lokale agenda gaat uitvoeren: "
            "samenwerkingspartners, en intern collega's met de juiste vaardigheden of "
            "positie binnen de gemeente.",
        ),
    ]
    shift = week_shift(seed[0].day, year)
    sessions = [
        _SessionSeed(
            s.day + shift,
            s.title,
            s.theme,
            s.outcome,
            (13, 0),
            (17, 0),
            "Utrecht (locatie volgt)",
            "Utrecht",
        )
        for s in seed
    ]
    deadline_day = sessions[0].day - dt.timedelta(weeks=4)
    programme = {
        "slug": "werkplaatsen-wijkgericht-werken",
        "kind": ProgrammeKind.WERKPLAATS,
        "title": "Werkplaatsen wijkgericht werken",
        "summary": "Drie werkplaatsen voor trio's van wijk- en sectorambtenaren, elk met een eigen "
        "lokale casus.",
        "description": WERKPLAATSEN_DESCRIPTION,
        "audience": "Trio's van één gemeente: minimaal één wijkambtenaar en twee (sector)collega's uit "
        "meerdere beleidsdomeinen, bij voorkeur fysiek en sociaal.",
        "fee_cents": 20_000,
        "fee_per": FeeUnit.TRIO,
        "exemption": Exemption.MIDDELGROOT,
        "capacity": 8,
        "min_participants": 6,
        "allocation": Allocation.PRIORITY_AT_CLOSE,
        "registration_deadline": _at(deadline_day, 23, 59),
    }
    return programme, sessions


def _driedaagse(year: int) -> tuple[dict, list[_SessionSeed]]:
    shift = week_shift(dt.date(2022, 11, 21), year)
    first = dt.date(2022, 11, 21) + shift
    sessions = [
        _SessionSeed(
            first + dt.timedelta(days=n),
            f"Dag {n + 1}",
            location_name="Kaap Doorn Conferentiecentrum",
            location_address="Doorn",
        )
        for n in range(3)
    ]
    deadline_day = dt.date(2022, 9, 16) + shift
    programme = {
        "slug": "werken-aan-wijkontwikkeling",
        "kind": ProgrammeKind.DRIEDAAGSE,
        "title": "Werkplaats ‘Werken aan wijkontwikkeling’",
        "summary": "Een driedaagse met overnachting voor wie de kloof wil dichten in wijken waar "
        "gelijke kansen niet vanzelfsprekend zijn.",
        "description": DRIEDAAGSE_DESCRIPTION,
        "audience": DRIEDAAGSE_AUDIENCE,
        "fee_cents": 180_000,
        "fee_per": FeeUnit.PERSON,
        "capacity": 24,
        "min_participants": 12,
        "allocation": Allocation.FIRST_COME,
        "registration_deadline": _at(deadline_day, 23, 59),
        # Free cancellation until six weeks before; later, half the price stays due.
        "cancel_free_days": 42,
        "cancel_late_charge_bp": 5_000,
        "cancellation_terms": "Verhinderd? U mag zich ook laten vervangen door een collega; "
        "geef dat door aan de organisatie.",
        "coach_slots": [
            (first + dt.timedelta(days=1), hour, minute, coach)
            for hour, minute in ((13, 30), (14, 15), (15, 0), (15, 45))
            for coach in ("Cisca (Van Vieren)", "Imke (Van Vieren)")
        ],
        "contacts": [
            (ContactTopic.CONTENT, "Cisca (Van Vieren)", "+31 6 21 56 11 75"),
            (ContactTopic.CONTENT, "Imke (Van Vieren)", "+31 6 22 31 40 34"),
            (ContactTopic.PRACTICAL, "Romy (Platform31)", "+31 6 57 94 37 32"),
        ],
    }
    return programme, sessions


def _wijklab(_year: int) -> tuple[dict, list[_SessionSeed]]:
    programme = {
        "slug": "wijklab",
        "kind": ProgrammeKind.WIJKLAB,
        "title": "Wijklab op maat",
        "summary": "In één dag een oplossing op maat voor een complex vraagstuk in uw wijk, met "
        "een panel van zo'n acht experts.",
        "description": WIJKLAB_DESCRIPTION,
        "audience": "Gemeenten en hun partners die werken aan een gebiedsaanpak of wijkgericht "
        "werken; bestuurders worden betrokken bij de uitkomst.",
        "fee_cents": 500_000,
        "fee_per": FeeUnit.BOOKING,
        "allocation": Allocation.FIRST_COME,
        "contacts": [
            (ContactTopic.GENERAL, "Peter Mulder", "06 35 11 58 00", "peter.mulder@platform31.nl"),
        ],
    }
    return programme, []


def _kennisprogramma(year: int) -> tuple[dict, list[_SessionSeed]]:
    themes = [
        (dt.date(2016, 12, 8), "Slim koppelen van (nieuwe) opgaven"),
        (dt.date(2017, 2, 2), "Nieuwe partijen en gevestigde partijen in een andere rol"),
        (dt.date(2017, 3, 16), "Andere inzet en nieuwe vormen van financiering"),
        (dt.date(2017, 4, 20), "Het inzetten van regelgeving: minder regels, andere regels"),
    ]
    shift = week_shift(themes[0][0], year)
    sessions = [
        _SessionSeed(
            day + shift,
            f"Themabijeenkomst {n}",
            theme,
            "Samen benoemen we de belangrijkste opgaven voor de toekomst op dit thema.",
            (10, 0),
            (16, 0),
            "In een van de deelnemende wijken (volgt)",
            "",
        )
        for n, (day, theme) in enumerate(themes, start=1)
    ]
    programme = {
        "slug": "kennisprogramma-wijkaanpak",
        "kind": ProgrammeKind.KENNISPROGRAMMA,
        "title": "Kennisprogramma wijkaanpak",
        "summary": "Twaalf steden, vier themabijeenkomsten in de deelnemende wijken.",
        "description": KENNISPROGRAMMA_DESCRIPTION,
        "audience": "De twaalf deelnemende steden of regio's, elk met twee of drie deelnemers per "
        "bijeenkomst uit verschillende organisaties en disciplines.",
        "fee_cents": 0,
        "fee_per": FeeUnit.CITY,
        "capacity": 12,
        "allocation": Allocation.FIRST_COME,
        "registration_deadline": _at(sessions[0].day - dt.timedelta(weeks=3), 23, 59),
    }
    return programme, sessions


DEMO_PROGRAMMES = (_werkplaatsen, _driedaagse, _wijklab, _kennisprogramma)


def load_demo(now: dt.datetime | None = None) -> list[Programme]:
    """Create the demo programmes that do not exist yet (matched on slug) and return them.
    Existing programmes are left as they are, so running it twice changes nothing."""
    year = (now or now_utc()).year + 1
    existing = set(db.session.scalars(select(Programme.slug)))
    created = []
    for build in DEMO_PROGRAMMES:
        values, sessions = build(year)
        if values["slug"] in existing:
            continue
        contacts = values.pop("contacts", [])
        coach_slots = values.pop("coach_slots", [])
        programme = Programme(status=ProgrammeStatus.PUBLISHED, **values)
        for day, hour, minute, coach in coach_slots:
            starts_at = _at(day, hour, minute)
            db.session.add(
                CoachSlot(
                    programme=programme,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=45),
                    coach_name=coach,
                    location="Kaap Doorn",
                )
            )
        for position, contact in enumerate(contacts):
            topic, name, phone, *email = contact
            programme.contacts.append(
                ProgrammeContact(
                    topic=topic,
                    name=name,
                    phone=phone,
                    email=email[0] if email else None,
                    position=position,
                )
            )
        for position, s in enumerate(sessions):
            programme.sessions.append(
                ProgrammeSession(
                    position=position,
                    title=s.title,
                    theme=s.theme,
                    outcome=s.outcome,
                    starts_at=_at(s.day, *s.start),
                    ends_at=_at(s.day, *s.end),
                    location_name=s.location_name,
                    location_address=s.location_address,
                )
            )
        db.session.add(programme)
        created.append(programme)
    db.session.flush()
    return created
