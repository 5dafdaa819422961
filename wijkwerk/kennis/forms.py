"""Forms of the Kennisprogramma; they carry fields, the rules are in the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, FormField, SelectField, StringField, TimeField
from wtforms.validators import Optional

from wijkwerk.registrations.forms import FixedRows, MultiCheckboxField, PersonForm, ProblemFields
from wijkwerk.webforms import CheckedForm, SubForm


class DelegateForm(SubForm):
    name = StringField(_l("Naam"))
    email = StringField(_l("E-mailadres"), render_kw={"type": "email"})
    organisation = StringField(_l("Organisatie"))
    discipline = StringField(_l("Discipline of functie"))

    @property
    def filled(self) -> bool:
        return any((self[name].data or "").strip() for name in self._fields)


class DelegatesForm(ProblemFields, CheckedForm):
    delegates = FixedRows(FormField(DelegateForm), _l("Deelnemer"), min_entries=3, max_entries=3)

    def as_request(self) -> tuple[dict, list[int]]:
        """The filled rows in the API's shape, and which row each came from."""
        rows = [(i, entry.form) for i, entry in enumerate(self.delegates) if entry.form.filled]
        body = {
            "delegates": [
                {name: (row[name].data or "").strip() for name in row._fields} for _, row in rows
            ]
        }
        return body, [i for i, _ in rows]


class CityForm(ProblemFields, CheckedForm):
    municipality = SelectField(_l("Gemeente"), validate_choice=False)
    region = StringField(_l("Regio (als een regio deelneemt)"), validators=[Optional()])
    wijk = StringField(_l("Deelnemende wijk"))
    contact = FormField(PersonForm, _l("Contactpersoon"))

    def as_request(self, locale: str = "nl") -> dict:
        return {
            "municipality": self.municipality.data or None,
            "region": self.region.data,
            "wijk": self.wijk.data,
            "contact": {
                "name": self.contact.form.name.data,
                "email": self.contact.form.email.data,
                "function": self.contact.form.function.data,
            },
            "locale": locale,
        }


class MeetingForm(CheckedForm):
    # The choices (the participating wijken) are set by the view; anything else is refused.
    host = SelectField(_l("Gastwijk (de bijeenkomst is daar)"))
    presenters = MultiCheckboxField(_l("Wijken die presenteren (drie of vier)"))
    deadline_day = DateField(
        _l("Deelnemers opgeven vóór (leeg: een week vooraf)"), validators=[Optional()]
    )
    deadline_time = TimeField(_l("om"), validators=[Optional()])


class WijkanalyseForm(CheckedForm):
    document = FileField(_l("Wijkanalyse (PDF, .docx of .odt, hooguit 10 MB)"))
