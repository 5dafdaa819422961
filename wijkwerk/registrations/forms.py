"""The trio form. It only carries the fields (and CSRF); the rules, including which fields are
required, are checked by the service so the form and the API answer alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from wijkwerk.municipalities.models import Municipality


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


class TrioForm(FlaskForm):
    municipality = SelectField(_l("Gemeente"), validate_choice=False)
    casus = FormField(CasusForm)
    members = FieldList(FormField(MemberForm), min_entries=3, max_entries=3)
    approver = FormField(PersonForm)

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
            "locale": locale,
        }

    def field_at(self, path: str | None) -> Field | None:
        """The field a problem's path points at (``members[1].email``); for a path inside a field
        (``casus.domains[2]``) that field; None for a group such as ``members``."""
        while path:
            found = self._resolve(path)
            if found is not None or ("." not in path and "[" not in path):
                return found
            path = path[: max(path.rfind("."), path.rfind("["))]
        return None

    def _resolve(self, path: str) -> Field | None:
        node: object = self
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
