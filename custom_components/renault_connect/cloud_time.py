"""The cloud's clock, distrusted: its times as UTC datetimes we can rely on.

Cars upload with their own clock, and the cloud passes it on: a time may come
without a zone, hours in the future, or as year 9999. Polling, confirmations
and sensors all take the cloud's times through here, so that one odd answer
never delays reads, breaks a sensor or wedges a read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

# A car's clock may run this far ahead of ours; a time further ahead is ours.
CLOCK_TOLERANCE = timedelta(minutes=5)
# Further ahead than this, or before connected cars, a time means nothing.
ABSURD_AHEAD = timedelta(days=1)
EARLIEST = datetime(2010, 1, 1, tzinfo=UTC)


def cloud_time(value: Any, now: datetime) -> datetime | None:
    """Return a time the cloud sent, as UTC, or None when it means nothing.

    A time without a zone is UTC (the cloud's own); one a little ahead of
    `now` is `now` (the car's clock runs fast); an absurd one is None.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt_util.parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:
        return None
    if parsed < EARLIEST or parsed - now > ABSURD_AHEAD:
        return None
    return min(parsed, now) if parsed - now > CLOCK_TOLERANCE else parsed
