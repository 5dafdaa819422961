"""The base of every web form: the input rule of :mod:`wijkwerk.validation` for every field, so a
control character, an impossible number or a year like 0001 is a Dutch message next to its field
(and in the summary), with what was typed kept, never a database error. A form posted over a rate
limit (:func:`wijkwerk.ratelimit.limited` with ``keeps_form``) is refused the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, TextAreaField

from wijkwerk.ratelimit import refused_here
from wijkwerk.validation import int_message, moment_message, text_message


def _fields(fields) -> Iterator[Field]:
    """Every field of a form, of its sub-forms and of its lists (members-0-email)."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _fields(field.form)
        elif isinstance(field, FieldList):
            yield from _fields(field.entries)
        else:
            yield field


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
