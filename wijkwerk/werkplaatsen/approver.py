"""The trio's approver (bestuurder): the mail that asks for their yes or no, the link in it, and
the one reminder ``tick`` sends when no one has answered (the kind's duty). The decision itself is
the core's (wijkwerk/registrations/approval.py); the approver's page is in views.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue, queued_before
from wijkwerk.programmes.models import Programme, ProgrammeKind, SessionStatus
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
            "hours": hours_per_member(registration.programme),
        },
    )


@dataclass(frozen=True)
class Decision:
    """The approver's decision as their page tells it."""

    approved: bool
    at: dt.datetime
    by_approver: bool  # false: an organiser recorded it (a decision taken by phone)
    withdrawn: bool  # the trio cancelled before anyone decided


def decision_of(registration: Registration) -> Decision | None:
    """How the wait for approval ended, from the registration's history; None while it waits."""
    for event in reversed(registration.events):
        if event.from_state is RegistrationState.AWAITING_APPROVAL:
            declined = event.to_state is RegistrationState.DECLINED
            withdrawn = event.to_state is RegistrationState.CANCELLED
            return Decision(
                approved=not declined and not withdrawn,
                at=event.at,
                by_approver=event.actor_label.startswith("approver "),
                withdrawn=withdrawn,
            )
    return None


def hours_per_member(programme: Programme) -> int:
    """What taking part asks of each member: the sessions' hours together, rounded."""
    seconds = sum(
        (s.ends_at - s.starts_at).total_seconds()
        for s in programme.sessions
        if s.status is SessionStatus.SCHEDULED
    )
    return round(seconds / 3600)


def decided(registration: Registration) -> None:
    """A copy for the approver of the decision they just took on their page."""
    approver = registration.approver
    queue(
        f"approval-decided:{registration.id}",
        approver.email,
        "approval_decided",
        locale=registration.locale,
        registration_id=registration.id,
        person_id=approver.id,
        registration=registration,
        approver=approver,
        decision=decision_of(registration),
        event=registration.events[-1] if registration.events else None,
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
