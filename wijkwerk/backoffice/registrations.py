"""One registration's page: an organiser's decisions on it, and resending a mail sent before."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from wijkwerk.backoffice.forms import DecisionForm
from wijkwerk.extensions import db
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.outbox.services import messages_of
from wijkwerk.registrations import approval, lifecycle, notifications, pricing
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.models import Registration, StateConflict
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("registrations", __name__)


@bp.get("/aanmeldingen/<int:registration_id>")
def registration(registration_id: int):
    found = db.get_or_404(Registration, registration_id)
    return render_template(
        "backoffice/registration.html",
        registration=found,
        form=DecisionForm(),
        messages=messages_of(found.id),
    )


@bp.post("/aanmeldingen/<int:registration_id>/mails/<int:message_id>")
def resend_mail(registration_id: int, message_id: int):
    found = db.get_or_404(Registration, registration_id)
    message = db.get_or_404(OutboxMessage, message_id)
    if message.registration_id != found.id or not CheckedForm().validate_on_submit():
        abort(404 if message.registration_id != found.id else 400)
    notifications.resend(found, message, actor=current_user)
    db.session.commit()
    flash(_("De mail is opnieuw verstuurd aan %(to)s.", to=message.recipient), "success")
    return redirect(
        url_for(
            "backoffice.registrations.registration",
            registration_id=registration_id,
            _anchor="mails",
        )
    )


ACTIONS = {
    "approve": approval.approve,
    "decline": approval.decline,
    "promote": lifecycle.promote,
    "cancel": lifecycle.cancel,
    "cancel_full_refund": partial(lifecycle.cancel, full_refund=True),
}


@bp.post("/aanmeldingen/<int:registration_id>")
def decide(registration_id: int):
    found = db.get_or_404(Registration, registration_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_template("backoffice/registration.html", registration=found, form=form), 422
    action = form.action.data
    try:
        if action in ACTIONS:
            ACTIONS[action](found, actor=current_user, reason=form.reason.data or "")
        else:
            pricing.set_exemption(found, action == "exempt", form.reason.data or "", current_user)
        db.session.commit()
    except StaleDataError:  # a second click, or a colleague, decided at the same moment
        db.session.rollback()
        flash(
            _(
                "Op hetzelfde moment werd al een besluit over deze aanmelding vastgelegd; "
                "hieronder ziet u hoe de aanmelding er nu voor staat."
            ),
            "info",
        )
    except StateConflict:
        db.session.rollback()
        flash(_("Dat kan niet in de huidige status van deze aanmelding."), "error")
    except RuleViolation as violation:
        db.session.rollback()
        show_problems(form, violation.problems, fields={None: "action"})
        return render_template("backoffice/registration.html", registration=found, form=form), 422
    else:
        flash(_("Vastgelegd."), "success")
    return redirect(
        url_for("backoffice.registrations.registration", registration_id=registration_id)
    )
