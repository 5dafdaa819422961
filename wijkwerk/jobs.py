"""Everything ``flask wijkwerk tick`` does when it is due. Each job is idempotent: a second run at
the same moment finds nothing left to do, and two machines running it at once are kept apart by
unique outbox keys, row locks and version checks."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wijkwerk.extensions import db
from wijkwerk.outbox.services import deliver_pending
from wijkwerk.programmes.models import Allocation, Programme, ProgrammeStatus
from wijkwerk.registrations import notifications, places, trios
from wijkwerk.registrations.models import Registration, RegistrationState

logger = logging.getLogger(__name__)


@dataclass
class TickReport:
    approval_reminders: int = 0
    allocations: list[str] = field(default_factory=list)
    mail_sent: int = 0
    mail_failed: int = 0

    def summary(self) -> str:
        return (
            f"{self.approval_reminders} herinnering(en) voor akkoord, "
            f"{len(self.allocations)} verdeling(en) ({', '.join(self.allocations) or '-'}), "
            f"{self.mail_sent} mail(s) verstuurd, {self.mail_failed} mislukt"
        )


def run_due_jobs(now: dt.datetime) -> TickReport:
    report = TickReport()
    report.approval_reminders = _approval_reminders(now)
    report.allocations = _allocations_at_deadline(now)
    delivery = deliver_pending()
    report.mail_sent, report.mail_failed = delivery.sent, delivery.failed
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


def _approval_reminders(now: dt.datetime) -> int:
    """One reminder to each approver who has not answered within APPROVAL_REMINDER_DAYS."""
    days = int(current_app.config["APPROVAL_REMINDER_DAYS"])
    waiting = db.session.scalars(
        select(Registration).where(
            Registration.state == RegistrationState.AWAITING_APPROVAL,
            Registration.created_at <= now - dt.timedelta(days=days),
        )
    ).all()
    count = 0
    for registration in waiting:
        queued = notifications.approval_requested(registration, reminder=1) is not None
        if queued and _commit_or_skip(f"approval reminder {registration.reference}"):
            count += 1
    return count


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
            f"allocation {programme.slug}", partial(trios.allocate, locked, now=now)
        ):
            done.append(programme.slug)
    return done
