from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

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
            SelectChoice("cancel", _l("Annuleren")),
            SelectChoice("exempt", _l("Vrijstelling toekennen")),
            SelectChoice("charge", _l("Vrijstelling intrekken")),
        ],
        validators=[InputRequired(_l("Maak een keuze."))],
    )
    reason = TextAreaField(
        _l("Reden of toelichting"),
        validators=[Optional(), Length(max=1000, message=_l("Gebruik hooguit 1000 tekens."))],
    )
