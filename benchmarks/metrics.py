"""The figures: requests, freshness, setup and action feedback.

Freshness: for every battery upload of a car whose reported level differs
from the previous upload's, the delay until the integration's battery sensor
first shows that level (or a later upload's). An upload made while plugged in
counts as "charging", one made unplugged (the end of a drive) as "parked".
What is not shown by the end of the day counts with the delay it had reached
then (a lower bound, "censored"), so that missing an update never improves a
figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
import math
import statistics

from fake_renault_cloud import (
    Channel,
    FakeRenaultCloud,
    FakeVehicle,
    reported_battery_level,
)

CHARGING = "charging"
PARKED = "parked"
CLOUD_KINDS = frozenset({"gigya", "kamereon"})


@dataclass(frozen=True)
class Observation:
    """A state the integration showed, at a simulated time."""

    time: datetime
    vin: str
    kind: str  # "battery" or "charging"
    state: str | None

    @classmethod
    def parse(cls, item: list[str | None]) -> Observation:
        """Read a change as a child reports it."""
        when, vin, kind, state = item
        if when is None or vin is None or kind is None:
            msg = f"malformed change {item!r}"
            raise ValueError(msg)
        return cls(datetime.fromisoformat(when), vin, kind, state)

    def number(self) -> float | None:
        """Return the state as a number, if it is one."""
        try:
            return float(self.state) if self.state is not None else None
        except ValueError:
            return None


@dataclass
class Delays:
    """Delays in seconds; ``censored`` of them were cut at the end of the day."""

    seconds: list[float] = field(default_factory=list)
    censored: int = 0

    def add(self, start: datetime, seen: datetime | None, end: datetime) -> None:
        """Add the delay from ``start`` to ``seen`` (to ``end`` when never seen)."""
        if seen is None:
            self.censored += 1
        self.seconds.append(((seen or end) - start).total_seconds())

    def extend(self, other: Delays) -> None:
        """Add another set of delays."""
        self.seconds += other.seconds
        self.censored += other.censored

    @property
    def median(self) -> float | None:
        """Return the median delay."""
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def p95(self) -> float | None:
        """Return the 95th percentile (linear interpolation between ranks)."""
        return percentile(self.seconds, 95)


def percentile(values: list[float], rank: float) -> float | None:
    """Return a percentile with linear interpolation (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * rank / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def requests_by_endpoint(
    cloud: FakeRenaultCloud, email: str, start: datetime, end: datetime
) -> Counter[str]:
    """Count a user's Gigya and Kamereon requests between two times, by endpoint."""
    return Counter(
        record.endpoint or record.path
        for record in cloud.requests
        if record.email == email
        and record.kind in CLOUD_KINDS
        and start <= record.time < end
    )


def freshness(
    vehicles: list[FakeVehicle],
    observations: list[Observation],
    start: datetime,
    end: datetime,
) -> dict[str, Delays]:
    """Return the battery freshness delays by phase (charging, parked)."""
    result = {CHARGING: Delays(), PARKED: Delays()}
    observations = sorted(observations, key=lambda item: item.time)
    for vehicle in vehicles:
        shown = [
            (item.time, value)
            for item in observations
            if item.vin == vehicle.vin
            and item.kind == "battery"
            and (value := item.number()) is not None
        ]
        uploads = vehicle.upload_history(Channel.BATTERY)
        levels = [reported_battery_level(u.state.battery_level) for u in uploads]
        for index, upload in enumerate(uploads):
            if not start <= upload.time < end:
                continue
            if index and levels[index] == levels[index - 1]:
                continue
            later = set(levels[index:])
            seen = next(
                (
                    when
                    for when, value in shown
                    if when >= upload.time and value in later
                ),
                None,
            )
            result[CHARGING if upload.state.plugged else PARKED].add(
                upload.time, seen, end
            )
    return result


def action_feedback(
    presses: list[tuple[datetime, str]],
    observations: list[Observation],
    end: datetime,
) -> Delays:
    """Return the delays from each press to the charging sensor turning on."""
    delays = Delays()
    observations = sorted(observations, key=lambda item: item.time)
    for pressed, vin in presses:
        seen = next(
            (
                item.time
                for item in observations
                if item.vin == vin
                and item.kind == "charging"
                and item.state == "on"
                and item.time >= pressed
            ),
            None,
        )
        delays.add(pressed, seen, end)
    return delays
