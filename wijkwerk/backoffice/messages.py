"""A message to a programme's people, or to a group of them: written, previewed (who gets it and
what they read), then sent once through the outbox (wijkwerk/registrations/messages.py)."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from wijkwerk.backoffice.forms import MessageForm
from wijkwerk.backoffice.guards import require_write
from wijkwerk.extensions import db
from wijkwerk.outbox.writing import render
from wijkwerk.programmes.services import get_programme
from wijkwerk.registrations import messages
from wijkwerk.registrations.forms import show_problems
from wijkwerk.registrations.links import page_url
from wijkwerk.validation import RuleViolation

bp = Blueprint("messages", __name__)


@bp.route("/programmas/<slug>/bericht", methods=["GET", "POST"])
@require_write
def message(slug: str):
    programme = get_programme(slug, published_only=False)
    if programme is None:
        abort(404)
    form = MessageForm()
    form.audience.choices = messages.audiences(programme)
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(24)  # the form's own: sent once, however often
    if not form.validate_on_submit():
        return render_template(
            "backoffice/message.html", programme=programme, form=form
        ), 422 if form.errors else 200
    try:
        wanted = messages.read_message(programme, form.data)
    except RuleViolation as violation:
        show_problems(form, violation.problems)
        return render_template("backoffice/message.html", programme=programme, form=form), 422
    people = messages.recipients(programme, wanted.audience)
    if not form.send.data:  # a preview first: who gets it, and what the first of them reads
        example = None
        if people:
            registration, person = people[0]
            example = render(
                "programme_message",
                registration.locale,
                {
                    "message": wanted,
                    "programme": programme,
                    "person": person,
                    "link": page_url(registration, person),
                },
            )
        return render_template(
            "backoffice/message.html",
            programme=programme,
            form=form,
            people=people,
            example=example,
        )
    sent, now = messages.send(programme, form.token.data, wanted, current_user)
    db.session.commit()
    flash(
        ngettext(
            "Het bericht is verstuurd aan %(num)s persoon.",
            "Het bericht is verstuurd aan %(num)s personen.",
            sent.recipients,
        )
        if now
        else ngettext(
            "Dit bericht was al verstuurd (aan %(num)s persoon); niemand krijgt het twee keer.",
            "Dit bericht was al verstuurd (aan %(num)s personen); niemand krijgt het twee keer.",
            sent.recipients,
        ),
        "success" if now else "info",
    )
    return redirect(url_for("backoffice.programmes.programme", slug=slug))
