"""Charge estimates, pure: learned power, the level meanwhile, time to a target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.renault_connect.charge_estimate import (
    TYPICAL_CHARGING_KW,
    ChargingPower,
    PowerSource,
    estimated_level,
    learned_power,
    level_after,
    power_from_reads,
    time_to_level,
)
from custom_components.renault_connect.energy import ChargeSession
from fake_renault_cloud import FakeRenaultCloud

from .common import wait
from .platforms import VIN, setup_profile

NIGHT = datetime(2026, 11, 20, 22, tzinfo=UTC)


def _sessions(*kw: float, minutes: int = 120) -> list[ChargeSession]:
    """Return sessions a day apart, each at the given average power."""
    length = timedelta(minutes=minutes)
    return [
        ChargeSession(
            NIGHT + timedelta(days=day),
            NIGHT + timedelta(days=day) + length,
            power * length.total_seconds() / 3600,
        )
        for day, power in enumerate(kw)
    ]


def test_power_from_the_car_then_its_sessions_then_typical() -> None:
    """The car's reading first, the recent sessions' median next, 7.4 kW last."""
    sessions = _sessions(3.7, 10.5, 11.0, 10.8, 11.0, 10.9)
    assert learned_power(11.0, sessions) == ChargingPower(11.0, PowerSource.CAR)
    # The oldest (a visit on a slow plug) is beyond the five most recent.
    assert learned_power(None, sessions) == ChargingPower(10.9, PowerSource.SESSIONS)
    # A short top-up teaches nothing.
    assert learned_power(0.0, _sessions(2.0, minutes=10)) == ChargingPower(
        TYPICAL_CHARGING_KW, PowerSource.TYPICAL
    )


def test_power_from_the_readings_of_the_charge() -> None:
    """Readings 20 minutes and 10 points apart tell the power; it comes second."""
    first = (40.0, NIGHT)
    # 14 points of 52 kWh in 40 minutes: 10.92 kW.
    assert power_from_reads(first, (54.0, NIGHT + timedelta(minutes=40)), 52.0) == (
        10.92
    )
    assert power_from_reads(first, (49.0, NIGHT + timedelta(minutes=30)), 52.0) is None
    assert power_from_reads(first, (54.0, NIGHT + timedelta(minutes=10)), 52.0) is None
    # Past sessions say something too: the readings must be 20 points apart.
    latest = (54.0, NIGHT + timedelta(minutes=40))
    assert power_from_reads(first, latest, 52.0, over_sessions=True) is None
    latest = (61.0, NIGHT + timedelta(minutes=60))
    assert power_from_reads(first, latest, 52.0, over_sessions=True) == 10.92
    sessions = _sessions(7.0)
    assert learned_power(None, sessions, 10.92) == ChargingPower(
        10.92, PowerSource.READS
    )
    assert learned_power(11.0, sessions, 10.92).source is PowerSource.CAR
    assert learned_power(None, sessions, None).source is PowerSource.SESSIONS


def test_full_power_then_tapering_near_full() -> None:
    """52 kWh at 7.4 kW: 50→80 % in about 2 h 6 min, 90→100 % slower than 80→90 %."""
    assert time_to_level(50, 80, 7.4, 52) == pytest.approx(
        timedelta(hours=30 * 0.52 / 7.4), abs=timedelta(seconds=30)
    )
    assert time_to_level(90, 100, 7.4, 52) > 1.5 * time_to_level(80, 90, 7.4, 52)
    assert time_to_level(80, 80, 7.4, 52) == timedelta()


def test_level_after_is_the_inverse_of_time_to_level() -> None:
    """Charging for the time to a level reaches that level, and stops at the limit."""
    for target in (60.0, 95.0, 100.0):
        elapsed = time_to_level(40, target, 11, 52)
        assert level_after(40, elapsed, 11, 52) == pytest.approx(target, abs=0.1)
    assert level_after(40, timedelta(hours=10), 11, 52, limit=80) == 80.0


def test_estimated_level_from_the_last_reading() -> None:
    """Half an hour at 7.4 kW on 52 kWh after reading 50 %: about 57 %."""
    power = ChargingPower(7.4, PowerSource.SESSIONS)
    reading = (50.0, NIGHT)
    assert estimated_level(
        reading, NIGHT + timedelta(minutes=30), power, 52
    ) == pytest.approx(57.1, abs=0.1)
    # A reading from the future (clocks apart) is taken as it is.
    assert estimated_level(reading, NIGHT - timedelta(minutes=5), power, 52) == 50.0


async def test_a_car_learns_its_power_from_its_sessions(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A ZOE (whose power reading is wrong) learns it from the sessions it read."""
    freezer.move_to("2026-11-20T18:30:00+00:00")
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    vehicle = entry.runtime_data.vehicles[VIN]
    assert vehicle.charging_power.source is PowerSource.TYPICAL

    car = fake_cloud.vehicles[VIN]
    car.plug_in()
    await wait(hass, freezer, 3600)
    car.unplug()
    await vehicle.coordinators["charges"].async_refresh()

    assert vehicle.charging_power == ChargingPower(
        car.profile.powertrain.charge_kw, PowerSource.SESSIONS
    )


async def test_level_estimated_each_minute_while_charging(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Between two reads the estimate follows the car, minute by minute."""
    freezer.move_to("2026-11-20T18:30:00+00:00")
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    estimate = "sensor.aa_001_aa_battery_estimated_while_charging"
    target = "sensor.aa_001_aa_charge_target_reached_estimated"
    car = fake_cloud.vehicles[VIN]
    # Parked: the last reading, not "unknown"; no target time.
    assert float(hass.states.get(estimate).state) == car.state.battery_level
    assert hass.states.get(target).state == "unknown"

    car.plug_in()
    await (
        entry.runtime_data.vehicles[VIN].coordinators["battery-status"].async_refresh()
    )
    await hass.async_block_till_done()
    reads = fake_cloud.requests.count(endpoint="battery-status")
    levels = []
    for _ in range(3):
        await wait(hass, freezer, 60)
        levels.append(float(hass.states.get(estimate).state))
        assert levels[-1] == pytest.approx(car.state.battery_level, abs=1.0)
    assert levels == sorted(levels)
    assert levels[-1] > levels[0]
    # Moved by the minutes alone: the battery was not read meanwhile.
    assert fake_cloud.requests.count(endpoint="battery-status") == reads
    reached = dt_util.parse_datetime(hass.states.get(target).state)
    assert reached is not None
    assert reached > dt_util.utcnow()
