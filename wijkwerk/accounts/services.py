"""Back-office accounts and API tokens. Services flush, never commit: the caller owns the
transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from wijkwerk import ratelimit
from wijkwerk.accounts.models import Account, ApiToken, Role
from wijkwerk.accounts.passwords import password_problem
from wijkwerk.email_address import InvalidEmail, checked_email, normalise_email
from wijkwerk.extensions import db
from wijkwerk.ratelimit import Verdict
from wijkwerk.timeutil import now_utc

TOKEN_PREFIX = "ww_"


class AccountError(ValueError):
    """An account request that cannot be carried out; the message is for the operator.
    ``field`` names the input it is about (``email``, ``password``), or None."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def find_account(email: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.email == normalise_email(email)))


def load_account(user_id: str) -> Account | None:
    """Flask-Login's user loader: the account of a session's ``"id:version"``
    (:meth:`Account.get_id`), or None (anonymous) once that account's sessions were ended."""
    account_id, _sep, version = user_id.partition(":")
    try:
        account = db.session.get(Account, int(account_id))
        version_number = int(version)
    except ValueError:
        return None  # a cookie from before session versions, or a forged one
    if account is None or account.session_version != version_number:
        return None
    return account


def create_account(
    email: str, password: str, role: Role = Role.ORGANISER, name: str = ""
) -> Account:
    """Create a back-office account; raises :class:`AccountError` for an address the log-in form
    would refuse (:func:`wijkwerk.email_address.checked_email`), a taken address or a weak
    password (:func:`wijkwerk.accounts.passwords.password_problem`)."""
    try:
        email = checked_email(email)
    except InvalidEmail as exc:
        raise AccountError(f"{exc.message} ({email})", "email") from None
    if find_account(email) is not None:
        raise AccountError(_("Er bestaat al een account voor %(email)s.", email=email), "email")
    problem = password_problem(password, (email, name))
    if problem is not None:
        raise AccountError(problem, "password")
    account = Account(email=email, name=name, role=role)
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    return account


def authenticate(email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, or None. Takes as long for an unknown
    address as for a wrong password, so it does not tell which addresses exist."""
    account = find_account(email)
    if account is None:
        Account(password_hash="").set_password(password)  # spend the same time hashing
        return None
    if not account.active or not account.check_password(password):
        return None
    account.last_login_at = now_utc()
    return account


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(account: Account) -> str:
    """Make a new API token for ``account`` and return it; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(account=account, token_hash=_hash_token(token), prefix=token[:10]))
    db.session.flush()
    return token


def account_for_token(token: str) -> Account | None:
    """The active account owning this unrevoked token, or None."""
    api_token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if api_token is None or not api_token.account.active:
        return None
    api_token.last_used_at = now_utc()
    return api_token.account


def revoke_api_token(api_token: ApiToken) -> None:
    """Stop a token from working; revoking twice changes nothing."""
    if api_token.revoked_at is None:
        api_token.revoked_at = now_utc()


def reserve_login_attempt(email: str, ip: str, now: dt.datetime | None = None) -> Verdict:
    """Count a log-in try against this address and this IP address, before its password is
    checked: one atomic step (:func:`wijkwerk.ratelimit.hit`), so of any number of simultaneous
    tries at most ``LOGIN_MAX_FAILURES_PER_ACCOUNT`` reach the password check. ``refused`` on the
    result means: say no without checking. Counted the same way for addresses with and without an
    account, so it tells nothing about who exists. Give a try back with
    :func:`release_login_attempt` when its password was right."""
    config = current_app.config
    window = dt.timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"]))
    return ratelimit.hit(
        [
            ratelimit.Limit(
                ratelimit.key("login", "account", normalise_email(email)),
                int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
                window,
            ),
            ratelimit.Limit(
                ratelimit.key("login", "ip", ip), int(config["LOGIN_MAX_FAILURES_PER_IP"]), window
            ),
        ],
        now,
    )


def release_login_attempt(reservation: Verdict) -> None:
    """A try with the right password is no failure: it gives its place in the count back (the
    failures before it still count, so guessing is not reset by one good log-in)."""
    ratelimit.give_back(reservation)


def change_account(account: Account, role: Role, active: bool, *, by: Account) -> None:
    """An admin changes someone's role or access. Nobody takes away their own admin rights, so
    there is always an admin left to undo a mistake."""
    if account.id == by.id and (role is not Role.ADMIN or not active):
        raise AccountError(_("U kunt uw eigen beheerdersrechten niet afnemen."), "role")
    if role is not account.role or active != account.active:
        account.end_sessions()  # blocked, or rights changed: log in again (or not at all)
    account.role = role
    account.active = active
