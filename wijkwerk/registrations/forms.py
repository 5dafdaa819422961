"""What the registration forms of every kind share: people, billing, rows, problems at their field.

A form only carries the fields (and CSRF); the rules, including which fields are required, are
checked by the kind's service so the form and the API answer alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    FieldList,
    FormField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wijkwerk.municipalities.models import Municipality
from wijkwerk.municipalities.services import search_municipalities
from wijkwerk.webforms import CheckedForm, SubForm


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; which values are allowed is the service's business."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(SubForm):
    """Someone other than the person filling in the form (a trio member, the approver): no
    autofill token, as those describe the one who fills in (docs/registrants.md)."""

    name = StringField(_l("Naam"))
    email = StringField(_l("E-mailadres"), render_kw={"type": "email"})
    function = StringField(_l("Functie"))


class BillingForm(SubForm):
    organisation = StringField(_l("Naam organisatie (zoals op de factuur)"))
    address = StringField(_l("Adres of postbus"), render_kw={"autocomplete": "address-line1"})
    postcode = StringField(_l("Postcode"), render_kw={"autocomplete": "postal-code"})
    city = StringField(_l("Plaats"), render_kw={"autocomplete": "address-level2"})
    email = StringField(_l("E-mailadres voor facturen"), render_kw={"type": "email"})
    po_number = StringField(
        _l("Inkoopordernummer of verplichtingennummer"), validators=[Optional()]
    )
    kvk_or_oin = StringField(
        _l("KvK-nummer of OIN"), validators=[Optional()], render_kw={"inputmode": "numeric"}
    )

    def as_request(self) -> dict:
        return {name: self[name].data for name in self._fields}

    @property
    def filled(self) -> bool:
        return any((self[name].data or "").strip() for name in self._fields)


class OptionalBillingForm(BillingForm):
    """Billing details a trio gives only when its municipality pays, now or later on its page
    (registrations/billing.py): required on a condition the section explains, so no field says
    "niet verplicht" and none is marked required."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            field.flags.conditional = True


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


def municipality_choices(municipalities: list[Municipality]) -> list[SelectChoice]:
    """The options of a municipality list, with middelgrote gemeenten marked in the text."""
    return [SelectChoice("", _l("Kies uw gemeente"))] + [
        SelectChoice(
            m.code,
            f"{m.display_name} – {_l('middelgrote gemeente')}" if m.middelgroot else m.display_name,
        )
        for m in municipalities
    ]


def with_municipalities(form_class):
    """The kind registry's ``form`` for a form whose ``municipality`` lists every municipality:
    a new form of ``form_class`` with those choices."""

    def make():
        form = form_class()
        form.municipality.choices = municipality_choices(search_municipalities())
        return form

    return make


class ContactForm(SubForm):
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


class CancelForm(CheckedForm):
    """The page that asks a registrant to confirm a cancellation: an optional reason."""

    reason = TextAreaField(
        _l("Reden"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 3, "maxlength": 1000},
    )


class BillingPageForm(ProblemFields, CheckedForm):
    """The invoice details a registration gives after registering (registrations/billing.py)."""

    billing = FormField(BillingForm, _l("Factuurgegevens"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.billing.form.po_number.flags.optional = False  # here it is what is missing


class LostLinkForm(CheckedForm):
    """Someone asks for the links to their registrations again."""

    email = StringField(_l("Uw e-mailadres"), render_kw={"type": "email", "autocomplete": "email"})


class MemberDetailsForm(ProblemFields, CheckedForm):
    """A member's own name and function (registrations/members.py)."""

    name = StringField(_l("Naam"), render_kw={"autocomplete": "name"})
    function = StringField(_l("Functie"), render_kw={"autocomplete": "organization-title"})


class SubstituteForm(ProblemFields, CheckedForm):
    """Someone who takes a member's place (registrations/members.py)."""

    substitute = FormField(PersonForm, _l("Vervanger"))
