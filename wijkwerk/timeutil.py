"""The one clock of wijkwerk, and conversions between UTC (stored) and Amsterdam time (shown).

Everything that needs "now" calls :func:`now_utc`, so tests and ``tick --now`` can move time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_frozen: dt.datetime | None = None


def now_utc() -> dt.datetime:
    """The current moment as an aware UTC datetime (or the frozen moment, see :func:`frozen_at`)."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run a block as of ``moment`` (aware); used by ``tick --now`` and by tests."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    previous, _frozen = _frozen, moment.astimezone(dt.UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An Amsterdam wall-clock time as an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(dt.UTC)
