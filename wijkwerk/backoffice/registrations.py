"""One registration's page: what it is, the actions its state allows (each through a page that
says what follows: wijkwerk/registrations/actions.py), its history, and every mail sent about it,
to read and to send again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from wijkwerk.backoffice.forms import ActionForm
from wijkwerk.extensions import db
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.outbox.services import messages_of
from wijkwerk.registrations import actions, notifications
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.models import Registration, StateConflict
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("registrations", __name__)

# A mail's HTML is shown as the recipient sees it, in a frame of its own: its inline styles
# apply, nothing in it runs or loads, and it cannot reach the page around it.
MAIL_FRAME_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)


def _page(registration_id: int) -> str:
    return url_for("backoffice.registrations.registration", registration_id=registration_id)


@bp.get("/aanmeldingen/<int:registration_id>")
def registration(registration_id: int):
    found = db.get_or_404(Registration, registration_id)
    return render_template(
        "backoffice/registration.html",
        registration=found,
        actions=actions.actions_for(found) if current_user.role.can_write else [],
        messages=messages_of(found.id),
    )


@bp.route("/aanmeldingen/<int:registration_id>/acties/<code>", methods=["GET", "POST"])
def action(registration_id: int, code: str):
    """First what the action does (who is told, what is credited or refunded), with a reason;
    only the page's button does it. An action the registration's state does not allow (any
    more: a colleague was quicker) is not done."""
    found = db.get_or_404(Registration, registration_id)
    chosen = actions.BY_CODE.get(code)
    if chosen is None:
        abort(404)
    if not chosen.allowed(found):
        flash(_not_now(), "error")
        return redirect(_page(registration_id))
    form = ActionForm()
    # The label says "niet verplicht" only where it is so (the rule itself is the service's).
    form.reason.flags.optional = not chosen.reason_required
    if form.validate_on_submit():
        try:
            actions.perform(chosen, found, current_user, (form.reason.data or "").strip())
            db.session.commit()
            flash(str(chosen.done), "success")
            return redirect(_page(registration_id))
        except StaleDataError:  # a second click, or a colleague, decided at the same moment
            db.session.rollback()
            flash(
                _(
                    "Op hetzelfde moment werd al een besluit over deze aanmelding vastgelegd; "
                    "hieronder ziet u hoe de aanmelding er nu voor staat."
                ),
                "info",
            )
            return redirect(_page(registration_id))
        except StateConflict:
            db.session.rollback()
            flash(_not_now(), "error")
            return redirect(_page(registration_id))
        except RuleViolation as violation:  # shown with the form, as typed
            db.session.rollback()
            show_problems(form, violation.problems, fields={None: "reason"})
    return render_template(
        "backoffice/action.html",
        registration=found,
        action=chosen,
        form=form,
        consequences=actions.consequences(chosen, found, now_utc()),
    ), 422 if form.errors else 200


def _not_now() -> str:
    return _(
        "Dat kan nu niet (meer) in de status van deze aanmelding. Misschien was een collega u "
        "voor; hieronder ziet u hoe de aanmelding er nu voor staat."
    )


def _message_of(registration: Registration, message_id: int) -> OutboxMessage:
    message = db.get_or_404(OutboxMessage, message_id)
    if message.registration_id != registration.id:
        abort(404)
    return message


@bp.get("/aanmeldingen/<int:registration_id>/mails/<int:message_id>")
def mail(registration_id: int, message_id: int):
    """A mail as it was sent: its text, its HTML as the recipient sees it, its attachments."""
    found = db.get_or_404(Registration, registration_id)
    return render_template(
        "backoffice/mail.html", registration=found, message=_message_of(found, message_id)
    )


@bp.get("/aanmeldingen/<int:registration_id>/mails/<int:message_id>/html")
def mail_html(registration_id: int, message_id: int):
    found = db.get_or_404(Registration, registration_id)
    message = _message_of(found, message_id)
    if not message.body_html:
        abort(404)
    response = make_response(message.body_html)
    response.headers["Content-Security-Policy"] = MAIL_FRAME_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/aanmeldingen/<int:registration_id>/mails/<int:message_id>")
def resend_mail(registration_id: int, message_id: int):
    found = db.get_or_404(Registration, registration_id)
    message = _message_of(found, message_id)
    if not CheckedForm().validate_on_submit():
        abort(400)
    notifications.resend(found, message, actor=current_user)
    db.session.commit()
    flash(_("De mail is opnieuw verstuurd aan %(to)s.", to=message.recipient), "success")
    return redirect(_page(registration_id) + "#mails")
