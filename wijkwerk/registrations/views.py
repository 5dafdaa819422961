from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from wijkwerk.extensions import csrf, db
from wijkwerk.programmes import kinds
from wijkwerk.programmes.services import get_programme
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import (
    billing,
    lifecycle,
    lost_links,
    members,
    notifications,
    terms,
)
from wijkwerk.registrations.forms import (
    BillingPageForm,
    CancelForm,
    LostLinkForm,
    MemberDetailsForm,
    SubstituteForm,
)
from wijkwerk.registrations.links import feed_url, payment_url, webcal_url
from wijkwerk.registrations.models import RegistrationState, StateConflict
from wijkwerk.registrations.sessions import sessions_of
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm, csrf_message

bp = Blueprint("registrations", __name__)


@bp.route("/programmes/<slug>/aanmelden", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps everything typed
@limited("registrations", keeps_form=True)
def register(slug: str):
    programme = get_programme(slug)
    kind = kinds.of(programme) if programme is not None else None
    if kind is None or not kind.public_form:
        abort(404)  # a Kennisprogramma's cities are invited: there is no form
    submission = _submission_id()
    if (made := session.get(SENT, {}).get(submission)) is not None:
        # The back button and the same form sent again: show the registration it made.
        flash(_("Dit formulier had u al verstuurd. Hieronder staat uw aanmelding."), "info")
        return redirect(url_for("registrations.manage", token=made), 303)
    form = kind.form()
    general_errors: list[str] = []
    group_errors: dict[str, list[str]] = {}
    lost_link = False
    if form.validate_on_submit():
        try:
            outcome = kind.register(programme, form.as_request(str(get_locale())))
        except RuleViolation as violation:
            db.session.rollback()
            _place_problems(form, violation, general_errors, group_errors)
            lost_link = any(p.code == "already_registered" for p in violation.problems)
        else:
            db.session.commit()
            for warning in outcome.warnings:
                flash(warning.message, "warning")
            registration = outcome.registration
            _remember(submission, registration.manage_token)
            if registration.state is RegistrationState.AWAITING_PAYMENT:
                return redirect(url_for("checkout.pay", token=registration.manage_token), 303)
            return redirect(
                url_for("registrations.manage", token=registration.manage_token, nieuw=1)
            )
    elif request.method == "POST" and (refused := csrf_message(form)):
        general_errors.append(refused)
    status = 422 if request.method == "POST" else 200
    return render_template(
        kind.form_template,
        programme=programme,
        form=form,
        general_errors=general_errors,
        group_errors=group_errors,
        lost_link=lost_link,
        submission=submission,
    ), status


SENT = "sent_registrations"  # in the session: which form sent (its submission id) made which page


def _submission_id() -> str:
    """The id of this filling-in of a form: new on a GET, the form's own on a POST."""
    posted = request.form.get("submission", "") if request.method == "POST" else ""
    if len(posted) == 32 and posted.isalnum():
        return posted
    return uuid.uuid4().hex


def _remember(submission: str, token: str) -> None:
    sent = dict(session.get(SENT, {}))
    sent[submission] = token
    session[SENT] = dict(list(sent.items())[-5:])  # the last few are enough for a back button


def _place_problems(form, violation: RuleViolation, general_errors, group_errors) -> None:
    """Put each problem next to its field, or above its group, or at the top."""
    for problem in violation.problems:
        field = form.field_at(problem.field)
        if field is not None:
            field.errors = [*field.errors, problem.message]
            form._problems_shown = True  # so the summary above the form shows (has_problems)
        elif problem.field:
            group = problem.field.split("[")[0].split(".")[0]
            group_errors.setdefault(group, []).append(problem.message)
        else:
            general_errors.append(problem.message)


@bp.get("/aanmelding/<token>")
def manage(token: str):
    registration = lifecycle.by_manage_token_or_404(token)
    kind = kinds.of(registration.programme)
    return render_template(
        "registrations/manage.html",
        registration=registration,
        kind=kind,
        new=request.args.get("nieuw") == "1",
        sessions=sessions_of(registration)
        or (registration.programme.public_sessions if registration.state.is_active else []),
        calendar_url=feed_url(registration),
        webcal_url=webcal_url(registration),
        payment_url=payment_url(registration),
        can_pay_again=registration.state is RegistrationState.SUBMITTED
        and lifecycle.pays_by_stripe(registration),
        **kind.registrant_context(registration),
        form=CheckedForm(),
    )


@bp.route("/aanmelding/<token>/annuleren", methods=["GET", "POST"])
@limited("actions")
def cancel(token: str):
    """First a page that says what cancelling does (the money by the programme's terms, who is
    told), with an optional reason; only its button cancels."""
    registration = lifecycle.by_manage_token_or_404(token)
    kind = kinds.of(registration.programme)
    if not registration.can_cancel:
        flash(_("Deze aanmelding kan niet meer worden geannuleerd."), "error")
        return redirect(url_for("registrations.manage", token=token))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            kind.withdraw(
                registration, actor_label="registrant", reason=(form.reason.data or "").strip()
            )
        except (StateConflict, RuleViolation):
            db.session.rollback()
            flash(_("Deze aanmelding kan niet meer worden geannuleerd."), "error")
        else:
            db.session.commit()
            flash(
                _("Uw aanmelding is geannuleerd. U krijgt hiervan een bevestiging per e-mail."),
                "success",
            )
        return redirect(url_for("registrations.manage", token=token))
    return render_template(
        "registrations/cancel.html",
        registration=registration,
        kind=kind,
        form=form,
        terms=terms.cancellation_terms(registration, now_utc()),
        told=list(notifications.people_of(registration)),
    ), 422 if form.errors else 200


@bp.route("/aanmelding/<token>/factuurgegevens", methods=["GET", "POST"])
@limited("actions")
def billing_details(token: str):
    """Where a registration that pays says where the invoice goes, before it is sent."""
    registration = lifecycle.by_manage_token_or_404(token)
    if not registration.needs_billing:
        return redirect(url_for("registrations.manage", token=token))
    form = BillingPageForm()
    if form.validate_on_submit():
        try:
            billing.give_billing(registration, form.billing.form.as_request())
        except RuleViolation as violation:
            db.session.rollback()
            form.show_problems(violation.problems)
        else:
            db.session.commit()
            flash(_("Dank u, de factuurgegevens zijn opgeslagen."), "success")
            return redirect(url_for("registrations.manage", token=token))
    return render_template(
        "registrations/billing.html", registration=registration, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/aanmelding-terugvinden", methods=["GET", "POST"])
@limited("actions")
def lost_link():
    """Send me my link again: one answer whatever the address (wijkwerk/registrations/lost_links.py)."""
    form = LostLinkForm()
    if form.validate_on_submit():
        try:
            address = lost_links.send_links(form.email.data or "")
        except RuleViolation as violation:
            db.session.rollback()
            form.email.errors = [p.message for p in violation.problems]
        else:
            db.session.commit()
            return render_template("registrations/lost_link_sent.html", email=address)
    return render_template("registrations/lost_link.html", form=form), 422 if form.errors else 200


@bp.get("/deelname/<token>")
def member_page(token: str):
    """A member's own page: the registration, their details, a substitute (not cancelling)."""
    member = members.by_token_or_404(token)
    return _member_page(member, MemberDetailsForm(data=_details_of(member)), SubstituteForm())


@bp.post("/deelname/<token>/gegevens")
@limited("actions")
def member_details(token: str):
    member = members.by_token_or_404(token)
    form = MemberDetailsForm()
    if form.validate_on_submit():
        try:
            members.correct(member, {"name": form.name.data, "function": form.function.data})
        except RuleViolation as violation:
            db.session.rollback()
            form.show_problems(violation.problems)
        else:
            db.session.commit()
            flash(_("Uw gegevens zijn opgeslagen."), "success")
            return redirect(url_for("registrations.member_page", token=token))
    return _member_page(member, form, SubstituteForm(), status=422)


@bp.post("/deelname/<token>/vervanger")
@limited("actions")
def member_substitute(token: str):
    member = members.by_token_or_404(token)
    form = SubstituteForm()
    if form.validate_on_submit():
        sub = form.substitute.form
        data = {"name": sub.name.data, "email": sub.email.data, "function": sub.function.data}
        try:
            members.substitute(member, data)
        except RuleViolation as violation:
            db.session.rollback()
            form.show_problems(violation.problems)
        else:
            db.session.commit()
            return render_template("registrations/member_replaced.html", member=member)
    return _member_page(member, MemberDetailsForm(data=_details_of(member)), form, status=422)


def _details_of(member) -> dict:
    return {"name": member.person.name, "function": member.function or ""}


def _member_page(member, details_form, substitute_form, status: int = 200):
    registration = member.registration
    return render_template(
        "registrations/member.html",
        member=member,
        registration=registration,
        kind=kinds.of(registration.programme),
        sessions=sessions_of(registration)
        or (registration.programme.public_sessions if registration.state.is_active else []),
        details_form=details_form,
        substitute_form=substitute_form,
    ), status
