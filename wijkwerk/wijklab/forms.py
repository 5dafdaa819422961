"""Forms for a Wijklab: a municipality's request, and in the back-office its next step, its
checklist, its panel and the expert pool. They carry the fields; the rules are in
:mod:`wijkwerk.wijklab.services`, ``.steps`` and ``.panel``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional

from wijkwerk.registrations.forms import (
    BillingForm,
    ContactForm,
    MultiCheckboxField,
    ProblemFields,
)
from wijkwerk.webforms import CheckedForm


def stage_choices(stages) -> list[SelectChoice]:
    words = {
        "intake": _l("Intake: de vraag samen aanscherpen"),
        "planned": _l("Inplannen (bevestigt de boeking en stuurt de factuur)"),
        "held": _l("Gehouden"),
        "reported": _l("Verslag gepubliceerd"),
        "withdrawn": _l("Gaat niet door (intrekken)"),
    }
    return [SelectChoice(stage.value, words[stage.value]) for stage in stages]


class StepForm(CheckedForm):
    stage = RadioField(
        _l("Volgende stap"), validators=[InputRequired(_l("Kies een van de mogelijkheden."))]
    )
    sharpened_question = TextAreaField(
        _l("Aangescherpte vraag"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 4}
    )
    themes = StringField(
        _l("Thema's voor het panel (expertises, met komma's)"),
        validators=[Optional(), Length(max=500)],
    )
    day = DateField(_l("Datum van het Wijklab"), validators=[Optional()])
    start = TimeField(_l("Begintijd"), validators=[Optional()])
    end = TimeField(_l("Eindtijd"), validators=[Optional()])
    location_name = StringField(_l("Locatie in de wijk"), validators=[Optional(), Length(max=200)])
    location_address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])
    day_programme = TextAreaField(
        _l("Programma van de dag"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 5}
    )
    report_url = StringField(
        _l("Link naar het gepubliceerde verslag"), validators=[Optional(), Length(max=500)]
    )
    reason = TextAreaField(
        _l("Toelichting voor de gemeente"), validators=[Optional(), Length(max=1000)]
    )


class TaskForm(CheckedForm):
    assignee = StringField(_l("Wie"), validators=[Optional(), Length(max=200)])
    done = BooleanField(_l("Gedaan"))


class InviteForm(CheckedForm):
    experts = MultiCheckboxField(_l("Experts uitnodigen"), coerce=int, validate_choice=False)


class StartnotitieForm(CheckedForm):
    document = FileField(_l("Startnotitie (PDF, .docx of .odt, hooguit 10 MB)"))


class ExpertForm(CheckedForm):
    name = StringField(_l("Naam"))
    organisation = StringField(_l("Organisatie"), validators=[Optional()])
    email = StringField(_l("E-mailadres"), render_kw={"type": "email"})
    phone = StringField(_l("Telefoonnummer"), validators=[Optional()], render_kw={"type": "tel"})
    expertise = StringField(_l("Expertise (trefwoorden, met komma's)"))
    active = RadioField(
        _l("In de pool"),
        choices=[
            SelectChoice("yes", _l("Actief: kan worden voorgesteld")),
            SelectChoice("no", _l("Niet actief")),
        ],
        default="yes",
    )


class LabRequestForm(ProblemFields, CheckedForm):
    """A municipality's request for a Wijklab; the service checks every rule."""

    municipality = SelectField(_l("Gemeente"), validate_choice=False)
    contact = FormField(ContactForm, _l("Contactpersoon"))
    wijk = StringField(_l("Wijk"))
    question = TextAreaField(_l("Het vraagstuk"), render_kw={"rows": 6})
    goal = RadioField(
        _l("Wat wilt u met het Wijklab bereiken?"),
        validate_choice=False,
        choices=[
            SelectChoice("reflection", _l("Reflectie op onze gebiedsgerichte aanpak")),
            SelectChoice(
                "directions",
                _l("Oplossingsrichtingen voor een domeinoverstijgende kwestie of kans in de wijk"),
            ),
        ],
    )
    preferred_periods = TextAreaField(_l("Voorkeursperiode(s)"), render_kw={"rows": 2})
    stakeholders = TextAreaField(
        _l("Wie zijn de belanghebbenden?"), validators=[Optional()], render_kw={"rows": 3}
    )
    billing = FormField(BillingForm, _l("Factuurgegevens"))
    consent = BooleanField(
        _l(
            "Ik geef toestemming om mijn gegevens te gebruiken voor deze aanvraag, zoals de privacyverklaring beschrijft."
        )
    )

    def as_request(self, locale: str) -> dict:
        return {
            "municipality": self.municipality.data or None,
            "contact": {
                name: self.contact.form[name].data or None for name in self.contact.form._fields
            },
            "wijk": self.wijk.data,
            "question": self.question.data,
            "goal": self.goal.data or None,
            "preferred_periods": self.preferred_periods.data,
            "stakeholders": self.stakeholders.data,
            "billing": self.billing.form.as_request(),
            "consent": bool(self.consent.data),
            "locale": locale,
        }
