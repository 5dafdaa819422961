"""Committed defaults, good for development. Secrets only ever come from the environment."""

from __future__ import annotations


class Config:
    """Defaults for every environment; ``WIJKWERK_*`` environment variables override them."""

    # Filled in by the factory when unset: a SQLite file in the instance folder and a secret key
    # generated once into the instance folder.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SECRET_KEY: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    BASE_URL = "http://127.0.0.1:5000"

    # Flask-Babel: Dutch first, English second; everything shown in Amsterdam time, stored in UTC.
    LANGUAGES = ("nl", "en")
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"

    # Flask-Mail.
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Kennisinstituut Wijkwerk <noreply@wijkwerk.localhost>"
    # Who sends queued mail: "request" (at the end of the request that queued it) or
    # "worker" (the `flask wijkwerk deliver` process; requests then never wait for SMTP).
    MAIL_DELIVERY = "request"
    # Seconds any SMTP operation may take before the connection is given up (a server that
    # accepts and never answers), and the shorter bound for mail sent after a request's answer.
    MAIL_TIMEOUT = 10.0
    MAIL_REQUEST_TIMEOUT = 3.0
    # After SMTP trouble at the end of a request, a process leaves request mail to tick and the
    # deliver worker this many seconds, so a hung mail server does not slow every answer.
    MAIL_TROUBLE_PAUSE = 30.0

    # Stripe: payment by Stripe is offered only when the secret key is set.
    STRIPE_SECRET_KEY: str | None = None
    STRIPE_WEBHOOK_SECRET: str | None = None
    STRIPE_API_BASE: str | None = None
    # Seconds a call to Stripe may take (the library's own default is 80).
    STRIPE_TIMEOUT = 10.0
    # How long an unpaid Stripe Checkout holds its place (Stripe allows 30 minutes to 24 hours);
    # `tick` frees the place of an expired checkout.
    STRIPE_CHECKOUT_MINUTES = 60
    # Someone moved up from the waiting list hears it by mail: they get longer (Stripe's maximum).
    STRIPE_WAITLIST_HOLD_MINUTES = 24 * 60 - 5
    STRIPE_PAYMENT_METHODS = ("ideal", "card")

    # Who runs this site (docs/operations.md): its name and logo in the header, its address and
    # contact in the footer and the privacy statement (as the controller), its name as the sender
    # and signature of every mail, and the address replies go to. Development values.
    ORGANISATION_NAME = "Kennisinstituut Wijkwerk"
    ORGANISATION_ADDRESS = "Voorbeeldstraat 1\n2511 AA Den Haag"
    ORGANISATION_EMAIL = "wijkaanpak@wijkwerk.localhost"
    ORGANISATION_PHONE: str | None = "070 000 00 00"
    ORGANISATION_LOGO = "logo.svg"  # a file in wijkwerk/static/
    MAIL_REPLY_TO: str | None = None  # unset: ORGANISATION_EMAIL

    # The back-office's front page (docs/backoffice.md): a trio waiting longer than this for its
    # approver is listed; so is a programme below its minimum this close to its closing date.
    BACKOFFICE_APPROVAL_WAIT_DAYS = 7
    BACKOFFICE_MINIMUM_WARNING_DAYS = 14

    # The seller on every invoice (art. 35a Wet OB). Development values; production must set them.
    # The e-invoice (docs/einvoice.md) names the address in parts and is addressed to the KvK
    # number; the start refuses identifiers that are not of their form (wijkwerk/payments/seller.py).
    SELLER_NAME = "Kennisinstituut Wijkwerk (ontwikkelomgeving)"
    SELLER_ADDRESS = "Voorbeeldstraat 1"  # street and number; more lines allowed
    SELLER_POSTCODE = "2511 AA"
    SELLER_CITY = "Den Haag"
    SELLER_COUNTRY = "NL"
    SELLER_KVK = "00000000"
    SELLER_VAT_NUMBER = "NL000000000B00"
    SELLER_IBAN: str | None = "NL00 TEST 0000 0000 00"
    SELLER_EMAIL: str | None = "financien@wijkwerk.localhost"
    INVOICE_PAYMENT_DAYS = 30
    # The invoice mail carries the e-invoice (UBL, Peppol BIS Billing 3.0) beside the PDF.
    EINVOICE_ATTACHED = True

    # The rule for "middelgrote gemeente" (docs/domain.md): M50 member, or a population inside this band
    # (the M50 network's definition, inclusive). Data, not code: change it here or per environment.
    MIDDELGROOT_MIN_POPULATION = 30_000
    MIDDELGROOT_MAX_POPULATION = 80_000

    # Cookies and forms.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Log-in throttling: after this many failed tries for one address (or, more, from one IP
    # address) within the window, log-in is refused until the window has passed.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_WINDOW_MINUTES = 15
    # Rate limits on public writes (wijkwerk/ratelimit.py), per window, shared by every machine:
    # per client IP address (a whole municipal office may sit behind one NAT address) and per
    # e-mail address a request would mail. Over a limit: 429 until the window ends. 0: no limit.
    # Logged-in organisers and API tokens are never limited.
    RATELIMIT_WINDOW_MINUTES = 60
    # Registration forms and the public registration API.
    RATELIMIT_REGISTRATIONS_PER_IP = 60
    RATELIMIT_REGISTRATIONS_PER_EMAIL = 20
    # The approver's decision, a registrant's own page (cancel, pay again, coach, calendar link),
    # delegates named by a city, a panel expert's answer.
    RATELIMIT_ACTIONS_PER_IP = 120
    RATELIMIT_ACTIONS_PER_EMAIL = 30
    # A back-office log-in lasts a working day without activity; each request extends it.
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    SESSION_REFRESH_EACH_REQUEST = True
    # Request size limits: a whole request (uploads included), and the form fields in memory.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    MAX_FORM_PARTS = 1000
    # Behind a load balancer: how many X-Forwarded-For/-Proto/-Host hops to trust (0: none).
    PROXY_FIX_HOPS = 0

    # Trio approval: how long the approver's link is valid, and when an unanswered request is
    # reminded (by `tick`).
    APPROVAL_LINK_DAYS = 21
    APPROVAL_REMINDER_DAYS = 4
    # A Wijklab panel expert's link (answer the invitation, read the startnotitie) lasts this long.
    PANEL_LINK_DAYS = 180

    # Public programme pages and feeds are served from memory this long per process (0: off).
    PUBLIC_CACHE_SECONDS = 5

    # AVG: personal data of a programme is anonymised by `flask wijkwerk purge` this many days
    # after its last session (invoices are kept seven years regardless).
    PERSONAL_DATA_RETENTION_DAYS = 2 * 365

    LOG_LEVEL = "INFO"
