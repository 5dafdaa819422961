"""Settings for the test suite: the tests pass the database URI and mail server themselves."""

from __future__ import annotations

from config.default import Config


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_SUPPRESS_SEND = False  # the tests read real mail from their own SMTP server
    BASE_URL = "http://wijkwerk.test"
    LOG_LEVEL = "WARNING"
    MAIL_TROUBLE_PAUSE = 0.0  # each test sees its own mail go (tests under gunicorn: the default)
    PUBLIC_CACHE_SECONDS = 0  # tests see every change at once; test_pages switches it on
    # Tests register many times from one client; tests/test_ratelimit.py lowers these itself.
    RATELIMIT_REGISTRATIONS_PER_IP = 10_000
    RATELIMIT_REGISTRATIONS_PER_EMAIL = 10_000
    RATELIMIT_ACTIONS_PER_IP = 10_000
    RATELIMIT_ACTIONS_PER_EMAIL = 10_000
