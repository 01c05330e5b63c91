"""The request budget of an account: hourly budget, priorities, spacing, quota back-off.

Renault's cloud limits the requests of each account. Every request of an
account (reads, commands, and the access tokens the library fetches for them)
is counted and shown over a sliding hour. The timed reads and their tokens
keep to the hourly budget averaged over a three-hour window: each read gets a
moment that keeps the window within its priority's share, away from the other
reads (so that several cars never burst), and, when its plan leaves some
leeway, while an access token is still valid (so that reads share tokens
instead of paying one each). A higher priority takes the
room of lower ones, which wait for the next moment the budget allows. When the
cloud says the quota is reached, timed reads pause with a growing back-off.
Requests made on demand (setup, commands and their checks, a user's refresh)
are never held back; the timed reads make room for them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
import math
from typing import Any

from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.util import dt as dt_util

from .const import LOGGER

WINDOW = timedelta(hours=1)
# The hourly budget is an average over this long, so that the reads of all the
# account's cars can go out together and share an access token.
BUDGET_WINDOW = timedelta(hours=3)
# Least time between two timed reads of an account.
SPACING = timedelta(seconds=10)
# Pauses after the cloud reports the quota reached, one step longer each time.
QUOTA_BACKOFF = (
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
)
# How long an access token serves, until the first one tells (Gigya's JWT
# lasts 15 minutes; the library renews it a minute early).
TOKEN_LIFETIME = timedelta(minutes=14)
# A read riding on a token goes this long before the token expires.
TOKEN_MARGIN = timedelta(seconds=30)
# How far ahead the search for a free moment goes before giving up.
_HORIZON = timedelta(days=1)
_NO_LEEWAY = timedelta(0)


class ReadDeferred(Exception):  # noqa: N818 - a decision, not an error
    """The request budget holds a timed read back (budget spent, or quota reached)."""


class LoginPending(ReadDeferred):
    """The cloud refused the stored login: requests wait for the user to log in.

    Only the request that met the refusal raises ConfigEntryAuthFailed (Home
    Assistant logs it and asks for the login); the others are held back.
    """

    def __init__(self, refusal: ConfigEntryAuthFailed) -> None:
        """Keep the refusal, for reads that have nothing to show meanwhile."""
        super().__init__()
        self.refusal = refusal


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


@dataclass(frozen=True)
class Timing:
    """When a timed read should go out: a wait, how much it matters, and its leeway.

    The read may go up to `earlier` before the wait is over, or `later` after
    it, to share an access token with other reads.
    """

    delay: timedelta
    priority: Priority
    earlier: timedelta = _NO_LEEWAY
    later: timedelta = _NO_LEEWAY


@dataclass(frozen=True)
class _Booking:
    """A moment booked for a timed read."""

    moment: datetime
    priority: Priority


def _window_until(booked: list[datetime], end: datetime) -> list[datetime]:
    """Return the sorted moments within the budget window that ends at `end`."""
    return booked[bisect_right(booked, end - BUDGET_WINDOW) : bisect_right(booked, end)]


class QuotaState(StrEnum):
    """What the account's quota allows now."""

    OK = "ok"
    BUDGET_REACHED = "budget_reached"
    THROTTLED = "throttled"


class RequestBudget:
    """Counts, spaces and holds back the requests of one account."""

    def __init__(self, budget: int) -> None:
        """Start with nothing sent and an hourly budget."""
        self.budget = budget
        self.throttled_until: datetime | None = None
        self.token_valid_until: datetime | None = None
        self._token_lifetime = TOKEN_LIFETIME
        self._sent: deque[datetime] = deque()
        self._timed: deque[datetime] = deque()
        self._reserved: dict[object, _Booking] = {}
        self._backoff_step = 0
        self._listeners: list[Callable[[], None]] = []

    @property
    def requests_last_hour(self) -> int:
        """Return how many requests went out over the last hour."""
        self._forget_before(dt_util.utcnow())
        return len(self._sent)

    @property
    def timed_requests_last_hour(self) -> int:
        """Return how many timed reads and access tokens went out over the last hour."""
        since = dt_util.utcnow() - WINDOW
        return sum(1 for moment in self._timed if moment > since)

    @property
    def state(self) -> QuotaState:
        """Return whether timed reads may go out now."""
        if self.is_throttled:
            return QuotaState.THROTTLED
        now = dt_util.utcnow()
        self._forget_before(now)
        if len(self._timed) >= self._limit(Priority.URGENT):
            return QuotaState.BUDGET_REACHED
        return QuotaState.OK

    @property
    def is_throttled(self) -> bool:
        """Tell whether the cloud's quota holds timed reads back."""
        return (
            self.throttled_until is not None and dt_util.utcnow() < self.throttled_until
        )

    def admits(self, priority: Priority, owner: object | None = None) -> bool:
        """Tell whether a request of this priority may go out now.

        It must fit in its share of the budget window, and leave room for the
        reads of higher priority booked within the next window.
        """
        if priority is Priority.ON_DEMAND:
            return True
        if self.is_throttled:
            return False
        now = dt_util.utcnow()
        self._forget_before(now)
        return self._budget_conflict(now, priority, owner) is None

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

    def as_dict(self) -> dict[str, Any]:
        """Return what was sent lately and any throttle, as kept across restarts."""
        self._forget_before(dt_util.utcnow())
        return {
            "sent": [moment.isoformat() for moment in self._sent],
            "timed": [moment.isoformat() for moment in self._timed],
            "throttled_until": (
                self.throttled_until.isoformat() if self.throttled_until else None
            ),
        }

    def restore(self, kept: Mapping[str, Any]) -> None:
        """Take back what was sent before a reload or restart (the cloud's quota)."""
        now = dt_util.utcnow()
        for name, sent in (("sent", self._sent), ("timed", self._timed)):
            moments = [dt_util.parse_datetime(str(text)) for text in kept.get(name, [])]
            sent.extend(
                sorted(moment for moment in moments if moment and moment <= now)
            )
        throttled = kept.get("throttled_until")
        self.throttled_until = dt_util.parse_datetime(throttled) if throttled else None
        self._forget_before(now)

    def async_on_token(self, valid_until: datetime | None) -> None:
        """Count the request that fetched an access token, and learn how long it serves.

        None: the session dropped its token; the next read fetches one.
        """
        self.token_valid_until = valid_until
        if valid_until is None:
            return
        now = dt_util.utcnow()
        if valid_until > now:
            self._token_lifetime = valid_until - now
        # Timed reads are what keeps the session alive: their budget pays.
        self._sent.append(now)
        self._timed.append(now)
        self._async_notify()

    def async_reserve(
        self,
        owner: object,
        desired: datetime,
        priority: Priority,
        *,
        earlier: timedelta = _NO_LEEWAY,
        later: timedelta = _NO_LEEWAY,
    ) -> datetime:
        """Book the first moment from about `desired` that keeps budget and spacing.

        Within the leeway, the moment closest to `desired` that an access token
        covers is preferred.
        """
        self._reserved.pop(owner, None)
        now = dt_util.utcnow()
        self._forget_before(now)
        moment = self._on_a_token(desired, max(desired - earlier, now), desired + later)
        if self.throttled_until is not None:
            moment = max(moment, self.throttled_until)
        give_up = desired + _HORIZON
        while moment < give_up:
            later_moment = self._after_conflict(moment, priority)
            if later_moment is None:
                break
            moment = later_moment
        self._reserved[owner] = _Booking(moment, priority)
        return moment

    def async_cancel(self, owner: object) -> None:
        """Drop an owner's reservation (it stops polling)."""
        self._reserved.pop(owner, None)

    def async_report_quota(self, wait: timedelta | None = None) -> None:
        """Pause timed reads after the cloud said the quota is reached.

        The pause is the `wait` the cloud asked for, or else the back-off's.
        """
        pause = wait or QUOTA_BACKOFF[min(self._backoff_step, len(QUOTA_BACKOFF) - 1)]
        self.throttled_until = dt_util.utcnow() + pause
        self._backoff_step += 1
        if self._backoff_step == 1:
            LOGGER.warning(
                "The Renault cloud says this account's request quota is reached; "
                "reads pause for %d minutes and entities keep their last values",
                pause.total_seconds() // 60,
            )
        self._async_notify()

    def async_report_success(self) -> None:
        """Reset the back-off after the cloud answered again."""
        if self._backoff_step == 0:
            return
        self._backoff_step = 0
        self.throttled_until = None
        LOGGER.info("The Renault cloud answers again; reads resume")
        self._async_notify()

    def async_add_listener(self, update: Callable[[], None]) -> Callable[[], None]:
        """Call `update` whenever the count or the quota state changes."""
        self._listeners.append(update)

        def remove() -> None:
            self._listeners.remove(update)

        return remove

    @property
    def next_change(self) -> datetime | None:
        """Return when the count or the quota state changes by itself next.

        Then a counted request leaves the hour, the budget window has room
        again, or the quota's pause ends; None when nothing is pending.
        """
        moments = []
        if self._sent:
            moments.append(self._sent[0] + WINDOW)
        if self._timed:
            moments.append(self._timed[0] + BUDGET_WINDOW)
        if self.is_throttled and self.throttled_until is not None:
            moments.append(self.throttled_until)
        return min(moments, default=None)

    def async_catch_up(self) -> None:
        """Forget what left the window, and tell the listeners (at `next_change`)."""
        self._forget_before(dt_util.utcnow())
        self._async_notify()

    def _limit(self, priority: Priority) -> float:
        """Return how many timed requests this priority may send per budget window."""
        share = BUDGET_SHARE.get(priority, float("inf"))
        return self.budget * share * (BUDGET_WINDOW / WINDOW)

    def _forget_before(self, now: datetime) -> None:
        """Drop the requests that left the last hour, or the budget's window."""
        for sent, window in ((self._sent, WINDOW), (self._timed, BUDGET_WINDOW)):
            while sent and sent[0] <= now - window:
                sent.popleft()

    def _booked(
        self, priority: Priority, owner: object | None = None
    ) -> list[datetime]:
        """Return the timed requests sent and the reads booked at `priority` or more."""
        return sorted(
            [
                *self._timed,
                *(
                    booking.moment
                    for other, booking in self._reserved.items()
                    if other is not owner and booking.priority >= priority
                ),
            ]
        )

    def _budget_conflict(
        self, moment: datetime, priority: Priority, owner: object | None = None
    ) -> datetime | None:
        """Return a later moment to try if `moment` overfills a window, else None.

        The budget window ending at `moment` must have room at `priority`, and
        so must the windows ending on the higher reads booked after it.
        """
        booked = self._booked(priority, owner)
        limit = self._limit(priority)
        in_window = _window_until(booked, moment)
        if len(in_window) + 1 > limit:
            # Wait until enough of the window's requests have left it.
            must_leave = len(in_window) + 1 - math.floor(limit)
            return in_window[must_leave - 1] + BUDGET_WINDOW
        higher_booked: dict[Priority, list[datetime]] = {}
        for other, booking in self._reserved.items():
            if (
                other is owner
                or booking.priority <= priority
                or not moment < booking.moment < moment + BUDGET_WINDOW
            ):
                continue
            if booking.priority not in higher_booked:
                higher_booked[booking.priority] = self._booked(booking.priority, owner)
            higher = _window_until(higher_booked[booking.priority], booking.moment)
            if len(higher) + 1 > self._limit(booking.priority):
                # No room before that read: go after it.
                return booking.moment + SPACING
        return None

    def _after_conflict(self, moment: datetime, priority: Priority) -> datetime | None:
        """Return a later moment if `moment` breaks spacing or budget, else None."""
        for booking in self._reserved.values():
            if abs(booking.moment - moment) < SPACING:
                return booking.moment + SPACING
        if self._timed and abs(self._timed[-1] - moment) < SPACING:
            return self._timed[-1] + SPACING
        return self._budget_conflict(moment, priority)

    def _on_a_token(self, desired: datetime, low: datetime, high: datetime) -> datetime:
        """Return the moment in [low, high] closest to `desired` an access token covers.

        The current token covers until it expires; each booked read that finds
        no valid token fetches one, which covers the reads after it.
        """
        best = desired
        found: timedelta | None = None
        for start, end in self._token_spans(low):
            first, last = max(start, low), min(end - TOKEN_MARGIN, high)
            if first > last:
                continue
            candidate = min(max(desired, first), last)
            distance = abs(candidate - desired)
            if found is None or distance < found:
                best, found = candidate, distance
        return best

    def _token_spans(self, since: datetime) -> list[tuple[datetime, datetime]]:
        """Return when access tokens are expected to be valid, from now on."""
        now = dt_util.utcnow()
        spans: list[tuple[datetime, datetime]] = []
        covered_until = now
        if self.token_valid_until is not None and self.token_valid_until > now:
            covered_until = self.token_valid_until
            spans.append((now, covered_until))
        for moment in sorted(booking.moment for booking in self._reserved.values()):
            if moment >= covered_until:
                covered_until = moment + self._token_lifetime
                if covered_until > since:
                    spans.append((moment, covered_until))
        return spans

    def _async_notify(self) -> None:
        """Tell the listeners that the count or the quota state changed."""
        for update in list(self._listeners):
            update()
