"""The links a registrant follows, in mails, on their page and in the API: their page, where they
pay, and their personal calendar feed."""

from __future__ import annotations

from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.urls import external_url


def manage_url(registration: Registration) -> str:
    return external_url("registrations.manage", token=registration.manage_token)


def page_url(registration: Registration, person) -> str:
    """The link ``person`` gets in mail about ``registration``: a member who is not its contact
    gets their own (see, correct their details, name a substitute; docs/registrants.md), everyone
    else the registration's."""
    if registration.contact_person_id != person.id:
        for member in registration.members:
            if member.person_id == person.id and member.access_token:
                return external_url("registrations.member_page", token=member.access_token)
    return manage_url(registration)


def payment_url(registration: Registration) -> str | None:
    """Where the registrant pays, while a payment is open (a stable link to the checkout)."""
    if registration.state is not RegistrationState.AWAITING_PAYMENT:
        return None
    return external_url("checkout.pay", token=registration.manage_token)


def billing_url(registration: Registration) -> str | None:
    """Where a registration that pays gives its invoice details, while they are missing."""
    if not registration.needs_billing:
        return None
    return external_url("registrations.billing_details", token=registration.manage_token)


def feed_url(registration: Registration) -> str | None:
    if registration.feed_token is None:
        return None
    return external_url("calendars.personal_feed", token=registration.feed_token)


def webcal_url(registration: Registration) -> str | None:
    """The feed as a subscription link (``webcal://``): calendar apps subscribe instead of
    importing once."""
    url = feed_url(registration)
    if url is None:
        return None
    return "webcal://" + url.split("://", 1)[1]
