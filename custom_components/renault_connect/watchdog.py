"""The watchdog: notices when no fresh data has arrived for an unusual time.

A cloud session can stall without a single error (a token that no longer
mints data, timers that stopped). When no read has been answered for much
longer than the polling plan allows, the watchdog says so through a
diagnostic entity, logs it once, and rebuilds the session.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .polling import QUIET_HEARTBEAT, shared_heartbeat

if TYPE_CHECKING:
    from .hub import RenaultHub

CHECK_INTERVAL = timedelta(minutes=15)
# A stall is this many of the longest planned gaps between heartbeats.
STALL_GAPS = 3


class Watchdog:
    """Follows the time of the account's last answered read."""

    def __init__(self, hub: RenaultHub) -> None:
        """Start as if data had just arrived."""
        self.hub = hub
        self.last_fresh_data = dt_util.utcnow()
        self.stalled = False
        self._rebuilt_at: datetime | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def stall_after(self) -> timedelta:
        """Return how long without data counts as a stall."""
        hub = self.hub
        longest = max(
            QUIET_HEARTBEAT,
            shared_heartbeat(len(hub.vehicles), hub.scheduler.budget),
        )
        return STALL_GAPS * longest

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
        """Declare a stall, and rebuild the session once per stall period."""
        hub = self.hub
        if hub.scheduler.is_throttled or hub.login_refused:
            return
        if now - self.last_fresh_data < self.stall_after:
            return
        if self._rebuilt_at is not None and now - self._rebuilt_at < self.stall_after:
            return
        if not self.stalled:
            self.stalled = True
            LOGGER.warning(
                "No fresh data from the Renault cloud since %s; rebuilding the session",
                self.last_fresh_data.isoformat(timespec="minutes"),
            )
            self._async_notify()
        self._rebuilt_at = now
        hub.async_rebuild_session()

    @callback
    def _async_notify(self) -> None:
        """Tell the diagnostic entity."""
        for update in list(self._listeners):
            update()
