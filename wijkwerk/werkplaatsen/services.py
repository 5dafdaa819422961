"""Trios for a werkplaats series (docs/domain.md §1): register, approve or decline.

Every rule is written here once; the web form and the JSON API both call these functions. They flush
and never commit: the caller owns the transaction and delivers the queued mail after its commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from wijkwerk.extensions import db
from wijkwerk.municipalities.models import Municipality
from wijkwerk.payments.models import PaymentMethod
from wijkwerk.programmes.models import (
    Programme,
    ProgrammeKind,
)
from wijkwerk.registrations import intake, notifications, pricing
from wijkwerk.registrations.lifecycle import (
    Outcome,
)
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.parts import Casus, Domain, MemberRole, RegistrationMember
from wijkwerk.schema import read
from wijkwerk.validation import Problem
from wijkwerk.werkplaatsen import approver
from wijkwerk.werkplaatsen.inputs import TrioInput

S = RegistrationState


def trio_rules(trio: TrioInput) -> tuple[list[Problem], list[Problem]]:
    """The eligibility rules of a trio: (refusals, warnings)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: set[str] = set()
    for index, member in trio.given():
        if member.email and member.email in seen:
            problems.append(
                Problem(
                    "duplicate_member",
                    f"members[{index}].email",
                    _("Dit e-mailadres is al opgegeven voor een ander lid van het trio."),
                )
            )
        seen.add(member.email)
    # The rules about the trio as a whole come at once, also while members are incomplete: the
    # roles and domains given so far already break them, or the ones still to come must mend it.
    roles = {m.role for _index, m in trio.given() if m.role}
    domains = {m.domain for _index, m in trio.given() if m.domain}
    if MemberRole.WIJKAMBTENAAR not in roles:
        problems.append(
            Problem(
                "no_wijkambtenaar", "members", _("Minstens één lid van het trio is wijkambtenaar.")
            )
        )
    if len(domains) < 2:
        problems.append(
            Problem(
                "single_domain",
                "members",
                _(
                    "Het trio vertegenwoordigt meerdere beleidsdomeinen: kies minstens twee verschillende."
                ),
            )
        )
    elif len(domains) >= 2 and not {Domain.FYSIEK, Domain.SOCIAAL} <= domains:
        warnings.append(
            Problem(
                "no_fysiek_sociaal_pair",
                "members",
                _(
                    "Bij voorkeur zijn zowel het fysieke als het sociale domein in het trio "
                    "vertegenwoordigd. Uw aanmelding is wel ontvangen."
                ),
            )
        )
    if trio.approver.email and trio.approver.email in seen:
        problems.append(
            Problem(
                "approver_is_member",
                "approver.email",
                _("Het akkoord komt van een bestuurder of manager buiten het trio."),
            )
        )
    return problems, warnings


def register_trio(
    programme: Programme,
    data: object,
    *,
    now: dt.datetime | None = None,
    allow_second: bool = False,
) -> Outcome:
    """Register a trio for a werkplaats series and ask its approver for approval.

    Raises :class:`RuleViolation` with every problem found (contract codes of docs/api.md). With
    ``allow_second`` (organisers only) a municipality may have a second active trio.
    """
    trio, problems = read(TrioInput, data)
    application = TrioApplication(
        locale=trio.locale or "nl",
        consent=trio.consent,
        municipality=trio.municipality,
        # Member 1 fills in the form: the contact, whose link also cancels (docs/registrants.md).
        contact=trio.given()[0][1] if trio.given() else None,
        billing=trio.billing.ordered(trio.approver.name) if trio.billing else None,
        payment_method=PaymentMethod.INVOICE,  # municipalities pay "op factuur"
        trio=trio,
        second=allow_second,
    )
    return intake.take_in(
        programme,
        ProgrammeKind.WERKPLAATS,
        application,
        problems,
        now=now,
        wrong_kind=_("Voor dit programma meldt u zich niet als trio aan."),
    )


@dataclass(frozen=True, kw_only=True)
class TrioApplication(intake.Application):
    """A trio's request for the intake (wijkwerk/registrations/intake.py)."""

    trio: TrioInput
    second: bool = False

    def rules(self, programme: Programme) -> tuple[list[Problem], list[Problem]]:
        problems, warnings = trio_rules(self.trio)
        if self.billing is not None and not self.billing.po_number and self._pays(programme):
            problems.append(intake.po_number_required())
        return problems, warnings

    def _pays(self, programme: Programme) -> bool:
        """Whether the trio's municipality pays (an unknown one is its own problem)."""
        municipality = (
            db.session.get(Municipality, self.municipality) if self.municipality else None
        )
        return municipality is None or not pricing.terms_for(programme, municipality)["exempt"]

    def people(self) -> list:
        return [self.trio.approver, *(member for _index, member in self.trio.given())]

    def slot(self) -> int:
        return 2 if self.second else 1

    def taken(self, programme: Programme, municipality: Municipality) -> bool:
        return intake.municipality_taken(programme, municipality.code, self.slot())

    def already_registered(self) -> Problem:
        return Problem(
            "already_registered",
            "municipality",
            _("Deze gemeente heeft al een trio aangemeld voor deze reeks."),
        )

    def build(self, registration: Registration, people: dict) -> None:
        trio = self.trio
        if registration.exempt:
            registration.billing = None  # it pays nothing: no invoice details to keep
        registration.approver = people[trio.approver.email]
        registration.approver_function = trio.approver.function
        registration.casus = Casus(
            title=trio.casus.title,
            wijk=trio.casus.wijk,
            description=trio.casus.description,
            domains=[d.value for d in trio.casus.domains or ()],
        )
        for position, member in trio.given():
            registration.members.append(
                RegistrationMember(
                    person=people[member.email],
                    position=position,
                    role=member.role,
                    domain=member.domain,
                    function=member.function,
                )
            )

    def first_step(self, registration: Registration, now: dt.datetime, actor) -> None:
        asked = registration.approver.name if registration.approver else _("de bestuurder")
        registration.transition(
            S.AWAITING_APPROVAL,
            reason=_("We hebben %(name)s om akkoord gevraagd.", name=asked),
            at=now,
        )

    def notify(self, registration: Registration) -> None:
        approver.ask(registration)
        notifications.status_changed(registration, registration.events[-1])
