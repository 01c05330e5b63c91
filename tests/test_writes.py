"""Two changes to one car a few seconds apart both survive, for every kind of write.

The fake cars take 30 seconds to show a change (as real ones do): a write that
built on the last poll, or on a fresh read made before the car showed the
first change, would undo it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.number import SERVICE_SET_VALUE
from homeassistant.components.select import SERVICE_SELECT_OPTION
from homeassistant.const import (
    ATTR_DEVICE_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.renault_connect import services
from custom_components.renault_connect.const import DOMAIN
from custom_components.renault_connect.writes import (
    PENDING_FOR,
    Overlay,
    PendingChanges,
)
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle

from .common import vehicle_device
from .platforms import VIN, setup_profile

START = datetime.fromisoformat("2026-11-20T18:00:00+00:00")
APART = timedelta(seconds=5)
# Long enough for the car to take both changes and the watches to see them.
SETTLED = timedelta(minutes=3)
STEP = timedelta(seconds=5)
CONTROLS = (Platform.NUMBER, Platform.SELECT, Platform.SENSOR, Platform.SWITCH)


async def _setup(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> FakeVehicle:
    """Set up one car of the profile with every platform, on a fixed date."""
    freezer.move_to(START)
    await setup_profile(hass, fake_cloud, profile, *CONTROLS)
    car = fake_cloud.vehicles[VIN]
    assert car.action_delay == 30
    return car


async def _later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let time pass in steps of a few seconds, firing what is due."""
    for _ in range(round(delta / STEP)):
        freezer.tick(STEP)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


async def _call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    """Call an action and wait for it."""
    await hass.services.async_call(domain, service, data, blocking=True)


def _last_post(fake_cloud: FakeRenaultCloud) -> Any:
    """Return the body of the last command the car received."""
    posts = fake_cloud.requests.filter(kind="kamereon", method="POST")
    assert posts
    return posts[-1].body


async def test_both_charge_limits_survive(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The minimum, then the target five seconds later: the car gets both."""
    car = await _setup(hass, fake_cloud, freezer, "megane_e_tech")
    minimum, target = car.settings.soc_min + 5, car.settings.soc_target - 10

    await _call(
        hass,
        "number",
        SERVICE_SET_VALUE,
        entity_id="number.aa_001_aa_minimum_charge_level",
        value=minimum,
    )
    await _later(hass, freezer, APART)
    await _call(
        hass,
        "number",
        SERVICE_SET_VALUE,
        entity_id="number.aa_001_aa_target_charge_level",
        value=target,
    )

    assert _last_post(fake_cloud) == {"socMin": minimum, "socTarget": target}
    await _later(hass, freezer, SETTLED)
    assert (car.settings.soc_min, car.settings.soc_target) == (minimum, target)


async def test_limit_keeps_a_change_made_in_the_app(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A minimum changed in the app since the last poll is not undone."""
    car = await _setup(hass, fake_cloud, freezer, "megane_e_tech")
    car.settings.soc_min = from_app = car.settings.soc_min + 10
    target = car.settings.soc_target - 5

    await _call(
        hass,
        "number",
        SERVICE_SET_VALUE,
        entity_id="number.aa_001_aa_target_charge_level",
        value=target,
    )

    assert _last_post(fake_cloud) == {"socMin": from_app, "socTarget": target}


async def test_charge_mode_and_program_both_survive(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """On a KCM car, the charge mode then a program: one document keeps both."""
    car = await _setup(hass, fake_cloud, freezer, "renault_5")
    program = "switch.aa_001_aa_charge_program_1"
    was_on = hass.states.get(program).state == STATE_ON
    mode = (
        "scheduled"
        if car.settings.ev_settings.get("chargeModeRq") == "ALWAYS"
        else "always"
    )

    await _call(
        hass,
        "select",
        SERVICE_SELECT_OPTION,
        entity_id="select.aa_001_aa_charge_mode",
        option=mode,
    )
    await _later(hass, freezer, APART)
    await _call(
        hass,
        "switch",
        SERVICE_TURN_OFF if was_on else SERVICE_TURN_ON,
        entity_id=program,
    )

    body = _last_post(fake_cloud)
    assert body["chargeModeRq"] == mode.upper()
    assert body["programs"][0]["programActivationStatus"] is not was_on
    await _later(hass, freezer, SETTLED)
    settings = car.settings.ev_settings
    assert settings["chargeModeRq"] == mode.upper()
    assert settings["programs"][0]["programActivationStatus"] is not was_on


async def test_schedule_action_then_switch_both_survive(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A schedule's days set by the action, then the schedule turned off: both kept."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    device = vehicle_device(
        dr.async_get(hass), hass.config_entries.async_entries(DOMAIN)[0], VIN
    )
    assert device is not None

    await _call(
        hass,
        DOMAIN,
        services.SERVICE_SET_CHARGE_SCHEDULES,
        **{ATTR_DEVICE_ID: device.id},
        schedules=[
            {
                "id": 1,
                "days": [{"day": "monday", "start_time": "01:00", "duration": 300}],
            }
        ],
    )
    sent = _last_post(fake_cloud)["data"]["attributes"]["schedules"][0]["monday"]
    await _later(hass, freezer, APART)
    await _call(
        hass, "switch", SERVICE_TURN_OFF, entity_id="switch.aa_001_aa_charge_schedule_1"
    )

    last = _last_post(fake_cloud)["data"]["attributes"]["schedules"][0]
    assert last["monday"] == sent
    assert last["activated"] is False
    await _later(hass, freezer, SETTLED)
    kept = car.settings.charge_schedules[0]
    assert kept["monday"] == sent
    assert kept["activated"] is False


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_two_climate_schedules_both_survive(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Two climate schedules switched five seconds apart: both change."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    first, second = (
        "switch.aa_001_aa_climate_schedule_1",
        "switch.aa_001_aa_climate_schedule_3",
    )
    first_on = hass.states.get(first).state == STATE_ON
    second_on = hass.states.get(second).state == STATE_ON

    await _call(
        hass,
        "switch",
        SERVICE_TURN_OFF if first_on else SERVICE_TURN_ON,
        entity_id=first,
    )
    await _later(hass, freezer, APART)
    await _call(
        hass,
        "switch",
        SERVICE_TURN_OFF if second_on else SERVICE_TURN_ON,
        entity_id=second,
    )

    await _later(hass, freezer, SETTLED)
    shown = {item["id"]: item["activated"] for item in car.settings.hvac_schedules}
    assert shown[1] is not first_on
    assert shown[3] is not second_on
    assert hass.states.get(first).state != ("on" if first_on else "off")
    assert hass.states.get(second).state != ("on" if second_on else "off")


def test_pending_changes_lay_in_order_and_expire() -> None:
    """Later changes win; confirmed ones and old ones are no longer laid on."""
    pending = PendingChanges()
    first = pending.add(Overlay(fields={"socMin": 20}), START)
    pending.add(Overlay(fields={"socMin": 25, "socTarget": 80}), START + APART)
    pending.add(Overlay(schedules={1: {"activated": False}}), START + APART)
    pending.add(Overlay(schedules={1: {"monday": None}}), START + APART)

    overlay = pending.overlay(START + APART)
    assert overlay.fields == {"socMin": 25, "socTarget": 80}
    assert overlay.schedules == {1: {"activated": False, "monday": None}}

    pending.confirmed(first)
    assert pending.overlay(START + APART).fields == {"socMin": 25, "socTarget": 80}
    assert pending.overlay(START + APART + PENDING_FOR) == Overlay()
