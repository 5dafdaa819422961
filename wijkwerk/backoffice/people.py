"""Privacy requests (AVG): what do we hold about someone, and erase it."""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wijkwerk.backoffice.guards import require_write
from wijkwerk.email_address import normalise_email
from wijkwerk.extensions import db
from wijkwerk.privacy import export as privacy_export
from wijkwerk.privacy import services as privacy
from wijkwerk.validation import RuleViolation
from wijkwerk.webforms import CheckedForm

bp = Blueprint("people", __name__)


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
        return redirect(url_for("backoffice.people.people"))
    found = privacy_export.export_person(email)
    status = 200 if found else 404
    return render_template("backoffice/people.html", email=email, found=found, problem=None), status
