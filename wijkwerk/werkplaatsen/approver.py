"""The trio's approver (bestuurder): the mail that asks for their yes or no, the link in it, and
the one reminder ``tick`` sends when no one has answered (the kind's duty). The decision itself is
the core's (wijkwerk/registrations/approval.py); the approver's page is in views.py."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue, queued_before
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.tokens import make_approval_token
from wijkwerk.reminders import queue_once
from wijkwerk.urls import external_url


def approval_url(registration: Registration) -> str:
    token = make_approval_token(registration.id, registration.approver.email)
    return external_url("werkplaatsen.approval", token=token)


def _request(registration: Registration, reminder: int) -> tuple[str, str, str, dict]:
    approver = registration.approver
    key = f"approval:{registration.id}:" + (f"reminder:{reminder}" if reminder else "request")
    return (
        key,
        approver.email,
        "approval_request",
        {
            "locale": registration.locale,
            "registration_id": registration.id,
            "person_id": approver.id,
            "registration": registration,
            "approver": approver,
            "approval_url": approval_url(registration),
            "reminder": reminder,
        },
    )


def ask(registration: Registration) -> None:
    """Ask the approver to approve or decline (queued with the registration)."""
    key, recipient, template, context = _request(registration, 0)
    queue(key, recipient, template, **context)


def remind(now: dt.datetime) -> int:
    """One reminder to each approver who has not answered within ``APPROVAL_REMINDER_DAYS``, each
    committed on its own; how many were sent."""
    days = int(current_app.config["APPROVAL_REMINDER_DAYS"])
    waiting = db.session.scalars(
        select(Registration)
        .join(Programme)
        .where(
            Programme.kind == ProgrammeKind.WERKPLAATS,
            Registration.state == RegistrationState.AWAITING_APPROVAL,
            Registration.created_at <= now - dt.timedelta(days=days),
        )
    ).all()
    count = 0
    for registration in waiting:
        key, recipient, template, context = _request(registration, 1)
        if queued_before(key):
            continue  # asked by every tick while no one answers: skip the rendering
        count += queue_once(key, recipient, template, **context)
    return count
