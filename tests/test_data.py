"""Tests of vehicle data: failures, refused endpoints, unknown codes, quirks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from renault_api.kamereon.models import KamereonVehicleBatteryStatusData
from renault_api.kamereon.schemas import (
    KamereonVehicleBatteryStatusDataSchema,
    KamereonVehicleDataResponseSchema,
)
from renault_api.renault_vehicle import RenaultVehicle

from custom_components.renault_connect import cloud
from custom_components.renault_connect.const import DOMAIN
from fake_renault_cloud import FakeRenaultCloud, Fault

from .platforms import VIN, setup_profile

BATTERY_LEVEL = "sensor.aa_001_aa_battery"
CHARGE_STATE = "sensor.aa_001_aa_charge_state"
PLUG_STATE = "sensor.aa_001_aa_plug_state"
CHARGING = "binary_sensor.aa_001_aa_charging"
CHARGING_POWER = "sensor.aa_001_aa_charging_power"
CHARGE_END = "sensor.aa_001_aa_estimated_end_of_charge"
MILEAGE = "sensor.aa_001_aa_mileage"
OUTSIDE = "sensor.aa_001_aa_outside_temperature"
LAST_CHARGE_DURATION = "sensor.aa_001_aa_last_charge_duration"
AVAILABLE_ENERGY = "sensor.aa_001_aa_available_energy"
START = "2026-11-20T18:00:00+00:00"


async def _refresh(hass: HomeAssistant, entry: MockConfigEntry, endpoint: str) -> None:
    """Read one endpoint now, as its next poll would."""
    await entry.runtime_data.vehicles[VIN].coordinators[endpoint].async_refresh()
    await hass.async_block_till_done()


def _state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Reload the entry, as a restart of the integration would."""
    with patch("custom_components.renault_connect.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()


async def test_unknown_codes_show_unknown_and_log_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, caplog: pytest.LogCaptureFixture
) -> None:
    """A charge or plug code the integration does not know shows as unknown."""
    read = RenaultVehicle.get_battery_status

    async def with_new_codes(
        vehicle: RenaultVehicle,
    ) -> KamereonVehicleBatteryStatusData:
        """Read the battery, as a newer car would report it."""
        data = await read(vehicle)
        data.chargingStatus = 0.7
        data.plugStatus = 42
        return data

    # The fake cloud sends only known codes: reach this through the library.
    with patch.object(RenaultVehicle, "get_battery_status", with_new_codes):
        entry = await setup_profile(
            hass, fake_cloud, "zoe_50", Platform.SENSOR, Platform.BINARY_SENSOR
        )
        await _refresh(hass, entry, "battery-status")

    assert _state(hass, CHARGE_STATE) == STATE_UNKNOWN
    assert _state(hass, PLUG_STATE) == STATE_UNKNOWN
    assert _state(hass, CHARGING) == STATE_UNKNOWN
    assert _state(hass, BATTERY_LEVEL) == "60"
    assert caplog.text.count("Unknown charge state 0.7") == 1
    assert caplog.text.count("Unknown plug state 42") == 1


async def test_missing_attributes(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """An answer without attributes shows unknowns; model-only ones are not created."""

    async def no_data(vehicle: RenaultVehicle) -> Any:
        """Answer as the cloud does when it has nothing for the car yet."""
        response = KamereonVehicleDataResponseSchema.load(
            {"data": {"type": "Car", "id": vehicle.vin}}
        )
        return response.get_attributes(KamereonVehicleBatteryStatusDataSchema)

    with patch.object(RenaultVehicle, "get_battery_status", no_data):
        await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)

    assert _state(hass, BATTERY_LEVEL) == STATE_UNKNOWN
    assert _state(hass, CHARGE_STATE) == STATE_UNKNOWN
    assert hass.states.get(AVAILABLE_ENERGY) is None
    assert _state(hass, MILEAGE) == "5786"


@pytest.mark.parametrize(
    "kind", ["http_500_html", "http_502_html", "malformed_json", "timeout"]
)
async def test_failure_isolated_then_recovered(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """A failing endpoint makes only its entities unavailable, logs once, recovers."""
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    # A short time-out for the faulty reads only (not the setup's, on a busy host).
    monkeypatch.setattr(cloud, "REQUEST_TIMEOUT", 0.2)
    fake_cloud.faults.add(Fault(kind, vin=VIN, endpoint="battery-status", delay=5))

    await _refresh(hass, entry, "battery-status")
    await _refresh(hass, entry, "battery-status")

    assert _state(hass, BATTERY_LEVEL) == STATE_UNAVAILABLE
    assert _state(hass, CHARGE_STATE) == STATE_UNAVAILABLE
    assert _state(hass, MILEAGE) == "5786"
    assert caplog.text.count("Error fetching Vehicle 1 (Zoe) battery-status data") == 1

    fake_cloud.faults.clear()
    await _refresh(hass, entry, "battery-status")

    assert _state(hass, BATTERY_LEVEL) == "60"
    assert (
        caplog.text.count("Fetching Vehicle 1 (Zoe) battery-status data recovered") == 1
    )


async def test_refused_endpoint_is_retired_and_remembered(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """An endpoint the car refuses gets no entity, and is not asked again for a day."""
    freezer.move_to(START)
    fault = Fault("not_supported", vin=VIN, endpoint="hvac-status")
    fake_cloud.faults.add(fault)
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)

    assert hass.states.get(OUTSIDE) is None
    assert fake_cloud.requests.count(endpoint="hvac-status") == 1

    # Restarting the integration does not probe the endpoint again...
    await _reload(hass, entry)
    assert fake_cloud.requests.count(endpoint="hvac-status") == 1

    # ...until a day has passed; then it is back if the car offers it again.
    fake_cloud.faults.clear()
    freezer.tick(timedelta(days=1, minutes=1))
    await _reload(hass, entry)
    assert fake_cloud.requests.count(endpoint="hvac-status") == 2
    assert _state(hass, OUTSIDE) == "12.0"


async def test_endpoint_refused_at_runtime_stops_being_read(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """An endpoint that never answered and now says unsupported is no longer read."""
    fake_cloud.faults.add(Fault("http_500_html", vin=VIN, endpoint="hvac-status"))
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    assert _state(hass, OUTSIDE) == STATE_UNAVAILABLE

    fake_cloud.faults.clear()
    fake_cloud.faults.add(Fault("forbidden", vin=VIN, endpoint="hvac-status"))
    coordinator = entry.runtime_data.vehicles[VIN].coordinators["hvac-status"]
    await coordinator.async_refresh()

    assert coordinator.retired
    assert coordinator.read_interval is None
    assert _state(hass, OUTSIDE) == STATE_UNAVAILABLE


async def test_endpoint_that_worked_is_not_retired(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A refusal from an endpoint that answered before is a failure, not a verdict."""
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    fake_cloud.faults.add(Fault("access_denied", vin=VIN, endpoint="hvac-status"))
    coordinator = entry.runtime_data.vehicles[VIN].coordinators["hvac-status"]
    await coordinator.async_refresh()

    assert not coordinator.retired
    assert "hvac-status" in entry.runtime_data.vehicles[VIN].coordinators
    assert _state(hass, OUTSIDE) == STATE_UNAVAILABLE


async def test_reauth_when_data_read_needs_a_new_login(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A dead token at runtime, with a password that no longer works, starts reauth."""
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT"))
    fake_cloud.faults.add(Fault("invalid_credentials"))
    entry.runtime_data.cloud.session._credentials.clear_keys(["gigya_jwt"])

    await _refresh(hass, entry, "battery-status")

    flows = hass.config_entries.flow.async_progress_by_handler("renault_connect")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert entry.state is ConfigEntryState.LOADED
    assert _state(hass, BATTERY_LEVEL) == STATE_UNAVAILABLE


async def test_setup_stops_when_data_read_needs_a_new_login(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """Setup fails into reauth when the vehicle data cannot be read without a login."""
    fault = Fault("jwt_rejected", endpoint="accounts.getJWT")
    read = RenaultVehicle.get_cockpit

    async def after_token_died(vehicle: RenaultVehicle) -> Any:
        """Read the cockpit once the token has died."""
        fake_cloud.faults.add(fault)
        fake_cloud.faults.add(Fault("invalid_credentials"))
        vehicle.session._credentials.clear_keys(["gigya_jwt"])
        return await read(vehicle)

    with patch.object(RenaultVehicle, "get_cockpit", after_token_died):
        entry = await setup_profile(
            hass, fake_cloud, "captur_fuel", Platform.SENSOR, expect_loaded=False
        )

    assert entry.state is ConfigEntryState.SETUP_ERROR
    # The vehicle's endpoints failed together, and logged in again only once.
    assert fake_cloud.requests.count(endpoint="accounts.login") == 2


async def test_wrong_values_are_not_shown_as_truth(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """The Zoe phase 2's power and battery temperature are named unreliable, off."""
    await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    registry = er.async_get(hass)
    for key in ("charging_power", "battery_temperature"):
        entry = registry.async_get_entity_id("sensor", DOMAIN, f"{VIN}_{key}".lower())
        assert entry is not None
        registered = registry.async_get(entry)
        assert registered is not None
        assert registered.translation_key == f"{key}_unreliable"
        assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(CHARGING_POWER) is None


@pytest.mark.parametrize("profile", ["zoe_40", "megane_e_tech"])
async def test_charging_power_and_session_in_common_units(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """Charging power is in kW and session durations in minutes on every model."""
    freezer.move_to(START)
    entry = await setup_profile(
        hass, fake_cloud, profile, Platform.SENSOR, Platform.BINARY_SENSOR
    )
    car = fake_cloud.vehicles[VIN]
    car.plug_in()
    freezer.tick(timedelta(minutes=5))
    await _refresh(hass, entry, "battery-status")

    assert _state(hass, CHARGING) == "on"
    assert float(_state(hass, CHARGING_POWER)) == pytest.approx(
        car.profile.powertrain.charge_kw
    )
    assert _state(hass, CHARGE_END) != STATE_UNKNOWN

    freezer.tick(timedelta(hours=20))
    await _refresh(hass, entry, "battery-status")
    await _refresh(hass, entry, "charges")
    session = car.charge_sessions[-1]
    assert _state(hass, CHARGING) == "off"
    assert float(_state(hass, LAST_CHARGE_DURATION)) == pytest.approx(
        session.duration.total_seconds() / 60, abs=1
    )
    # The session's power is its average: lower than full power once it tapers.
    assert float(_state(hass, "sensor.aa_001_aa_last_charge_power")) == pytest.approx(
        session.power_kw
    )
    assert session.power_kw <= car.profile.powertrain.charge_kw
    last = hass.states.get(LAST_CHARGE_DURATION)
    assert last is not None
    assert last.attributes["charging_point"] == "slow"
    assert last.attributes["battery_level_recovered"] == round(
        session.end_level
    ) - round(session.start_level)


async def test_heading_and_warranty(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The position carries the car's heading; the warranty's end is a sensor."""
    freezer.move_to(START)
    entry = await setup_profile(
        hass, fake_cloud, "zoe_50", Platform.SENSOR, Platform.DEVICE_TRACKER
    )
    car = fake_cloud.vehicles[VIN]
    # A drive due north-east leaves the car pointing that way.
    car.drive(km=10, minutes=15)
    freezer.tick(timedelta(minutes=20))
    await _refresh(hass, entry, "location")
    tracker = hass.states.get("device_tracker.aa_001_aa_location")
    assert tracker is not None
    assert 0 < tracker.attributes["heading"] < 90

    warranty = hass.states.get("sensor.aa_001_aa_warranty_end")
    assert warranty is not None
    # The latest end among the active warranties of the captured contracts.
    assert warranty.state == "2030-04-03"
    assert warranty.attributes["contracts"] == {
        "CONTRAT LOSANGE": "2022-04-03",
        "Garantie peinture": "2021-04-03",
        "Garantie corrosion": "2030-04-03",
    }
