"""The back-office's smaller forms: a municipality's middelgroot override, the reason with an
action on a registration, a session, and accounts. The programme's own settings are in
:mod:`wijkwerk.backoffice.programme_forms`."""

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from wijkwerk.accounts.passwords import password_problem
from wijkwerk.email_address import EmailAddress, normalise_email
from wijkwerk.timeutil import at_local
from wijkwerk.webforms import CheckedForm

RULE, YES, NO = "rule", "yes", "no"


class OinForm(CheckedForm):
    """A municipality's OIN; the rule is the service's (wijkwerk/municipalities/services.py)."""

    oin = StringField(_l("OIN"), validators=[Optional()], render_kw={"inputmode": "numeric"})


class BuyerIdentifierForm(CheckedForm):
    """The buyer's KvK number or OIN for an invoice issued without one."""

    kvk_or_oin = StringField(
        _l("KvK-nummer of OIN van de afnemer"), render_kw={"inputmode": "numeric"}
    )


class MiddelgrootOverrideForm(CheckedForm):
    choice = RadioField(
        _l("Middelgrote gemeente"),
        choices=[
            SelectChoice(RULE, _l("Volgens de regel (M50-lid of 30.000–80.000 inwoners)")),
            SelectChoice(YES, _l("Altijd als middelgroot behandelen")),
            SelectChoice(NO, _l("Nooit als middelgroot behandelen")),
        ],
        validators=[InputRequired(_l("Maak een keuze."))],
    )
    reason = TextAreaField(
        _l("Reden"),
        validators=[Optional(), Length(max=1000, message=_l("Gebruik hooguit 1000 tekens."))],
    )

    @property
    def override(self) -> bool | None:
        return {RULE: None, YES: True, NO: False}[self.choice.data]


class ActionForm(CheckedForm):
    """The reason given with an organiser's action on a registration (kept in its history). Whether
    an action needs one is the service's rule (an exemption: registrations/pricing.py)."""

    reason = TextAreaField(
        _l("Reden of toelichting"),
        validators=[Optional(), Length(max=1000, message=_l("Gebruik hooguit 1000 tekens."))],
        render_kw={"rows": 3},
    )


class MessageForm(CheckedForm):
    """A message to a programme's people; the service checks it (registrations/messages.py)."""

    audience = SelectField(_l("Aan wie"), validate_choice=False)
    subject = StringField(_l("Onderwerp"), render_kw={"maxlength": 200})
    body = TextAreaField(
        _l("Bericht"), render_kw={"rows": 8}, description=_l("Witregels maken alinea's.")
    )
    token = HiddenField()
    send = SubmitField(_l("Versturen"))


class CancelProgrammeForm(CheckedForm):
    """Cancelling a whole programme: every registrant reads the reason."""

    reason = TextAreaField(
        _l("Reden (iedere aanmelder leest deze)"),
        validators=[
            InputRequired(_l("Geef een reden op; iedere aanmelder leest die.")),
            Length(max=1000, message=_l("Gebruik hooguit 1000 tekens.")),
        ],
        render_kw={"rows": 3},
    )


class NewSessionForm(CheckedForm):
    """A session: what it is about, when (Amsterdam time) and where."""

    title = StringField(
        _l("Titel"), validators=[InputRequired(_l("Vul dit veld in.")), Length(max=200)]
    )
    theme = StringField(_l("Thema"), validators=[Optional(), Length(max=300)])
    outcome = TextAreaField(_l("Wat levert het op"), validators=[Optional(), Length(max=5000)])
    practical = TextAreaField(
        _l("Praktische informatie"), validators=[Optional(), Length(max=5000)]
    )
    day = DateField(_l("Datum"), validators=[InputRequired(_l("Kies een datum."))])
    start = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Kies een begintijd."))])
    end = TimeField(_l("Eindtijd"), validators=[InputRequired(_l("Kies een eindtijd."))])
    location_name = StringField(_l("Locatie"), validators=[Optional(), Length(max=200)])
    location_address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])

    @property
    def starts_at(self) -> dt.datetime:
        return at_local(self.day.data, self.start.data)

    @property
    def ends_at(self) -> dt.datetime:
        return at_local(self.day.data, self.end.data)


class SessionForm(NewSessionForm):
    """Move, relocate or cancel a session, or change what it is about."""

    status = RadioField(
        _l("Gaat de bijeenkomst door?"),
        choices=[
            SelectChoice("scheduled", _l("Ja, gaat door")),
            SelectChoice("cancelled", _l("Nee, gaat niet door")),
        ],
        validators=[InputRequired(_l("Maak een keuze."))],
    )
    reason = TextAreaField(
        _l("Toelichting voor de deelnemers"),
        validators=[Optional(), Length(max=1000, message=_l("Gebruik hooguit 1000 tekens."))],
    )


def session_values(form: NewSessionForm) -> dict[str, Any]:
    return {
        "title": form.title.data.strip(),
        "theme": (form.theme.data or "").strip(),
        "outcome": (form.outcome.data or "").strip(),
        "practical": (form.practical.data or "").strip(),
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "location_name": (form.location_name.data or "").strip(),
        "location_address": (form.location_address.data or "").strip(),
    }


def role_choices():
    return [
        SelectChoice("organiser", _l("Organisator: programma's uitvoeren")),
        SelectChoice("viewer", _l("Kijker: alleen lezen")),
        SelectChoice("admin", _l("Beheerder: alles, ook accounts")),
    ]


class NewAccountForm(CheckedForm):
    email = StringField(
        _l("E-mailadres"),
        validators=[
            InputRequired(_l("Vul een e-mailadres in.")),
            Length(max=254, message=_l("Dit is geen geldig e-mailadres.")),
            EmailAddress(),  # the address must be one the log-in form accepts
        ],
    )
    name = StringField(_l("Naam"), validators=[Optional(), Length(max=200)])
    role = RadioField(_l("Rol"), choices=role_choices(), default="organiser")
    # A password is never written back into a page, not even one that was refused.
    password = PasswordField(
        _l(
            "Eerste wachtwoord (minstens 12 tekens en niet makkelijk te raden; geef het veilig door)"
        ),
        validators=[InputRequired(_l("Vul een wachtwoord in."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field) -> None:
        email = normalise_email(self.email.data or "")
        problem = password_problem(field.data or "", (email, self.name.data or ""))
        if problem is not None:
            raise ValidationError(problem)


class AccountForm(CheckedForm):
    role = RadioField(_l("Rol"), choices=role_choices())
    active = RadioField(
        _l("Toegang"),
        choices=[
            SelectChoice("yes", _l("Kan inloggen")),
            SelectChoice("no", _l("Geblokkeerd")),
        ],
    )
