"""The werkplaats's entry in the kind registry (wijkwerk/programmes/kinds.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from wijkwerk.formatting import counted
from wijkwerk.programmes.kinds import Column, Duty, Joining, Kind, every_session, municipality_name
from wijkwerk.programmes.models import Allocation, Exemption, FeeUnit, ProgrammeKind
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.forms import with_municipalities
from wijkwerk.werkplaatsen import approver, demo, inputs, services
from wijkwerk.werkplaatsen.forms import TrioForm


def _count(n: int) -> str:
    return ngettext("%(num)d trio", "%(num)d trio's", n)


def _register(programme, data, *, now=None, actor=None, allow_second=False):
    return services.register_trio(programme, data, now=now, allow_second=allow_second)


def _invoice_who(registration) -> str:
    return _("trio van gemeente %(name)s", name=registration.municipality.display_name)


KIND = Kind(
    value=ProgrammeKind.WERKPLAATS,
    label=_l("Werkplaatsen voor trio's"),
    summary=_l("Werkplaatsen voor trio's"),
    count=_count,
    joining=Joining.FORM,
    register=_register,
    form=with_municipalities(TrioForm),
    form_template="werkplaatsen/form.html",
    call_to_action=_l("Aanmelden als trio"),
    received=_l("Bedankt, uw aanmelding is ontvangen"),
    fee_unit=FeeUnit.TRIO,
    allocations=(Allocation.FIRST_COME, Allocation.PRIORITY_AT_CLOSE),
    exemptions=(Exemption.MIDDELGROOT,),
    attends=every_session,
    invoice_who=_invoice_who,
    withdraw=lifecycle.cancel,
    withdraw_label=_l("Aanmelding annuleren"),
    what_now_template="werkplaatsen/_what_now.html",
    demo_activity=demo.activity,
    duties=(
        Duty(
            "approval_reminders",
            lambda n: counted(n, "herinnering", "herinneringen") + " voor akkoord",
            approver.remind,
        ),
    ),
    headlines={"submitted": _l("Akkoord ontvangen, wacht op de verdeling van de plaatsen")},
    api_request=inputs.TrioInput,
    roster=(
        Column(_l("Gemeente"), municipality_name),
        Column(_l("Casus"), lambda r: r.casus.title if r.casus else ""),
    ),
    municipal=True,
    substitutes=True,
)
