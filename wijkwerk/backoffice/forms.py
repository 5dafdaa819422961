from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

RULE, YES, NO = "rule", "yes", "no"


class MiddelgrootOverrideForm(FlaskForm):
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


class DecisionForm(FlaskForm):
    """An organiser's action on one registration, with the reason kept in its history."""

    action = RadioField(
        _l("Actie"),
        choices=[
            SelectChoice("approve", _l("Akkoord vastleggen (namens de bestuurder)")),
            SelectChoice("decline", _l("Geen akkoord vastleggen")),
            SelectChoice("cancel", _l("Annuleren volgens de annuleringsvoorwaarden")),
            SelectChoice("cancel_full_refund", _l("Annuleren en alles crediteren en terugbetalen")),
            SelectChoice("exempt", _l("Vrijstelling toekennen")),
            SelectChoice("charge", _l("Vrijstelling intrekken")),
        ],
        validators=[InputRequired(_l("Maak een keuze."))],
    )
    reason = TextAreaField(
        _l("Reden of toelichting"),
        validators=[Optional(), Length(max=1000, message=_l("Gebruik hooguit 1000 tekens."))],
    )


class CoachSlotForm(FlaskForm):
    """A time for a coach conversation, in Amsterdam time."""

    day = DateField(_l("Datum"), validators=[InputRequired(_l("Kies een datum."))])
    start = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Kies een begintijd."))])
    minutes = IntegerField(
        _l("Duur in minuten"),
        default=45,
        validators=[
            InputRequired(_l("Vul de duur in.")),
            NumberRange(5, 240, message=_l("Kies een duur tussen 5 en 240 minuten.")),
        ],
    )
    coach_name = StringField(
        _l("Coach"), validators=[InputRequired(_l("Vul de naam van de coach in."))]
    )
    location = StringField(_l("Plek"), validators=[Optional(), Length(max=200)])


class SessionForm(FlaskForm):
    """Move, relocate or cancel a session (times in Amsterdam)."""

    day = DateField(_l("Datum"), validators=[InputRequired(_l("Kies een datum."))])
    start = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Kies een begintijd."))])
    end = TimeField(_l("Eindtijd"), validators=[InputRequired(_l("Kies een eindtijd."))])
    location_name = StringField(_l("Locatie"), validators=[Optional(), Length(max=200)])
    location_address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])
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


def role_choices():
    return [
        SelectChoice("organiser", _l("Organisator: programma's uitvoeren")),
        SelectChoice("viewer", _l("Kijker: alleen lezen")),
        SelectChoice("admin", _l("Beheerder: alles, ook accounts")),
    ]


class NewAccountForm(FlaskForm):
    email = StringField(
        _l("E-mailadres"), validators=[InputRequired(_l("Vul een e-mailadres in."))]
    )
    name = StringField(_l("Naam"), validators=[Optional(), Length(max=200)])
    role = RadioField(_l("Rol"), choices=role_choices(), default="organiser")
    password = StringField(
        _l("Eerste wachtwoord (minstens 12 tekens; geef het veilig door)"),
        validators=[InputRequired(_l("Vul een wachtwoord in."))],
        render_kw={"type": "password", "autocomplete": "new-password"},
    )


class AccountForm(FlaskForm):
    role = RadioField(_l("Rol"), choices=role_choices())
    active = RadioField(
        _l("Toegang"),
        choices=[
            SelectChoice("yes", _l("Kan inloggen")),
            SelectChoice("no", _l("Geblokkeerd")),
        ],
    )
