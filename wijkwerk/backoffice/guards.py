"""Who may open a back-office page beyond reading it. Every write under ``/beheer`` is refused to
viewers by the back-office's one guard already (:func:`wijkwerk.backoffice.guard`); these
decorators are for pages a viewer may not even open."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from wijkwerk.accounts.models import Role


def require_write(view):
    """Pages only organisers and admins may even open (a form to change something, the audit
    log)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.role.can_write:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def require_admin(view):
    """Pages for admins only (the accounts)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role is not Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
