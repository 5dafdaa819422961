"""The JSON API under ``/api/v1`` (docs/api.md): its blueprint, and what it answers when a service
refuses.

Endpoints call their services and commit; they catch nothing. What a service refuses is answered
here, once, for every endpoint of the blueprint: a :class:`RuleViolation` is a 422 listing the
problems, a :class:`StateConflict` (the registration's state does not allow it, whichever layer
found that, up to :meth:`Registration.transition`) is a 409 ``state_conflict``. Both roll back
what the request had changed.

The core's routes are in :mod:`wijkwerk.api.views`; a kind's routes are in its own package
(``wijkwerk/<kind>/api.py``) and join ``bp`` from there, so this package imports no kind. The app
factory imports them all before it registers ``bp``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _

from wijkwerk.api import serialise
from wijkwerk.extensions import db
from wijkwerk.registrations.models import StateConflict
from wijkwerk.validation import Problem, RuleViolation

bp = Blueprint("api", __name__)


@bp.errorhandler(RuleViolation)
def rule_violation(violation: RuleViolation):
    db.session.rollback()
    return jsonify(serialise.problems(violation.problems)), 422


@bp.errorhandler(StateConflict)
def state_conflict(conflict: StateConflict):
    db.session.rollback()
    message = conflict.said or _(
        "Dit kan niet: de aanmelding heeft de status %(state)s.",
        state=conflict.registration.state.value,
    )
    return jsonify(serialise.problems([Problem("state_conflict", None, message)])), 409
