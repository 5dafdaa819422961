"""What follows a commit, done in one place for every request, CLI command and webhook.

A transaction that queues mail (:func:`wijkwerk.outbox.services.queue`) or records a refund
(:func:`wijkwerk.payments.services.refund`) says so with :func:`expect`. When it commits, that
becomes *due*; when it rolls back, it is forgotten. Views and commands only ever call
``db.session.commit()``; what is due is then done by :func:`settle`:

- for a request, after its answer has been sent (``response.call_on_close``), so the answer never
  waits for SMTP or Stripe and never contradicts what was committed;
- for a CLI command (or any other app context), when its app context ends.

It is best effort. Stripe's and the SMTP server's answers are bounded by timeouts
(``STRIPE_TIMEOUT``, ``MAIL_REQUEST_TIMEOUT``); a failure is logged and left where it is, and
``flask wijkwerk tick`` (or the ``deliver`` worker) picks it up: a refund stays pending, a mail
unsent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from flask import Flask, Response, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from wijkwerk.extensions import db

logger = logging.getLogger(__name__)

MAIL = "mail"  # ids of queued outbox messages
REFUNDS = "refunds"  # refunds recorded, to send to Stripe

_PENDING = "wijkwerk.after_commit.pending"  # noted in the open transaction
_DUE = "wijkwerk.after_commit.due"  # committed, not yet done
_ROUNDS = 3  # sending refunds queues mail about them: a second round sends that mail


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


def settle(due: dict[str, set[int]] | None = None) -> None:
    """Do what committed transactions left due (or ``due``, taken from a request's session);
    never raises."""
    from wijkwerk.outbox.services import deliver_pending
    from wijkwerk.payments.services import send_pending_refunds

    due = due or _take_due()
    for _round in range(_ROUNDS):
        if not due:
            return
        config = current_app.config
        if REFUNDS in due:
            _best_effort("sending refunds to Stripe", send_pending_refunds)
        if due.get(MAIL) and config["MAIL_DELIVERY"] == "request":
            _best_effort(
                "delivering mail",
                partial(
                    deliver_pending,
                    only=sorted(due[MAIL]),
                    timeout=float(config["MAIL_REQUEST_TIMEOUT"]),
                ),
            )
        due = _take_due()


def _best_effort(what: str, work) -> None:
    try:
        work()
    except Exception:  # the database or a peer gone away: tick and deliver try again
        logger.exception("after the commit: %s failed; left for tick", what)
        try:
            db.session.rollback()
        except Exception:  # a connection that is gone cannot even roll back
            logger.warning("after the commit: rollback failed too", exc_info=True)


def register(app: Flask) -> None:
    """Settle after every request (once its answer is out) and at the end of every other app
    context (CLI commands)."""

    @app.after_request
    def settle_after_answer(response: Response) -> Response:
        due = _take_due()
        if due:
            response.call_on_close(partial(_settle_in_context, app, due))
        return response

    @app.teardown_appcontext
    def settle_at_end(exc: BaseException | None) -> None:
        if exc is None and db.session.info.get(_DUE):
            settle()


def _settle_in_context(app: Flask, due: dict[str, set[int]]) -> None:
    with app.app_context():
        try:
            settle(due)
        finally:
            db.session.remove()
