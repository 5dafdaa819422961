"""Production: PostgreSQL, real SMTP, secure cookies. The factory refuses to start without a
secret key and a database URI from the environment."""

from __future__ import annotations

from config.default import Config


class ProductionConfig(Config):
    REQUIRE_EXPLICIT_SETTINGS = (
        "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "SELLER_NAME",
        "SELLER_ADDRESS",
        "SELLER_POSTCODE",
        "SELLER_CITY",
        "SELLER_KVK",
        "SELLER_VAT_NUMBER",
        "SELLER_IBAN",  # the e-invoice's payment means (docs/einvoice.md)
    )
    # The invoice's seller: from the environment (WIJKWERK_SELLER_*), never a development value.
    SELLER_NAME = None
    SELLER_ADDRESS = None
    SELLER_POSTCODE = None
    SELLER_CITY = None
    SELLER_KVK = None
    SELLER_VAT_NUMBER = None
    SELLER_IBAN = None
    SELLER_EMAIL = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
