"""Simulated time: the real clock plus an offset that tests move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import time


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


class ManualClock(Clock):
    """Simulated time that stands still until moved, or runs when told to.

    A benchmark that steps several processes in lockstep holds the cloud's
    time at each step (``set``, ``advance``), and lets it run with the real
    time only while it measures something in real time (``run``, ``hold``).
    Unlike ``Clock``, freezegun does not move it.
    """

    def __init__(self, start: datetime) -> None:
        """Hold the time at ``start`` (which must be timezone-aware)."""
        super().__init__()
        self._running_since: float | None = None
        self._held = start
        self.set(start)

    @property
    def running(self) -> bool:
        """Tell whether the time is running with the real time."""
        return self._running_since is not None

    def now(self) -> datetime:
        """Return the held time, plus the real time elapsed since ``run``."""
        if self._running_since is None:
            return self._held
        return self._held + timedelta(seconds=time.monotonic() - self._running_since)

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the time forward by ``delta`` (seconds or timedelta)."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        if delta < timedelta(0):
            msg = "the clock only moves forward"
            raise ValueError(msg)
        self.set(self.now() + delta)
        return self._held

    def set(self, when: datetime) -> None:
        """Move the time to ``when`` (timezone-aware); it keeps running if it ran."""
        if when.tzinfo is None:
            msg = "the clock needs a timezone-aware datetime"
            raise ValueError(msg)
        self._held = when.astimezone(UTC)
        if self._running_since is not None:
            self._running_since = time.monotonic()

    def run(self) -> None:
        """Let the time run with the real time from now on."""
        if self._running_since is None:
            self._running_since = time.monotonic()

    def hold(self) -> datetime:
        """Stop the time where it is, and return it."""
        self._held = self.now()
        self._running_since = None
        return self._held
