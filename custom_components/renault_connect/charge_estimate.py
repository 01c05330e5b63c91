"""Charge estimates: the power a car charges at, its level meanwhile, when it is done.

The power is learned, freshest first: the car's own reading while it charges
(on models whose reading is right), else the average power of its recent
sessions (energy over time: what the wall box and the car really manage),
else a typical home wall box. A battery takes less power as it fills; the
estimate follows the usual curve of a home charge: full power up to
TAPER_FROM, then falling to TAPER_END_SHARE of it at 100 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import statistics

from .energy import ChargeSession

# A home wall box on one phase, when nothing better is known (kW).
TYPICAL_CHARGING_KW = 7.4
# Sessions that teach the power: the most recent, long enough to be steady.
LEARNED_FROM_SESSIONS = 5
SHORTEST_SESSION = timedelta(minutes=20)
# The battery takes full power up to this level (%), then less and less...
TAPER_FROM = 90.0
# ...down to this share of it at 100 %.
TAPER_END_SHARE = 0.4
# Estimates step by this much battery level (percentage points).
STEP = 0.1
FULL = 100.0


class PowerSource(StrEnum):
    """Where the charging power of an estimate comes from."""

    CAR = "car"
    SESSIONS = "sessions"
    TYPICAL = "typical"


@dataclass(frozen=True)
class ChargingPower:
    """The power to expect (kW), and where it was learned."""

    kw: float
    source: PowerSource


def learned_power(
    reading_kw: float | None, sessions: Sequence[ChargeSession]
) -> ChargingPower:
    """Return the power to expect: the car's reading, its sessions', or typical."""
    if reading_kw is not None and reading_kw > 0:
        return ChargingPower(reading_kw, PowerSource.CAR)
    steady = [
        session.energy_kwh / ((session.end - session.start).total_seconds() / 3600)
        for session in sessions
        if session.end - session.start >= SHORTEST_SESSION
    ][-LEARNED_FROM_SESSIONS:]
    if steady:
        return ChargingPower(round(statistics.median(steady), 2), PowerSource.SESSIONS)
    return ChargingPower(TYPICAL_CHARGING_KW, PowerSource.TYPICAL)


def _share_at(level: float) -> float:
    """Return the share of full power the battery takes at a level."""
    if level <= TAPER_FROM:
        return 1.0
    progress = (min(level, FULL) - TAPER_FROM) / (FULL - TAPER_FROM)
    return 1.0 - (1.0 - TAPER_END_SHARE) * progress


def _hours_per_step(level: float, power_kw: float, capacity_kwh: float) -> float:
    """Return the hours one step of level takes from `level`."""
    return capacity_kwh * STEP / 100 / (power_kw * _share_at(level + STEP / 2))


def time_to_level(
    level: float, target: float, power_kw: float, capacity_kwh: float
) -> timedelta:
    """Return how long charging from `level` to `target` takes."""
    hours = 0.0
    current = level
    while current < min(target, FULL) - 1e-9:
        step = min(STEP, target - current)
        hours += _hours_per_step(current, power_kw, capacity_kwh) * step / STEP
        current += step
    return timedelta(hours=hours)


def level_after(
    level: float,
    elapsed: timedelta,
    power_kw: float,
    capacity_kwh: float,
    limit: float = FULL,
) -> float:
    """Return the level after charging for `elapsed` from `level`, up to `limit`."""
    hours = elapsed.total_seconds() / 3600
    current = level
    while current < limit and hours > 0:
        per_step = _hours_per_step(current, power_kw, capacity_kwh)
        if hours < per_step:
            current += STEP * hours / per_step
            break
        hours -= per_step
        current += STEP
    return round(min(current, limit), 1)


def estimated_level(
    reading: tuple[float, datetime],
    now: datetime,
    power: ChargingPower,
    capacity_kwh: float,
    limit: float = FULL,
) -> float:
    """Return the level now of a car charging since its last reading."""
    level, read_at = reading
    return level_after(
        level, max(now - read_at, timedelta()), power.kw, capacity_kwh, limit
    )


@dataclass(frozen=True)
class ChargeForecast:
    """A running charge: the level now (estimated), its target, when it gets there."""

    level: float
    target: float
    reached_at: datetime


def forecast(
    reading: tuple[float, datetime],
    now: datetime,
    power: ChargingPower,
    capacity_kwh: float,
    target: float,
) -> ChargeForecast:
    """Forecast a running charge from the car's last reading."""
    level = estimated_level(reading, now, power, capacity_kwh, max(target, reading[0]))
    return ChargeForecast(
        level, target, now + time_to_level(level, target, power.kw, capacity_kwh)
    )
