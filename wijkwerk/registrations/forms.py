"""The trio form. It only carries the fields (and CSRF); the rules, including which fields are
required, are checked by the service so the form and the API answer alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wijkwerk.municipalities.models import Municipality
from wijkwerk.webforms import CheckedForm


def domain_choices():
    return [
        SelectChoice("fysiek", _l("Fysiek (wonen, openbare ruimte)")),
        SelectChoice("sociaal", _l("Sociaal (zorg, welzijn, jeugd)")),
        SelectChoice("veiligheid", _l("Veiligheid")),
        SelectChoice("economie", _l("Economie")),
        SelectChoice("overig", _l("Overig")),
    ]


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; which values are allowed is the service's business."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(Form):
    name = StringField(_l("Naam"), render_kw={"autocomplete": "off"})
    email = StringField(_l("E-mailadres"), render_kw={"type": "email", "autocomplete": "off"})
    function = StringField(_l("Functie"))


class MemberForm(PersonForm):
    role = SelectField(
        _l("Rol"),
        validate_choice=False,
        choices=[
            SelectChoice("", _l("Kies een rol")),
            SelectChoice("wijkambtenaar", _l("Wijkambtenaar")),
            SelectChoice("sectorambtenaar", _l("Sectorambtenaar")),
        ],
    )
    domain = SelectField(
        _l("Beleidsdomein"), choices=[SelectChoice("", _l("Kies een domein")), *domain_choices()]
    )


class CasusForm(Form):
    title = StringField(_l("Titel van de casus"))
    wijk = StringField(_l("Wijk"))
    description = TextAreaField(_l("Beschrijving"), render_kw={"rows": 6})
    domains = MultiCheckboxField(
        _l("Beleidsdomeinen die de casus verbindt"), choices=domain_choices()
    )


class BillingForm(Form):
    organisation = StringField(_l("Naam organisatie (zoals op de factuur)"))
    address = StringField(_l("Adres of postbus"), render_kw={"autocomplete": "street-address"})
    postcode = StringField(_l("Postcode"), render_kw={"autocomplete": "postal-code"})
    city = StringField(_l("Plaats"), render_kw={"autocomplete": "address-level2"})
    email = StringField(_l("E-mailadres voor facturen"), render_kw={"type": "email"})
    po_number = StringField(
        _l("Inkoopordernummer of verplichtingennummer"), validators=[Optional()]
    )

    def as_request(self) -> dict:
        return {name: self[name].data for name in self._fields}

    @property
    def filled(self) -> bool:
        return any((self[name].data or "").strip() for name in self._fields)


class OptionalBillingForm(BillingForm):
    """Billing details a trio gives only when its municipality pays."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            field.flags.optional = True


class FixedRows(FieldList):
    """A fixed number of rows, each read from its own index. (``FieldList`` renumbers the rows
    it finds, so a row left empty in the middle would be read twice.)"""

    def process(self, formdata, data=unset_value, extra_filters=None):
        if not formdata:
            return super().process(formdata, data, extra_filters)
        self.last_index = -1
        self.entries = []
        self.object_data = data
        for index in range(self.min_entries):
            self._add_entry(formdata, unset_value, index=index)
        return None


def show_problems(
    form,
    problems,
    *,
    fields: dict[str | None, str] | None = None,
    rows: dict[str, list[int]] | None = None,
) -> None:
    """Put each service problem next to the form field its path points at (``title``,
    ``delegates[2].email``), or with the form's own errors. ``fields`` renames a path the form
    calls otherwise (``None`` for a problem of the whole request); ``rows`` maps the index in a
    list the service saw (empty rows left out) back to the form's row."""
    for problem in problems:
        path = (fields or {}).get(problem.field, problem.field) or ""
        for name, indexes in (rows or {}).items():
            if path.startswith(f"{name}["):
                close = path.index("]")
                path = f"{name}[{indexes[int(path[len(name) + 1 : close])]}]" + path[close + 1 :]
        field = field_at(form, path)
        if field is None:
            form.form_errors.append(problem.message)
        else:
            field.errors = [*field.errors, problem.message]
        form._problems_shown = True


def field_at(form, path: str | None) -> Field | None:
    """The field a problem's path points at (``members[1].email``); for a path inside a field
    (``casus.domains[2]``) that field; None for a group such as ``members``."""
    while path:
        found = _resolve(form, path)
        if found is not None or ("." not in path and "[" not in path):
            return found
        path = path[: max(path.rfind("."), path.rfind("["))]
    return None


class ProblemFields:
    """A form whose fields service problems find by path (``members[1].email``)."""

    def show_problems(self, problems, **options) -> None:
        show_problems(self, problems, **options)

    def field_at(self, path: str | None) -> Field | None:
        return field_at(self, path)

    @property
    def has_problems(self) -> bool:
        """Errors of its own or placed by :func:`show_problems` (a field inside a list keeps its
        errors where ``errors`` of the form does not look after validation)."""
        return bool(self.errors) or getattr(self, "_problems_shown", False)


def _resolve(form, path: str) -> Field | None:
    node: object = form
    for part in path.replace("[", ".").replace("]", "").split("."):
        try:
            if isinstance(node, FieldList):
                node = node[int(part)]
            elif isinstance(node, FormField):
                node = node.form[part]
            else:
                node = node[part]  # the top-level form
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    if isinstance(node, (FieldList, FormField)):
        return None
    return node if isinstance(node, Field) else None


class TrioForm(ProblemFields, CheckedForm):
    municipality = SelectField(_l("Gemeente"), validate_choice=False)
    casus = FormField(CasusForm)
    members = FieldList(FormField(MemberForm), min_entries=3, max_entries=3)
    approver = FormField(PersonForm)
    billing = FormField(OptionalBillingForm)
    consent = BooleanField(
        _l(
            "Ik geef toestemming om deze gegevens van ons trio en onze bestuurder te gebruiken voor deze aanmelding, zoals de privacyverklaring beschrijft. Ik heb hen daarover ingelicht."
        )
    )

    def set_municipalities(self, municipalities: list[Municipality]) -> None:
        self.municipality.choices = [SelectChoice("", _l("Kies uw gemeente"))] + [
            SelectChoice(
                m.code,
                f"{m.display_name} – {_l('middelgrote gemeente')}"
                if m.middelgroot
                else m.display_name,
            )
            for m in municipalities
        ]

    def as_request(self, locale: str) -> dict:
        """The form's content in the API's request shape."""

        def person(sub) -> dict:
            return {
                "name": sub.form.name.data,
                "email": sub.form.email.data,
                "function": sub.form.function.data,
            }

        return {
            "municipality": self.municipality.data or None,
            "casus": {
                "title": self.casus.form.title.data,
                "wijk": self.casus.form.wijk.data,
                "description": self.casus.form.description.data,
                "domains": list(self.casus.form.domains.data or []),
            },
            "members": [
                person(entry)
                | {"role": entry.form.role.data or None, "domain": entry.form.domain.data or None}
                for entry in self.members
            ],
            "approver": person(self.approver),
            "billing": self.billing.form.as_request() if self.billing.form.filled else None,
            "consent": bool(self.consent.data),
            "locale": locale,
        }


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


class ContactForm(Form):
    """Someone to reach: an individual registering, a municipality's contact for a Wijklab."""

    name = StringField(_l("Naam"), render_kw={"autocomplete": "name"})
    email = StringField(_l("E-mailadres"), render_kw={"type": "email", "autocomplete": "email"})
    phone = StringField(
        _l("Telefoonnummer"),
        validators=[Optional()],
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    function = StringField(
        _l("Functie"),
        validators=[Optional()],
        render_kw={"autocomplete": "organization-title"},
    )


class ParticipantForm(ContactForm):
    organisation = StringField(_l("Organisatie"), render_kw={"autocomplete": "organization"})
    organisation_type = SelectField(
        _l("Soort organisatie"), validate_choice=False, choices=organisation_type_choices()
    )
    role = SelectField(_l("Uw rol"), validate_choice=False, choices=professional_role_choices())


class IndividualForm(ProblemFields, CheckedForm):
    """An individual's registration for a course; the service checks every rule."""

    person = FormField(ParticipantForm)
    billing = FormField(BillingForm)
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


class LabRequestForm(ProblemFields, CheckedForm):
    """A municipality's request for a Wijklab; the service checks every rule."""

    municipality = SelectField(_l("Gemeente"), validate_choice=False)
    contact = FormField(ContactForm)
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
    billing = FormField(BillingForm)
    consent = BooleanField(
        _l(
            "Ik geef toestemming om mijn gegevens te gebruiken voor deze aanvraag, zoals de privacyverklaring beschrijft."
        )
    )

    set_municipalities = TrioForm.set_municipalities

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
