"""Signed, expiring, single-purpose tokens for links in e-mails (the approver's link)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

APPROVAL = "trio-approval"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"wijkwerk:{purpose}")


def make_approval_token(registration_id: int, approver_email: str) -> str:
    return _serializer(APPROVAL).dumps({"r": registration_id, "e": approver_email})


class TokenError(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_approval_token(token: str) -> tuple[int, str]:
    """The registration id and approver e-mail in ``token``; raises :class:`TokenError` when it is
    forged, meant for something else, or older than ``APPROVAL_LINK_DAYS``."""
    max_age = int(current_app.config["APPROVAL_LINK_DAYS"]) * 24 * 3600
    try:
        data = _serializer(APPROVAL).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError(expired=False) from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise TokenError(expired=False)
    return data["r"], str(data.get("e", ""))
