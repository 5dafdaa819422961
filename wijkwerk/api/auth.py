"""Bearer-token authentication for the organiser endpoints of the API."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from wijkwerk import ratelimit
from wijkwerk.accounts.models import Account
from wijkwerk.accounts.services import account_for_token
from wijkwerk.errors import error_response


def bearer_account() -> Account | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return account_for_token(token.strip())


ratelimit.staff_when(lambda: bearer_account() is not None)  # an organiser's token is not limited


def organiser_required(*, write: bool):
    """401 without a valid token; 403 when a viewer's token tries to write."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            account = bearer_account()
            if account is None:
                response = error_response(401, _("Geef een geldig API-token mee."), "unauthorized")
                response[0].headers["WWW-Authenticate"] = "Bearer"
                return response
            if write and not account.role.can_write:
                return error_response(403, _("Dit token mag alleen lezen."), "forbidden")
            g.api_account = account
            return view(*args, **kwargs)

        wrapped.who = "write" if write else "read"  # for the OpenAPI document
        return wrapped

    return decorator
