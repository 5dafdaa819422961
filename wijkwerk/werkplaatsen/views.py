"""The approver's page: a trio's bestuurder or manager reads the registration and decides."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wijkwerk.extensions import db
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import approval as decisions
from wijkwerk.registrations.models import Registration, RegistrationState, StateConflict
from wijkwerk.registrations.tokens import TokenError, names_approver, read_approval_token
from wijkwerk.webforms import CheckedForm
from wijkwerk.werkplaatsen import approver

bp = Blueprint("werkplaatsen", __name__)


def _by_approval_token(token: str) -> Registration:
    try:
        registration_id, approver = read_approval_token(token)
    except TokenError as exc:
        message = (
            _("Deze link is verlopen. Neem contact op met de organisatie voor een nieuwe link.")
            if exc.expired
            else _("Deze link is niet geldig.")
        )
        abort(410 if exc.expired else 404, description=message)
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or registration.approver is None
        or not names_approver(approver, registration.approver.email)
    ):
        abort(404)
    return registration


def _decision_addresses(token: str) -> list[str]:
    """Whom an approver's decision mails: the approver and the trio (nobody for a broken link,
    which the page answers with a 404)."""
    try:
        registration_id, approver = read_approval_token(token)
    except TokenError:
        return []
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.approver is None:
        return []
    if not names_approver(approver, registration.approver.email):
        return []
    return [registration.approver.email, *(m.person.email for m in registration.members)]


@bp.route("/akkoord/<token>", methods=["GET", "POST"])
@limited("actions", addresses=_decision_addresses)
def approval(token: str):
    """The approver's page: what they are asked to approve (dates, time, place, cost, the trio and
    its casus), then yes with a POST (a GET from a mail scanner decides nothing) or no through
    :func:`decline`'s page. Once decided, the page says what was decided, by whom and when."""
    registration = _by_approval_token(token)
    form = CheckedForm()
    decision = request.form.get("decision")
    if form.validate_on_submit() and decision in ("approve", "decline"):
        label = f"approver {registration.approver.email}"
        reason = request.form.get("note", "").strip()[:1000]
        try:
            if decision == "approve":
                decisions.approve(registration, actor_label=label, reason=reason)
            else:
                decisions.decline(registration, actor_label=label, reason=reason)
        except StateConflict:
            db.session.rollback()
        else:
            approver.decided(registration)
            db.session.commit()
        return redirect(url_for("werkplaatsen.approval", token=token))
    return render_template(
        "werkplaatsen/approval.html",
        registration=registration,
        form=form,
        token=token,
        undecided=registration.state is RegistrationState.AWAITING_APPROVAL,
        decision=approver.decision_of(registration),
        hours=approver.hours_per_member(registration.programme),
    )


@bp.get("/akkoord/<token>/geen-akkoord")
def decline(token: str):
    """Before a no: what it means (the trio does not take part, who is told), with room for why."""
    registration = _by_approval_token(token)
    if registration.state is not RegistrationState.AWAITING_APPROVAL:
        return redirect(url_for("werkplaatsen.approval", token=token))
    return render_template(
        "werkplaatsen/decline.html", registration=registration, form=CheckedForm(), token=token
    )
