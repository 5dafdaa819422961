"""The base of every web form: the input rule of :mod:`wijkwerk.validation` for every field, so a
control character, an impossible number or a year like 0001 is a Dutch message next to its field
(and in the summary), with what was typed kept, never a database error. A form posted over a rate
limit (:func:`wijkwerk.ratelimit.limited` with ``keeps_form``) is refused the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations
from wtforms import BooleanField, Field, FieldList, Form, FormField, TextAreaField

from wijkwerk.ratelimit import refused_here
from wijkwerk.validation import int_message, moment_message, text_message


def _fields(fields) -> Iterator[Field]:
    """Every field of a form, of its sub-forms and of its lists (members-0-email)."""
    for field, _context in _fields_in_context(fields, ""):
        yield field


def _fields_in_context(fields, context: str) -> Iterator[tuple[Field, str]]:
    """Every field with the part of the form it is in, as a reader names it: "Lid 2" for the
    second row of a list labelled "Lid", "Bestuurder of manager" for a sub-form so labelled."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _fields_in_context(field.form, field.label.text)
        elif isinstance(field, FieldList):
            for index, entry in enumerate(field.entries, start=1):
                row = f"{field.label.text} {index}"
                if isinstance(entry, FormField):
                    yield from _fields_in_context(entry.form, row)
                else:
                    yield entry, row
        else:
            yield field, context


class SubForm(Form):
    """A part of a form (a person, the billing details, a row): WTForms' own messages in the
    visitor's language, as in the :class:`CheckedForm` around it."""

    class Meta:
        def get_translations(self, form):
            return translations


@dataclass(frozen=True)
class SummaryLine:
    """One line of a form's error summary: the message, and the id of the field it links to
    (empty for a problem of the whole form)."""

    target: str
    text: str


def summary(
    form: FlaskForm,
    general: Iterable[str] = (),
    groups: dict[str, list[str]] | None = None,
) -> list[SummaryLine]:
    """Every problem of ``form`` in the order of the form, for the summary at its top (the NL
    Design System and GOV.UK pattern): what concerns the whole form first, then each part's own
    problems (``groups``: the ``members`` of a trio, shown at ``members-error``) before its
    fields, then each field with the part it is in ("Lid 3 – Naam: Vul dit veld in.")."""
    groups = dict(groups or {})
    found = [SummaryLine("", message) for message in [*form.form_errors, *general]]
    for top in form:
        if top.name == "csrf_token":
            continue
        found += [SummaryLine(f"{top.name}-error", m) for m in groups.pop(top.name, [])]
        for field, context in _fields_in_context([top], ""):
            for message in field.errors[:1]:
                found.append(SummaryLine(field.id, _summary_text(field, context, message)))
    for name, messages in groups.items():
        found += [SummaryLine(f"{name}-error", m) for m in messages]
    return found


def _message(field: Field) -> str | None:
    multiline = isinstance(field, TextAreaField)
    for raw in field.raw_data or ():
        if isinstance(raw, str) and (message := text_message(raw, multiline=multiline)):
            return message
    data = field.data
    if isinstance(data, bool) or data is None:
        return None
    if isinstance(data, int):
        return int_message(data)
    if isinstance(data, dt.date):
        return moment_message(data)
    return None


class CheckedForm(FlaskForm):
    """A :class:`FlaskForm` whose every field (those of sub-forms too) follows the input rule,
    and so does everything else that was posted with it: a post with a forbidden value in a
    field the form does not know is refused as a whole (a form-level error)."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if refused := refused_here():  # over a rate limit: shown again as typed, not sent
            self.form_errors.append(refused)
            valid = False
        known = set()
        for field in _fields(self):
            known.add(field.name)
            message = _message(field)
            if message:
                field.errors = [*field.errors, message]
                self._problems_shown = True  # also a field in a list (members-0-email)
                valid = False
        if has_request_context() and any(
            name not in known and text_message(value)
            for name, value in request.form.items(multi=True)
        ):
            self.form_errors.append(
                _(
                    "Het formulier bevat een onzichtbaar teken dat niet is toegestaan. Laad de "
                    "pagina opnieuw en vul het formulier nog eens in."
                )
            )
            valid = False
        return valid


def csrf_message(form: FlaskForm) -> str | None:
    """Why the form's own CSRF check failed (a form that keeps what was typed checks it itself),
    in the visitor's words; None when it passed. Only an expired form is called expired."""
    errors = form.csrf_token.errors if "csrf_token" in form else []
    if not errors:
        return None
    reason = str(errors[0])  # Flask-WTF's own (English) reason
    # Flask-WTF puts a new token in the session as the form is made, so a browser that sent no
    # session cookie shows as a mismatch: the cookie itself tells.
    cookieless = current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
    if "expired" in reason and not cookieless:
        return _(
            "Het formulier stond te lang open en is verlopen. Wat u invulde staat er nog: "
            "controleer het en verstuur het opnieuw."
        )
    if cookieless or "session token is missing" in reason:
        return _(
            "Uw browser stuurde geen cookie van deze site mee, zodat we niet kunnen nagaan dat het "
            "formulier van deze site komt. Sta cookies toe voor deze site en verstuur het opnieuw; "
            "wat u invulde staat er nog."
        )
    return _(
        "Het formulier kon niet worden gecontroleerd. Wat u invulde staat er nog: verstuur het "
        "opnieuw."
    )


def _summary_text(field: Field, context: str, message: str) -> str:
    """The field's name and its problem; a checkbox (consent: its label is a whole sentence)
    by its message alone."""
    if isinstance(field, BooleanField):
        return message
    label = f"{context} – {field.label.text}" if context else field.label.text
    return f"{label}: {message}"


def register(app: Flask) -> None:
    """Give the templates :func:`summary` (``form_summary``), for the macros in
    templates/_macros.html."""
    app.add_template_global(summary, "form_summary")
