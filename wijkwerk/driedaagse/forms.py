"""An individual's registration form for the driedaagse, and the organisers' form for a coach
conversation's time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from wijkwerk.registrations.forms import (
    BillingForm,
    ContactForm,
    ProblemFields,
)
from wijkwerk.webforms import CheckedForm


def organisation_type_choices():
    return [
        SelectChoice("", _l("Kies het soort organisatie")),
        SelectChoice("gemeente", _l("Gemeente")),
        SelectChoice("welzijn", _l("Welzijnsinstelling")),
        SelectChoice("onderwijs", _l("Onderwijs")),
        SelectChoice("zorg", _l("Zorgverlening")),
        SelectChoice("sociaal_werk", _l("Sociaal werk en gemeenschapswerk")),
        SelectChoice("impact", _l("Impactonderneming")),
        SelectChoice("initiatief", _l("Maatschappelijk initiatief")),
        SelectChoice("woningcorporatie", _l("Woningcorporatie")),
        SelectChoice("politie", _l("Politie")),
        SelectChoice("anders", _l("Anders")),
    ]


def professional_role_choices():
    return [
        SelectChoice("", _l("Kies uw rol")),
        SelectChoice("programmaleider", _l("Programmaleider")),
        SelectChoice("projectleider", _l("Projectleider")),
        SelectChoice("manager", _l("Manager")),
        SelectChoice("onderzoeker", _l("Onderzoeker")),
        SelectChoice("professional", _l("Uitvoerend professional")),
        SelectChoice("adviseur", _l("Adviseur")),
        SelectChoice("anders", _l("Anders")),
    ]


class ParticipantForm(ContactForm):
    organisation = StringField(_l("Organisatie"), render_kw={"autocomplete": "organization"})
    organisation_type = SelectField(
        _l("Soort organisatie"), validate_choice=False, choices=organisation_type_choices()
    )
    role = SelectField(_l("Uw rol"), validate_choice=False, choices=professional_role_choices())


class IndividualForm(ProblemFields, CheckedForm):
    """An individual's registration for a course; the service checks every rule."""

    person = FormField(ParticipantForm, _l("Over u"))
    billing = FormField(BillingForm, _l("Factuurgegevens"))
    payment_method = RadioField(_l("Betaalwijze"), validate_choice=False)
    dietary_needs = TextAreaField(_l("Dieetwensen"), validators=[Optional()], render_kw={"rows": 2})
    accessibility_needs = TextAreaField(
        _l("Wensen voor toegankelijkheid"), validators=[Optional()], render_kw={"rows": 2}
    )
    consent = BooleanField(
        _l(
            "Ik geef toestemming om mijn gegevens te gebruiken voor deze aanmelding, zoals de privacyverklaring beschrijft."
        )
    )

    def set_payment_methods(self, stripe_enabled: bool) -> None:
        choices = [SelectChoice("invoice", _l("Op factuur (bankoverschrijving binnen 30 dagen)"))]
        if stripe_enabled:
            choices.insert(0, SelectChoice("stripe", _l("Direct online: iDEAL of creditcard")))
        self.payment_method.choices = choices

    def as_request(self, locale: str) -> dict:
        return {
            "person": {
                name: self.person.form[name].data or None for name in self.person.form._fields
            },
            "billing": self.billing.form.as_request(),
            "payment_method": self.payment_method.data or None,
            "dietary_needs": self.dietary_needs.data,
            "accessibility_needs": self.accessibility_needs.data,
            "consent": bool(self.consent.data),
            "locale": locale,
        }


class CoachSlotForm(CheckedForm):
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
