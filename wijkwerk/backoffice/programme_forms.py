"""A programme's settings form (with the fields for euros, VAT rates and days) and its contact
persons form, and how they translate to and from :mod:`wijkwerk.planning.editing`."""

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
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

from wijkwerk.backoffice.forms import NO, YES
from wijkwerk.money import cents_from_string, euros_as_string, rate_as_string, rate_from_string
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Allocation, Exemption, FeeUnit, Programme
from wijkwerk.registrations.forms import FixedRows, ProblemFields
from wijkwerk.timeutil import AMSTERDAM, at_local
from wijkwerk.webforms import CheckedForm, SubForm


class MoneyField(StringField):
    """An amount in euros as typed in the Netherlands (``1.234,56``), held as cents."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = cents_from_string(valuelist[0])
            except ValueError:
                raise ValueError(_("Vul een bedrag in euro in, zoals 200,00.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return euros_as_string(self.data) if self.data is not None else ""


class VatRateField(StringField):
    """A VAT rate in percent (``21``, ``9``), held as basis points."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = rate_from_string(valuelist[0])
            except ValueError:
                raise ValueError(_('Geef een btw-tarief zoals "21" of "9".')) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return rate_as_string(self.data).replace(".", ",") if self.data is not None else ""


class DaysField(StringField):
    """Whole days, comma-separated (``7, 1``), held as a list from far to near."""

    def process_formdata(self, valuelist):
        self.data = []
        text = valuelist[0] if valuelist else ""
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise ValueError(_("Geef hele dagen, gescheiden door komma's: 7, 1."))
        self.data = sorted({int(part) for part in parts}, reverse=True)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(d) for d in self.data or [])


class ProgrammeForm(CheckedForm):
    """A programme's settings. Slug and kind only when it is made: they never change."""

    slug = StringField(
        _l("Slug (het webadres, bijvoorbeeld werkplaatsen-2028)"),
        validators=[InputRequired(_l("Vul dit veld in.")), Length(max=80)],
    )
    kind = RadioField(
        _l("Soort programma"),
        choices=lambda: [SelectChoice(k.value.value, k.summary) for k in kinds.all_kinds()],
        validators=[InputRequired(_l("Kies een van de mogelijkheden."))],
    )
    title = StringField(
        _l("Titel"), validators=[InputRequired(_l("Vul dit veld in.")), Length(max=200)]
    )
    summary = TextAreaField(_l("Korte omschrijving"), validators=[Optional(), Length(max=1000)])
    description = TextAreaField(_l("Beschrijving"), validators=[Optional(), Length(max=20000)])
    audience = TextAreaField(_l("Voor wie"), validators=[Optional(), Length(max=5000)])
    fee = MoneyField(
        _l("Bijdrage excl. btw in euro (0 is gratis)"),
        default=0,
        validators=[InputRequired(_l("Vul een bedrag in euro in, zoals 200,00."))],
    )
    vat_rate = VatRateField(
        _l("Btw-tarief in procenten"),
        default=2100,
        validators=[InputRequired(_l('Geef een btw-tarief zoals "21" of "9".'))],
    )
    vat_exemption_text = StringField(
        _l("Tekst op de factuur bij vrijstelling van btw"),
        validators=[Optional(), Length(max=500)],
    )
    fee_per = RadioField(
        _l("De bijdrage geldt per"),
        choices=[
            SelectChoice("trio", _l("trio")),
            SelectChoice("person", _l("persoon")),
            SelectChoice("booking", _l("boeking")),
            SelectChoice("city", _l("stad")),
        ],
        validators=[InputRequired(_l("Kies een van de mogelijkheden."))],
    )
    middelgroot_free = RadioField(
        _l("Middelgrote gemeenten"),
        choices=[
            SelectChoice(NO, _l("Betalen de bijdrage")),
            SelectChoice(YES, _l("Doen kosteloos mee (vrijstelling)")),
        ],
        default=NO,
        validators=[InputRequired(_l("Kies een van de mogelijkheden."))],
    )
    capacity = IntegerField(
        _l("Aantal plaatsen (leeg: onbeperkt)"),
        validators=[Optional(), NumberRange(1, 100_000, _l("Kies minstens 1."))],
    )
    min_participants = IntegerField(
        _l("Minimum om door te gaan"),
        validators=[Optional(), NumberRange(1, 100_000, _l("Kies minstens 1."))],
    )
    allocation = RadioField(
        _l("Plaatsen verdelen"),
        choices=[
            SelectChoice("first_come", _l("Op volgorde van aanmelding, daarna een wachtlijst")),
            SelectChoice(
                "priority_at_close",
                _l("Bij de sluiting: eerst vrijgestelde gemeenten, dan op volgorde"),
            ),
        ],
        default="first_come",
        validators=[InputRequired(_l("Kies een van de mogelijkheden."))],
    )
    opens_day = DateField(_l("Aanmelding opent op (leeg: bij publiceren)"), validators=[Optional()])
    opens_time = TimeField(_l("om"), validators=[Optional()])
    deadline_day = DateField(
        _l("Aanmelding sluit op (leeg: geen sluiting)"), validators=[Optional()]
    )
    deadline_time = TimeField(_l("om"), validators=[Optional()])
    cancel_free_days = IntegerField(
        _l("Kosteloos annuleren tot zoveel dagen voor de eerste bijeenkomst (leeg: tot de start)"),
        validators=[Optional(), NumberRange(0, 365, _l("Kies 0 tot 365 dagen."))],
    )
    late_charge = IntegerField(
        _l("Daarna blijft verschuldigd (procent van de bijdrage)"),
        default=100,
        validators=[
            InputRequired(_l("Vul een percentage in.")),
            NumberRange(0, 100, _l("Kies een percentage van 0 tot 100.")),
        ],
    )
    cancellation_terms = TextAreaField(
        _l("Annuleringsvoorwaarden, aanvullende tekst"), validators=[Optional(), Length(max=5000)]
    )
    reminder_days = DaysField(
        _l("Herinneringen, dagen voor elke bijeenkomst (bijvoorbeeld 7, 1; leeg: geen)"),
        default=[7, 1],
    )


# Where a service's problem about a setting shows in the programme form.
PROGRAMME_FORM_FIELD = {
    "fee_cents": "fee",
    "vat_rate_bp": "vat_rate",
    "exemption": "middelgroot_free",
    "registration_opens_at": "opens_day",
    "registration_deadline": "deadline_day",
    "cancel_late_charge_bp": "late_charge",
}


def _moment(day: dt.date | None, time: dt.time | None, default: dt.time) -> dt.datetime | None:
    return at_local(day, time or default) if day is not None else None


def _day_and_time(moment: dt.datetime | None) -> tuple[dt.date | None, dt.time | None]:
    if moment is None:
        return None, None
    local = moment.astimezone(AMSTERDAM)
    return local.date(), local.time()


def programme_form(programme: Programme | None = None) -> ProgrammeForm:
    """The form for a new programme, or filled in with ``programme``'s settings (slug and kind
    left out: they never change)."""
    if programme is None:
        return ProgrammeForm()
    opens_day, opens_time = _day_and_time(programme.registration_opens_at)
    deadline_day, deadline_time = _day_and_time(programme.registration_deadline)
    form = ProgrammeForm(
        data={
            "title": programme.title,
            "summary": programme.summary,
            "description": programme.description,
            "audience": programme.audience,
            "fee": programme.fee_cents,
            "vat_rate": programme.vat_rate_bp,
            "vat_exemption_text": programme.vat_exemption_text or "",
            "fee_per": programme.fee_per.value,
            "middelgroot_free": YES if programme.exemption else NO,
            "capacity": programme.capacity,
            "min_participants": programme.min_participants,
            "allocation": programme.allocation.value,
            "opens_day": opens_day,
            "opens_time": opens_time,
            "deadline_day": deadline_day,
            "deadline_time": deadline_time,
            "cancel_free_days": programme.cancel_free_days,
            "late_charge": programme.cancel_late_charge_bp // 100,
            "cancellation_terms": programme.cancellation_terms,
            "reminder_days": programme.reminder_days,
        }
    )
    del form.slug, form.kind
    return form


def programme_values(form: ProgrammeForm) -> dict[str, Any]:
    """A validated form's settings, as :mod:`wijkwerk.planning.editing` takes them."""
    return {
        "title": form.title.data.strip(),
        "summary": (form.summary.data or "").strip(),
        "description": (form.description.data or "").strip(),
        "audience": (form.audience.data or "").strip(),
        "fee_cents": form.fee.data,
        "vat_rate_bp": form.vat_rate.data,
        "vat_exemption_text": (form.vat_exemption_text.data or "").strip() or None,
        "fee_per": FeeUnit(form.fee_per.data),
        "exemption": Exemption.MIDDELGROOT if form.middelgroot_free.data == YES else None,
        "capacity": form.capacity.data,
        "min_participants": form.min_participants.data,
        "allocation": Allocation(form.allocation.data),
        "registration_opens_at": _moment(form.opens_day.data, form.opens_time.data, dt.time(0, 0)),
        "registration_deadline": _moment(
            form.deadline_day.data, form.deadline_time.data, dt.time(23, 59)
        ),
        "cancel_free_days": form.cancel_free_days.data,
        "cancel_late_charge_bp": form.late_charge.data * 100,
        "cancellation_terms": (form.cancellation_terms.data or "").strip(),
        "reminder_days": form.reminder_days.data,
    }


class ContactRow(SubForm):
    topic = SelectField(
        _l("Waarover"),
        choices=[
            SelectChoice("content", _l("Inhoudelijke vragen")),
            SelectChoice("practical", _l("Praktische vragen")),
            SelectChoice("general", _l("Vragen")),
        ],
        validate_choice=False,
    )
    name = StringField(_l("Naam"))
    email = StringField(_l("E-mailadres"), validators=[Optional()], render_kw={"type": "email"})
    phone = StringField(_l("Telefoonnummer"), validators=[Optional()], render_kw={"type": "tel"})

    @property
    def filled(self) -> bool:
        return any((self[key].data or "").strip() for key in ("name", "email", "phone"))


class ContactsForm(ProblemFields, CheckedForm):
    """Up to four contact persons of a programme; empty rows are left out."""

    contacts = FixedRows(FormField(ContactRow), _l("Contactpersoon"), min_entries=4, max_entries=4)

    def as_rows(self) -> tuple[list[dict], list[int]]:
        rows = [(i, entry.form) for i, entry in enumerate(self.contacts) if entry.form.filled]
        return (
            [{key: (row[key].data or "").strip() for key in row._fields} for _, row in rows],
            [i for i, _ in rows],
        )


def contacts_form(programme: Programme) -> ContactsForm:
    rows = [
        {"topic": c.topic.value, "name": c.name, "email": c.email or "", "phone": c.phone or ""}
        for c in programme.contacts
    ]
    return ContactsForm(data={"contacts": rows + [{}] * (4 - len(rows))})
