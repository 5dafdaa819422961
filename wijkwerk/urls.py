"""Absolute URLs for mails and feeds, and safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL under ``BASE_URL``, in a request or not (mails are built by ``tick`` too)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def local_target(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
