"""The one clock of wijkwerk, and conversions between UTC (stored) and Amsterdam time (shown).

Everything that needs "now" calls :func:`now_utc`, so tests and ``tick --now`` can move time.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Per thread and context, so two threads running `tick` at once cannot undo each other's moment.
_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "wijkwerk_frozen_now", default=None
)


def now_utc() -> dt.datetime:
    """The current moment as an aware UTC datetime (or the frozen moment, see :func:`frozen_at`)."""
    frozen = _frozen.get()
    return frozen if frozen is not None else dt.datetime.now(dt.UTC)


def frozen_moment() -> dt.datetime | None:
    """The moment :func:`frozen_at` set in this context, if any."""
    return _frozen.get()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run a block as of ``moment`` (aware); used by ``tick --now`` and by tests."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment.astimezone(dt.UTC))
    try:
        yield moment.astimezone(dt.UTC)
    finally:
        _frozen.reset(token)


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and an Amsterdam wall-clock time, as typed in a form, as an aware UTC datetime."""
    return dt.datetime.combine(day, time, tzinfo=AMSTERDAM).astimezone(dt.UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An Amsterdam wall-clock time as an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(dt.UTC)
