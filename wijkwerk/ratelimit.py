"""Rate limits, shared by every process and machine: the counters are rows in the database.

A limit counts *hits* on a key (``registrations:ip:…``, ``login:account:…``) in a fixed window of
time (aligned to the epoch, so every machine agrees where a window starts). A hit is one
``INSERT … ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits``: the
database hands each concurrent request its own number, so with a limit of N exactly N requests
see a number up to N, however many race. The hit is committed on its own connection before the
request does anything else, so a request that is refused, fails or rolls back still counts.

Keys hold an HMAC of the address (IP or e-mail) with the secret key, not the address itself: the
table says how often, not who (AVG: data minimisation), and every key has the same short length.

A fixed window lets a client spend its limit at the end of one window and again at the start of
the next (twice the limit in a short time, then nothing); that bound is what is promised.

Public writes are limited with :func:`limited` on the view; the log-in throttle
(:mod:`wijkwerk.accounts.services`) uses :func:`hit` and :func:`give_back` directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Integer, String, delete, update
from sqlalchemy.orm import Mapped, mapped_column

from wijkwerk import formatting
from wijkwerk.db import UTCDateTime, dialect_insert
from wijkwerk.email_address import normalise_email
from wijkwerk.extensions import db
from wijkwerk.timeutil import AMSTERDAM, now_utc

logger = logging.getLogger(__name__)

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# At most this many distinct e-mail addresses of one request are counted: every form and API body
# names a handful; a body with hundreds is refused by validation and must not cost hundreds of
# writes here first.
MAX_ADDRESSES = 20

# The public buckets and their settings: (limit per client address, limit per e-mail address).
BUCKETS = {
    # Registration forms and POST /api/v1/programmes/{slug}/registrations.
    "registrations": ("RATELIMIT_REGISTRATIONS_PER_IP", "RATELIMIT_REGISTRATIONS_PER_EMAIL"),
    # Everything else public that writes or mails: the approver's decision, a registrant's
    # actions on their own page, a Kennisprogramma city naming delegates, a panel expert's answer.
    "actions": ("RATELIMIT_ACTIONS_PER_IP", "RATELIMIT_ACTIONS_PER_EMAIL"),
}


class RateLimitCounter(db.Model):
    """Hits on one key in one window. Rows of past windows are deleted on the way (when a key
    starts a new window) and by ``tick`` (:func:`delete_expired`)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class Limit:
    """At most ``most`` hits per ``window`` on ``key``; ``most`` 0 means no limit."""

    key: str
    most: int
    window: dt.timedelta


@dataclass(frozen=True)
class Verdict:
    """What counting a request's hits found: the counts per key and whether any went over."""

    counted: tuple[tuple[Limit, dt.datetime, int], ...]  # (limit, window start, hits)
    now: dt.datetime

    @property
    def refused(self) -> bool:
        return any(limit.most and hits > limit.most for limit, _start, hits in self.counted)

    @property
    def until(self) -> dt.datetime:
        """When every limit this request went over is open again."""
        return max(
            start + limit.window
            for limit, start, hits in self.counted
            if limit.most and hits > limit.most
        )

    @property
    def retry_after(self) -> int:
        """Whole seconds until :attr:`until`, at least 1 (the Retry-After header)."""
        return max(1, math.ceil((self.until - self.now).total_seconds()))


def key(bucket: str, kind: str, value: str) -> str:
    """The counter key of ``value`` (an IP or e-mail address) in ``bucket``: an HMAC, not the
    address."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{bucket}:{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{bucket}:{kind}:{digest[:40]}"


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = max(1, int(window.total_seconds()))
    stamp = int(now.timestamp())
    return dt.datetime.fromtimestamp(stamp - stamp % seconds, dt.UTC)


def hit(limits: Iterable[Limit], now: dt.datetime | None = None) -> Verdict:
    """Count one hit on every limit's key, atomically per key, and commit at once on a connection
    of its own (not the request's session, so nothing the request does later undoes it)."""
    now = now or now_utc()
    # Always in key order: two requests locking the same rows (PostgreSQL) in opposite orders
    # would deadlock.
    limits = sorted(limits, key=lambda limit: limit.key)
    table = RateLimitCounter.__table__
    counted = []
    if not limits:
        return Verdict((), now)
    with db.engine.begin() as connection:
        for limit in limits:
            start = _window_start(now, limit.window)
            insert = dialect_insert(db.session, table).values(
                key=limit.key, window_start=start, hits=1, expires_at=start + limit.window
            )
            upsert = insert.on_conflict_do_update(
                index_elements=[table.c.key, table.c.window_start],
                set_={"hits": table.c.hits + 1},
            ).returning(table.c.hits)
            hits = connection.execute(upsert).scalar_one()
            if hits == 1:  # this key starts a new window: its old ones are of no use
                connection.execute(
                    delete(table).where(table.c.key == limit.key, table.c.window_start < start)
                )
            if limit.most and hits == limit.most + 1:
                logger.warning(
                    "rate limit reached: %s (%d per %s)", limit.key, limit.most, limit.window
                )
            counted.append((limit, start, hits))
    return Verdict(tuple(counted), now)


def give_back(verdict: Verdict, keys: Iterable[str] | None = None) -> None:
    """Return the hits ``verdict`` counted (on ``keys`` only, if given): for a try that turned out
    not to count against the limit, such as a log-in with the right password."""
    table = RateLimitCounter.__table__
    wanted = None if keys is None else set(keys)
    with db.engine.begin() as connection:
        for limit, start, _hits in verdict.counted:  # in key order, as hit() took them
            if wanted is not None and limit.key not in wanted:
                continue
            connection.execute(
                update(table)
                .where(table.c.key == limit.key, table.c.window_start == start, table.c.hits > 0)
                .values(hits=table.c.hits - 1)
            )


def delete_expired(now: dt.datetime | None = None) -> int:
    """Delete the counters of windows that have ended (run by ``tick``); returns how many."""
    table = RateLimitCounter.__table__
    with db.engine.begin() as connection:
        result = connection.execute(delete(table).where(table.c.expires_at <= (now or now_utc())))
    return result.rowcount


# --- public requests ---------------------------------------------------------------------------


def client_address() -> str:
    """The visitor's IP address: ``request.remote_addr``, which ProxyFix (``PROXY_FIX_HOPS``, see
    :mod:`wijkwerk.security`) sets from X-Forwarded-For behind a trusted load balancer."""
    return request.remote_addr or "?"


def normalised_addresses(values: Iterable[object]) -> list[str]:
    """The distinct e-mail addresses among ``values``, normalised as they are stored
    (:func:`wijkwerk.email_address.normalise_email`, so one address however written is one
    counter; anything without an @ is no address and is left out), at most
    :data:`MAX_ADDRESSES`."""
    found: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        address = normalise_email(value)
        if "@" in address and len(address) <= 254 and address not in found:
            found.append(address)
            if len(found) == MAX_ADDRESSES:
                break
    return found


def _emails_in_json(node: object) -> Iterable[object]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "email":
                yield value
            else:
                yield from _emails_in_json(value)
    elif isinstance(node, list):
        for item in node:
            yield from _emails_in_json(item)


def addresses_in_request(**_url_values: object) -> list[str]:
    """The e-mail addresses a request names, which the service would mail: every ``email`` in a
    JSON body, and every form field called ``email`` or ``…-email`` (``members-0-email``,
    ``approver-email``, ``billing-email``, ``delegates-2-email``)."""
    values: list[object] = []
    if request.is_json:
        values.extend(_emails_in_json(request.get_json(silent=True)))
    for name, value in request.form.items(multi=True):
        if name == "email" or name.endswith("-email"):
            values.append(value)
    return normalised_addresses(values)


# Other ways a request shows it comes from staff (the API registers its organiser token).
_STAFF: list[Callable[[], bool]] = []


def staff_when(check: Callable[[], bool]) -> None:
    """Register ``check``: a request it says yes to is never limited."""
    _STAFF.append(check)


def _organiser() -> bool:
    """Logged-in organisers and API tokens are staff at work, never limited."""
    return current_user.is_authenticated or any(check() for check in _STAFF)


def public_limits(bucket: str, addresses: Iterable[str]) -> list[Limit]:
    """The limits of a public request in ``bucket`` from this client naming ``addresses``."""
    config = current_app.config
    per_ip, per_email = (int(config[name]) for name in BUCKETS[bucket])
    window = dt.timedelta(minutes=int(config["RATELIMIT_WINDOW_MINUTES"]))
    limits = [Limit(key(bucket, "ip", client_address()), per_ip, window)] if per_ip else []
    if per_email:
        limits += [Limit(key(bucket, "email", a), per_email, window) for a in addresses]
    return limits


def refusal_message(verdict: Verdict) -> str:
    until = verdict.until.astimezone(AMSTERDAM)
    if until.date() == now_utc().astimezone(AMSTERDAM).date():
        when = _("%(time)s uur", time=until.strftime("%H:%M"))
    else:
        when = _("%(moment)s uur", moment=formatting.datetime(until))
    return _(
        "Vanaf uw netwerk of voor dit e-mailadres is in korte tijd te vaak iets verstuurd. "
        "Probeer het na %(when)s opnieuw.",
        when=when,
    )


def refusal(verdict: Verdict):
    """The 429 answer: the error page, or the API's error body with code ``rate_limited``, and a
    Retry-After header."""
    from wijkwerk.errors import error_response

    response = make_response(error_response(429, refusal_message(verdict), "rate_limited"))
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def refused_here() -> str | None:
    """The message when a form view marked ``keeps_form`` is over its limit in this request (its
    form then refuses to validate and is shown again as typed, with this message), else None."""
    return g.get("wijkwerk_rate_limited")


def limited(
    bucket: str,
    *,
    addresses: Callable[..., Iterable[str]] = addresses_in_request,
    keeps_form: bool = False,
):
    """Limit a public view's writes (POST and the like; a GET is never counted) per client
    address and per e-mail address the request would mail; ``addresses`` gets the view's URL
    values and returns those addresses (by default: the ones the request names). Answered with
    :func:`refusal` once over the limit; a view that ``keeps_form`` (a long form someone typed) is
    called instead, its form refuses to validate (:func:`refused_here`), and its page comes back
    as typed with status 429 and Retry-After."""
    if bucket not in BUCKETS:
        raise ValueError(f"unknown rate limit bucket {bucket!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method in WRITES and not _organiser():
                limits = public_limits(bucket, normalised_addresses(addresses(**kwargs)))
                verdict = hit(limits)
                if verdict.refused and not (keeps_form and not request.path.startswith("/api/")):
                    return refusal(verdict)
                if verdict.refused:
                    g.wijkwerk_rate_limited = refusal_message(verdict)
                    response = make_response(view(*args, **kwargs))
                    if response.status_code < 300 or response.status_code >= 400:
                        response.status_code = 429
                        response.headers["Retry-After"] = str(verdict.retry_after)
                    return response
            return view(*args, **kwargs)

        wrapped.rate_limited = bucket  # the OpenAPI document says 429 (wijkwerk/api/openapi.py)
        return wrapped

    return decorator
