"""The organisers' back-office under ``/beheer``: one parent blueprint holding the one guard (log
in first; a viewer only reads) and the helpers every back-office template uses, with the areas
nested into it, one module each. A programme kind nests its own back-office pages into :data:`bp`
from its package (``wijkwerk/<kind>/beheer.py``); the back-office never imports a kind."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from wijkwerk.backoffice.labels import actor, label
from wijkwerk.backoffice.queries import payment_state
from wijkwerk.extensions import login

bp = Blueprint("backoffice", __name__, url_prefix="/beheer")


# Writes a viewer may do in the back-office: their own (read-only) API tokens, nothing else.
VIEWER_WRITES = frozenset({"backoffice.accounts.create_token", "backoffice.accounts.revoke_token"})


@bp.before_request
def guard():
    """One rule for every page of the back-office and of every blueprint nested into it, whichever
    area or kind serves it: log in first (before any look-up, so nothing is revealed to a
    stranger), and a viewer only reads."""
    if not current_user.is_authenticated:
        return login.unauthorized()
    writes = request.method not in ("GET", "HEAD") and request.endpoint not in VIEWER_WRITES
    if writes and not current_user.role.can_write:
        abort(403)
    return None


@bp.context_processor
def helpers() -> dict:
    return {
        "payment_state": payment_state,
        "payment_words": payment_words,
        "label": label,
        "actor_of": actor,
    }


def payment_words() -> dict[str, str]:
    return {
        "none": "–",
        "paid": _("betaald"),
        "open": _("factuur open"),
        "awaiting": _("wacht op betaling"),
        "not_invoiced": _("nog niet gefactureerd"),
    }


from wijkwerk.backoffice import (  # noqa: E402  (the areas nest into bp, defined above)
    accounts,
    attendance,
    audit,
    charts,
    exports,
    home,
    invoices,
    messages,
    municipalities,
    people,
    programmes,
    registrations,
)

for _area in (
    home,
    municipalities,
    programmes,
    registrations,
    messages,
    exports,
    charts,
    invoices,
    attendance,
    accounts,
    audit,
    people,
):
    bp.register_blueprint(_area.bp)
del _area
