"""A short-lived cache of public pages in each server process ("micro-caching").

The public programme pages and their calendar feeds are the same for every anonymous visitor in one
language, and they are what a crowd opens when a programme's registration opens. For
``PUBLIC_CACHE_SECONDS`` each process serves such a page from memory instead of the database; an
organiser's change (or "places left") shows within that time. Logged-in organisers, visitors with a
message waiting or a query string, and any answer that touched the session are never cached, so no
personal data or CSRF token can end up in the cache. ``0`` switches it off (the tests do).
"""

from __future__ import annotations

import threading
import time
from functools import wraps

from flask import Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

MAX_ENTRIES = 1000
_entries: dict[tuple[str, str], tuple[float, bytes, int, list[tuple[str, str]]]] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _entries.clear()


def _cacheable_request() -> bool:
    return (
        request.method == "GET"
        and not request.query_string
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def _session_contents() -> dict:
    """The session without Flask-Login's remember-cookie bookkeeping (which it writes for any
    visitor whose session holds something, such as a language)."""
    return {key: value for key, value in session.items() if key != "_remember"}


def public_page(view):
    """Serve ``view`` from the cache for anonymous visitors (see the module's docstring)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        seconds = float(current_app.config.get("PUBLIC_CACHE_SECONDS") or 0)
        if seconds <= 0 or not _cacheable_request():
            return view(*args, **kwargs)
        key = (request.path, str(get_locale()))
        now = time.monotonic()
        found = _entries.get(key)
        if found is not None and found[0] > now:
            _expires, body, status, headers = found
            return Response(body, status=status, headers=headers)
        before = _session_contents()
        response = make_response(view(*args, **kwargs))
        # Only a page rendered from nothing personal: a session holding just the language, not
        # changed by the rendering (a CSRF token, a message) is the proof.
        after = _session_contents()
        if response.status_code == 200 and after == before and set(after) <= {"locale"}:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
            with _lock:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[key] = (now + seconds, response.get_data(), 200, headers)
        return response

    return wrapped
