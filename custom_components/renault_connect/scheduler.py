"""The request scheduler of an account: budget, priorities, spacing, quota back-off.

Renault's cloud limits the requests of each account. Every read and command
of an account goes through its scheduler, which counts them over a sliding
hour, gives each timed read a moment that keeps the timed reads within the
hourly budget and away from the other reads (so that several cars never
burst), and pauses the timed reads with a growing back-off when the cloud says
the quota is reached. Requests made on demand (setup, commands and their
checks, a user's refresh) are counted and shown, but never held back, and do
not eat into the budget of the timed reads.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
import math

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .const import LOGGER

WINDOW = timedelta(hours=1)
# Least time between two timed reads of an account.
SPACING = timedelta(seconds=10)
# Pauses after the cloud reports the quota reached, one step longer each time.
QUOTA_BACKOFF = (
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
)
# How far ahead the search for a free moment goes before giving up.
_HORIZON = timedelta(days=1)


class Priority(IntEnum):
    """How much a request matters; higher ones may use more of the budget."""

    BACKGROUND = 0
    """Settings, history and contracts: they change rarely."""
    ROUTINE = 1
    """The car's state: the heartbeat and the refreshes after an upload."""
    URGENT = 2
    """Reads timed on a charging car's next upload."""
    ON_DEMAND = 3
    """Commands, their confirmation reads, setup and reads a user asked for."""


# The part of the hourly budget each priority may fill; on-demand requests
# are counted but never held back.
BUDGET_SHARE = {
    Priority.BACKGROUND: 0.9,
    Priority.ROUTINE: 0.95,
    Priority.URGENT: 1.0,
}


class QuotaState(StrEnum):
    """What the account's quota allows now."""

    OK = "ok"
    BUDGET_REACHED = "budget_reached"
    THROTTLED = "throttled"


class RequestScheduler:
    """Counts, spaces and holds back the requests of one account."""

    def __init__(self, hass: HomeAssistant, budget: int) -> None:
        """Start with nothing sent and an hourly budget."""
        self.hass = hass
        self.budget = budget
        self.throttled_until: datetime | None = None
        self._sent: deque[datetime] = deque()
        self._timed: deque[datetime] = deque()
        self._reserved: dict[object, datetime] = {}
        self._backoff_step = 0
        self._listeners: list[CALLBACK_TYPE] = []
        self._unsub_expiry: CALLBACK_TYPE | None = None
        self._expiry_job = HassJob(self._async_on_expiry, "renault_connect quota")

    @property
    def requests_last_hour(self) -> int:
        """Return how many requests went out over the last hour."""
        self._forget_before(dt_util.utcnow() - WINDOW)
        return len(self._sent)

    @property
    def timed_reads_last_hour(self) -> int:
        """Return how many timed reads went out over the last hour."""
        self._forget_before(dt_util.utcnow() - WINDOW)
        return len(self._timed)

    @property
    def state(self) -> QuotaState:
        """Return whether timed reads may go out now."""
        if self.is_throttled:
            return QuotaState.THROTTLED
        if self.timed_reads_last_hour >= self.budget:
            return QuotaState.BUDGET_REACHED
        return QuotaState.OK

    @property
    def is_throttled(self) -> bool:
        """Tell whether the cloud's quota holds timed reads back."""
        return (
            self.throttled_until is not None and dt_util.utcnow() < self.throttled_until
        )

    def admits(self, priority: Priority) -> bool:
        """Tell whether a request of this priority may go out now."""
        if priority is Priority.ON_DEMAND:
            return True
        if self.is_throttled:
            return False
        return self.timed_reads_last_hour + 1 <= self._limit(priority)

    @callback
    def async_record_request(
        self, priority: Priority, owner: object | None = None
    ) -> None:
        """Count a request going out now (and free its owner's reservation)."""
        if owner is not None:
            self._reserved.pop(owner, None)
        now = dt_util.utcnow()
        self._sent.append(now)
        if priority is not Priority.ON_DEMAND:
            self._timed.append(now)
        self._async_notify()

    @callback
    def async_reserve(
        self, owner: object, desired: datetime, priority: Priority
    ) -> datetime:
        """Book the first moment from `desired` on that keeps budget and spacing."""
        self._reserved.pop(owner, None)
        moment = desired
        if self.throttled_until is not None:
            moment = max(moment, self.throttled_until)
        limit = self._limit(priority)
        booked = sorted([*self._timed, *self._reserved.values()])
        give_up = desired + _HORIZON
        while moment < give_up:
            later = self._after_conflict(booked, moment, limit)
            if later is None:
                break
            moment = later
        self._reserved[owner] = moment
        return moment

    @callback
    def async_cancel(self, owner: object) -> None:
        """Drop an owner's reservation (it stops polling)."""
        self._reserved.pop(owner, None)

    @callback
    def async_report_quota(self) -> None:
        """Pause timed reads after the cloud said the quota is reached."""
        pause = QUOTA_BACKOFF[min(self._backoff_step, len(QUOTA_BACKOFF) - 1)]
        self.throttled_until = dt_util.utcnow() + pause
        self._backoff_step += 1
        if self._backoff_step == 1:
            LOGGER.warning(
                "The Renault cloud says this account's request quota is reached; "
                "reads pause for %d minutes and entities keep their last values",
                pause.total_seconds() // 60,
            )
        self._async_schedule_expiry()
        self._async_notify()

    @callback
    def async_report_success(self) -> None:
        """Reset the back-off after the cloud answered again."""
        if self._backoff_step == 0:
            return
        self._backoff_step = 0
        self.throttled_until = None
        LOGGER.info("The Renault cloud answers again; reads resume")
        self._async_notify()

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` whenever the count or the quota state changes."""
        self._listeners.append(update)
        self._async_schedule_expiry()

        @callback
        def remove() -> None:
            self._listeners.remove(update)
            self._async_schedule_expiry()

        return remove

    @callback
    def async_shutdown(self) -> None:
        """Stop the timer that follows the sliding hour."""
        if self._unsub_expiry is not None:
            self._unsub_expiry()
            self._unsub_expiry = None
        self._listeners.clear()

    def _limit(self, priority: Priority) -> float:
        """Return how many requests an hour this priority may fill."""
        return self.budget * BUDGET_SHARE.get(priority, float("inf"))

    def _forget_before(self, start: datetime) -> None:
        """Drop the requests that left the sliding hour."""
        for sent in (self._sent, self._timed):
            while sent and sent[0] <= start:
                sent.popleft()

    @staticmethod
    def _after_conflict(
        booked: list[datetime], moment: datetime, limit: float
    ) -> datetime | None:
        """Return a later moment if `moment` breaks spacing or budget, else None."""
        for other in booked:
            if abs(other - moment) < SPACING:
                return other + SPACING
        in_window = [other for other in booked if moment - WINDOW < other <= moment]
        if len(in_window) + 1 <= limit:
            return None
        # Wait until enough of the hour's reads have left the window.
        must_leave = len(in_window) + 1 - math.floor(limit)
        return in_window[must_leave - 1] + WINDOW

    @callback
    def _async_notify(self) -> None:
        """Tell the diagnostic entities, and follow the hour's oldest request."""
        for update in list(self._listeners):
            update()
        self._async_schedule_expiry()

    @callback
    def _async_schedule_expiry(self) -> None:
        """Wake the listeners when the count or the quota state changes by itself."""
        if self._unsub_expiry is not None:
            self._unsub_expiry()
            self._unsub_expiry = None
        if not self._listeners:
            return
        moments = []
        if self._sent:
            moments.append(self._sent[0] + WINDOW)
        if self.is_throttled and self.throttled_until is not None:
            moments.append(self.throttled_until)
        if moments:
            self._unsub_expiry = async_track_point_in_utc_time(
                self.hass, self._expiry_job, min(moments)
            )

    @callback
    def _async_on_expiry(self, _now: datetime) -> None:
        """Refresh what the diagnostic entities show."""
        self._unsub_expiry = None
        self._forget_before(dt_util.utcnow() - WINDOW)
        self._async_notify()
