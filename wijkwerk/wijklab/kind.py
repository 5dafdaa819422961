"""The Wijklab's entry in the kind registry (wijkwerk/programmes/kinds.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from wijkwerk.programmes.kinds import (
    Column,
    Joining,
    Kind,
    PersonalData,
    contact_name,
    municipality_name,
)
from wijkwerk.programmes.models import Allocation, FeeUnit, ProgrammeKind
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.forms import with_municipalities
from wijkwerk.wijklab import demo, privacy, services, steps
from wijkwerk.wijklab.forms import LabRequestForm


def _count(n: int) -> str:
    return ngettext("%(num)d Wijklab", "%(num)d Wijklabs", n)


def _register(programme, data, *, now=None, actor=None, allow_second=False):
    return services.request_lab(programme, data, now=now)


def _attends(registration) -> list:
    """Its own day, once planned: the session its contact is named for (wijklab/steps.py)."""
    own = {m.session_id for m in registration.members if m.session_id is not None}
    return [s for s in registration.programme.sessions if s.id in own]


def _withdraw(registration, *, actor_label: str = "registrant", reason: str = "") -> None:
    lab = services.lab_of(registration)
    if lab is None:  # a booking without its lab (made before labs were kept)
        lifecycle.cancel(registration, actor_label=actor_label, reason=reason)
    else:
        steps.withdraw(lab, actor_label=actor_label, reason=reason)


def _cancelled(registration) -> None:
    lab = services.lab_of(registration)
    if lab is not None:
        steps.cancelled(lab)


KIND = Kind(
    value=ProgrammeKind.WIJKLAB,
    label=_l("Wijklab"),
    summary=_l("Wijklab (een dag, geboekt door een gemeente)"),
    count=_count,
    joining=Joining.REQUEST,
    register=_register,
    form=with_municipalities(LabRequestForm),
    form_template="wijklab/request_form.html",
    call_to_action=_l("Wijklab aanvragen"),
    received=_l("Bedankt, uw aanvraag is ontvangen"),
    fee_unit=FeeUnit.BOOKING,
    allocations=(Allocation.FIRST_COME,),
    exemptions=(),
    attends=_attends,
    invoice_who=lambda registration: registration.billing.organisation,
    withdraw=_withdraw,
    cancelled=_cancelled,
    withdraw_label=_l("Aanvraag intrekken"),
    withdraw_note=_l(
        "Het Wijklab gaat dan niet door: een geplande dag vervalt en de experts die u waren "
        "toegewezen, horen het van ons."
    ),
    what_now_template="wijklab/_what_now.html",
    registrant_template="wijklab/_for_municipality.html",
    registrant_context=lambda registration: {"lab": services.lab_of(registration)},
    own_dates=True,
    headlines={
        "created": _l("Aanvraag ontvangen"),
        "submitted": _l("Aanvraag ontvangen"),
        "confirmed": _l("Wijklab bevestigd"),
        "cancelled": _l("Wijklab geannuleerd"),
    },
    personal_data=PersonalData("expert", privacy.holds, privacy.export, privacy.erase),
    demo_activity=demo.activity,
    api_request=services.WijklabInput,
    roster=(
        Column(_l("Gemeente"), municipality_name),
        Column(_l("Contactpersoon"), contact_name),
    ),
    backoffice_template="wijklab/_beheer_registration.html",
    municipal=True,
)
