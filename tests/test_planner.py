"""Tests of charge plans: start and stop on time or at a level, across restarts."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.renault_connect.const import DOMAIN
from custom_components.renault_connect.vehicle import RenaultConnectVehicle
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault
from fake_renault_cloud.profiles import ChargePolicy

from .common import vehicle_device
from .platforms import VIN, setup_profile

START = datetime.fromisoformat("2026-11-20T18:00:00+00:00")
PLANNED_START = "sensor.aa_001_aa_planned_charge_start"
PLANNED_STOP = "sensor.aa_001_aa_planned_charge_stop"
PLANNED_LEVEL = "sensor.aa_001_aa_planned_charge_final_level"


async def _setup(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, profile: str
) -> tuple[MockConfigEntry, RenaultConnectVehicle, FakeVehicle]:
    """Set up one car of the profile, plugged in and waiting for a schedule."""
    entry = await setup_profile(hass, fake_cloud, profile, Platform.SENSOR)
    car = fake_cloud.vehicles[VIN]
    return entry, entry.runtime_data.vehicles[VIN], car


def _plug_in_waiting(car: FakeVehicle) -> None:
    """Plug the car in, charging left to a schedule."""
    car.settings.charge_policy = ChargePolicy.SCHEDULED
    car.plug_in()


async def _at(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime
) -> None:
    """Move to a moment, firing what was planned until then."""
    freezer.move_to(when)
    async_fire_time_changed(hass, when)
    await hass.async_block_till_done()


def _state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def _commands(fake_cloud: FakeRenaultCloud, endpoint: str) -> int:
    """Count the commands the cloud received at an endpoint."""
    return fake_cloud.requests.count(endpoint=endpoint, method="POST")


async def test_plan_starts_and_stops_on_time(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A charge planned from one time to another starts, then stops, by itself."""
    freezer.move_to(START)
    _, vehicle, car = await _setup(hass, fake_cloud, "twingo_3")
    _plug_in_waiting(car)
    await vehicle.planner.async_set(
        START + timedelta(hours=1), stop=START + timedelta(hours=2)
    )
    await hass.async_block_till_done()

    assert dt_util.parse_datetime(_state(hass, PLANNED_START)) == START + timedelta(
        hours=1
    )
    assert dt_util.parse_datetime(_state(hass, PLANNED_STOP)) == START + timedelta(
        hours=2
    )
    # 70 % of a 21.4 kWh battery, one hour at the typical 7.4 kW.
    assert float(_state(hass, PLANNED_LEVEL)) == pytest.approx(
        70 + 7.4 / 21.4 * 100, 0.1
    )
    assert _commands(fake_cloud, "actions/charge-start") == 0

    await _at(hass, freezer, START + timedelta(hours=1))
    assert _commands(fake_cloud, "actions/charge-start") == 1
    await _at(hass, freezer, START + timedelta(hours=1, seconds=30))
    assert car.state.charging

    await _at(hass, freezer, START + timedelta(hours=2))
    assert _commands(fake_cloud, "actions/charge-stop") == 1
    assert _state(hass, PLANNED_START) == STATE_UNKNOWN
    assert vehicle.planner.plan is None


async def test_plan_stops_at_a_level(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A charge planned until a level stops when the battery reports it."""
    freezer.move_to(START)
    entry, vehicle, car = await _setup(hass, fake_cloud, "zoe_50")
    _plug_in_waiting(car)
    await vehicle.planner.async_set(START, target_level=70)
    await _at(hass, freezer, START + timedelta(seconds=1))
    assert _state(hass, PLANNED_LEVEL) == "70.0"
    assert _commands(fake_cloud, "actions/charge-start") == 1

    battery = entry.runtime_data.vehicles[VIN].coordinators["battery-status"]
    await _at(hass, freezer, START + timedelta(hours=1))
    await battery.async_refresh()
    await hass.async_block_till_done()

    assert car.state.battery_level >= 70
    assert _commands(fake_cloud, "actions/charge-stop") == 1
    assert vehicle.planner.plan is None


async def test_plan_survives_a_restart(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A plan is kept across a restart and still starts on time."""
    freezer.move_to(START)
    entry, vehicle, car = await _setup(hass, fake_cloud, "twingo_3")
    _plug_in_waiting(car)
    await vehicle.planner.async_set(
        START + timedelta(hours=1), stop=START + timedelta(hours=3)
    )

    with patch("custom_components.renault_connect.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert dt_util.parse_datetime(_state(hass, PLANNED_STOP)) == START + timedelta(
        hours=3
    )

    await _at(hass, freezer, START + timedelta(hours=1))
    assert _commands(fake_cloud, "actions/charge-start") == 1


async def test_plan_that_ended_while_stopped_is_dropped(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A plan whose stop passed while Home Assistant was stopped is forgotten."""
    freezer.move_to(START)
    entry, vehicle, _ = await _setup(hass, fake_cloud, "twingo_3")
    await vehicle.planner.async_set(
        START + timedelta(hours=1), stop=START + timedelta(hours=2)
    )
    await hass.config_entries.async_unload(entry.entry_id)
    freezer.move_to(START + timedelta(hours=3))

    with patch("custom_components.renault_connect.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

    assert entry.runtime_data.vehicles[VIN].planner.plan is None
    assert _commands(fake_cloud, "actions/charge-start") == 0


async def test_cancelled_plan_sends_nothing(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A cancelled plan leaves the car alone."""
    freezer.move_to(START)
    _, vehicle, _ = await _setup(hass, fake_cloud, "twingo_3")
    await vehicle.planner.async_set(
        START + timedelta(hours=1), stop=START + timedelta(hours=2)
    )
    await vehicle.planner.async_cancel()
    await hass.async_block_till_done()

    assert _state(hass, PLANNED_START) == STATE_UNKNOWN
    assert _state(hass, PLANNED_LEVEL) == STATE_UNKNOWN
    await _at(hass, freezer, START + timedelta(hours=3))
    assert _commands(fake_cloud, "actions/charge-start") == 0


async def test_refused_start_is_logged(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A start the cloud refuses at the planned time is logged, not raised."""
    freezer.move_to(START)
    _, vehicle, _ = await _setup(hass, fake_cloud, "twingo_3")
    fake_cloud.faults.add(Fault("quota", endpoint="actions/charge-start"))
    await vehicle.planner.async_set(
        START + timedelta(hours=1), stop=START + timedelta(hours=2)
    )
    await _at(hass, freezer, START + timedelta(hours=1))
    assert "start_charge failed" in caplog.text


@pytest.mark.parametrize(
    ("profile", "start", "stop", "level", "reason"),
    [
        ("captur_phev", 1, 2, None, "plan_not_supported"),
        ("twingo_3", 1, None, None, "plan_needs_stop_or_level"),
        ("twingo_3", 1, 2, 80, "plan_needs_stop_or_level"),
        ("twingo_3", 2, 1, None, "plan_stop_before_start"),
        ("megane_e_tech", 1, 2, None, "plan_needs_charge_stop"),
        ("twingo_3", 1, None, 60, "plan_level_reached"),
    ],
)
async def test_invalid_plans_are_refused(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
    start: int,
    stop: int | None,
    level: int | None,
    reason: str,
) -> None:
    """A plan that cannot work is refused with the reason, and nothing changes."""
    freezer.move_to(START)
    _, vehicle, _ = await _setup(hass, fake_cloud, profile)
    with pytest.raises(ServiceValidationError) as refused:
        await vehicle.planner.async_set(
            START + timedelta(hours=start),
            stop=START + timedelta(hours=stop) if stop else None,
            target_level=level,
        )
    assert refused.value.translation_key == reason
    assert vehicle.planner.plan is None


async def test_plan_and_cancel_through_actions(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The actions take local times, replace the plan, and cancel it."""
    await hass.config.async_set_time_zone("Europe/Paris")
    freezer.move_to(START)
    entry, vehicle, _ = await _setup(hass, fake_cloud, "twingo_3")
    device = vehicle_device(device_registry, entry, VIN)
    assert device is not None

    await hass.services.async_call(
        DOMAIN,
        "plan_charge",
        {
            "device_id": device.id,
            "start_time": "2026-11-20 23:00:00",
            "target_level": 90,
        },
        blocking=True,
    )
    assert vehicle.planner.plan is not None
    assert vehicle.planner.plan.start == START + timedelta(hours=4)
    assert vehicle.planner.plan.target_level == 90

    await hass.services.async_call(
        DOMAIN,
        "plan_charge",
        {"device_id": device.id, "stop_time": "2026-11-21 01:00:00"},
        blocking=True,
    )
    assert vehicle.planner.plan.start == START
    assert vehicle.planner.plan.stop == START + timedelta(hours=6)

    # A level out of range: our own translated error; the plan is kept.
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN,
            "plan_charge",
            {"device_id": device.id, "target_level": 150},
            blocking=True,
        )
    assert refused.value.translation_key == "service_level_invalid"
    assert refused.value.translation_placeholders == {"level": "150"}
    assert vehicle.planner.plan.stop == START + timedelta(hours=6)

    await hass.services.async_call(
        DOMAIN, "cancel_charge_plan", {"device_id": device.id}, blocking=True
    )
    assert vehicle.planner.plan is None


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up again from what it stored, as after a restart."""
    with patch("custom_components.renault_connect.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()


async def _planned_twingo(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hours: tuple[int, int],
) -> MockConfigEntry:
    """Set up a plugged-in Twingo with a charge planned between two hours."""
    freezer.move_to(START)
    entry, vehicle, car = await _setup(hass, fake_cloud, "twingo_3")
    _plug_in_waiting(car)
    start, stop = (START + timedelta(hours=hour) for hour in hours)
    await vehicle.planner.async_set(start, stop=stop)
    return entry


async def _back_after_a_stop(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    when: datetime,
) -> None:
    """Stop Home Assistant, start it again at `when`, then restart it once more."""
    await hass.config_entries.async_unload(entry.entry_id)
    freezer.move_to(when)
    with patch("custom_components.renault_connect.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    await _at(hass, freezer, when + timedelta(seconds=1))
    await _restart(hass, entry)
    await _at(hass, freezer, when + timedelta(seconds=2))


async def test_started_plan_never_starts_again(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Restarts after the start send nothing again; the stop still comes, once."""
    entry = await _planned_twingo(hass, fake_cloud, freezer, (1, 3))
    await _at(hass, freezer, START + timedelta(hours=1))
    assert _commands(fake_cloud, "actions/charge-start") == 1

    await _at(hass, freezer, START + timedelta(hours=2))
    await _restart(hass, entry)
    await _restart(hass, entry)
    assert _commands(fake_cloud, "actions/charge-start") == 1

    await _at(hass, freezer, START + timedelta(hours=3))
    await _restart(hass, entry)
    assert _commands(fake_cloud, "actions/charge-start") == 1
    assert _commands(fake_cloud, "actions/charge-stop") == 1
    assert entry.runtime_data.vehicles[VIN].planner.plan is None


async def test_start_missed_while_stopped_is_sent_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A start that passed while Home Assistant was off is sent at the start, once."""
    entry = await _planned_twingo(hass, fake_cloud, freezer, (1, 3))
    await _back_after_a_stop(hass, freezer, entry, START + timedelta(hours=2))

    assert _commands(fake_cloud, "actions/charge-start") == 1
    assert entry.runtime_data.vehicles[VIN].planner.plan is not None


async def test_stop_missed_while_stopped_is_sent_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A started charge whose stop passed while Home Assistant was off stops, once."""
    entry = await _planned_twingo(hass, fake_cloud, freezer, (1, 2))
    await _at(hass, freezer, START + timedelta(hours=1))
    await _back_after_a_stop(hass, freezer, entry, START + timedelta(hours=3))

    assert _commands(fake_cloud, "actions/charge-start") == 1
    assert _commands(fake_cloud, "actions/charge-stop") == 1
    assert entry.runtime_data.vehicles[VIN].planner.plan is None


async def test_level_plan_the_car_ended_is_not_sent_again(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A charge to a level that the car ended below it (unplugged) is over."""
    freezer.move_to(START)
    entry, vehicle, car = await _setup(hass, fake_cloud, "zoe_50")
    _plug_in_waiting(car)
    await vehicle.planner.async_set(START, target_level=95)
    await _at(hass, freezer, START + timedelta(seconds=1))
    battery = entry.runtime_data.vehicles[VIN].coordinators["battery-status"]
    await _at(hass, freezer, START + timedelta(minutes=30))
    await battery.async_refresh()
    await hass.async_block_till_done()
    assert car.state.charging

    car.unplug()
    await _at(hass, freezer, START + timedelta(minutes=40))
    await battery.async_refresh()
    await hass.async_block_till_done()
    assert vehicle.planner.plan is None

    await _restart(hass, entry)
    await _restart(hass, entry)
    await _at(hass, freezer, START + timedelta(hours=1))
    assert _commands(fake_cloud, "actions/charge-start") == 1
    assert entry.runtime_data.vehicles[VIN].planner.plan is None
