"""The mails a registration's lifecycle sends, queued in the outbox with a unique key each."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk.accounts.models import Account, Role
from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue
from wijkwerk.outbox.services import resend as outbox_resend
from wijkwerk.outbox.writing import MailContent, renders_mail
from wijkwerk.people.models import Person
from wijkwerk.programmes import kinds
from wijkwerk.programmes.models import SessionStatus
from wijkwerk.registrations.links import (
    billing_url,
    feed_url,
    page_url,
    payment_url,
    webcal_url,
)
from wijkwerk.registrations.models import Registration, RegistrationEvent, RegistrationState
from wijkwerk.registrations.sessions import ics_attachment, sessions_of

S = RegistrationState


def people_of(registration: Registration):
    """Everyone a registration's mail goes to, once each: its members, then its contact person."""
    seen = set()
    for member in registration.members:
        if member.person_id not in seen:
            seen.add(member.person_id)
            yield member.person
    if registration.contact_person is not None and registration.contact_person_id not in seen:
        yield registration.contact_person


def _about(registration: Registration, person) -> dict:
    """What every mail about a registration to one of its people can show and link to."""
    return {
        "registration": registration,
        "person": person,
        "manage_url": page_url(registration, person),
        "payment_url": payment_url(registration),
        "billing_url": billing_url(registration),
    }


def _tell(key: str, person, registration: Registration, template: str, **context) -> None:
    """Queue ``template`` for ``person`` about ``registration``, in its locale, with its links."""
    queue(
        key,
        person.email,
        template,
        locale=registration.locale,
        registration_id=registration.id,
        person_id=person.id,
        **_about(registration, person),
        **context,
    )


def status_changed(registration: Registration, event: RegistrationEvent) -> None:
    """Tell everyone on the registration what ``event`` means for them. A confirmation carries
    the sessions as an .ics file and the link to the personal feed. The mail is written when it
    is delivered (every registration sends one; see :func:`_status_mail`)."""
    db.session.flush()  # the event needs its id for the mail's key
    for person in people_of(registration):
        queue(
            f"status:{registration.id}:{event.id}:{person.id}",
            person.email,
            "registration_status",
            locale=registration.locale,
            registration_id=registration.id,
            person_id=person.id,
            render_from=f"registration-status:{event.id}:{person.id}",
        )


@renders_mail("registration-status")
def _status_mail(argument: str) -> MailContent:
    """A status mail queued by :func:`status_changed`: ``"<event>:<person>"``."""
    event_id, person_id = (int(part) for part in argument.split(":"))
    event = db.session.get(RegistrationEvent, event_id)
    person = db.session.get(Person, person_id)
    if event is None or person is None:
        raise LookupError(f"registration-status:{argument} is gone")
    registration = event.registration
    attachments = ()
    sessions = []
    if event.to_state is RegistrationState.CONFIRMED:
        sessions = sessions_of(registration)
    elif event.to_state is RegistrationState.CANCELLED and event.from_state is S.CONFIRMED:
        # what was in their calendar and no longer goes ahead (a cancelled programme)
        sessions = [
            s
            for s in kinds.of(registration.programme).attends(registration)
            if s.status is SessionStatus.CANCELLED
        ]
    if sessions:  # the sessions as they are when the mail goes out
        title, locale = registration.programme.title, registration.locale
        attachments = (ics_attachment(title, sessions, locale=locale),)
    if event.to_state is RegistrationState.CONFIRMED:
        listed = sessions  # theirs, also in the attachment
    elif event.to_state.is_active:
        listed = registration.programme.public_sessions  # what is planned, for their agenda
    else:
        listed = []
    context = {
        **_about(registration, person),
        "event": event,
        "sessions": listed,
        "calendar_url": feed_url(registration),
        "webcal_url": webcal_url(registration),
    }
    return MailContent(context, attachments)


def below_minimum(registration_count: int, programme, key: str) -> None:
    """Warn organisers that a series has fewer participants than its minimum."""
    organisers = db.session.scalars(
        select(Account).where(
            Account.active.is_(True), Account.role.in_([Role.ADMIN, Role.ORGANISER])
        )
    )
    for account in organisers:
        queue(
            f"below-minimum:{programme.id}:{key}:{account.id}",
            account.email,
            "below_minimum",
            programme=programme,
            count=registration_count,
        )


def _payer(registration: Registration):
    return registration.contact_person or next(people_of(registration), None)


def payment_failed(payment, attempt: str) -> None:
    """Tell the registrant a payment attempt failed and how to try again (once per ``attempt``,
    the id of Stripe's notice)."""
    registration = payment.registration
    person = _payer(registration)
    if person is not None:
        key = f"payment-failed:{payment.id}:{attempt}"[:255]
        _tell(key, person, registration, "payment_failed", payment=payment)


def refund_sent(refund) -> None:
    """Tell the registrant money is on its way back."""
    registration = refund.payment.registration
    person = _payer(registration)
    if person is not None:
        _tell(f"refund:{refund.id}", person, registration, "refund", refund=refund)


def resend(registration: Registration, message, *, actor: Account) -> None:
    """Send a mail about ``registration`` again (lost in a spam filter, say); its history says
    who did."""
    outbox_resend(message)
    registration.note_change(
        actor=actor,
        reason=_(
            "Mail opnieuw verstuurd aan %(to)s: %(subject)s",
            to=message.recipient,
            subject=message.subject,
        ),
    )
