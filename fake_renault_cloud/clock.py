"""Simulated time: the real clock plus an offset that tests move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Tell the simulated time, which is the real UTC time plus an offset.

    The real time is read with ``datetime.now`` on every call, so a test that
    freezes or moves time with freezegun moves this clock too. ``advance``
    adds to the offset, for tests and demos that do not freeze time.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        """Start at the real time plus ``offset``."""
        self._offset = offset

    def now(self) -> datetime:
        """Return the simulated time (timezone-aware, UTC)."""
        return datetime.now(UTC) + self._offset

    def timestamp(self) -> float:
        """Return the simulated time as seconds since the epoch."""
        return self.now().timestamp()

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the simulated time forward by ``delta`` (seconds or timedelta)."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        if delta < timedelta(0):
            msg = "the clock only moves forward"
            raise ValueError(msg)
        self._offset += delta
        return self.now()

    def set(self, when: datetime) -> None:
        """Move the simulated time to ``when`` (which must be timezone-aware)."""
        if when.tzinfo is None:
            msg = "the clock needs a timezone-aware datetime"
            raise ValueError(msg)
        self._offset = when - datetime.now(UTC)
