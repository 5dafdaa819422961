from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from wijkwerk.attendance import certificates
from wijkwerk.calendars.services import feed_url, webcal_url
from wijkwerk.driedaagse import services as individuals
from wijkwerk.driedaagse.forms import IndividualForm
from wijkwerk.extensions import csrf, db
from wijkwerk.formatting import period
from wijkwerk.kennis import services as kennis
from wijkwerk.municipalities.services import search_municipalities
from wijkwerk.payments import gateway
from wijkwerk.programmes.models import ProgrammeKind
from wijkwerk.programmes.services import get_programme
from wijkwerk.ratelimit import limited
from wijkwerk.registrations import lifecycle, notifications
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.registrations.tokens import TokenError, read_approval_token
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation
from wijkwerk.webforms import CheckedForm
from wijkwerk.werkplaatsen import services as trios
from wijkwerk.werkplaatsen.forms import TrioForm
from wijkwerk.wijklab import services as wijklab
from wijkwerk.wijklab.forms import LabRequestForm

bp = Blueprint("registrations", __name__)


@bp.route("/programmes/<slug>/aanmelden", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps everything typed
@limited("registrations", keeps_form=True)
def register(slug: str):
    programme = get_programme(slug)
    if programme is None or programme.kind not in FORMS:
        abort(404)
    form_class, template, service = FORMS[programme.kind]
    form = form_class()
    if isinstance(form, (TrioForm, LabRequestForm)):
        form.set_municipalities(search_municipalities())
    else:
        form.set_payment_methods(gateway.enabled())
    general_errors: list[str] = []
    group_errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            outcome = service(programme, form.as_request(str(get_locale())))
        except RuleViolation as violation:
            db.session.rollback()
            _place_problems(form, violation, general_errors, group_errors)
        else:
            db.session.commit()
            for warning in outcome.warnings:
                flash(warning.message, "warning")
            registration = outcome.registration
            if registration.state is RegistrationState.AWAITING_PAYMENT:
                return redirect(url_for("payments.pay", token=registration.manage_token), 303)
            return redirect(
                url_for("registrations.manage", token=registration.manage_token, nieuw=1)
            )
    elif request.method == "POST" and form.csrf_token.errors:
        general_errors.append(
            _("Het formulier is verlopen. Controleer uw gegevens en verstuur het opnieuw.")
        )
    status = 422 if request.method == "POST" else 200
    return render_template(
        template,
        programme=programme,
        form=form,
        general_errors=general_errors,
        group_errors=group_errors,
    ), status


FORMS = {
    ProgrammeKind.WERKPLAATS: (TrioForm, "werkplaatsen/form.html", trios.register_trio),
    ProgrammeKind.DRIEDAAGSE: (
        IndividualForm,
        "driedaagse/form.html",
        individuals.register_individual,
    ),
    ProgrammeKind.WIJKLAB: (
        LabRequestForm,
        "wijklab/request_form.html",
        wijklab.request_lab,
    ),
}


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


def _kennis_context(registration: Registration) -> dict:
    """What a city's contact sees on its page in a Kennisprogramma."""
    programme = registration.programme
    if programme.kind is not ProgrammeKind.KENNISPROGRAMMA:
        return {"kennis": False}
    return {
        "kennis": True,
        "meetings": [(s, kennis.naming_deadline(s)) for s in programme.sessions],
        "cities": kennis.cities(programme) if kennis.may_read_wijkanalyses(registration) else [],
        "delegates_of": kennis.delegates_of,
        "minimum": kennis.MIN_DELEGATES,
    }


@bp.get("/aanmelding/<token>")
def manage(token: str):
    registration = lifecycle.by_manage_token_or_404(token)
    programme = registration.programme
    show_slots = registration.state is RegistrationState.CONFIRMED and programme.kind in (
        individuals.INDIVIDUAL_KINDS
    )
    return render_template(
        "registrations/manage.html",
        registration=registration,
        new=request.args.get("nieuw") == "1",
        calendar_url=feed_url(registration),
        webcal_url=webcal_url(registration),
        payment_url=notifications.payment_url(registration),
        can_pay_again=registration.state is RegistrationState.SUBMITTED
        and lifecycle.pays_by_stripe(registration),
        refund_share=lifecycle.refund_share_bp(registration, now_utc()),
        slots=individuals.coach_slots(programme) if show_slots else None,
        certificates=[m for m in registration.members if certificates.eligible(m)],
        lab=wijklab.lab_of(registration) if programme.kind is ProgrammeKind.WIJKLAB else None,
        **_kennis_context(registration),
        form=CheckedForm(),
    )


@bp.post("/aanmelding/<token>/annuleren")
@limited("actions")
def cancel(token: str):
    registration = lifecycle.by_manage_token_or_404(token)
    form = CheckedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        lab = wijklab.lab_of(registration)
        if lab is not None:  # a municipality withdraws its Wijklab request
            wijklab.withdraw(lab, actor_label="registrant")
        else:
            lifecycle.cancel(registration, actor_label="registrant")
    except (lifecycle.StateConflict, RuleViolation):
        db.session.rollback()
        flash(_("Deze aanmelding kan niet meer worden geannuleerd."), "error")
    else:
        db.session.commit()
        flash(_("Uw aanmelding is geannuleerd."), "success")
    return redirect(url_for("registrations.manage", token=token))


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
            individuals.cancel_coach_slot(registration)
            message = _("U heeft het coachgesprek afgezegd.")
        elif slot.isdigit() and len(slot) < 10:
            chosen = individuals.book_coach_slot(registration, int(slot))
            message = _(
                "Uw coachgesprek staat vast: %(when)s met %(coach)s.",
                when=period(chosen.starts_at, chosen.ends_at),
                coach=chosen.coach_name,
            )
        else:
            raise RuleViolation(Problem("required", "slot", _("Kies een tijd.")))
    except (RuleViolation, lifecycle.StateConflict) as exc:
        db.session.rollback()
        problems = getattr(exc, "problems", None)
        flash(problems[0].message if problems else _("Dat kan niet in de huidige status."), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("registrations.manage", token=token, _anchor="coach"))


def _by_approval_token(token: str) -> Registration:
    try:
        registration_id, email = read_approval_token(token)
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
        or registration.approver.email != email
    ):
        abort(404)
    return registration


def _decision_addresses(token: str) -> list[str]:
    """Whom an approver's decision mails: the approver and the trio (nobody for a broken link,
    which the page answers with a 404)."""
    try:
        registration_id, email = read_approval_token(token)
    except TokenError:
        return []
    registration = db.session.get(Registration, registration_id)
    members = registration.members if registration is not None else []
    return [email, *(member.person.email for member in members)]


@bp.route("/akkoord/<token>", methods=["GET", "POST"])
@limited("actions", addresses=_decision_addresses)
def approval(token: str):
    """The approver's page: read the trio and casus, then approve or decline with a POST (a GET
    from a mail scanner decides nothing)."""
    registration = _by_approval_token(token)
    form = CheckedForm()
    decision = request.form.get("decision")
    if form.validate_on_submit() and decision in ("approve", "decline"):
        label = f"approver {registration.approver.email}"
        reason = request.form.get("note", "").strip()[:1000]
        try:
            if decision == "approve":
                trios.approve(registration, actor_label=label, reason=reason)
            else:
                trios.decline(registration, actor_label=label, reason=reason)
        except lifecycle.StateConflict:
            db.session.rollback()
        else:
            db.session.commit()
        return redirect(url_for("registrations.approval", token=token))
    return render_template(
        "registrations/approval.html",
        registration=registration,
        form=form,
        undecided=registration.state is RegistrationState.AWAITING_APPROVAL,
    )


@bp.get("/aanmelding/<token>/deelnamebewijs/<int:member_id>.pdf")
def certificate(token: str, member_id: int):
    """A participant's certificate, for whoever attended every session."""
    registration = lifecycle.by_manage_token_or_404(token)
    member = next((m for m in registration.members if m.id == member_id), None)
    if member is None or not certificates.eligible(member):
        abort(404)
    filename = f"deelnamebewijs-{registration.reference}-{member.id}.pdf"
    return Response(
        certificates.certificate_pdf(member),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",  # it names the participant
        },
    )
