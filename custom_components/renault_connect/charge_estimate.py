"""Charge estimates: the power a car charges at, its level meanwhile, when it is done.

The power is learned, freshest first: the car's own reading while it charges
(on models whose reading is right), else what the readings of this charge
show (the level gained over time, once it is enough to tell), else the
average power of its recent sessions (energy over time: what the wall box
and the car really manage), else a typical home wall box. A battery takes
less power as it fills; the estimate follows the usual curve of a home
charge: full power up to TAPER_FROM, then falling to TAPER_END_SHARE of it
at 100 %.

With the home charger's energy meter linked, the level between reads is the
last reading plus what the meter counted since, times the share of it that
reaches the battery (learned from successive readings, else typical).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import statistics

from .energy import ChargeSession

# A home wall box on one phase, when nothing better is known (kW).
TYPICAL_CHARGING_KW = 7.4
# Readings of a charge teach its power once this far apart, in time and level
# (levels are often whole percents: 10 points keep that within a tenth, 20
# within a twentieth, which beats what past sessions say).
SHORTEST_READ_SPAN = timedelta(minutes=20)
SMALLEST_READ_GAIN = 10.0
READ_GAIN_OVER_SESSIONS = 20.0
# Sessions that teach the power: the most recent, long enough to be steady.
LEARNED_FROM_SESSIONS = 5
SHORTEST_SESSION = timedelta(minutes=20)
# The battery takes full power up to this level (%), then less and less...
TAPER_FROM = 90.0
# ...down to this share of it at 100 %.
TAPER_END_SHARE = 0.4
# The share of a home charge's energy that reaches the battery, when not learned...
TYPICAL_EFFICIENCY = 0.9
# ...and the shares believed when learned (outside: a meter or reading is off).
LOWEST_EFFICIENCY = 0.7
HIGHEST_EFFICIENCY = 1.0
# What the meter counts between two readings teaches the share if this large
# (readings are often whole percents: the span must dwarf one).
SMALLEST_METERED_KWH = 2.0
# The shares of the last this many charges count.
LEARNED_EFFICIENCIES = 5
# Estimates step by this much battery level (percentage points).
STEP = 0.1
FULL = 100.0


class PowerSource(StrEnum):
    """Where the charging power of an estimate comes from."""

    CAR = "car"
    READS = "reads"
    SESSIONS = "sessions"
    TYPICAL = "typical"


@dataclass(frozen=True)
class ChargingPower:
    """The power to expect (kW), and where it was learned."""

    kw: float
    source: PowerSource


def power_from_reads(
    first: tuple[float, datetime],
    latest: tuple[float, datetime],
    capacity_kwh: float,
    *,
    over_sessions: bool = False,
) -> float | None:
    """Return the power two readings of a charge show (None: too close to tell).

    `over_sessions`: past sessions say something too; the readings must say
    it more precisely.
    """
    gained, span = latest[0] - first[0], latest[1] - first[1]
    least = READ_GAIN_OVER_SESSIONS if over_sessions else SMALLEST_READ_GAIN
    if span < SHORTEST_READ_SPAN or gained < least:
        return None
    return round(gained / 100 * capacity_kwh / (span.total_seconds() / 3600), 2)


def learned_power(
    reading_kw: float | None,
    sessions: Sequence[ChargeSession],
    reads_kw: float | None = None,
) -> ChargingPower:
    """Return the power to expect: the car's reading, this charge's, its sessions'."""
    if reading_kw is not None and reading_kw > 0:
        return ChargingPower(reading_kw, PowerSource.CAR)
    if reads_kw is not None and reads_kw > 0:
        return ChargingPower(reads_kw, PowerSource.READS)
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


@dataclass(frozen=True)
class MeterSample:
    """What an energy meter showed (kWh), and when."""

    at: datetime
    kwh: float


def meter_at(samples: Sequence[MeterSample], moment: datetime) -> float | None:
    """Return what the meter showed at a moment (None: nothing known that early).

    The samples are in time order.
    """
    shown = bisect_right(samples, moment, key=lambda sample: sample.at)
    return samples[shown - 1].kwh if shown else None


def efficiency_between(
    levels: tuple[float, float], metered_kwh: float, capacity_kwh: float
) -> float | None:
    """Return the share of metered energy the battery took between two readings.

    None when the span teaches nothing: too little energy, or a share no
    charge has (a meter reset, a reading off).
    """
    if metered_kwh < SMALLEST_METERED_KWH:
        return None
    share = (levels[1] - levels[0]) / 100 * capacity_kwh / metered_kwh
    return share if LOWEST_EFFICIENCY <= share <= HIGHEST_EFFICIENCY else None


def learned_efficiency(shares: Sequence[float]) -> float:
    """Return the share to use: the median of the last ones learned, else typical."""
    recent = list(shares)[-LEARNED_EFFICIENCIES:]
    return round(statistics.median(recent), 3) if recent else TYPICAL_EFFICIENCY
