"""The trio form: municipality, casus, three members, the approver, billing when it pays."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from wijkwerk.registrations.forms import (
    MultiCheckboxField,
    OptionalBillingForm,
    PersonForm,
    ProblemFields,
)
from wijkwerk.webforms import CheckedForm, SubForm


def domain_choices():
    return [
        SelectChoice("fysiek", _l("Fysiek (wonen, openbare ruimte)")),
        SelectChoice("sociaal", _l("Sociaal (zorg, welzijn, jeugd)")),
        SelectChoice("veiligheid", _l("Veiligheid")),
        SelectChoice("economie", _l("Economie")),
        SelectChoice("overig", _l("Overig")),
    ]


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
        _l("Beleidsdomein"),
        validate_choice=False,  # the service checks it, in the same words as for the API
        choices=[SelectChoice("", _l("Kies een domein")), *domain_choices()],
    )


class CasusForm(SubForm):
    title = StringField(_l("Titel van de casus"))
    wijk = StringField(_l("Wijk"))
    description = TextAreaField(_l("Beschrijving"), render_kw={"rows": 6})
    domains = MultiCheckboxField(
        _l("Beleidsdomeinen die de casus verbindt"), validate_choice=False, choices=domain_choices()
    )


class TrioForm(ProblemFields, CheckedForm):
    municipality = SelectField(_l("Gemeente"), validate_choice=False)
    casus = FormField(CasusForm, _l("Casus"))
    members = FieldList(FormField(MemberForm), _l("Lid"), min_entries=3, max_entries=3)
    approver = FormField(PersonForm, _l("Bestuurder of manager"))
    billing = FormField(OptionalBillingForm, _l("Factuurgegevens"))
    consent = BooleanField(
        _l(
            "Ik geef toestemming om deze gegevens van ons trio en onze bestuurder te gebruiken voor deze aanmelding, zoals de privacyverklaring beschrijft. Ik heb hen daarover ingelicht."
        )
    )

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
