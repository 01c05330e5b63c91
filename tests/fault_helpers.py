"""Helpers of the fault matrix and the soak: accounts, simulated time, leftovers.

Time is moved with the test's freezer, which moves Home Assistant, the event
loop's clock and the fake cloud's clock together. Requests held by a
``timeout`` fault only end when the test clock passes the integration's
request timeout, so waiting for the integration's work is bounded by real
time (``settle``) rather than by the frozen loop clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
import dataclasses
from datetime import date, datetime, time, timedelta
import logging
import re
import threading
from typing import Any
import weakref

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_platform
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.renault_connect.const import DOMAIN
from fake_renault_cloud import FakeRenaultCloud
from fake_renault_cloud.operations import Op
from fake_renault_cloud.profiles import PROFILES, VehicleProfile

from .common import add_logged_in_entry

# Faults of one endpoint that make its read fail until they are removed.
ENDPOINT_FAULTS = (
    "http_500_html",
    "http_502_html",
    "timeout",
    "malformed_json",
    "access_denied",
    "not_supported",
    "forbidden",
    "not_found",
    "html_200",
)

# Tests start on a Friday of late autumn, mid-morning (out of any quiet hours).
START_DAY = date(2026, 11, 20)
START_HOUR = time(10)
PASSWORD = "fault-matrix-secret"
INTEGRATION_LOGGER = "custom_components.renault_connect"

# Real seconds without any of the integration's work finishing after which it is
# considered waiting on the cloud (a request held by a ``timeout`` fault).
IDLE_SECONDS = 0.15
# The least the clock moves at a time.
MIN_TICK = timedelta(seconds=1)


def _unlisted_zoe() -> VehicleProfile:
    """Return a ZOE whose model renault-api's map does not list.

    Every model of the map rules res-state out, so only a car of an unlisted
    model (renault-api then assumes the default endpoints) is read there.
    """
    zoe = PROFILES["zoe_50"]
    return dataclasses.replace(
        zoe,
        name="zoe_unlisted",
        served=zoe.served | {Op.RES_STATE, Op.LOCK_STATUS, Op.CHARGE_MODE},
        details={"model": {"code": "NEW1VE", "label": "ZOE", "group": "971"}},
    )


ZOE_UNLISTED = _unlisted_zoe()


def profile_name(profile: str | VehicleProfile) -> str:
    """Return a profile's name."""
    return profile if isinstance(profile, str) else profile.name


async def setup_account(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    profiles: Iterable[str | VehicleProfile],
    *,
    email: str = "faults@example.com",
) -> MockConfigEntry:
    """Give one account the cars of the profiles and set the integration up."""
    user = fake_cloud.add_user(email, PASSWORD)
    account = fake_cloud.add_account(user)
    for profile in profiles:
        fake_cloud.add_vehicle(account, profile)
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email=email,
        password=PASSWORD,
        account_id=account.account_id,
        vins=[vehicle.vin for vehicle in account.vehicles],
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    return entry


# -- Time ---------------------------------------------------------------------


def start_time(day: date = START_DAY, at: time = START_HOUR) -> datetime:
    """Return a moment in Home Assistant's time zone (set by the hass fixture)."""
    return datetime.combine(day, at, tzinfo=dt_util.get_default_time_zone())


def skip_loop_debug(hass: HomeAssistant) -> None:
    """Turn asyncio's debug mode off: it keeps a stack trace for every callback.

    The test harness turns it on; on these long simulations it more than
    doubles the run time. Home Assistant's own thread checks stay on.
    """
    hass.loop.set_debug(False)


def _cancelling(task: asyncio.Future[Any]) -> bool:
    """Tell whether a task is being cancelled."""
    return isinstance(task, asyncio.Task) and bool(task.cancelling())


async def settle(hass: HomeAssistant, idle: float = IDLE_SECONDS) -> None:
    """Wait for the work the last time change started, background tasks included.

    Stops waiting when nothing finished for ``idle`` real seconds: the tasks
    left are waiting on the cloud (a held request), which only a later clock
    tick ends.
    """
    current = asyncio.current_task()
    background: set[asyncio.Future[Any]] = getattr(hass, "_background_tasks", set())
    while True:
        await hass.async_block_till_done()
        pending = {
            task
            for task in background
            if task is not current and not task.done() and not _cancelling(task)
        }
        if not pending:
            return
        woken = threading.Event()
        sleeper = hass.loop.run_in_executor(None, woken.wait, idle)
        try:
            done, _ = await asyncio.wait(
                {*pending, sleeper}, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            woken.set()
        if done == {sleeper}:
            return


def next_integration_timer(hass: HomeAssistant) -> timedelta | None:
    """Return how soon the integration's next timer is due (None: it has none).

    Home Assistant's polling of entities (every 30 seconds, for entities that
    compute their state) is left out: it only redraws states, and fires
    anyway when the clock passes it.
    """
    now = hass.loop.time()
    return min(
        (
            timedelta(seconds=max(handle.when() - now, 0))
            for handle in scheduled_timers(hass)
            if _timer_owner(handle) == "integration"
        ),
        default=None,
    )


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    duration: timedelta,
    *,
    step: timedelta | None = None,
    until: Callable[[], bool] | None = None,
    lateness: timedelta = timedelta(0),
) -> bool:
    """Let ``duration`` pass, firing what is due on time.

    The clock jumps from one of the integration's timers to the next (never
    more than ``step`` at once), so that each fires when it is due (or at
    most ``lateness`` late, which fires more of them at once and saves time),
    as in a running Home Assistant, and idle hours cost nothing. With
    ``until``, stop as soon as it holds and return whether it held.
    """
    remaining = duration
    while remaining > timedelta(0):
        tick = min(step or remaining, remaining)
        if (due := next_integration_timer(hass)) is not None:
            tick = min(tick, max(due + lateness, MIN_TICK))
        freezer.tick(tick)
        async_fire_time_changed(hass)
        await settle(hass)
        remaining -= tick
        if until is not None and until():
            return True
    return until() if until is not None else True


# -- Entities -----------------------------------------------------------------


def entity_coordinators(hass: HomeAssistant) -> dict[str, Any]:
    """Return the integration's entities and the coordinator each follows (or None)."""
    return {
        entity_id: getattr(entity, "coordinator", None)
        for platform in entity_platform.async_get_platforms(hass, DOMAIN)
        for entity_id, entity in platform.entities.items()
    }


def entity_vehicles(hass: HomeAssistant) -> dict[str, str | None]:
    """Return the integration's entities and the VIN of their vehicle (or None)."""
    vins: dict[str, str | None] = {}
    for platform in entity_platform.async_get_platforms(hass, DOMAIN):
        for entity_id, entity in platform.entities.items():
            vehicle = getattr(entity, "vehicle", None)
            vins[entity_id] = getattr(vehicle, "vin", None)
    return vins


def available(hass: HomeAssistant, entity_id: str) -> bool:
    """Tell whether an entity has a state other than unavailable."""
    state = hass.states.get(entity_id)
    return state is not None and state.state != STATE_UNAVAILABLE


def availability(hass: HomeAssistant) -> dict[str, bool]:
    """Return whether each of the integration's entities is available."""
    return {
        entity_id: available(hass, entity_id) for entity_id in entity_coordinators(hass)
    }


def states(hass: HomeAssistant, entity_ids: Iterable[str]) -> dict[str, str | None]:
    """Return the states of entities."""
    found: dict[str, str | None] = {}
    for entity_id in entity_ids:
        state = hass.states.get(entity_id)
        found[entity_id] = state.state if state else None
    return found


def endpoint_coordinators(entry: MockConfigEntry) -> list[Any]:
    """Return every endpoint coordinator of every vehicle of a loaded entry."""
    return [
        coordinator
        for vehicle in entry.runtime_data.vehicles.values()
        for coordinator in vehicle.coordinators.values()
    ]


def all_coordinators(entry: MockConfigEntry) -> list[Any]:
    """Return the endpoint coordinators and the account's vehicle list coordinator."""
    coordinators = endpoint_coordinators(entry)
    if (
        vehicles := getattr(entry.runtime_data, "vehicles_coordinator", None)
    ) is not None:
        coordinators.append(vehicles)
    return coordinators


def longest_interval(coordinators: Iterable[Any]) -> timedelta:
    """Return the longest update interval among coordinators that poll."""
    return max(
        (i for c in coordinators if (i := _interval(c)) is not None),
        default=timedelta(hours=1),
    )


def _interval(coordinator: Any) -> timedelta | None:
    """Return the wait booked for a coordinator's next timed read (None: none)."""
    interval: timedelta | None = getattr(
        coordinator, "read_interval", coordinator.update_interval
    )
    return interval


def shortest_interval(coordinators: Iterable[Any]) -> timedelta:
    """Return the shortest update interval among coordinators that poll."""
    return min(
        (i for c in coordinators if (i := _interval(c)) is not None),
        default=timedelta(hours=1),
    )


# -- Logs ---------------------------------------------------------------------


def mentions(name: str) -> Callable[[logging.LogRecord], bool]:
    """Match log records naming a coordinator (and not one whose name extends it)."""
    pattern = re.compile(re.escape(name) + r"(?![\w-])")
    return lambda record: bool(pattern.search(record.getMessage()))


def from_integration(record: logging.LogRecord) -> bool:
    """Tell whether the integration logged a record."""
    return record.name == INTEGRATION_LOGGER or record.name.startswith(
        f"{INTEGRATION_LOGGER}."
    )


def problems(records: Iterable[logging.LogRecord]) -> list[str]:
    """Return the records that tell of an unhandled exception."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in records
        if (record.levelno >= logging.ERROR and record.exc_info)
        or "Unexpected error" in record.getMessage()
        or "Traceback" in record.getMessage()
    ]


# -- Leftovers ----------------------------------------------------------------


def _mentions_integration(*objects: object) -> bool:
    """Tell whether objects' descriptions name the integration."""
    return any("renault_connect" in repr(item) for item in objects)


# What each timer calls, described once (descriptions can be long).
_TIMER_OWNERS: weakref.WeakKeyDictionary[asyncio.TimerHandle, str] = (
    weakref.WeakKeyDictionary()
)


def _timer_owner(handle: asyncio.TimerHandle) -> str:
    """Describe what a timer calls: ``integration``, ``polling`` or ``other``."""
    if (owner := _TIMER_OWNERS.get(handle)) is None:
        callback = repr(handle._callback)  # type: ignore[attr-defined]
        if not _mentions_integration(callback, handle._args):
            owner = "other"
        elif "EntityPlatform." in callback:
            owner = "polling"
        else:
            owner = "integration"
        _TIMER_OWNERS[handle] = owner
    return owner


def scheduled_timers(hass: HomeAssistant) -> list[asyncio.TimerHandle]:
    """Return the timers scheduled on the loop (not cancelled)."""
    handles: list[asyncio.TimerHandle] = hass.loop._scheduled  # type: ignore[attr-defined]
    return [handle for handle in handles if not handle.cancelled()]


def integration_timers(hass: HomeAssistant) -> list[asyncio.TimerHandle]:
    """Return the timers still scheduled that call into the integration."""
    return [
        handle for handle in scheduled_timers(hass) if _timer_owner(handle) != "other"
    ]


def _awaits_integration(task: asyncio.Task[Any]) -> bool:
    """Tell whether a task runs, or waits inside, the integration's code."""
    if "renault_connect" in task.get_name():
        return True
    coro: Any = task.get_coro()
    while coro is not None:
        code = getattr(coro, "cr_code", None) or getattr(coro, "ag_code", None)
        if code is not None and "renault_connect" in code.co_filename:
            return True
        coro = getattr(coro, "cr_await", None)
    return False


def integration_tasks() -> list[asyncio.Task[Any]]:
    """Return the tasks still running that belong to the integration."""
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done() and _awaits_integration(task)
    ]


async def unload_and_check(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry and check that nothing of it is left running."""
    if entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert hass.config_entries.async_entries(DOMAIN)[0].state is (
        ConfigEntryState.NOT_LOADED
    )
    assert not integration_timers(hass), integration_timers(hass)
    assert not integration_tasks(), integration_tasks()
