"""Back-office accounts and API tokens. Services flush, never commit: the caller owns the
transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from wijkwerk.accounts.models import Account, ApiToken, LoginAttempt, Role
from wijkwerk.extensions import db
from wijkwerk.timeutil import now_utc

TOKEN_PREFIX = "ww_"
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """An account request that cannot be carried out; the message is for the operator."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_account(email: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.email == normalise_email(email)))


def load_account(account_id: str) -> Account | None:
    """Flask-Login's user loader."""
    try:
        return db.session.get(Account, int(account_id))
    except ValueError:
        return None


def create_account(
    email: str, password: str, role: Role = Role.ORGANISER, name: str = ""
) -> Account:
    """Create a back-office account; raises :class:`AccountError` for a taken address or a weak
    password."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(f"Geen geldig e-mailadres: {email}")
    if find_account(email) is not None:
        raise AccountError(f"Er bestaat al een account voor {email}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens.")
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


def login_blocked(email: str, ip: str, now: dt.datetime | None = None) -> bool:
    """Whether too many log-ins failed lately for this address or from this IP address. Said the
    same way for addresses with and without an account, so it tells nothing about who exists."""
    config = current_app.config
    now = now or now_utc()
    since = now - dt.timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"]))
    failures = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
    )
    by_account = db.session.scalar(failures.where(LoginAttempt.email == normalise_email(email)))
    by_ip = db.session.scalar(failures.where(LoginAttempt.ip == ip))
    return by_account >= int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]) or by_ip >= int(
        config["LOGIN_MAX_FAILURES_PER_IP"]
    )


def record_login_attempt(
    email: str, ip: str, succeeded: bool, now: dt.datetime | None = None
) -> None:
    """Remember a try; tries older than a day are dropped on the way."""
    now = now or now_utc()
    db.session.add(
        LoginAttempt(email=normalise_email(email)[:254], ip=ip[:45], at=now, succeeded=succeeded)
    )
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - dt.timedelta(days=1)))


def change_account(account: Account, role: Role, active: bool, *, by: Account) -> None:
    """An admin changes someone's role or access. Nobody takes away their own admin rights, so
    there is always an admin left to undo a mistake."""
    if account.id == by.id and (role is not Role.ADMIN or not active):
        raise AccountError(_("U kunt uw eigen beheerdersrechten niet afnemen."))
    account.role = role
    account.active = active
