"""What an organiser can do with one registration, and what each does.

Which actions a registration's page offers is derived from the state table
(``ALLOWED_TRANSITIONS`` in wijkwerk/registrations/models.py), not kept by hand: each action names
the state it moves the registration to, and is offered only when that move is allowed from the
registration's state; the few that are about one state only (an approval, a place from the
waiting list) say so, and a change that is no move (an exemption) says when it applies. Each
action explains itself in a line; before it is done, its page states the consequences — who is
told, what is credited, refunded or still owed — worked out by :func:`consequences` from the same
rules the action follows (the money from wijkwerk/registrations/terms.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from wijkwerk.accounts.models import Account
from wijkwerk.extensions import db
from wijkwerk.formatting import date as format_date
from wijkwerk.formatting import money as format_money
from wijkwerk.money import FULL_SHARE_BP, Price
from wijkwerk.payments import invoices
from wijkwerk.programmes.models import Allocation
from wijkwerk.registrations import approval, lifecycle, notifications, pricing, terms
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.models import RegistrationState as S


def _pays(registration: Registration) -> bool:
    return bool(registration.fee_cents) and not registration.exempt


def _place_free(registration: Registration) -> bool:
    left = registration.programme.places_left
    return left is None or left > 0


def _money_to_settle(registration: Registration) -> bool:
    """Something was invoiced or paid, so a full refund differs from the terms."""
    return invoices.active_invoice(registration) is not None or any(
        p.refundable_cents > 0 for p in registration.payments
    )


@dataclass(frozen=True)
class Action:
    """One thing an organiser can do with a registration."""

    code: str
    label: object  # a lazy string: the button that leads to the action's page
    explanation: object  # one line beside it
    run: Callable[..., object]  # run(registration, actor=..., reason=...)
    done: object  # what the page says once it is done
    target: S | None = None  # the state it moves to; None: a change that is no move
    leaves: S | None = None  # the one state it is about, when it is about one
    irreversible: bool = False
    reason_required: bool = False
    applies: Callable[[Registration], bool] = field(default=lambda _registration: True)

    def allowed(self, registration: Registration) -> bool:
        """Whether ``registration``'s state (and, for some, its money or places) allows it."""
        if self.leaves is not None and registration.state is not self.leaves:
            return False
        if self.target is not None and not registration.can_transition(self.target):
            return False
        if self.target is None and not registration.state.is_active:
            return False
        return self.applies(registration)


def _exempt(registration, *, actor, reason):
    pricing.set_exemption(registration, True, reason, actor)
    if settled := lifecycle.settle_exemption(registration):
        registration.note_change(actor=actor, reason=" ".join(settled))


def _charge(registration, *, actor, reason):
    pricing.set_exemption(registration, False, reason, actor)
    lifecycle.invoice_confirmed(registration, actor=actor)


ACTIONS: tuple[Action, ...] = (
    Action(
        "approve",
        _l("Akkoord vastleggen"),
        _l("De bestuurder gaf buiten wijkwerk akkoord (telefonisch of per mail)."),
        approval.approve,
        _l("Het akkoord is vastgelegd."),
        target=S.CONFIRMED,
        leaves=S.AWAITING_APPROVAL,
    ),
    Action(
        "decline",
        _l("Geen akkoord vastleggen"),
        _l("De bestuurder gaf geen akkoord: de aanmelding gaat niet door."),
        approval.decline,
        _l("Vastgelegd: geen akkoord; de aanmelding gaat niet door."),
        target=S.DECLINED,
        irreversible=True,
    ),
    Action(
        "promote",
        _l("Van de wachtlijst plaatsen"),
        _l("Er is een plaats vrij: deze aanmelding krijgt haar, ook vóór haar beurt."),
        lifecycle.promote,
        _l("De aanmelding is van de wachtlijst geplaatst."),
        target=S.CONFIRMED,
        leaves=S.WAITLISTED,
        applies=_place_free,
    ),
    Action(
        "cancel",
        _l("Annuleren"),
        _l("Volgens de annuleringsvoorwaarden van het programma."),
        lifecycle.cancel,
        _l("De aanmelding is geannuleerd."),
        target=S.CANCELLED,
        irreversible=True,
    ),
    Action(
        "cancel_full_refund",
        _l("Annuleren en alles terugbetalen"),
        _l("Buiten de voorwaarden om: alles wordt gecrediteerd en terugbetaald."),
        partial(lifecycle.cancel, full_refund=True),
        _l("De aanmelding is geannuleerd; alles wordt gecrediteerd en terugbetaald."),
        target=S.CANCELLED,
        irreversible=True,
        applies=_money_to_settle,
    ),
    Action(
        "exempt",
        _l("Vrijstelling toekennen"),
        _l("De aanmelding betaalt de bijdrage niet; de reden komt in de geschiedenis."),
        _exempt,
        _l("De vrijstelling is toegekend."),
        reason_required=True,
        applies=_pays,
    ),
    Action(
        "charge",
        _l("Vrijstelling intrekken"),
        _l("De aanmelding betaalt de bijdrage toch; de reden komt in de geschiedenis."),
        _charge,
        _l("De vrijstelling is ingetrokken."),
        reason_required=True,
        applies=lambda registration: registration.exempt and bool(registration.fee_cents),
    ),
)

BY_CODE = {action.code: action for action in ACTIONS}


def actions_for(registration: Registration) -> list[Action]:
    """The actions ``registration``'s state allows, in the order of :data:`ACTIONS`."""
    return [action for action in ACTIONS if action.allowed(registration)]


def _told(registration: Registration) -> str | None:
    people = list(notifications.people_of(registration))
    if not people:
        return None
    names = ", ".join(p.name for p in people)
    return ngettext(
        "%(names)s krijgt hiervan een e-mail.",
        "%(names)s krijgen hiervan een e-mail.",
        len(people),
        names=names,
    )


def _waiting(registration: Registration) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.programme_id == registration.programme_id,
            Registration.state == S.WAITLISTED,
        )
    )


def _what_admitting_does(registration: Registration) -> list[str]:
    lines = []
    if not _pays(registration):
        lines.append(_("De aanmelding krijgt een plaats; er is niets te betalen."))
    elif lifecycle.pays_by_stripe(registration):
        lines.append(
            _("De aanmelding krijgt een plaats en een betaallink; de plaats blijft even vast.")
        )
    elif registration.billing is not None:
        lines.append(
            _(
                "De aanmelding krijgt een plaats; de factuur van %(amount)s gaat naar %(email)s.",
                amount=format_money(registration.price.total_cents),
                email=registration.billing.email,
            )
        )
    else:
        lines.append(
            _("De aanmelding krijgt een plaats; de factuur volgt zodra de factuurgegevens er zijn.")
        )
    return lines


def consequences(action: Action, registration: Registration, now: dt.datetime) -> list[str]:
    """What doing ``action`` now does, in the lines its page shows before anything is done."""
    lines: list[str] = []
    if action.code == "approve":
        programme = registration.programme
        if programme.allocation is Allocation.PRIORITY_AT_CLOSE and programme.allocated_at is None:
            lines.append(
                _("Het trio doet mee aan de verdeling van de plaatsen na de sluitingsdatum.")
            )
        elif _place_free(registration):
            lines += _what_admitting_does(registration)
        else:
            lines.append(_("Alle plaatsen zijn bezet: het trio komt op de wachtlijst."))
    elif action.code == "promote":
        lines += _what_admitting_does(registration)
    elif action.code == "decline":
        lines.append(_("De aanmelding gaat niet door; er wordt niets gefactureerd."))
    elif action.code in ("cancel", "cancel_full_refund"):
        lines += _money_lines(registration, now, full_refund=action.code == "cancel_full_refund")
        if registration.holds_place and _waiting(registration):
            lines.append(_("De plaats gaat naar wie als eerste op de wachtlijst staat."))
    elif action.code == "exempt":
        lines.append(_("De aanmelding betaalt de bijdrage niet."))
        money = terms.cancellation_terms(registration, now, full_refund=True)
        if not money.costs_nothing:  # already invoiced or paid: all of it goes back
            lines += _money_lines(registration, now, full_refund=True)
    elif action.code == "charge":
        # what it pays once the exemption is gone (its price says 0 while it is exempt)
        charged = format_money(Price(registration.fee_cents, registration.vat_rate_bp).total_cents)
        if registration.state is S.CONFIRMED:
            lines.append(
                _(
                    "De aanmelding betaalt %(amount)s incl. btw; de factuur gaat nu naar het "
                    "factuuradres.",
                    amount=charged,
                )
            )
        else:
            lines.append(
                _(
                    "De aanmelding betaalt %(amount)s incl. btw; de factuur gaat uit zodra de "
                    "plaats vaststaat.",
                    amount=charged,
                )
            )
    if action.target is not None and (told := _told(registration)):
        lines.append(told)
    if action.irreversible:
        lines.append(_("Dit kan niet ongedaan worden gemaakt."))
    return lines


def _money_lines(registration: Registration, now: dt.datetime, *, full_refund: bool) -> list[str]:
    money = terms.cancellation_terms(registration, now, full_refund=full_refund)
    if money.costs_nothing:
        return [_("Er is niets gefactureerd of betaald.")]
    lines = []
    if money.credit_cents:
        lines.append(
            _(
                "Een creditfactuur van %(amount)s voor factuur %(number)s.",
                amount=format_money(money.credit_cents),
                number=money.invoice.number,
            )
        )
    for _payment, amount in money.refunds:
        lines.append(_("%(amount)s gaat terug via Stripe.", amount=format_money(amount)))
    if money.due_cents:
        line = _(
            "Volgens de voorwaarden blijft %(amount)s verschuldigd.",
            amount=format_money(money.due_cents),
        )
        if money.free_until is not None and money.share_bp < FULL_SHARE_BP:
            line += " " + _(
                "Kosteloos annuleren kon tot en met %(date)s.", date=format_date(money.free_until)
            )
        lines.append(line)
    return lines


def perform(action: Action, registration: Registration, actor: Account, reason: str) -> None:
    """Do ``action``; raises what its service raises (:class:`StateConflict`,
    :class:`RuleViolation`)."""
    action.run(registration, actor=actor, reason=reason)


__all__ = ["ACTIONS", "BY_CODE", "Action", "actions_for", "consequences", "perform"]
