"""The driedaagse's own page action: a participant chooses a coach conversation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from wijkwerk.driedaagse import services
from wijkwerk.extensions import db
from wijkwerk.formatting import period
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import StateConflict
from wijkwerk.validation import Problem, RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("driedaagse", __name__)


@bp.post("/aanmelding/<token>/coachgesprek")
@limited("actions")
def book_coach(token: str):
    """Choose (or change, or give up) the time of a coach conversation."""
    registration = lifecycle.by_manage_token_or_404(token)
    if not CheckedForm().validate_on_submit():
        abort(400)
    slot = request.form.get("slot", "")
    try:
        if slot == "none":
            services.cancel_coach_slot(registration)
            message = _("U heeft het coachgesprek afgezegd.")
        elif slot.isdigit() and len(slot) < 10:
            chosen = services.book_coach_slot(registration, int(slot))
            message = _(
                "Uw coachgesprek staat vast: %(when)s met %(coach)s.",
                when=period(chosen.starts_at, chosen.ends_at),
                coach=chosen.coach_name,
            )
        else:
            raise RuleViolation(Problem("required", "slot", _("Kies een tijd.")))
    except (RuleViolation, StateConflict) as exc:
        db.session.rollback()
        problems = getattr(exc, "problems", None)
        flash(problems[0].message if problems else _("Dat kan niet in de huidige status."), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("registrations.manage", token=token, _anchor="coach"))
