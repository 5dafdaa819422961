"""What follows a commit, done in one place for every request, CLI command and webhook.

A transaction that queues mail (:func:`wijkwerk.outbox.services.queue`) or records a refund
(:func:`wijkwerk.payments.services.refund`) says so with :func:`expect`; how that work is done is
registered with :func:`does` (by the outbox, and by wijkwerk/registrations/lifecycle.py, which
sends refunds and tells the registrant), so this module imports neither. When it commits, that
becomes *due*; when it rolls back, it is forgotten. Views and commands only ever call
``db.session.commit()``; what is due is done by :func:`settle` when the app context ends: at the
end of every request (after the view and the error handlers have made the answer, so nothing done
here can change it) and of every CLI command.

It is best effort, and bounded: the SMTP server gets ``MAIL_REQUEST_TIMEOUT`` per operation, Stripe
``STRIPE_TIMEOUT``; after SMTP trouble a process leaves request mail alone for
``MAIL_TROUBLE_PAUSE`` seconds, so a hung mail server does not slow every answer. A failure is logged
and left where it is, and ``flask wijkwerk tick`` (or the ``deliver`` worker) picks it up: a refund
stays pending, a mail unsent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from functools import partial

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from wijkwerk.extensions import db

logger = logging.getLogger(__name__)

MAIL = "mail"  # ids of queued outbox messages
REFUNDS = "refunds"  # refunds recorded, to send to Stripe
ORDER = (REFUNDS, MAIL)  # sending a refund queues mail about it: refunds go first
# What is due, by name: ``work(ids, config)`` does it and says whether it ran into trouble (the
# SMTP server hung), after which this process leaves that work to the background for a while.
_WORK: dict[str, Callable[[list[int], dict], bool]] = {}

_PENDING = "wijkwerk.after_commit.pending"  # noted in the open transaction
_DUE = "wijkwerk.after_commit.due"  # committed, not yet done
_ROUNDS = 3  # sending refunds queues mail about them: a second round sends that mail


def does(what: str, work: Callable[[list[int], dict], bool]) -> None:
    """Register how ``what`` is done after the commit (the outbox: mail; the lifecycle: refunds)."""
    _WORK[what] = work


def expect(session: Session, what: str, items: Iterable[int] = ()) -> None:
    """Note that when this transaction commits, ``what`` (:data:`MAIL`, :data:`REFUNDS`) is to be
    done, for these ``items``."""
    session.info.setdefault(_PENDING, {}).setdefault(what, set()).update(items)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        due = session.info.setdefault(_DUE, {})
        for what, items in pending.items():
            due.setdefault(what, set()).update(items)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _take_due() -> dict[str, set[int]]:
    return db.session.info.pop(_DUE, None) or {}


def settle() -> None:
    """Do what committed transactions of this app context left due; never raises."""
    config = current_app.config
    # Until when this process leaves each kind of work alone after trouble, per app.
    quiet = current_app.extensions.setdefault("wijkwerk_aftercommit", {})
    for _round in range(_ROUNDS):
        due = _take_due()
        if not due:
            return
        for what in ORDER:
            items = sorted(due.get(what, ()))
            if not items or what not in _WORK:
                continue
            if time.monotonic() < quiet.get(what, 0.0):
                logger.info("after the commit: %d %s left for tick (trouble)", len(items), what)
                continue
            trouble = _best_effort(what, partial(_WORK[what], items, config))
            if trouble:
                quiet[what] = time.monotonic() + float(config["MAIL_TROUBLE_PAUSE"])


def _best_effort(what: str, work):
    try:
        return work()
    except Exception:  # the database or a peer gone away: tick and deliver try again
        logger.exception("after the commit: %s failed; left for tick", what)
        try:
            db.session.rollback()
        except Exception:  # a connection that is gone cannot even roll back
            logger.warning("after the commit: rollback failed too", exc_info=True)
        return None


def register(app: Flask) -> None:
    """Settle at the end of every app context: each request's, each CLI command's."""

    @app.teardown_appcontext
    def settle_at_end(_exc: BaseException | None) -> None:
        if db.session.info.get(_DUE):
            settle()
