"""The AVG (GDPR) duties: erase a person on request, and the anonymising it shares with the
retention period's purge (wijkwerk/privacy/retention.py). What is held about someone, for them to
see, is in wijkwerk/privacy/export.py.

What stays: registrations themselves (counts, states, dates), and invoices with every buyer detail
for seven years, as the tax law requires (art. 52 AWR); an invoice copies its buyer details, so
anonymising a person never changes an invoice.

Anonymising overwrites the personal fields, blanks the copies of mail sent to the person, masks
the same values in the audit log (which would otherwise still hold them as "before" values), and
takes the name and address out of the free text written about the person (history, notes, casus,
and the audit log's copies of those and of the invoices).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from wijkwerk.attendance.models import Attendance
from wijkwerk.audit.models import AuditEntry
from wijkwerk.email_address import normalise_email
from wijkwerk.extensions import db
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.outbox.services import anonymous_address
from wijkwerk.people.models import Person
from wijkwerk.privacy.export import find_person, registrations_of
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import Programme, ProgrammeSession
from wijkwerk.registrations.models import Registration
from wijkwerk.registrations.parts import BillingDetails, RegistrationMember
from wijkwerk.timeutil import now_utc
from wijkwerk.validation import Problem, RuleViolation

ERASED = "[geanonimiseerd]"

# The personal columns of each table, masked in the audit log when their row is anonymised.
PERSONAL_COLUMNS = {
    "person": {"email", "name", "phone", "function"},
    "registration_member": {
        "function",
        "organisation_name",
        "dietary_needs",
        "accessibility_needs",
    },
    "registration": {"approver_function", "organiser_note"},
    "billing_details": {"email", "ordered_by"},
    "attendance": {"substitute_name", "substitute_email"},
    "expert": {"name", "email", "phone", "organisation"},
}


# --- anonymising ----------------------------------------------------------------------------------


@dataclass
class Anonymised:
    """What one erasure or purge changed, per table, with the rows whose audit trail is masked."""

    people: int = 0
    registrations: int = 0
    members: int = 0
    mails: int = 0
    rows: set[tuple[str, int]] = field(default_factory=set)
    # Rows whose audit entries may name someone in free text, with the names and addresses.
    texts: dict[tuple[str, str], list[re.Pattern]] = field(default_factory=dict)

    def names_in(self, rows: Iterable[tuple[str, int]], needles: list[re.Pattern]) -> None:
        for table, row_id in rows:
            self.texts.setdefault((table, str(row_id)), []).extend(needles)

    # What a kind's own erasure (its ``personal_data`` in the registry) uses:

    @staticmethod
    def needles(*values: str | None) -> list[re.Pattern]:
        """Patterns that find these names and addresses in free text."""
        return _needles(*values)

    def scrub(self, registration: Registration, needles: list[re.Pattern]) -> None:
        """The names and addresses out of a registration's history, note and casus."""
        _scrub_registration(registration, needles, self)

    def erased(self, table: str, row_id: int) -> None:
        """Someone of a kind's own table (the Wijklab's experts) was erased."""
        self.rows.add((table, row_id))
        self.people += 1


def anonymise_person(person: Person, now: dt.datetime, done: Anonymised) -> None:
    old_email = person.email
    person.name = ERASED
    person.email = anonymous_address("persoon", person.id)
    person.phone = None
    person.function = None
    person.organisation_id = None
    person.anonymised_at = now
    done.people += 1
    done.rows.add(("person", person.id))
    _blank_mail(
        select(OutboxMessage).where(
            or_(OutboxMessage.person_id == person.id, OutboxMessage.recipient == old_email)
        ),
        now,
        done,
    )


def _anonymise_substitute(mark: Attendance, done: Anonymised) -> None:
    mark.substitute_name = ERASED if mark.substitute_name else None
    mark.substitute_email = None
    done.rows.add(("attendance", mark.id))


def _anonymise_member(member: RegistrationMember, done: Anonymised) -> None:
    member.function = None
    member.organisation_name = None
    member.dietary_needs = ""
    member.accessibility_needs = ""
    done.members += 1
    done.rows.add(("registration_member", member.id))


def _blank_mail(query, now: dt.datetime, done: Anonymised) -> None:
    """Copies of mail keep their key (so nothing is sent again) but lose their content; mail not
    yet sent never will be."""
    for message in db.session.scalars(query):
        if message.subject == ERASED:
            continue  # blanked before
        message.recipient = anonymous_address("bericht", message.id)
        message.subject = ERASED
        message.body_text = ""
        message.body_html = None
        message.render_from = None  # and never written
        if message.sent_at is None:
            message.sent_at = now
            message.last_error = _("Niet verstuurd: de ontvanger is geanonimiseerd.")
        message.attachments.clear()  # deleted with the orphan cascade
        done.mails += 1


def _anonymise_billing(
    billing: BillingDetails, done: Anonymised, *, address: bool = True, ordered_by: bool = True
) -> None:
    """The billing contact of a registration; its invoices keep their own copy."""
    if address:
        billing.email = anonymous_address("factuur", billing.id)
    if ordered_by:
        billing.ordered_by = None
    done.rows.add(("billing_details", billing.id))


def anonymise_registration(registration: Registration, now: dt.datetime, done: Anonymised) -> None:
    """The personal details of one registration: its members' answers, the approver's function,
    the billing contact, the organisers' note and its secret links, and the names and addresses
    of its people in its history. Its invoices stay."""
    people = [m.person for m in registration.members]
    people += [p for p in (registration.contact_person, registration.approver) if p is not None]
    _scrub_registration(
        registration, _needles(*(v for p in people for v in (p.name, p.email))), done
    )
    for member in registration.members:
        _anonymise_member(member, done)
        for mark in db.session.scalars(select(Attendance).where(Attendance.member_id == member.id)):
            if mark.substitute_name or mark.substitute_email:
                _anonymise_substitute(mark, done)
    registration.approver_function = None
    registration.organiser_note = ""
    registration.feed_token = None  # the personal calendar feed stops
    registration.anonymised_at = now
    if registration.billing is not None:
        _anonymise_billing(registration.billing, done)
    _blank_mail(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id), now, done
    )
    done.registrations += 1
    done.rows.add(("registration", registration.id))


# --- free text that names someone -----------------------------------------------------------------
#
# Besides the personal columns, a person's name or address ends up in text written about them: the
# history's "approver dirk@…" and reasons ("Dirk Smit gaf telefonisch akkoord"), an organisers'
# note, the casus, and the audit log's copies of all of these. Those texts stay (what happened,
# and when); the name and the address in them are replaced.


def _needles(*values: str | None) -> list[re.Pattern]:
    """Patterns for a person's name and address, any case, as whole words (so "Jan" leaves
    "januari" alone); nothing for an empty or erased one."""
    return [
        re.compile(rf"(?<!\w){re.escape(v.strip())}(?!\w)", re.IGNORECASE)
        for v in values
        if v and v.strip() and v.strip() != ERASED
    ]


def _scrubbed(value: Any, needles: list[re.Pattern]) -> Any:
    """``value`` (a text, or JSON made of texts) with every needle replaced by :data:`ERASED`."""
    if isinstance(value, str):
        for needle in needles:
            value = needle.sub(ERASED, value)
        return value
    if isinstance(value, list):
        return [_scrubbed(v, needles) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, needles) for k, v in value.items()}
    return value


def _names(text: str, needles: list[re.Pattern]) -> bool:
    return any(needle.search(text) for needle in needles)


def _scrub(obj: object, columns: tuple[str, ...], needles: list[re.Pattern]) -> bool:
    changed = False
    for column in columns:
        before = getattr(obj, column)
        after = _scrubbed(before, needles)
        if after != before:
            setattr(obj, column, after)
            changed = True
    return changed


def _scrub_registration(
    registration: Registration, needles: list[re.Pattern], done: Anonymised
) -> None:
    """The name and address out of a registration's history, note and casus; its rows (and its
    invoices', whose audit entries copy the buyer) are noted for :func:`scrub_audit`."""
    if not needles:
        return
    rows = [("registration", registration.id)]
    for event in registration.events:
        _scrub(event, ("actor_label", "reason"), needles)
        rows.append(("registration_event", event.id))
    _scrub(registration, ("organiser_note",), needles)
    if registration.casus is not None:
        _scrub(registration.casus, ("title", "wijk", "description"), needles)
        rows.append(("casus", registration.casus.id))
    billing = registration.billing
    if billing is not None and billing.ordered_by and _names(billing.ordered_by, needles):
        billing.ordered_by = None  # the approver, by default: the invoices keep their own copy
        done.rows.add(("billing_details", billing.id))
    rows += [("registration_member", m.id) for m in registration.members]
    rows += [("invoice", i.id) for i in registration.invoices]
    if billing is not None:
        rows.append(("billing_details", billing.id))
    done.names_in(rows, needles)


def scrub_audit(texts: dict[tuple[str, str], list[re.Pattern]]) -> None:
    """The audit log's copies of those rows without the names and addresses (the invoice itself
    keeps them; its audit entry is a copy, not the invoice)."""
    by_table: dict[str, list[str]] = {}
    for table, row_id in texts:
        by_table.setdefault(table, []).append(row_id)
    for table, row_ids in by_table.items():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.table == table, AuditEntry.row_id.in_(row_ids))
        )
        for entry in entries:
            changes = _scrubbed(entry.changes, texts[(table, entry.row_id)])
            if changes != entry.changes:
                entry.changes = changes


def mask_audit(rows: set[tuple[str, int]]) -> None:
    """The audit log keeps who changed what and when, but not the personal values themselves."""
    by_table: dict[str, list[str]] = {}
    for table, row_id in rows:
        by_table.setdefault(table, []).append(str(row_id))
    for table, row_ids in by_table.items():
        personal = PERSONAL_COLUMNS.get(table, set())
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.table == table, AuditEntry.row_id.in_(row_ids))
        )
        for entry in entries:
            masked = {
                column: [ERASED if v is not None else None for v in values]
                if column in personal
                else values
                for column, values in entry.changes.items()
            }
            if masked != entry.changes:
                entry.changes = masked


def _still_running(registration: Registration, now: dt.datetime) -> bool:
    """An active registration for a programme that has not ended yet."""
    return registration.state.is_active and (programme_end(registration.programme) or now) >= now


def erase_person(email: str) -> Anonymised:
    """Erase a person on request (AVG art. 17): anonymise them everywhere but on invoices.

    Refused while they take part in a programme that has not ended: cancel or replace them first,
    so that nobody is left with a place held by no one."""
    email = normalise_email(email)
    now = now_utc()
    person = find_person(email)
    elsewhere = [kind.personal_data for kind in kinds.all_kinds() if kind.personal_data]
    held = [data for data in elsewhere if data.holds(email)]
    substitutes = list(
        db.session.scalars(select(Attendance).where(Attendance.substitute_email == email))
    )
    if person is None and not held and not substitutes:
        raise RuleViolation(
            Problem("unknown_person", "email", _("Over dit e-mailadres is niets bekend."))
        )
    done = Anonymised()
    if person is not None:
        registrations = registrations_of(person)
        running = [r.reference for r in registrations if _still_running(r, now)]
        if running:
            raise RuleViolation(
                Problem(
                    "still_registered",
                    "email",
                    _(
                        "Deze persoon doet nog mee (%(references)s). Annuleer die aanmelding "
                        "eerst; daarna kunt u de gegevens wissen.",
                        references=", ".join(running),
                    ),
                )
            )
        needles = _needles(person.name, person.email, email)
        for registration in registrations:
            _scrub_registration(registration, needles, done)
            for member in registration.members:
                if member.person_id == person.id:
                    _anonymise_member(member, done)
            if registration.approver_person_id == person.id:
                registration.approver_function = None
                done.rows.add(("registration", registration.id))
            billing = registration.billing
            # Copies of the registration's mail name everyone in it (an invoice mail names the
            # participant): they go too.
            _blank_mail(
                select(OutboxMessage).where(OutboxMessage.registration_id == registration.id),
                now,
                done,
            )
            if billing is not None and registration.contact_person_id == person.id:
                # Only what is the person's own: often a finance department's address.
                _anonymise_billing(
                    billing,
                    done,
                    address=billing.email == email,
                    ordered_by=billing.ordered_by == person.name,
                )
        anonymise_person(person, now, done)
    for mark in substitutes:
        _anonymise_substitute(mark, done)
    for data in held:
        data.erase(email, done)
    db.session.flush()  # the audit hook records this erasure; then the old values are masked
    mask_audit(done.rows)
    scrub_audit(done.texts)
    return done


def programme_end(programme: Programme) -> dt.datetime | None:
    return db.session.scalar(
        select(db.func.max(ProgrammeSession.ends_at)).where(
            ProgrammeSession.programme_id == programme.id
        )
    )
