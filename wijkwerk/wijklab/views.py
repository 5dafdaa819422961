"""Wijklab pages for a panel member: the invitation and the startnotitie, by signed link. The
organisers' pages are in :mod:`wijkwerk.wijklab.beheer`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.ratelimit import limited
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm
from wijkwerk.wijklab import panel

bp = Blueprint("wijklab", __name__)


@bp.route("/panel/<token>", methods=["GET", "POST"])
@limited("actions")
def panel_invitation(token: str):
    invitation = panel.invitation_by_token(token)
    if invitation is None:
        abort(404)
    form = CheckedForm()
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        answer = request.form.get("answer")
        if answer not in ("accept", "decline"):
            abort(400)
        try:
            changed = panel.respond(invitation, answer == "accept")
        except RuleViolation as violation:
            db.session.rollback()
            problem = violation.problems[0].message
        else:
            db.session.commit()
            if changed:
                flash(
                    _("Dank u wel: u doet mee aan het panel.")
                    if answer == "accept"
                    else _("Jammer dat u niet kunt. Dank voor uw antwoord."),
                    "success",
                )
            return redirect(url_for("wijklab.panel_invitation", token=token))
    return render_template(
        "wijklab/invitation.html",
        invitation=invitation,
        lab=invitation.lab,
        form=form,
        problem=problem,
        token=token,
        may_download=panel.may_download(invitation),
    ), (422 if problem else 200)


@bp.get("/panel/<token>/startnotitie")
def panel_startnotitie(token: str):
    invitation = panel.invitation_by_token(token)
    if not panel.may_download(invitation):
        abort(404)
    return documents.download(invitation.lab.startnotitie)
