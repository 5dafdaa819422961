"""Absolute URLs for mails and feeds, and safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL under ``BASE_URL`` (mails and calendar feeds leave the request context)."""
    return current_app.config["BASE_URL"] + url_for(endpoint, _external=False, **values)


def local_target(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
