"""Signed, expiring, single-purpose tokens for links in e-mails (the approver's link). A token
carries no personal data: the approver's address is in it only as a keyed fingerprint, so the
link stops working when the approver changes and nobody reads an address out of it."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

APPROVAL = "trio-approval"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"wijkwerk:{purpose}")


def fingerprint(email: str) -> str:
    """A keyed, one-way fingerprint of an address (the SECRET_KEY is the key)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def make_approval_token(registration_id: int, approver_email: str) -> str:
    return _serializer(APPROVAL).dumps({"r": registration_id, "a": fingerprint(approver_email)})


def names_approver(token_fingerprint: str, email: str) -> bool:
    """Whether the token was made for the approver with this address."""
    return hmac.compare_digest(token_fingerprint, fingerprint(email))


class TokenError(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_approval_token(token: str) -> tuple[int, str]:
    """The registration id and the approver's fingerprint in ``token`` (:func:`names_approver`
    checks it); raises :class:`TokenError` when it is forged, meant for something else, or older
    than ``APPROVAL_LINK_DAYS``."""
    max_age = int(current_app.config["APPROVAL_LINK_DAYS"]) * 24 * 3600
    try:
        data = _serializer(APPROVAL).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError(expired=False) from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise TokenError(expired=False)
    if "e" in data:  # a link mailed before tokens held a fingerprint
        return data["r"], fingerprint(str(data["e"]))
    return data["r"], str(data.get("a", ""))
