"""Charged energy: the car's charge sessions, kept and spread over the hours they ran.

The cloud lists the sessions of the last 30 days, each with its start, end and
the energy it put in the battery. Sessions are kept as they come (a session
read again, or whose end moved, replaces the one it overlaps: never counted
twice), and their energy is spread evenly over the hours each one ran, which
is the form Home Assistant's long-term statistics and its Energy dashboard
read: one row per hour with the running total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

HOUR = timedelta(hours=1)
MOMENT = timedelta(microseconds=1)
# No car takes more in one session: a larger figure is a fault of the answer.
MAX_SESSION_KWH = 250.0


@dataclass(frozen=True)
class ChargeSession:
    """One finished charge: when it ran and the energy it put in the battery."""

    start: datetime
    end: datetime
    energy_kwh: float

    def overlaps(self, other: ChargeSession) -> bool:
        """Tell whether two sessions share some time (the same charge, read again)."""
        return self.start < other.end and other.start < self.end

    def as_dict(self) -> dict[str, Any]:
        """Return the session as stored."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "energy_kwh": self.energy_kwh,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> ChargeSession:
        """Return a stored session."""
        return cls(
            datetime.fromisoformat(stored["start"]),
            datetime.fromisoformat(stored["end"]),
            float(stored["energy_kwh"]),
        )


def finished_sessions(listed: Iterable[Mapping[str, Any]]) -> list[ChargeSession]:
    """Return the finished sessions of a charges answer that can be believed.

    A session still running (no end yet), without energy, ending before it
    starts, or with more energy than any battery holds is left out.
    """
    sessions = []
    for item in listed:
        start = dt_util.parse_datetime(str(item.get("chargeStartDate") or ""))
        end = dt_util.parse_datetime(str(item.get("chargeEndDate") or ""))
        energy = item.get("chargeEnergyRecovered")
        if start is None or end is None or not isinstance(energy, int | float):
            continue
        if end <= start or not 0 < energy <= MAX_SESSION_KWH:
            continue
        sessions.append(
            ChargeSession(dt_util.as_utc(start), dt_util.as_utc(end), float(energy))
        )
    return sessions


def merge_sessions(
    kept: Iterable[ChargeSession], read: Iterable[ChargeSession]
) -> tuple[list[ChargeSession], datetime | None]:
    """Lay the sessions just read on those kept.

    A session read replaces every kept one it overlaps. Returns all sessions
    by start, and the earliest moment whose energy changed (None: nothing did).
    """
    sessions = sorted(kept, key=lambda session: session.start)
    changed_from: datetime | None = None
    for session in read:
        replaced = [old for old in sessions if old.overlaps(session)]
        if replaced == [session]:
            continue
        sessions = [old for old in sessions if old not in replaced]
        sessions.append(session)
        earliest = min([session.start, *(old.start for old in replaced)])
        changed_from = earliest if changed_from is None else min(changed_from, earliest)
    sessions.sort(key=lambda session: session.start)
    return sessions, changed_from


def hour_of(moment: datetime) -> datetime:
    """Return the start of the hour a moment falls in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def energy_by_hour(sessions: Iterable[ChargeSession]) -> dict[datetime, float]:
    """Return the energy charged in each hour, each session spread evenly."""
    hours: dict[datetime, float] = {}
    for session in sessions:
        per_second = session.energy_kwh / (session.end - session.start).total_seconds()
        hour = hour_of(session.start)
        while hour < session.end:
            overlap = min(hour + HOUR, session.end) - max(hour, session.start)
            hours[hour] = hours.get(hour, 0.0) + per_second * overlap.total_seconds()
            hour += HOUR
    return hours


def charging_cost(
    hours: Mapping[datetime, float], prices: Mapping[datetime, float]
) -> float | None:
    """Return what hours of charging (kWh by hour) cost at hourly prices.

    None when an hour's price is unknown: a cost is never told from part of it.
    """
    cost = 0.0
    for hour, kwh in hours.items():
        if (price := prices.get(hour)) is None:
            return None
        cost += kwh * price
    return round(cost, 2)


@dataclass(frozen=True)
class HourTotal:
    """One hour of charging: its start and the total charged by its end."""

    start: datetime
    total_kwh: float


def last_hour(sessions: Iterable[ChargeSession]) -> datetime | None:
    """Return the last hour with charging (None: no session)."""
    return max((hour_of(session.end - MOMENT) for session in sessions), default=None)


def running_totals(
    sessions: Iterable[ChargeSession], since: datetime, until: datetime
) -> list[HourTotal]:
    """Return the total charged by the end of each hour from `since` to `until`.

    Every hour in between gets its row, charged or not, so that the rows
    written before are all replaced (a session that shrank leaves none behind).
    """
    hours = energy_by_hour(sessions)
    since, until = hour_of(since), hour_of(until)
    total = sum(energy for hour, energy in hours.items() if hour < since)
    totals = []
    hour = since
    while hour <= until:
        total += hours.get(hour, 0.0)
        totals.append(HourTotal(hour, round(total, 3)))
        hour += HOUR
    return totals


# Consumption is told over this many days, once the mileage spans at least
# CONSUMPTION_MIN_DAYS of them (a shorter span says more about one trip).
CONSUMPTION_DAYS = 30
CONSUMPTION_MIN_DAYS = 7


@dataclass(frozen=True)
class Consumption:
    """What the car used over the last days: per 100 km, and km per charge."""

    kwh_per_100km: float | None
    km_per_charge: float | None


def consumption(
    sessions: Iterable[ChargeSession], mileage: Mapping[date, float], today: date
) -> Consumption:
    """Return the consumption of the last 30 days, from charged energy and mileage.

    The distance runs from the first mileage kept in the window to today's;
    the energy is what the sessions of the same days charged.
    """
    window_start = today - timedelta(days=CONSUMPTION_DAYS)
    kept = sorted(day for day in mileage if window_start <= day <= today)
    if not kept or (kept[-1] - kept[0]).days < CONSUMPTION_MIN_DAYS:
        return Consumption(None, None)
    distance = mileage[kept[-1]] - mileage[kept[0]]
    charged = [
        session
        for session in sessions
        if kept[0] <= dt_util.as_local(session.start).date() <= kept[-1]
    ]
    if distance <= 0 or not charged:
        return Consumption(None, None)
    energy = sum(session.energy_kwh for session in charged)
    return Consumption(
        round(energy / distance * 100, 1), round(distance / len(charged), 1)
    )
