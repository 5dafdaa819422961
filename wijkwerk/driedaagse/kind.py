"""The driedaagse's entry in the kind registry (wijkwerk/programmes/kinds.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from wijkwerk.driedaagse import demo, inputs, services
from wijkwerk.driedaagse.forms import IndividualForm
from wijkwerk.payments import gateway
from wijkwerk.programmes.kinds import Column, Joining, Kind, every_session
from wijkwerk.programmes.models import Allocation, FeeUnit, ProgrammeKind
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import RegistrationState


def _count(n: int) -> str:
    return ngettext("%(num)d deelnemer", "%(num)d deelnemers", n)


def _form() -> IndividualForm:
    form = IndividualForm()
    form.set_payment_methods(gateway.enabled())
    return form


def _register(programme, data, *, now=None, actor=None, allow_second=False):
    return services.register_individual(programme, data, now=now)


def _registrant_context(registration) -> dict:
    """The coach conversations, for a participant who has a place."""
    confirmed = registration.state is RegistrationState.CONFIRMED
    return {"slots": services.coach_slots(registration.programme) if confirmed else None}


KIND = Kind(
    value=ProgrammeKind.DRIEDAAGSE,
    label=_l("Driedaagse"),
    summary=_l("Driedaagse voor individuele deelnemers"),
    count=_count,
    joining=Joining.FORM,
    register=_register,
    form=_form,
    form_template="driedaagse/form.html",
    call_to_action=_l("Aanmelden"),
    received=_l("Bedankt, uw aanmelding is ontvangen"),
    fee_unit=FeeUnit.PERSON,
    allocations=(Allocation.FIRST_COME,),  # a place is given (or the list joined) at once
    exemptions=(),
    attends=every_session,
    invoice_who=lambda registration: registration.participant.person.name,
    withdraw=lifecycle.cancel,
    cancelled=services.release_coach_slot,
    withdraw_label=_l("Aanmelding annuleren"),
    what_now_template="driedaagse/_what_now.html",
    demo_activity=demo.activity,
    registrant_template="driedaagse/_coach.html",
    registrant_context=_registrant_context,
    # A registration waits in "submitted" only after its payment was not completed in time.
    headlines={"submitted": _l("Betaling niet afgerond")},
    api_request=inputs.IndividualInput,
    roster=(
        Column(_l("Deelnemer"), lambda r: r.participant.person.name if r.participant else ""),
        Column(
            _l("Organisatie"),
            lambda r: (r.participant.organisation_name or "") if r.participant else "",
        ),
    ),
    backoffice_programme_template="driedaagse/_beheer_programme.html",
)
