"""The one e-mail address rule: every form, the JSON API and the command line read an address
through this module, so an address is stored, compared and refused the same way everywhere.

- **Normalised** before anything else: surrounding space trimmed, Unicode NFKC (full-width
  ``ＡＮＮＡ＠ｅｘａｍｐｌｅ．ｎｌ`` becomes ``ANNA@example.nl``), then lower-case. Two addresses that
  look the same are then the same string, so the duplicate checks and the unique constraints see
  them as one.
- **Deliverable by our mail**: our SMTP server does not speak SMTPUTF8, so an address that is not
  plain ASCII after NFKC (``jörg@…``, a Cyrillic ``а`` in ``аnna@…``) is refused rather than
  accepted and bounced later. Whatever ``email-validator`` refuses (syntax, special-use domains
  such as ``.test``, quoted local parts, domain literals) is refused too, without DNS look-ups.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from wtforms import Field, Form, ValidationError


class InvalidEmail(ValueError):
    """An address our mail could not deliver; ``message`` is Dutch (or the request's locale)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_email(value: str) -> str:
    """The form an address is stored and looked up in: trimmed, NFKC, lower-case. It does not
    check the address; use it to find someone (a log-in, a privacy request)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def checked_email(value: str) -> str:
    """The normalised address, or raises :class:`InvalidEmail` with a message for the person who
    typed it when our mail could not deliver to it."""
    address = normalise_email(value)
    if not address:
        raise InvalidEmail(_("Vul een e-mailadres in."))
    if not address.isascii():
        raise InvalidEmail(
            _(
                "Dit e-mailadres bevat tekens die onze e-mail niet kan bezorgen (zoals ö, é of "
                "letters uit een ander schrift). Gebruik een adres met alleen de letters a–z, "
                "cijfers en leestekens."
            )
        )
    try:
        validated = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidEmail(_("Dit is geen geldig e-mailadres.")) from None
    return validated.normalized.lower()


class EmailAddress:
    """A WTForms validator applying :func:`checked_email`. The field keeps what was typed (a
    refused form shows it again); the service it is given to normalises it."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return  # a required field says so with its own validator
        try:
            checked_email(field.data)
        except InvalidEmail as exc:
            raise ValidationError(self.message or exc.message) from None
