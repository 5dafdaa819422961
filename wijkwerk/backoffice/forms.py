import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from wijkwerk.accounts.passwords import password_problem
from wijkwerk.email_address import EmailAddress, normalise_email
from wijkwerk.money import cents_from_string, euros_as_string, rate_as_string, rate_from_string
from wijkwerk.programmes.models import Allocation, Exemption, FeeUnit, Programme
from wijkwerk.registrations.forms import FixedRows, ProblemFields
from wijkwerk.timeutil import AMSTERDAM, at_local
from wijkwerk.webforms import CheckedForm

RULE, YES, NO = "rule", "yes", "no"


class MiddelgrootOverrideForm(CheckedForm):
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


class DecisionForm(CheckedForm):
    """An organiser's action on one registration, with the reason kept in its history."""

    action = RadioField(
        _l("Actie"),
        choices=[
            SelectChoice("approve", _l("Akkoord vastleggen (namens de bestuurder)")),
            SelectChoice("decline", _l("Geen akkoord vastleggen")),
            SelectChoice("promote", _l("Van de wachtlijst plaatsen")),
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


class NewSessionForm(CheckedForm):
    """A session: what it is about, when (Amsterdam time) and where."""

    title = StringField(
        _l("Titel"), validators=[InputRequired(_l("Vul dit veld in.")), Length(max=200)]
    )
    theme = StringField(_l("Thema"), validators=[Optional(), Length(max=300)])
    outcome = TextAreaField(_l("Wat levert het op"), validators=[Optional(), Length(max=5000)])
    practical = TextAreaField(
        _l("Praktische informatie"), validators=[Optional(), Length(max=5000)]
    )
    day = DateField(_l("Datum"), validators=[InputRequired(_l("Kies een datum."))])
    start = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Kies een begintijd."))])
    end = TimeField(_l("Eindtijd"), validators=[InputRequired(_l("Kies een eindtijd."))])
    location_name = StringField(_l("Locatie"), validators=[Optional(), Length(max=200)])
    location_address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])

    @property
    def starts_at(self) -> dt.datetime:
        return at_local(self.day.data, self.start.data)

    @property
    def ends_at(self) -> dt.datetime:
        return at_local(self.day.data, self.end.data)


class SessionForm(NewSessionForm):
    """Move, relocate or cancel a session, or change what it is about."""

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


class NewAccountForm(CheckedForm):
    email = StringField(
        _l("E-mailadres"),
        validators=[
            InputRequired(_l("Vul een e-mailadres in.")),
            Length(max=254, message=_l("Dit is geen geldig e-mailadres.")),
            EmailAddress(),  # the address must be one the log-in form accepts
        ],
    )
    name = StringField(_l("Naam"), validators=[Optional(), Length(max=200)])
    role = RadioField(_l("Rol"), choices=role_choices(), default="organiser")
    # A password is never written back into a page, not even one that was refused.
    password = PasswordField(
        _l(
            "Eerste wachtwoord (minstens 12 tekens en niet makkelijk te raden; geef het veilig door)"
        ),
        validators=[InputRequired(_l("Vul een wachtwoord in."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field) -> None:
        email = normalise_email(self.email.data or "")
        problem = password_problem(field.data or "", (email, self.name.data or ""))
        if problem is not None:
            raise ValidationError(problem)


class AccountForm(CheckedForm):
    role = RadioField(_l("Rol"), choices=role_choices())
    active = RadioField(
        _l("Toegang"),
        choices=[
            SelectChoice("yes", _l("Kan inloggen")),
            SelectChoice("no", _l("Geblokkeerd")),
        ],
    )


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
        choices=[
            SelectChoice("werkplaats", _l("Werkplaatsen voor trio's")),
            SelectChoice("driedaagse", _l("Driedaagse voor individuele deelnemers")),
            SelectChoice("wijklab", _l("Wijklab (een dag, geboekt door een gemeente)")),
            SelectChoice("kennisprogramma", _l("Kennisprogramma voor steden")),
        ],
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
    """A validated form's settings, as :mod:`wijkwerk.programmes.editing` takes them."""
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


def session_values(form: NewSessionForm) -> dict[str, Any]:
    return {
        "title": form.title.data.strip(),
        "theme": (form.theme.data or "").strip(),
        "outcome": (form.outcome.data or "").strip(),
        "practical": (form.practical.data or "").strip(),
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "location_name": (form.location_name.data or "").strip(),
        "location_address": (form.location_address.data or "").strip(),
    }


class ContactRow(Form):
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

    contacts = FixedRows(FormField(ContactRow), min_entries=4, max_entries=4)

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
