from __future__ import annotations

import json
import re
from functools import partial, wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from wijkwerk.accounts.models import Account, ApiToken, Role
from wijkwerk.accounts.services import (
    AccountError,
    change_account,
    create_account,
    create_api_token,
    revoke_api_token,
)
from wijkwerk.attendance import exports
from wijkwerk.attendance import services as attendance
from wijkwerk.attendance.exports import status_label
from wijkwerk.audit.models import AuditEntry
from wijkwerk.backoffice.forms import (
    NO,
    RULE,
    YES,
    AccountForm,
    DecisionForm,
    MiddelgrootOverrideForm,
    NewAccountForm,
    NewSessionForm,
    SessionForm,
    session_values,
)
from wijkwerk.backoffice.labels import label
from wijkwerk.backoffice.programme_forms import (
    PROGRAMME_FORM_FIELD,
    contacts_form,
    programme_form,
    programme_values,
)
from wijkwerk.backoffice.queries import (
    INVOICE_FILTERS,
    RegistrationCounts,
    RegistrationFilter,
    invoices_list,
    is_outstanding,
    payment_state,
    registrations_of,
)
from wijkwerk.calendars import changes
from wijkwerk.email_address import normalise_email
from wijkwerk.extensions import db, login
from wijkwerk.municipalities.models import Municipality
from wijkwerk.municipalities.services import search_municipalities, set_middelgroot_override
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.outbox.services import messages_of
from wijkwerk.payments import invoices as payment_invoices
from wijkwerk.payments.models import Invoice
from wijkwerk.payments.views import pdf_response
from wijkwerk.privacy import export as privacy_export
from wijkwerk.privacy import services as privacy
from wijkwerk.programmes import editing
from wijkwerk.programmes.models import (
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
    SessionStatus,
)
from wijkwerk.programmes.services import get_programme, list_programmes
from wijkwerk.registrations import allocation, lifecycle, notifications, pricing
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import AMSTERDAM
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm
from wijkwerk.werkplaatsen import services as trios

bp = Blueprint("backoffice", __name__)


# Writes a viewer may do in the back-office: their own (read-only) API tokens, nothing else.
VIEWER_WRITES = frozenset({"backoffice.create_token", "backoffice.revoke_token"})


@bp.before_app_request
def guard_back_office():
    """One rule for every page under /beheer, whichever area serves it: log in first (before any
    look-up, so nothing is revealed to a stranger), and a viewer only reads."""
    if not request.path.startswith("/beheer") or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return login.unauthorized()
    writes = request.method not in ("GET", "HEAD") and request.endpoint not in VIEWER_WRITES
    if writes and not current_user.role.can_write:
        abort(403)
    return None


@bp.context_processor
def helpers() -> dict:
    return {"payment_state": payment_state, "payment_words": payment_words, "label": label}


def payment_words() -> dict[str, str]:
    return {
        "none": "–",
        "paid": _("betaald"),
        "open": _("factuur open"),
        "awaiting": _("wacht op betaling"),
        "not_invoiced": _("nog niet gefactureerd"),
    }


def require_write(view):
    """Pages only organisers and admins may even open (a form to change something, the audit
    log). Every write under /beheer is refused to viewers by ``guard_back_office`` already."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.role.can_write:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/")
def index():
    return render_template(
        "backoffice/index.html", programmes=list_programmes(published_only=False)
    )


@bp.get("/gemeenten")
def municipalities():
    query = request.args.get("q", "")
    return render_template(
        "backoffice/municipalities.html",
        municipalities=search_municipalities(query),
        query=query,
    )


@bp.get("/gemeenten/<code>")
def municipality(code: str):
    found = db.get_or_404(Municipality, code)
    override = found.middelgroot_override
    form = MiddelgrootOverrideForm(
        choice=RULE if override is None else (YES if override else NO),
        reason=found.middelgroot_override_reason or "",
    )
    return render_template("backoffice/municipality.html", municipality=found, form=form)


@bp.post("/gemeenten/<code>")
def update_municipality(code: str):
    found = db.get_or_404(Municipality, code)
    form = MiddelgrootOverrideForm()
    if form.validate_on_submit():
        try:
            set_middelgroot_override(found, form.override, form.reason.data or "", current_user)
        except RuleViolation as violation:
            db.session.rollback()
            for problem in violation.problems:
                form[problem.field].errors.append(problem.message)
        else:
            db.session.commit()
            flash(
                _("De instelling voor %(name)s is opgeslagen.", name=found.display_name), "success"
            )
            return redirect(url_for("backoffice.municipalities", q=found.display_name))
    return render_template("backoffice/municipality.html", municipality=found, form=form), 422


def _programme_or_404(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    return found


@bp.route("/programmas/nieuw", methods=["GET", "POST"])
@require_write
def new_programme():
    """A new programme, saved as a draft; sessions are added on its page."""
    form = programme_form()
    if form.validate_on_submit():
        try:
            made = editing.new_programme(
                form.slug.data.strip(), ProgrammeKind(form.kind.data), programme_values(form)
            )
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems, fields=PROGRAMME_FORM_FIELD)
        else:
            db.session.commit()
            flash(
                _("Het programma is aangemaakt als concept. Voeg nu de bijeenkomsten toe."),
                "success",
            )
            return redirect(url_for("backoffice.programme", slug=made.slug))
    return _programme_form_page(form, None)


@bp.route("/programmas/<slug>/bewerken", methods=["GET", "POST"])
@require_write
def edit_programme(slug: str):
    found = _programme_or_404(slug)
    form = programme_form(found)
    if form.validate_on_submit():
        try:
            promoted = editing.change_programme(found, programme_values(form), actor=current_user)
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems, fields=PROGRAMME_FORM_FIELD)
        else:
            db.session.commit()
            flash(_("Opgeslagen."), "success")
            if promoted:
                flash(
                    _(
                        "%(count)s aanmelding(en) van de wachtlijst kregen een plaats.",
                        count=len(promoted),
                    ),
                    "success",
                )
            return redirect(url_for("backoffice.programme", slug=slug))
    return _programme_form_page(form, found)


def _programme_form_page(form, found):
    status = 422 if form.errors else 200
    return render_template("backoffice/programme_form.html", form=form, programme=found), status


@bp.route("/programmas/<slug>/contactpersonen", methods=["GET", "POST"])
@require_write
def programme_contacts(slug: str):
    """Who to ask about a programme: shown on its page, in every mail and calendar event."""
    found = _programme_or_404(slug)
    form = contacts_form(found)
    if form.validate_on_submit():
        rows, indexes = form.as_rows()
        try:
            editing.set_contacts(found, rows)
        except RuleViolation as violation:
            db.session.rollback()
            form.show_problems(violation.problems, rows={"contacts": indexes})
        else:
            db.session.commit()
            flash(_("De contactpersonen zijn opgeslagen."), "success")
            return redirect(url_for("backoffice.programme", slug=slug))
    status = 422 if form.has_problems else 200
    return render_template("backoffice/contacts.html", form=form, programme=found), status


@bp.route("/programmas/<slug>/bijeenkomsten/nieuw", methods=["GET", "POST"])
@require_write
def new_session(slug: str):
    found = _programme_or_404(slug)
    form = NewSessionForm()
    if form.validate_on_submit():
        try:
            editing.add_session(found, session_values(form))
        except RuleViolation as violation:
            db.session.rollback()
            show_problems(form, violation.problems, fields={"ends_at": "end", "starts_at": "start"})
        else:
            db.session.commit()
            flash(_("De bijeenkomst is toegevoegd."), "success")
            return redirect(url_for("backoffice.programme", slug=slug))
    status = 422 if form.errors else 200
    return render_template("backoffice/new_session.html", form=form, programme=found), status


@bp.get("/programmas/<slug>")
def programme(slug: str):
    found = _programme_or_404(slug)
    registrations = registrations_of(found)
    chosen = RegistrationFilter.from_args(request.args)
    return render_template(
        "backoffice/programme.html",
        programme=found,
        registrations=chosen.apply(registrations),
        total=len(registrations),
        chosen=chosen,
        counts=RegistrationCounts.of(found, registrations),
        form=CheckedForm(),
    )


@bp.post("/programmas/<slug>/verdelen")
def allocate(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None or not CheckedForm().validate_on_submit():
        abort(404 if found is None else 400)
    result = allocation.allocate(found, actor=current_user)
    db.session.commit()
    flash(
        _(
            "Plaatsen verdeeld: %(confirmed)s geplaatst, %(waiting)s op de wachtlijst.",
            confirmed=len(result.confirmed),
            waiting=len(result.waitlisted),
        ),
        "warning" if result.below_minimum else "success",
    )
    return redirect(url_for("backoffice.programme", slug=slug))


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
        url_for("backoffice.registration", registration_id=registration_id, _anchor="mails")
    )


ACTIONS = {
    "approve": trios.approve,
    "decline": trios.decline,
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
    except lifecycle.StateConflict:
        db.session.rollback()
        flash(_("Dat kan niet in de huidige status van deze aanmelding."), "error")
    except RuleViolation as violation:
        db.session.rollback()
        show_problems(form, violation.problems, fields={None: "action"})
        return render_template("backoffice/registration.html", registration=found, form=form), 422
    else:
        flash(_("Vastgelegd."), "success")
    return redirect(url_for("backoffice.registration", registration_id=registration_id))


@bp.get("/facturen")
def invoices():
    which = request.args.get("toon", "open")
    if which not in INVOICE_FILTERS:
        which = "open"
    return render_template(
        "backoffice/invoices.html",
        invoices=invoices_list(which),
        which=which,
        is_outstanding=is_outstanding,
        form=CheckedForm(),
    )


@bp.get("/facturen/<int:invoice_id>")
def invoice(invoice_id: int):
    return render_template("payments/invoice.html", invoice=db.get_or_404(Invoice, invoice_id))


@bp.get("/facturen/<int:invoice_id>.pdf")
def invoice_download(invoice_id: int):
    return pdf_response(db.get_or_404(Invoice, invoice_id))


@bp.post("/facturen/<int:invoice_id>/betaald")
def mark_invoice_paid(invoice_id: int):
    found = db.get_or_404(Invoice, invoice_id)
    if not CheckedForm().validate_on_submit():
        abort(400)
    payment_invoices.mark_paid(found, actor=current_user)
    db.session.commit()
    flash(_("Factuur %(number)s staat op betaald.", number=found.number), "success")
    return redirect(request.form.get("next") or url_for("backoffice.invoices"))


@bp.route("/bijeenkomsten/<int:session_id>", methods=["GET", "POST"])
def session(session_id: int):
    """Move, relocate or cancel a session; every confirmed participant is told once."""
    found = db.get_or_404(ProgrammeSession, session_id)
    starts, ends = found.starts_at.astimezone(AMSTERDAM), found.ends_at.astimezone(AMSTERDAM)
    form = SessionForm(
        title=found.title,
        theme=found.theme,
        outcome=found.outcome,
        practical=found.practical,
        day=starts.date(),
        start=starts.time(),
        end=ends.time(),
        location_name=found.location_name,
        location_address=found.location_address,
        status=found.status.value,
    )
    if request.method == "GET":
        return _session_page(found, form)
    if not form.validate_on_submit():
        return _session_page(found, form, 422)
    change = changes.SessionChange(
        starts_at=form.starts_at,
        ends_at=form.ends_at,
        location_name=form.location_name.data or "",
        location_address=form.location_address.data or "",
        status=SessionStatus(form.status.data),
        reason=form.reason.data or "",
        details={key: (form[key].data or "").strip() for key in changes.DETAILS},
    )
    try:
        what = changes.change_session(found, change, actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        form.end.errors = [p.message for p in violation.problems]
        return _session_page(found, form, 422)
    told = len(changes.participants(found)) if what and what != ["details"] else 0
    db.session.commit()
    if what == ["details"]:
        flash(_("Opgeslagen; agenda's werken zich bij."), "success")
    elif what:
        flash(_("Opgeslagen; %(count)s deelnemer(s) krijgen bericht.", count=told), "success")
    else:
        flash(_("Er is niets gewijzigd."), "info")
    return redirect(url_for("backoffice.programme", slug=found.programme.slug))


def _session_page(found, form, status: int = 200):
    return render_template("backoffice/session.html", session=found, form=form), status


@bp.get("/bijeenkomsten/<int:session_id>/aanwezigheid")
def check_in(session_id: int):
    """The check-in list at the door: one tap per person, works without JavaScript."""
    found = db.get_or_404(ProgrammeSession, session_id)
    return render_template(
        "backoffice/check_in.html",
        session=found,
        lines=attendance.roster(found),
        status_label=status_label,
    )


@bp.post("/bijeenkomsten/<int:session_id>/aanwezigheid")
def mark(session_id: int):
    found = db.get_or_404(ProgrammeSession, session_id)
    if not CheckedForm().validate_on_submit():
        abort(400)
    email = request.form.get("email", "")
    substitute = None
    if request.form.get("substitute_name", "").strip():
        substitute = {
            "name": request.form["substitute_name"],
            "email": request.form.get("substitute_email", ""),
        }
    record = {"email": email, "status": request.form.get("status"), "substitute": substitute}
    try:
        marks = attendance.read_marks(found, {"records": [record]})
    except RuleViolation as violation:
        db.session.rollback()
        flash(" ".join(p.message for p in violation.problems), "error")
        return redirect(url_for("backoffice.check_in", session_id=session_id))
    attendance.record(found, marks, actor=current_user)
    db.session.commit()
    member = marks[0].member
    flash(
        _(
            "%(name)s: %(status)s",
            name=member.person.name,
            status=status_label(marks[0]),  # the mark just recorded
        ),
        "success",
    )
    return redirect(url_for("backoffice.check_in", session_id=session_id, _anchor=f"p-{member.id}"))


@bp.get("/programmas/<slug>/aanwezigheid")
def attendance_overview(slug: str):
    found = get_programme(slug, published_only=False)
    if found is None:
        abort(404)
    matrix = attendance.matrix(found)
    return render_template(
        "backoffice/attendance.html",
        programme=found,
        matrix=matrix,
        table=exports.matrix_rows(matrix),
    )


@bp.get("/programmas/<slug>/aanwezigheid.<fmt>")
def attendance_export(slug: str, fmt: str):
    found = get_programme(slug, published_only=False)
    if found is None or fmt not in ("csv", "xlsx"):
        abort(404)
    matrix = attendance.matrix(found)
    body = exports.matrix_csv(matrix) if fmt == "csv" else exports.matrix_xlsx(matrix)
    return exports.export_response(body, fmt, f"aanwezigheid-{slug}")


@bp.get("/bijeenkomsten/<int:session_id>/presentielijst")
def sign_in_sheet(session_id: int):
    """A printable presentielijst: name, organisation and a column to sign."""
    found = db.get_or_404(ProgrammeSession, session_id)
    return render_template(
        "backoffice/sign_in_sheet.html", session=found, lines=attendance.roster(found)
    )


@bp.get("/tokens")
def tokens():
    """Your API tokens: make one (shown once), see when each was last used, revoke one."""
    own = sorted(current_user.tokens, key=lambda t: t.created_at, reverse=True)
    return render_template("backoffice/tokens.html", tokens=own, new_token=None)


@bp.post("/tokens")
def create_token():
    if not CheckedForm().validate_on_submit():
        abort(400)
    value = create_api_token(current_user)
    db.session.commit()
    own = sorted(current_user.tokens, key=lambda t: t.created_at, reverse=True)
    response = render_template("backoffice/tokens.html", tokens=own, new_token=value)
    return response, 201, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/intrekken")
def revoke_token(token_id: int):
    api_token = db.get_or_404(ApiToken, token_id)
    if api_token.account_id != current_user.id or not CheckedForm().validate_on_submit():
        abort(404)
    revoke_api_token(api_token)
    db.session.commit()
    flash(_("Token %(prefix)s… is ingetrokken.", prefix=api_token.prefix), "success")
    return redirect(url_for("backoffice.tokens"))


@bp.get("/audit")
@require_write
def audit_log():
    """The latest changes by organisers, newest first; filter by table or by who."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(300)
    table = request.args.get("tabel", "")
    who = request.args.get("wie", "").strip().lower()
    if table:
        query = query.where(AuditEntry.table == table)
    if who:
        query = query.where(AuditEntry.actor_label.contains(who))
    return render_template(
        "backoffice/audit.html", entries=db.session.scalars(query).all(), table=table, who=who
    )


def require_admin(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role is not Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/accounts", methods=["GET", "POST"])
@require_admin
def accounts():
    """Admins make accounts and see who has which role."""
    form = NewAccountForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                made = create_account(
                    form.email.data, form.password.data, Role(form.role.data), form.name.data or ""
                )
            except AccountError as exc:
                db.session.rollback()
                shown_at = form.password if exc.field == "password" else form.email
                shown_at.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Account voor %(email)s gemaakt.", email=made.email), "success")
                return redirect(url_for("backoffice.accounts"))
        status = 422
    everyone = db.session.scalars(select(Account).order_by(Account.email)).all()
    return render_template("backoffice/accounts.html", accounts=everyone, form=form), status


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@require_admin
def account(account_id: int):
    found = db.get_or_404(Account, account_id)
    form = AccountForm(role=found.role.value, active="yes" if found.active else "no")
    if request.method == "POST" and form.validate_on_submit():
        try:
            change_account(found, Role(form.role.data), form.active.data == "yes", by=current_user)
        except AccountError as exc:
            db.session.rollback()
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Opgeslagen."), "success")
            return redirect(url_for("backoffice.accounts"))
    status = 422 if form.errors else 200
    return render_template("backoffice/account.html", account=found, form=form), status


@bp.post("/programmas/<slug>/status")
def programme_status(slug: str):
    """Publish a programme (registration opens within its window), take it back to draft, or
    cancel it."""
    found = get_programme(slug, published_only=False)
    if found is None or not CheckedForm().validate_on_submit():
        abort(404 if found is None else 400)
    try:
        found.status = ProgrammeStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    db.session.commit()
    flash(
        _(
            "De status van het programma is nu: %(status)s.",
            status=label("programme", found.status),
        ),
        "success",
    )
    return redirect(url_for("backoffice.programme", slug=slug))


# --- privacy requests (AVG): what do we hold about someone, and erase it ----------------------------


@bp.route("/personen", methods=["GET", "POST"])
@require_write
def people():
    """Look a person up by e-mail address, download everything held about them (JSON), or erase
    them. Everything goes by POST, so no e-mail address ends up in a URL or a server log."""
    if request.method == "GET":
        return render_template("backoffice/people.html", email="", found=None, problem=None)
    if not CheckedForm().validate_on_submit():
        abort(400)
    email = normalise_email(request.form.get("email") or "")
    action = request.form.get("action", "show")
    if not email:
        problem = _("Vul het e-mailadres in van de persoon die het verzoek doet.")
        return render_template(
            "backoffice/people.html", email=email, found=None, problem=problem
        ), 422
    if action == "export":
        found = privacy_export.export_person(email)
        if found is None:
            abort(404)
        body = json.dumps(found, ensure_ascii=False, indent=2)
        filename = "gegevens-" + re.sub(r"[^a-z0-9]+", "-", email) + ".json"
        return Response(
            body,
            mimetype="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )
    if action == "erase":
        if request.form.get("confirm") != email:
            found = privacy_export.export_person(email)
            problem = _("Typ het e-mailadres nog eens ter bevestiging; er is niets gewist.")
            return render_template(
                "backoffice/people.html", email=email, found=found, problem=problem
            ), 422
        try:
            done = privacy.erase_person(email)
        except RuleViolation as violation:
            db.session.rollback()
            found = privacy_export.export_person(email)
            return render_template(
                "backoffice/people.html",
                email=email,
                found=found,
                problem=violation.problems[0].message,
            ), 422
        db.session.commit()
        flash(
            _(
                "De gegevens zijn gewist: %(people)s persoon, %(members)s deelnames, %(mails)s "
                "e-mails. Facturen blijven zeven jaar bewaard.",
                people=done.people,
                members=done.members,
                mails=done.mails,
            ),
            "success",
        )
        return redirect(url_for("backoffice.people"))
    found = privacy_export.export_person(email)
    status = 200 if found else 404
    return render_template("backoffice/people.html", email=email, found=found, problem=None), status
