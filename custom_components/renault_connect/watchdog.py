"""The watchdog: notices when no fresh data has arrived for an unusual time.

A cloud session can stall without a single error (a token that no longer
mints data, timers that stopped), or the cloud can fail for a while. The
polling plan knows when the next answer is due: after each upload of a
charging car (every 10 minutes or so), in each round for parked cars (half an
hour to an hour). When two answers in a row are missing for the car read most
often, the data is stale: the watchdog says so at once through a diagnostic
entity and logs it once (about 30 minutes while charging, 1 to 2 hours
parked). Rebuilding the session costs a login, so it waits longer: three of
the longest planned gaps (3 hours or more), once per such period.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .read_plan import QUIET_HEARTBEAT, ReadPlan, shared_heartbeat
from .request_budget import RequestBudget


class WatchedRead(Protocol):
    """A car's heartbeat read, as the watchdog sees it."""

    @property
    def last_update_success(self) -> bool:
        """Tell whether the last read was answered."""

    @property
    def next_read_at(self) -> datetime | None:
        """Return when the next read is booked."""


class WatchedCar(Protocol):
    """A car, as the watchdog sees it."""

    @property
    def read_plan(self) -> ReadPlan:
        """Return the car's read plan."""

    @property
    def heartbeat(self) -> WatchedRead | None:
        """Return the read that tells when the car uploads."""


class WatchedAccount(Protocol):
    """An account, as the watchdog sees it."""

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""

    @property
    def request_budget(self) -> RequestBudget:
        """Return the account's request budget."""

    @property
    def login_refused(self) -> bool:
        """Tell whether the cloud refused the stored login."""

    @property
    def vehicles(self) -> Mapping[str, WatchedCar]:
        """Return the account's cars."""

    def async_rebuild_session(self) -> None:
        """Drop the access token and read each car's heartbeat afresh."""


CHECK_INTERVAL = timedelta(minutes=5)
# Data is stale when this many planned answers in a row are missing...
STALE_GAPS = 2
# ...and the session is rebuilt after this many of the longest planned gaps.
REBUILD_GAPS = 3


class Watchdog:
    """Follows the time of the account's last answered read."""

    def __init__(self, hub: WatchedAccount) -> None:
        """Start as if data had just arrived."""
        self.hub = hub
        self.last_fresh_data = dt_util.utcnow()
        self.stalled = False
        self._rebuilt_at: datetime | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def stale_after(self) -> timedelta:
        """Return how long without an answer makes the data stale now."""
        gaps = [
            vehicle.read_plan.longest_gap() for vehicle in self.hub.vehicles.values()
        ]
        return STALE_GAPS * min(gaps, default=QUIET_HEARTBEAT) + CHECK_INTERVAL

    def _waiting_as_planned(self, now: datetime) -> bool:
        """Tell whether a car's heartbeat answers and its next read is still to come.

        The budget may space reads further than usual; that is not a stall.
        A heartbeat that fails, or whose read is overdue, waits for nothing.
        """
        return any(
            heartbeat.last_update_success
            and heartbeat.next_read_at is not None
            and heartbeat.next_read_at > now
            for vehicle in self.hub.vehicles.values()
            if (heartbeat := vehicle.heartbeat) is not None
        )

    @property
    def rebuild_after(self) -> timedelta:
        """Return how long without an answer calls for a new session."""
        hub = self.hub
        longest = max(
            QUIET_HEARTBEAT,
            shared_heartbeat(len(hub.vehicles), hub.request_budget.budget),
        )
        return REBUILD_GAPS * longest

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Check every few minutes; return what stops it."""
        return async_track_time_interval(
            self.hub.hass,
            self._async_check,
            CHECK_INTERVAL,
            name="renault_connect watchdog",
        )

    @callback
    def async_fresh_data(self) -> None:
        """Note an answered read, and the end of a stall."""
        self.last_fresh_data = dt_util.utcnow()
        if self.stalled:
            self.stalled = False
            self._rebuilt_at = None
            LOGGER.info("Fresh data arrives from the Renault cloud again")
            self._async_notify()

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` when the watchdog's verdict changes."""
        self._listeners.append(update)

        @callback
        def remove() -> None:
            self._listeners.remove(update)

        return remove

    @callback
    def _async_check(self, now: datetime) -> None:
        """Declare stale data; rebuild the session once per longer period."""
        hub = self.hub
        if hub.request_budget.is_throttled or hub.login_refused:
            return
        silent = now - self.last_fresh_data
        if silent < self.stale_after or self._waiting_as_planned(now):
            return
        if not self.stalled:
            self.stalled = True
            LOGGER.warning(
                "No fresh data from the Renault cloud since %s",
                self.last_fresh_data.isoformat(timespec="minutes"),
            )
            self._async_notify()
        if silent < self.rebuild_after:
            return
        if self._rebuilt_at is not None and now - self._rebuilt_at < self.rebuild_after:
            return
        LOGGER.warning("Rebuilding the session with the Renault cloud")
        self._rebuilt_at = now
        hub.async_rebuild_session()

    @callback
    def _async_notify(self) -> None:
        """Tell the diagnostic entity."""
        for update in list(self._listeners):
            update()
