"""When a car has left the account: on evidence that holds, never on one answer.

The cloud's vehicle list sometimes comes back empty, or with a car but
without its details. Taking such an answer for the truth would remove the
car's device and entities (and the names, areas and automations built on
them). A car leaves only when consecutive lists over at least a day have
missed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

# A car missing from the list leaves after this long, and this many lists.
LEAVE_AFTER = timedelta(days=1)
MIN_MISSED_LISTS = 2


@dataclass(frozen=True)
class Absence:
    """A car missing from the account's vehicle list: since when, and how often."""

    since: datetime
    missed: int

    def as_dict(self) -> dict[str, Any]:
        """Return the absence as stored."""
        return {"since": self.since.isoformat(), "missed": self.missed}

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Absence | None:
        """Return a stored absence, or None when it cannot be read."""
        since = dt_util.parse_datetime(str(stored.get("since", "")))
        missed = stored.get("missed")
        if since is None or since.tzinfo is None or not isinstance(missed, int):
            return None
        return cls(since, missed)

    def proven(self, now: datetime) -> bool:
        """Tell whether the car has been missing long and often enough to leave."""
        return self.missed >= MIN_MISSED_LISTS and now - self.since >= LEAVE_AFTER


@dataclass(frozen=True)
class Roll:
    """The account's cars after one vehicle list, as far as the evidence goes."""

    absences: dict[str, Absence]
    departed: frozenset[str]


def call_the_roll(
    known: Iterable[str],
    listed: Iterable[str],
    absences: Mapping[str, Absence],
    now: datetime,
) -> Roll:
    """Compare the cars known with those a vehicle list names.

    A listed car is present (with or without its details). A known car the
    list misses is absent, counted from the first list that missed it; it has
    departed only once its absence is proven.
    """
    present = set(listed)
    kept: dict[str, Absence] = {}
    departed: set[str] = set()
    for vin in set(known) - present:
        previous = absences.get(vin)
        absence = (
            Absence(previous.since, previous.missed + 1)
            if previous is not None
            else Absence(now, 1)
        )
        if absence.proven(now):
            departed.add(vin)
        else:
            kept[vin] = absence
    return Roll(kept, frozenset(departed))
