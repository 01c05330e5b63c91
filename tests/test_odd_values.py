"""Values the cloud or the user get wrong: refused or shown unknown, never a failure."""

from __future__ import annotations

import math
from typing import Any

from homeassistant.components.climate import (
    ATTR_TEMPERATURE,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import (
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    PERCENTAGE,
    STATE_UNKNOWN,
    Platform,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.renault_connect.const import (
    DOMAIN,
    MAX_HVAC_TEMPERATURE,
    MIN_HVAC_TEMPERATURE,
)
from custom_components.renault_connect.sensor import plausible
from custom_components.renault_connect.services import SERVICE_START_PRECONDITIONING
from fake_renault_cloud import FakeRenaultCloud, Fault

from .common import vehicle_device
from .platforms import VIN, setup_profile

CLIMATE = "climate.aa_001_aa_preconditioning"
REMAINING = "sensor.aa_001_aa_remaining_charge_time"
CHARGE_END = "sensor.aa_001_aa_estimated_end_of_charge"
BATTERY_LEVEL = "sensor.aa_001_aa_battery"


@pytest.mark.parametrize(
    ("temperature", "accepted"),
    [(21.5, True), (21.3, False), (21.25, False), (15.5, False), (26.5, False)],
)
async def test_climate_and_action_take_the_same_temperatures(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    temperature: float,
    accepted: bool,
) -> None:
    """The climate entity refuses, like the action, what is off the 0.5 °C step."""
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.CLIMATE)
    device = vehicle_device(dr.async_get(hass), entry, VIN)
    assert device is not None
    before = hass.states.get(CLIMATE)
    assert before is not None
    assert before.attributes["target_temp_step"] == 0.5
    fake_cloud.requests.clear()

    refusals = []
    for domain, service, data in (
        (
            CLIMATE_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {ATTR_ENTITY_ID: CLIMATE, ATTR_TEMPERATURE: temperature},
        ),
        (
            DOMAIN,
            SERVICE_START_PRECONDITIONING,
            {ATTR_DEVICE_ID: device.id, "temperature": temperature},
        ),
    ):
        try:
            await hass.services.async_call(domain, service, data, blocking=True)
        except ServiceValidationError as err:
            refusals.append((err.translation_domain, err.translation_key))

    if accepted:
        assert refusals == []
        assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == temperature
        return
    # Both refuse with a translated error, and change nothing. Out of range,
    # Home Assistant's climate component refuses before the entity is asked.
    ours = (DOMAIN, "service_temperature_invalid")
    in_range = MIN_HVAC_TEMPERATURE <= temperature <= MAX_HVAC_TEMPERATURE
    climate_refusal = ours if in_range else ("climate", "temp_out_of_range")
    assert refusals == [climate_refusal, ours]
    after = hass.states.get(CLIMATE)
    assert after.attributes[ATTR_TEMPERATURE] == before.attributes[ATTR_TEMPERATURE]
    assert fake_cloud.requests.filter(kind="kamereon", method="POST") == []


@pytest.mark.parametrize(
    ("minutes", "remaining"),
    [(10**12, STATE_UNKNOWN), (-5, STATE_UNKNOWN), (392, "392")],
)
async def test_absurd_charging_time_shows_unknown(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    caplog: pytest.LogCaptureFixture,
    minutes: int,
    remaining: str,
) -> None:
    """A charge of years (or beyond any date) is unknown; the rest still updates."""
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    car = fake_cloud.vehicles[VIN]
    car.plug_in()
    fake_cloud.faults.add(
        Fault(
            "odd_answer",
            endpoint="battery-status",
            attributes={"chargingStatus": 1.0, "chargingRemainingTime": minutes},
        )
    )
    battery = entry.runtime_data.vehicles[VIN].coordinators["battery-status"]

    await battery.async_refresh()
    await hass.async_block_till_done()

    assert battery.last_update_success
    assert hass.states.get(BATTERY_LEVEL).state == str(round(car.state.battery_level))
    assert hass.states.get(REMAINING).state == remaining
    end = hass.states.get(CHARGE_END).state
    assert (end == STATE_UNKNOWN) is (remaining == STATE_UNKNOWN)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (-12, PERCENTAGE, None),
        (101, PERCENTAGE, None),
        (100, PERCENTAGE, 100),
        (-1, UnitOfLength.KILOMETERS, None),
        (1e300, UnitOfEnergy.KILO_WATT_HOUR, None),
        (math.inf, UnitOfEnergy.KILO_WATT_HOUR, None),
        (-7.5, UnitOfTemperature.CELSIUS, -7.5),
        (-3.2, UnitOfPower.KILO_WATT, -3.2),
        ("charging", None, "charging"),
    ],
)
def test_absurd_numbers_are_unknown(value: Any, unit: str | None, shown: Any) -> None:
    """A number no car means is unknown; a cold day or a car giving power is not."""
    assert plausible(value, unit) == shown
