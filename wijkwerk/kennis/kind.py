"""The Kennisprogramma's entry in the kind registry (wijkwerk/programmes/kinds.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from wijkwerk.formatting import counted
from wijkwerk.kennis import attention, demo, services
from wijkwerk.kennis.delegates import (
    MIN_DELEGATES,
    delegates_of,
    flag_missing_delegates,
    naming_deadline,
)
from wijkwerk.kennis.meetings import may_read_wijkanalyses
from wijkwerk.programmes.kinds import (
    Column,
    Duty,
    Joining,
    Kind,
    contact_name,
    every_session,
    municipality_name,
)
from wijkwerk.programmes.models import Allocation, FeeUnit, ProgrammeKind
from wijkwerk.registrations import lifecycle


def _count(n: int) -> str:
    return ngettext("%(num)d stad", "%(num)d steden", n)


def _register(programme, data, *, now=None, actor=None, allow_second=False):
    return services.admit_city(programme, data, actor=actor, now=now)


def _registrant_context(registration) -> dict:
    """What a city's contact sees on its page: the meetings with their people, the wijkanalyses."""
    programme = registration.programme
    readable = may_read_wijkanalyses(registration)
    return {
        "meetings": [(s, naming_deadline(s)) for s in programme.sessions],
        "cities": services.cities(programme) if readable else [],
        "delegates_of": delegates_of,
        "minimum": MIN_DELEGATES,
    }


def _invoice_who(registration) -> str:
    return _("gemeente %(name)s", name=registration.municipality.display_name)


KIND = Kind(
    value=ProgrammeKind.KENNISPROGRAMMA,
    label=_l("Kennisprogramma"),
    summary=_l("Kennisprogramma voor steden"),
    count=_count,
    joining=Joining.INVITATION,
    register=_register,
    form=None,
    form_template=None,
    call_to_action=None,
    received=_l("Uw stad of regio neemt deel"),
    fee_unit=FeeUnit.CITY,
    allocations=(Allocation.FIRST_COME,),
    exemptions=(),
    # A city takes part in every meeting; who comes differs per meeting.
    attends=every_session,
    invoice_who=_invoice_who,
    withdraw=lifecycle.cancel,
    withdraw_label=_l("Deelname afzeggen"),
    what_now_template="kennis/_what_now.html",
    registrant_template="kennis/_for_city.html",
    registrant_context=_registrant_context,
    headlines={"confirmed": _l("Uw stad of regio neemt deel")},
    duties=(
        Duty(
            "delegates_flagged",
            lambda n: counted(n, "melding", "meldingen") + " over te weinig deelnemers",
            flag_missing_delegates,
        ),
    ),
    demo_activity=demo.activity,
    attention=attention.short_of_people,
    api_request=services.CityAdmissionInput,
    roster=(
        Column(_l("Gemeente"), municipality_name),
        Column(_l("Contactpersoon"), contact_name),
    ),
    backoffice_programme_template="kennis/_beheer_programme.html",
    municipal=True,
)
