"""When to read each endpoint of a car, from what the car is doing.

The car uploads its data on events only (ignition off, charge start and stop,
every few minutes while charging, a requested refresh). One endpoint, the
heartbeat (the battery, or the location of a car without one), is read on a
rhythm shared out of the account's budget; its timestamp tells when the car
uploaded, and only then are the endpoints that cannot change while the car
stands still read again. While charging, the heartbeat is read just after
the car's next expected upload. Settings, history and contracts are read a
few times a day, and after the commands that change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
import math
from typing import Any, Protocol

from homeassistant.util import dt as dt_util

from .car_states import is_charging
from .cloud_time import cloud_time
from .request_budget import TOKEN_LIFETIME, WINDOW, Priority, Timing


class Fleet(Protocol):
    """What a car's read plan needs of its account."""

    @property
    def hourly_budget(self) -> int:
        """Return the account's hourly request budget."""

    @property
    def read_plans(self) -> list[ReadPlan]:
        """Return the read plans of the account's cars."""

    @property
    def quiet_hours(self) -> tuple[time, time] | None:
        """Return the user's quiet hours (local start and end), if set."""


class Role(StrEnum):
    """What an endpoint's data follows, which decides how often it is read."""

    STATE = "state"
    """The car's state: changes only when the car uploads; read soon after."""
    DETAIL = "detail"
    """More of the car's state (mileage, cabin): read after an upload when the
    budget has room."""
    SETTINGS = "settings"
    """Set by commands or the app: read a few times a day."""
    SLOW = "slow"
    """Changes slowly (tyre pressures): read a few times a day."""
    HISTORY = "history"
    """Past charges: read a few times a day and after a charge ends."""
    CLIMATE_HISTORY = "climate_history"
    """Past preconditionings: read once a day and after one ends."""
    CONTRACTS = "contracts"
    """Subscriptions: read once a day."""


# The share of the account's budget spent on the heartbeats of its cars and
# the access tokens they fetch.
HEARTBEAT_SHARE = 0.88
SHORTEST_HEARTBEAT = timedelta(minutes=5)
QUIET_HEARTBEAT = timedelta(hours=1)
# While charging: the upload rhythm assumed until two uploads tell it, its
# bounds, the wait after an expected upload, and the pace once one is late.
CHARGING_UPLOADS = timedelta(minutes=10)
CHARGING_UPLOADS_BOUNDS = (timedelta(minutes=2), timedelta(minutes=30))
UPLOAD_MARGIN = timedelta(minutes=1)
# A gap between two uploads seen this many times the known rhythm spans
# uploads that were not read.
SKIPPED_UPLOADS_RATIO = 1.5
LATE_UPLOAD_PACE = timedelta(minutes=5)
# Reads after an upload wait a little, so that all the car's data has arrived.
AFTER_UPLOAD = timedelta(seconds=30)
# The parked cars of an account are read together, in rounds on a grid of
# their shared heartbeat interval (one access token serves a whole round);
# a read may go this much later to ride on a token.
ROUND_GRID_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
ROUND_LEEWAY = timedelta(minutes=2)
DETAIL_LEEWAY = timedelta(minutes=30)
ROLE_LEEWAY = timedelta(hours=1)
ROLE_INTERVALS = {
    Role.SETTINGS: timedelta(hours=12),
    Role.SLOW: timedelta(hours=12),
    Role.HISTORY: timedelta(hours=12),
    Role.CLIMATE_HISTORY: timedelta(days=1),
    Role.CONTRACTS: timedelta(days=1),
}


@dataclass
class Heartbeat:
    """What the last heartbeat reads told about the car."""

    upload: Any = None
    """The last upload's timestamp (or the data itself when it has none)."""
    uploaded_at: datetime | None = None
    charging: bool = False
    plugged: bool | None = None
    level: float | None = None
    charging_uploads: timedelta = CHARGING_UPLOADS
    just_parked: bool = False
    """The last upload ended a trip: the reads it calls for replace a heartbeat."""


def _upload_marker(data: Any) -> Any:
    """Return what changes when the car uploads: a timestamp, or the data."""
    for name in ("timestamp", "lastUpdateTime"):
        if (value := getattr(data, name, None)) is not None:
            return value
    return getattr(data, "raw_data", data)


def shared_heartbeat(vehicles: int, budget: int) -> timedelta:
    """Return the heartbeat interval that keeps the account's cars in budget.

    Each round reads every car and, unless the last round's access token is
    still valid, fetches a new one: rounds further apart than a token lasts
    pay one token each, closer rounds share one token per token lifetime.
    """
    hourly = budget * HEARTBEAT_SHARE
    apart = timedelta(hours=(vehicles + 1) / hourly)
    if apart >= TOKEN_LIFETIME:
        return apart
    tokens_hourly = WINDOW / TOKEN_LIFETIME
    # At least one read a round, and a token for each: the budget's floor.
    spare = max(hourly - tokens_hourly, hourly / 2)
    return timedelta(hours=vehicles / spare)


def next_round(now: datetime, interval: timedelta, rounds: int = 1) -> datetime:
    """Return the moment of the account's `rounds`-th read round from now.

    Rounds fall on a fixed grid of `interval`; the next one is at least half
    an interval away, so that a car read in one round waits for the next.
    """
    elapsed = now + interval / 2 - ROUND_GRID_ORIGIN
    return ROUND_GRID_ORIGIN + (elapsed // interval + rounds) * interval


def in_quiet_hours(now: datetime, start: time, end: time) -> bool:
    """Tell whether the local time falls in the quiet hours (may cross midnight)."""
    moment = dt_util.as_local(now).time()
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


class ReadPlan:
    """Decides when each endpoint of one car is read next."""

    def __init__(self, fleet: Fleet) -> None:
        """Plan for a vehicle whose coordinators are set up afterwards."""
        self.fleet = fleet
        self.heartbeat_key: str | None = None
        self.heartbeat = Heartbeat()

    def choose_heartbeat(self, keys: list[str], preference: tuple[str, ...]) -> None:
        """Pick the endpoint that tells when the car uploads."""
        self.heartbeat_key = next((key for key in preference if key in keys), None)

    def next_read(self, role: Role, key: str) -> Timing | None:
        """Return when to read the endpoint next (None: only after uploads)."""
        if key == self.heartbeat_key:
            return self._next_heartbeat()
        if role in (Role.STATE, Role.DETAIL):
            return None
        interval = ROLE_INTERVALS[role]
        return Timing(interval, Priority.BACKGROUND, ROLE_LEEWAY, ROLE_LEEWAY)

    def after_upload(self, role: Role) -> Timing:
        """Return when to read an endpoint of this role after the car uploaded.

        The car's state is read in the place of its next heartbeat (which
        waits one more turn); details and history when the budget has room.
        """
        if role is Role.STATE:
            return self._in_round()
        return Timing(AFTER_UPLOAD, Priority.BACKGROUND, later=DETAIL_LEEWAY)

    def _in_round(self, rounds: int = 1) -> Timing:
        """Return a read in the account's next round (or a later one).

        In quiet hours only every few rounds are read, about once an hour.
        """
        now = dt_util.utcnow()
        fleet = self.fleet
        shared = shared_heartbeat(len(fleet.read_plans), fleet.hourly_budget)
        interval = max(SHORTEST_HEARTBEAT, shared)
        quiet_every = math.ceil(QUIET_HEARTBEAT / interval)
        moment = next_round(now, interval, rounds)
        while (
            self._is_quiet(moment)
            and (moment - ROUND_GRID_ORIGIN) // interval % quiet_every
        ):
            moment += interval
        return Timing(moment - now, Priority.ROUTINE, later=ROUND_LEEWAY)

    def longest_gap(self) -> timedelta:
        """Return the longest wait between two heartbeat reads the plan allows now.

        While charging, the heartbeat is read after each upload at the pace
        the budget allows; parked, in each round (every hour or so in quiet
        hours); either may ride a little later on an access token.
        """
        plans = self.fleet.read_plans
        budget = self.fleet.hourly_budget
        if self.heartbeat.charging:
            charging = sum(plan.heartbeat.charging for plan in plans)
            pace = max(
                self.heartbeat.charging_uploads, shared_heartbeat(charging, budget)
            )
            return pace + LATE_UPLOAD_PACE
        interval = max(SHORTEST_HEARTBEAT, shared_heartbeat(len(plans), budget))
        if self._is_quiet(dt_util.utcnow()):
            interval *= math.ceil(QUIET_HEARTBEAT / interval)
        return interval + ROUND_LEEWAY

    def _next_heartbeat(self) -> Timing:
        """Return the heartbeat's next read: timed on uploads while charging."""
        beat = self.heartbeat
        if beat.charging:
            return self._next_charging_read(dt_util.utcnow())
        if beat.just_parked:
            # A car rarely drives off again at once: the position read after
            # the trip takes the place of the heartbeat in the next round.
            beat.just_parked = False
            return self._in_round(rounds=2)
        return self._in_round()

    def _next_charging_read(self, now: datetime) -> Timing:
        """Return the wait until just after an upload, at the charging cars' share.

        One charging car is read after each upload; when several charge, each
        is read as often as the budget allows, just after an upload or, to
        share an access token, a little later.
        """
        beat = self.heartbeat
        charging = sum(plan.heartbeat.charging for plan in self.fleet.read_plans)
        period = beat.charging_uploads
        pace = max(period, shared_heartbeat(charging, self.fleet.hourly_budget))
        later = min(period / 2, pace - period)
        if beat.uploaded_at is None:
            return Timing(max(LATE_UPLOAD_PACE, pace), Priority.URGENT, later=later)
        # The first upload expected once the pace allows the next read.
        uploads = math.ceil((now + pace - period - beat.uploaded_at) / period)
        expected = beat.uploaded_at + max(uploads, 1) * period + UPLOAD_MARGIN
        if expected <= now:
            wait = max(LATE_UPLOAD_PACE, pace - period)
        else:
            wait = expected - now
        return Timing(wait, Priority.URGENT, later=later)

    def just_after_upload(self, moment: datetime) -> datetime:
        """Return the first moment from `moment` just after a charging upload."""
        beat = self.heartbeat
        if not beat.charging or beat.uploaded_at is None:
            return moment
        period = beat.charging_uploads
        uploads = math.ceil((moment - UPLOAD_MARGIN - beat.uploaded_at) / period)
        return beat.uploaded_at + max(uploads, 0) * period + UPLOAD_MARGIN

    def _is_quiet(self, now: datetime) -> bool:
        """Tell whether the user's quiet hours (night by default) are on."""
        if (hours := self.fleet.quiet_hours) is None:
            return False
        return in_quiet_hours(now, *hours)

    def _learn_charging_uploads(self, gap: timedelta) -> None:
        """Learn the car's upload rhythm while charging from two uploads in a row.

        A gap much longer than the rhythm known spans skipped uploads (the
        budget allowed fewer reads) and teaches nothing.
        """
        beat = self.heartbeat
        if gap > beat.charging_uploads * SKIPPED_UPLOADS_RATIO:
            return
        low, high = CHARGING_UPLOADS_BOUNDS
        beat.charging_uploads = min(max(gap, low), high)

    def on_heartbeat(self, data: Any) -> list[Role]:
        """Learn from a heartbeat read; return the roles to read again now.

        A new upload refreshes the car's state, unless it is one of the
        regular uploads of a charge in progress (nothing else moves then);
        the end of a charge also refreshes the charge history.
        """
        beat = self.heartbeat
        marker = _upload_marker(data)
        charging = hasattr(data, "chargingStatus") and is_charging(data)
        plugged = getattr(data, "plugStatus", None)
        if marker == beat.upload:
            return []
        first = beat.upload is None
        uploaded_at = _as_datetime(marker)
        if (
            charging
            and beat.charging
            and uploaded_at is not None
            and beat.uploaded_at is not None
        ):
            self._learn_charging_uploads(uploaded_at - beat.uploaded_at)
        level = getattr(data, "batteryLevel", None)
        # A plug or charge event with no energy spent: the car has not moved.
        stood_still = (
            charging != beat.charging or plugged != beat.plugged
        ) and not _dropped(beat.level, level)
        refresh: list[Role] = []
        if not first and not stood_still and not (charging and beat.charging):
            refresh += [Role.STATE, Role.DETAIL]
        beat.just_parked = Role.STATE in refresh and not charging
        if not first and beat.charging and not charging:
            refresh.append(Role.HISTORY)
        beat.upload = marker
        beat.uploaded_at = uploaded_at
        beat.charging = charging
        beat.plugged = plugged
        beat.level = level
        return refresh


def _dropped(before: float | None, after: float | None) -> bool:
    """Tell whether the battery level fell (the car drove), or may have."""
    return before is None or after is None or after < before


def _as_datetime(marker: Any) -> datetime | None:
    """Return the upload time if the marker is a timestamp we can trust."""
    return cloud_time(marker, dt_util.utcnow())
