"""The Wijklab's pages in the back-office: a lab's page with its steps, checklist, panel and
startnotitie, and the expert pool. Nested into the back-office here, so the back-office's one
guard covers them and the back-office knows no kind."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from wijkwerk import backoffice
from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.outbox.services import messages_of
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.models import StateConflict
from wijkwerk.timeutil import AMSTERDAM, at_local
from wijkwerk.validation import RuleViolation
from wijkwerk.wijklab import panel, services, steps
from wijkwerk.wijklab.forms import (
    ExpertForm,
    InviteForm,
    StartnotitieForm,
    StepForm,
    TaskForm,
    stage_choices,
)
from wijkwerk.wijklab.models import NEXT_STAGES, Expert, LabStage, LabTask

bp = Blueprint("wijklab", __name__)


def _step_form(lab) -> StepForm:
    session = lab.session
    starts = session.starts_at.astimezone(AMSTERDAM) if session else None
    ends = session.ends_at.astimezone(AMSTERDAM) if session else None
    form = StepForm(
        sharpened_question=lab.sharpened_question,
        themes=", ".join(lab.themes or []),
        day=starts.date() if starts else None,
        start=starts.time() if starts else None,
        end=ends.time() if ends else None,
        location_name=session.location_name if session else lab.wijk,
        location_address=session.location_address if session else "",
        day_programme=lab.day_programme,
        report_url=lab.report_url,
    )
    form.stage.choices = stage_choices(NEXT_STAGES[lab.stage])
    return form


def _lab_page(lab, *, step_form=None, invite_form=None, upload_form=None, status=200):
    return render_template(
        "wijklab/lab.html",
        lab=lab,
        registration=lab.registration,
        step_form=step_form or _step_form(lab),
        invite_form=invite_form or InviteForm(),
        upload_form=upload_form or StartnotitieForm(),
        suggestions=panel.suggestions(lab),
        messages=messages_of(lab.registration_id),
        panel_size=panel.PANEL_SIZE,
    ), status


@bp.get("/wijklabs/<int:registration_id>")
def lab_page(registration_id: int):
    return _lab_page(services.lab_or_404(registration_id))


@bp.post("/wijklabs/<int:registration_id>/stap")
def advance(registration_id: int):
    lab = services.lab_or_404(registration_id)
    form = _step_form(lab)
    if not form.validate_on_submit():
        return _lab_page(lab, step_form=form, status=422)
    day = form.day.data
    step = steps.StepInput(
        stage=LabStage(form.stage.data),
        sharpened_question=(form.sharpened_question.data or "").strip(),
        themes=tuple(panel.tags(form.themes.data)),
        starts_at=_moment(day, form.start.data),
        ends_at=_moment(day, form.end.data),
        location_name=(form.location_name.data or "").strip(),
        location_address=(form.location_address.data or "").strip(),
        day_programme=(form.day_programme.data or "").strip(),
        report_url=(form.report_url.data or "").strip(),
        reason=(form.reason.data or "").strip(),
    )
    try:
        steps.advance(lab, step, actor=current_user)
    except StateConflict:
        db.session.rollback()
        flash(_("Dat kan niet in de huidige status van deze aanmelding."), "error")
    except RuleViolation as violation:
        db.session.rollback()
        lab = services.lab_or_404(registration_id)
        show_problems(
            form, violation.problems, fields={"starts_at": "day", "ends_at": "end", None: "stage"}
        )
        return _lab_page(lab, step_form=form, status=422)
    else:
        db.session.commit()
        flash(_("Vastgelegd; de gemeente krijgt bericht."), "success")
    return redirect(url_for("backoffice.wijklab.lab_page", registration_id=registration_id))


def _moment(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    return at_local(day, time) if day is not None and time is not None else None


@bp.post("/wijklabs/<int:registration_id>/taken/<int:task_id>")
def task(registration_id: int, task_id: int):
    lab = services.lab_or_404(registration_id)
    found = db.get_or_404(LabTask, task_id)
    form = TaskForm()
    if found.lab_id != lab.id or not form.validate_on_submit():
        abort(404 if found.lab_id != lab.id else 400)
    services.update_task(found, assignee=form.assignee.data or "", done=bool(form.done.data))
    db.session.commit()
    return redirect(
        url_for(
            "backoffice.wijklab.lab_page",
            registration_id=registration_id,
            _anchor=f"taak-{found.id}",
        )
    )


@bp.post("/wijklabs/<int:registration_id>/panel")
def invite(registration_id: int):
    lab = services.lab_or_404(registration_id)
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        made = panel.invite(lab, list(form.experts.data or []), actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        lab = services.lab_or_404(registration_id)
        form.experts.errors = [p.message for p in violation.problems]
        return _lab_page(lab, invite_form=form, status=422)
    db.session.commit()
    flash(
        ngettext("%(num)d expert uitgenodigd.", "%(num)d experts uitgenodigd.", len(made)),
        "success",
    )
    return redirect(
        url_for("backoffice.wijklab.lab_page", registration_id=registration_id, _anchor="panel")
    )


@bp.post("/wijklabs/<int:registration_id>/startnotitie")
def upload_startnotitie(registration_id: int):
    lab = services.lab_or_404(registration_id)
    form = StartnotitieForm()
    if not form.validate_on_submit():
        abort(400)
    filename, content = documents.read_upload(form.document.data)
    try:
        panel.attach_startnotitie(lab, filename, content, actor=current_user)
    except RuleViolation as violation:
        db.session.rollback()
        lab = services.lab_or_404(registration_id)
        form.document.errors = [p.message for p in violation.problems]
        return _lab_page(lab, upload_form=form, status=422)
    db.session.commit()
    flash(_("De startnotitie is opgeslagen en naar het panel gestuurd."), "success")
    return redirect(
        url_for("backoffice.wijklab.lab_page", registration_id=registration_id, _anchor="panel")
    )


@bp.get("/wijklabs/<int:registration_id>/startnotitie")
def download_startnotitie(registration_id: int):
    lab = services.lab_or_404(registration_id)
    if lab.startnotitie is None:
        abort(404)
    return documents.download(lab.startnotitie)


@bp.route("/experts", methods=["GET", "POST"])
def experts():
    form = ExpertForm()
    status = 200
    if request.method == "POST":
        saved = _save_expert(form, None)
        if saved is not None:
            return redirect(url_for("backoffice.wijklab.experts"))
        status = 422
    return render_template("wijklab/experts.html", experts=panel.experts(), form=form), status


@bp.route("/experts/<int:expert_id>", methods=["GET", "POST"])
def expert(expert_id: int):
    found = db.get_or_404(Expert, expert_id)
    form = ExpertForm(
        name=found.name,
        organisation=found.organisation,
        email=found.email,
        phone=found.phone,
        expertise=", ".join(found.expertise),
        active="yes" if found.active else "no",
    )
    status = 200
    if request.method == "POST":
        if _save_expert(form, found) is not None:
            return redirect(url_for("backoffice.wijklab.experts"))
        status = 422
    return render_template("wijklab/expert.html", expert=found, form=form), status


def _save_expert(form: ExpertForm, found: Expert | None) -> Expert | None:
    if not form.validate_on_submit():
        return None
    data = {name: form[name].data or "" for name in ("name", "organisation", "email", "phone")}
    data["expertise"] = form.expertise.data or ""
    data["active"] = form.active.data != "no"
    try:
        saved = panel.save_expert(data, found)
    except RuleViolation as violation:
        db.session.rollback()
        show_problems(form, violation.problems)
        return None
    db.session.commit()
    flash(_("%(name)s staat in de pool.", name=saved.name), "success")
    return saved


backoffice.bp.register_blueprint(bp)  # once per process: a module is imported once
