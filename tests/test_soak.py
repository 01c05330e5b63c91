"""A seven-day soak on the test clock: random faults come and go, nothing piles up.

Three cars of one account live commuting days while faults drawn from a seeded
generator come and go (every transient kind on random endpoints, a quota
episode, a refused JWT, a gateway's 503, odd answers, an empty vehicle list and
one without details). After each simulated day the test records the tasks
and timers on the loop and the memory still allocated from the integration's
and renault-api's code; none may grow after the first two days. At the end,
with the faults over, every endpoint must be fresh, every entity shown, and
everything the user set (names, areas, options, the cars' settings) as it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
import gc
import logging
import random
import tracemalloc

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault

from .fault_helpers import (
    ENDPOINT_FAULTS,
    INTEGRATION_LOGGER,
    advance,
    all_coordinators,
    available,
    entity_coordinators,
    longest_interval,
    scheduled_timers,
    setup_account,
    skip_loop_debug,
    start_time,
    unload_and_check,
)
from .user_setup import UserSetup, customise

SOAK_PROFILES = ("zoe_50", "megane_e_tech", "captur_fuel")
SOAK_DAY = date(2026, 11, 16)  # a Monday
DAYS = 7
SEED = 20261116
# The test clock moves from one of the integration's timers to the next, at
# most a step at once (planned events happen between steps); timers may fire
# a little late, so that those due together fire at once.
STEP = timedelta(minutes=15)
LATENESS = timedelta(minutes=5)
FAULTS_A_DAY = 3
# Faults on endpoints read on a timer at least this often last one read.
FAULTED_INTERVAL = timedelta(hours=1)
# Faults on timed reads start after the night's quiet hours (reads are hourly
# then), and all are over by the evening, so that each day closes without any.
DAY_FROM = timedelta(hours=6)
QUIET_FROM = timedelta(hours=22)
# Growth allowed over the highest value of the first two days.
SPARE_TASKS = 3
SPARE_TIMERS = 5
MEMORY_GROWTH = 1.10
SPARE_MEMORY = 64 * 1024
MEASURED_FILES = ("*/custom_components/renault_connect/*", "*/renault_api/*")
SOAK_TIME_LIMIT = 900


@dataclass(frozen=True)
class OddEpisode:
    """An account-wide fault of a day: a gateway, an odd answer, an odd list."""

    kind: str
    begin: timedelta
    length: timedelta
    attributes: dict[str, object] | None = None


# Each spans a read of what it hits: the vehicle list is read every 6 hours.
ODD_DAYS = {
    1: (
        OddEpisode(
            "gateway_503_retry_after_date", timedelta(hours=11), timedelta(hours=1)
        ),
    ),
    3: (
        OddEpisode(
            "odd_answer",
            timedelta(hours=14),
            timedelta(hours=2),
            {"batteryLevel": None, "totalMileage": -1, "externalTemperature": 1e308},
        ),
    ),
    5: (OddEpisode("empty_vehicle_list", timedelta(hours=9), timedelta(hours=7)),),
    6: (OddEpisode("vehicle_without_details", timedelta(hours=9), timedelta(hours=7)),),
}
_LOGGER = logging.getLogger(__name__)


@dataclass(order=True)
class Event:
    """Something that happens to the cloud at a given time."""

    when: datetime
    order: int
    action: Callable[[], object] = field(compare=False)


@dataclass
class Week:
    """What is planned: events in time order, and the faults among them."""

    events: list[Event] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def at(self, when: datetime, action: Callable[[], object]) -> None:
        """Plan an action."""
        self.events.append(Event(when, len(self.events), action))

    def episode(
        self, cloud: FakeRenaultCloud, begin: datetime, length: timedelta, fault: Fault
    ) -> None:
        """Plan a fault from ``begin`` for ``length``."""
        self.faults.append(fault)
        self.at(begin, lambda: cloud.faults.add(fault))
        self.at(begin + length, lambda: cloud.faults.remove(fault))


class LogTally(logging.Handler):
    """Keep the level and text of records, not the records (nor what they hold)."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, str, bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's level, message and whether it had a traceback."""
        self.lines.append((record.levelno, record.getMessage(), bool(record.exc_info)))


@pytest.fixture
def log_tally(monkeypatch: pytest.MonkeyPatch) -> LogTally:
    """Take the integration's and the library's records away from pytest.

    Pytest keeps every record, and a record keeps its exception, traceback and
    frames: memory that would look held by the integration.
    """
    tally = LogTally()
    for name in (INTEGRATION_LOGGER, "renault_api"):
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "propagate", False)
        monkeypatch.setattr(logger, "handlers", [tally])
    return tally


def _held_memory() -> int:
    """Return the bytes still allocated from the integration's and library's code."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(inclusive=True, filename_pattern=p) for p in MEASURED_FILES]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


def _day_of(car: FakeVehicle, departure: datetime) -> Callable[[], object]:
    """Return what plans a car's commuting day."""
    return lambda: car.run_day(departure)


def _plan_week(
    cloud: FakeRenaultCloud,
    intervals: dict[tuple[str, str], timedelta | None],
    account_id: str,
    start: datetime,
) -> Week:
    """Plan the cars' days and the faults of the week, from a seeded generator.

    A fault on an endpoint read on a timer lasts at least one of its reads; a
    fault on an endpoint read when the car uploads spans the car's morning
    commute, when it uploads.
    """
    rng = random.Random(SEED)  # noqa: S311 - a reproducible plan, not a secret
    week = Week()
    targets = sorted(intervals)
    # The first round of kinds falls on frequent timed reads, sure to be met.
    frequent = sorted(
        target
        for target, interval in intervals.items()
        if interval is not None and interval <= FAULTED_INTERVAL
    )
    kinds: list[str] = []
    rounds = 0
    for day in range(DAYS):
        midnight = start + timedelta(days=day)
        departures = {
            vin: midnight + timedelta(hours=7, minutes=rng.randrange(30, 60))
            for vin in sorted(cloud.vehicles)
        }
        for vin, departure in departures.items():
            week.at(midnight, _day_of(cloud.vehicles[vin], departure))
        for _ in range(FAULTS_A_DAY):
            if not kinds:  # every kind, in a random order, again and again
                kinds = rng.sample(ENDPOINT_FAULTS, len(ENDPOINT_FAULTS))
                rounds += 1
            vin, endpoint = rng.choice(frequent if rounds == 1 else targets)
            interval = intervals[vin, endpoint]
            length = timedelta(minutes=rng.choice((30, 60, 120, 180)))
            if interval is not None and interval <= FAULTED_INTERVAL:
                # Parked cars are read in rounds: a fault spans a few of them.
                length = max(length, interval + STEP, timedelta(hours=3))
                latest = (QUIET_FROM - DAY_FROM - length) // timedelta(minutes=10)
                begin = (
                    midnight
                    + DAY_FROM
                    + timedelta(minutes=10 * rng.randrange(0, latest))
                )
            else:
                length = max(length, timedelta(hours=3))
                begin = departures[vin] - timedelta(hours=1)
            fault = Fault(kinds.pop(), vin=vin, endpoint=endpoint)
            week.episode(cloud, begin, length, fault)
        if day == 2:
            quota = Fault("quota", account_id=account_id)
            week.episode(
                cloud, midnight + timedelta(hours=9), timedelta(hours=1), quota
            )
        if day == 4:
            refused = Fault("jwt_rejected", endpoint="accounts.getJWT", times=1)
            week.episode(
                cloud, midnight + timedelta(hours=12), timedelta(hours=1), refused
            )
        for odd in ODD_DAYS.get(day, ()):
            fault = Fault(odd.kind, account_id=account_id, attributes=odd.attributes)
            week.episode(cloud, midnight + odd.begin, odd.length, fault)
    week.events.sort()
    assert all(
        event.when < event.when.replace(hour=0, minute=0) + QUIET_FROM
        for event in week.events
    )
    return week


async def _live_week(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_cloud: FakeRenaultCloud,
    week: Week,
    start: datetime,
) -> list[tuple[int, int, int]]:
    """Run the week; return each day's tasks, timers and held memory at midnight."""
    days: list[tuple[int, int, int]] = []
    events = list(week.events)
    for day in range(1, DAYS + 1):
        midnight = start + timedelta(days=day)
        while (now := dt_util.utcnow()) < midnight:
            while events and events[0].when <= now:
                events.pop(0).action()
            await advance(hass, freezer, STEP, lateness=LATENESS)
        assert not list(fake_cloud.faults)
        days.append(
            (len(asyncio.all_tasks()), len(scheduled_timers(hass)), _held_memory())
        )
    assert not events
    return days


# A simulated week of three cars and their faults: minutes, not seconds, with
# coverage on a loaded machine (90 s alone without it). The suite's 180 s limit
# would cut it; a hang still fails, later.
@pytest.mark.timeout(SOAK_TIME_LIMIT)
async def test_soak_seven_days(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    log_tally: LogTally,
) -> None:
    """A week of cars living and random faults: no growth, all fresh at the end."""
    skip_loop_debug(hass)
    tracemalloc.start()
    try:
        start = start_time(SOAK_DAY, time(0))
        freezer.move_to(start)
        entry = await setup_account(hass, fake_cloud, SOAK_PROFILES)
        customise(hass, entry)
        before = UserSetup.capture(hass, entry, fake_cloud)
        intervals = {
            (vin, key): coordinator.read_interval
            for vin, vehicle in entry.runtime_data.vehicles.items()
            for key, coordinator in vehicle.coordinators.items()
        }
        week = _plan_week(fake_cloud, intervals, entry.unique_id or "", start)
        days = await _live_week(hass, freezer, fake_cloud, week, start)
    finally:
        tracemalloc.stop()

    # The faults were met: each kind, the quota, the refused JWT, the odd ones.
    met = {fault.kind.value for fault in week.faults if fault.hits}
    odd = {episode.kind for episodes in ODD_DAYS.values() for episode in episodes}
    assert met >= {*ENDPOINT_FAULTS, "quota", "jwt_rejected", *odd}, [
        (fault, fault.hits) for fault in week.faults
    ]
    # Nothing grows after the first two days.
    tasks, timers, memory = (list(values) for values in zip(*days, strict=True))
    _LOGGER.info("Soak: tasks %s, timers %s, held memory %s", tasks, timers, memory)
    assert max(tasks[2:]) <= max(tasks[:2]) + SPARE_TASKS, tasks
    assert max(timers[2:]) <= max(timers[:2]) + SPARE_TIMERS, timers
    assert max(memory[2:]) <= max(memory[:2]) * MEMORY_GROWTH + SPARE_MEMORY, memory

    # The faults are over; the cars upload once more. Within the longest
    # interval, every endpoint has been read since, and is fresh.
    for car in fake_cloud.vehicles.values():
        car.upload()
    uploaded = dt_util.utcnow()
    longest = longest_interval(all_coordinators(entry))
    await advance(hass, freezer, longest + STEP, step=STEP, lateness=LATENESS)
    assert [c.name for c in all_coordinators(entry) if not c.last_update_success] == []
    stale = [
        (vin, key)
        for vin, vehicle in entry.runtime_data.vehicles.items()
        for key in vehicle.coordinators
        if not any(
            record.time >= uploaded and record.status == 200 and not record.fault
            for record in fake_cloud.requests.filter(vin=vin, endpoint=key)
        )
    ]
    assert stale == []
    # Nothing the user set was lost: registry entries by id, options, settings.
    assert UserSetup.capture(hass, entry, fake_cloud) == before
    assert [
        entity_id
        for entity_id in entity_coordinators(hass)
        if not available(hass, entity_id)
    ] == []
    assert not [
        message
        for level, message, traceback in log_tally.lines
        if (level >= logging.ERROR and traceback) or "Unexpected error" in message
    ]
    await unload_and_check(hass, entry)
