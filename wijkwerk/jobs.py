"""Everything ``flask wijkwerk tick`` does when it is due. Each job is idempotent: a second run at
the same moment finds nothing left to do, and two machines running it at once are kept apart by
unique outbox keys, row locks and version checks."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wijkwerk import ratelimit, reminders
from wijkwerk.extensions import db
from wijkwerk.formatting import counted
from wijkwerk.outbox.services import deliver_pending
from wijkwerk.payments import gateway, services
from wijkwerk.payments.models import Payment, PaymentMethod, PaymentStatus
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Allocation, Programme, ProgrammeStatus
from wijkwerk.registrations import allocation, lifecycle, paying, places

logger = logging.getLogger(__name__)


@dataclass
class TickReport:
    allocations: list[str] = field(default_factory=list)
    checkouts_expired: int = 0
    refunds_sent: int = 0
    session_reminders: int = 0
    payment_reminders: int = 0
    aftercare: int = 0
    duties: dict[str, int] = field(default_factory=dict)  # what each kind's duties did, by name
    mail_sent: int = 0
    mail_failed: int = 0

    def summary(self) -> str:
        parts = [
            counted(len(self.allocations), "verdeling", "verdelingen")
            + f" ({', '.join(self.allocations) or '-'})",
            counted(self.session_reminders, "herinnering", "herinneringen") + " voor bijeenkomsten",
            counted(self.payment_reminders, "betaalherinnering", "betaalherinneringen"),
            counted(self.aftercare, "mail", "mails") + " na afloop",
            *(
                duty.summary(self.duties.get(duty.name, 0))
                for kind in kinds.all_kinds()
                for duty in kind.duties
            ),
            counted(self.checkouts_expired, "verlopen betaling", "verlopen betalingen"),
            counted(self.refunds_sent, "terugbetaling", "terugbetalingen"),
            counted(self.mail_sent, "mail", "mails") + f" verstuurd, {self.mail_failed} mislukt",
        ]
        return ", ".join(parts)


def run_due_jobs(now: dt.datetime) -> TickReport:
    report = TickReport()
    report.allocations = _allocations_at_deadline(now)
    report.checkouts_expired = _expired_checkouts(now)
    report.session_reminders = reminders.session_reminders(now)
    report.payment_reminders = reminders.invoice_reminders(now) + reminders.checkout_reminders(now)
    report.aftercare = reminders.aftercare(now)
    for kind in kinds.all_kinds():
        for duty in kind.duties:
            report.duties[duty.name] = duty.run(now)
    report.refunds_sent = lifecycle.send_refunds()
    delivery = deliver_pending()
    report.mail_sent, report.mail_failed = delivery.sent, delivery.failed
    ratelimit.delete_expired(now)  # counters of keys not seen again since their window ended
    return report


def _commit_or_skip(what: str, work: Callable[[], object] | None = None) -> bool:
    """Do one job's ``work`` and commit it; if another machine did the same at the same moment
    (a unique key or a version check says so), drop ours."""
    try:
        if work is not None:
            work()
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        logger.info("%s: already done by a concurrent run", what)
        return False
    return True


def _allocations_at_deadline(now: dt.datetime) -> list[str]:
    """Allocate every ``priority_at_close`` programme whose deadline has passed."""
    due = db.session.scalars(
        select(Programme).where(
            Programme.allocation == Allocation.PRIORITY_AT_CLOSE,
            Programme.status == ProgrammeStatus.PUBLISHED,
            Programme.allocated_at.is_(None),
            Programme.registration_deadline <= now,
        )
    ).all()
    done = []
    for programme in due:
        locked = places.lock_programme(programme.id)
        if locked.allocated_at is not None:  # a concurrent run was first
            db.session.rollback()
            continue
        if _commit_or_skip(
            f"allocation {programme.slug}", partial(allocation.allocate, locked, now=now)
        ):
            done.append(programme.slug)
    return done


def _expired_checkouts(now: dt.datetime) -> int:
    """Free the places held by Stripe checkouts that were not paid in time. Each checkout is
    closed at Stripe first: if it turns out to have been paid meanwhile, the payment counts."""
    due = db.session.scalars(
        select(Payment.id).where(
            Payment.status == PaymentStatus.PENDING,
            Payment.method == PaymentMethod.STRIPE,
            Payment.expires_at <= now,
        )
    ).all()
    db.session.commit()  # no transaction stays open while Stripe is called
    expired = 0
    for payment_id in due:
        payment = db.session.get(Payment, payment_id)
        session = _close_checkout(payment) if payment.stripe_checkout_session_id else None
        if session is False:
            continue  # Stripe unreachable: try again on the next run
        if session is not None and session.get("payment_status") == "paid":
            if services.mark_paid(payment, session, now):
                paying.payment_received(payment, now=now)
            _commit_or_skip(f"late payment {payment_id}")
            continue
        reason = _("De betaling is niet op tijd afgerond.")
        if paying.payment_expired(payment, reason) and _commit_or_skip(
            f"expired checkout {payment_id}"
        ):
            expired += 1
        else:
            db.session.rollback()
    return expired


def _close_checkout(payment: Payment):
    """Expire the checkout at Stripe; its final state, or False when Stripe could not say."""
    try:
        return gateway.expire_checkout(payment.stripe_checkout_session_id)
    except gateway.GatewayError:
        pass  # already completed or expired: ask what became of it
    try:
        return gateway.retrieve_checkout(payment.stripe_checkout_session_id)
    except gateway.GatewayError as exc:
        logger.warning("checkout %s: Stripe unreachable: %s", payment.id, exc)
        return False
