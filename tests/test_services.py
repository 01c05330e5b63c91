"""Tests of the service actions: what each model's car receives, and what is refused."""

from __future__ import annotations

import ast
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.util.json import load_json_object
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from renault_api.renault_vehicle import RenaultVehicle

from custom_components.renault_connect import services
from custom_components.renault_connect.const import (
    CONF_HVAC_TEMPERATURE,
    CONF_VEHICLE_SETTINGS,
    DOMAIN,
)
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault

from .common import vehicle_device, wait
from .platforms import VIN, setup_profile

INTEGRATION = Path(services.__file__).parent
START = "2026-11-20T18:00:00+00:00"  # a Friday, 19:00 in Paris
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
QUERIES = {
    services.SERVICE_GET_CHARGE_SCHEDULES,
    services.SERVICE_GET_HVAC_SCHEDULES,
    services.SERVICE_GET_CHARGE_HISTORY,
    services.SERVICE_GET_HVAC_HISTORY,
    services.SERVICE_GET_NOTIFICATION_SETTINGS,
}
KCA_V2 = "/kca/car-adapter/v2/cars/{vin}/actions/"


@pytest.fixture(autouse=True)
async def paris(hass: HomeAssistant) -> None:
    """Run every test in Paris time (UTC+1 in November)."""
    await hass.config.async_set_time_zone("Europe/Paris")


async def _setup(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, profile: str
) -> tuple[MockConfigEntry, FakeVehicle, str]:
    """Set up one car of the profile; return its entry, its simulation, its device."""
    entry = await setup_profile(hass, fake_cloud, profile)
    device = vehicle_device(dr.async_get(hass), entry, VIN)
    assert device is not None
    fake_cloud.requests.clear()
    return entry, fake_cloud.vehicles[VIN], device.id


async def _call(
    hass: HomeAssistant, service: str, device_id: str, **data: Any
) -> dict[str, Any] | None:
    """Call an action of the integration for a device; return its response."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        {ATTR_DEVICE_ID: device_id, **data},
        blocking=True,
        return_response=service in QUERIES,
    )


def _posts(fake_cloud: FakeRenaultCloud) -> list[Any]:
    """Return the commands the cloud received: (operation, path, body)."""
    return [
        (record.operation, record.path.split(VIN)[-1], record.body)
        for record in fake_cloud.requests.filter(kind="kamereon", method="POST")
    ]


def _week(**days: Any) -> dict[str, Any]:
    """Return the seven days of a KCA schedule, the ones not given empty."""
    return {day: days.get(day) for day in DAYS}


async def _refused(
    hass: HomeAssistant,
    error: type[HomeAssistantError],
    service: str,
    device_id: str,
    **data: Any,
) -> HomeAssistantError:
    """Call an action that must fail; return the error."""
    with pytest.raises(error) as refused:
        await _call(hass, service, device_id, **data)
    return refused.value


# -- Preconditioning ---------------------------------------------------------


@pytest.mark.parametrize(
    "profile",
    [
        "zoe_50",
        "megane_e_tech",
        "spring",
        "renault_5",
        "alpine_a290",
        "captur_phev",
        "twingo_3",
    ],
)
async def test_start_preconditioning_now(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """Preconditioning starts at the vehicle's temperature; the car confirms it."""
    freezer.move_to(START)
    entry, _, device_id = await _setup(hass, fake_cloud, profile)

    await _call(hass, services.SERVICE_START_PRECONDITIONING, device_id)

    assert _posts(fake_cloud) == [
        (
            "kca/actions/hvac-start:start",
            "/actions/hvac-start",
            {
                "data": {
                    "type": "HvacStart",
                    "attributes": {"action": "start", "targetTemperature": 21.0},
                }
            },
        )
    ]
    hvac = entry.runtime_data.vehicles[VIN].coordinators["hvac-status"]
    assert hvac.data.hvacStatus == "off"
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert hvac.data.hvacStatus == "on"


async def test_start_preconditioning_temperature(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """The temperature given wins; without one, the vehicle's option is used."""
    entry, _, device_id = await _setup(hass, fake_cloud, "zoe_50")
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            CONF_VEHICLE_SETTINGS: {VIN: {CONF_HVAC_TEMPERATURE: 19.5}},
        },
    )

    await _call(hass, services.SERVICE_START_PRECONDITIONING, device_id)
    await _call(
        hass, services.SERVICE_START_PRECONDITIONING, device_id, temperature=24.5
    )

    assert [body["data"]["attributes"] for _, _, body in _posts(fake_cloud)] == [
        {"action": "start", "targetTemperature": 19.5},
        {"action": "start", "targetTemperature": 24.5},
    ]


@pytest.mark.parametrize(
    ("start_time", "start_date_time"),
    [
        ("2026-11-21 07:30:00", "2026-11-21T06:30:00Z"),
        ("2026-11-21T00:15:00", "2026-11-20T23:15:00Z"),
        ("2026-11-27T07:30:00-05:00", "2026-11-27T12:30:00Z"),
    ],
)
async def test_start_preconditioning_later(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    start_time: str,
    start_date_time: str,
) -> None:
    """A later start is sent in UTC (local time unless a zone is given), unwatched."""
    freezer.move_to(START)
    _, car, device_id = await _setup(hass, fake_cloud, "megane_e_tech")

    await _call(
        hass,
        services.SERVICE_START_PRECONDITIONING,
        device_id,
        temperature=20,
        start_time=start_time,
    )

    assert _posts(fake_cloud)[0][2] == {
        "data": {
            "type": "HvacStart",
            "attributes": {
                "action": "start",
                "targetTemperature": 20.0,
                "startDateTime": start_date_time,
            },
        }
    }
    await wait(hass, freezer, 300)
    assert fake_cloud.requests.count(endpoint="hvac-status") == 0
    assert car.state.next_hvac_start is not None


async def test_start_preconditioning_later_on_a_zoe_1(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The Zoe phase 1 says off: a later start shows from its time, for its span."""
    freezer.move_to(START)
    await setup_profile(hass, fake_cloud, "zoe_40", Platform.CLIMATE)
    device = vehicle_device(
        dr.async_get(hass), hass.config_entries.async_entries(DOMAIN)[0], VIN
    )
    assert device is not None
    climate = "climate.aa_001_aa_preconditioning"

    await _call(
        hass,
        services.SERVICE_START_PRECONDITIONING,
        device.id,
        start_time="2026-11-20 20:00:00",  # Paris: 19:00 UTC, an hour ahead
    )

    await wait(hass, freezer, 59 * 60)
    assert hass.states.get(climate).state == "off"
    await wait(hass, freezer, 2 * 60)
    assert hass.states.get(climate).state == "heat_cool"
    await wait(hass, freezer, 15 * 60)
    assert hass.states.get(climate).state == "off"
    assert fake_cloud.requests.count(endpoint="hvac-status") == 1  # the setup's


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"temperature": 15.5}, "service_temperature_invalid"),
        ({"temperature": 26.5}, "service_temperature_invalid"),
        ({"temperature": 21.3}, "service_temperature_invalid"),
        ({"start_time": "2026-11-20 18:59:00"}, "service_start_time_past"),
        ({"start_time": "2026-11-27 19:01:00"}, "service_start_time_too_far"),
    ],
)
async def test_start_preconditioning_checks(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    data: dict[str, Any],
    reason: str,
) -> None:
    """Temperatures and start times the car would refuse are refused first."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    error = await _refused(
        hass,
        ServiceValidationError,
        services.SERVICE_START_PRECONDITIONING,
        device_id,
        **data,
    )

    assert error.translation_key == reason
    if "start_time" in data:
        # Said as the user typed it: local time, no seconds, no UTC offset.
        assert error.translation_placeholders["start_time"] == data["start_time"][:16]
    assert len(fake_cloud.requests) == 0


# -- Refusals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("privacy_mode", "privacy_mode_on"),
        ("low_battery", "battery_too_low"),
        ("action_in_progress", "action_in_progress"),
        ("quota", "quota_reached"),
        ("not_supported", "action_not_supported"),
        ("http_500_html", "action_failed"),
    ],
)
@pytest.mark.parametrize(
    ("service", "endpoint", "data"),
    [
        (services.SERVICE_START_PRECONDITIONING, "actions/hvac-start", {}),
        (
            services.SERVICE_SET_CHARGE_SCHEDULES,
            "actions/charge-set-schedule",
            {"schedules": [{"id": 1, "activated": False}]},
        ),
        (
            services.SERVICE_SET_HVAC_SCHEDULES,
            "actions/hvac-set-schedule",
            {"schedules": [{"id": 1, "activated": True}]},
        ),
    ],
)
async def test_cloud_refusals_are_explained(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    service: str,
    endpoint: str,
    data: dict[str, Any],
    kind: str,
    reason: str,
) -> None:
    """A command the cloud refuses raises an error naming the reason and the action."""
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")
    fake_cloud.faults.add(Fault(kind, endpoint=endpoint))

    error = await _refused(hass, HomeAssistantError, service, device_id, **data)

    assert error.translation_key == reason
    assert error.translation_placeholders["action"] == service


@pytest.mark.parametrize("profile", ["captur_fuel", "duster"])
async def test_preconditioning_refused_by_the_car(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, profile: str
) -> None:
    """Cars the model map lets try, but that have no remote climate, say so."""
    _, _, device_id = await _setup(hass, fake_cloud, profile)

    error = await _refused(
        hass, HomeAssistantError, services.SERVICE_START_PRECONDITIONING, device_id
    )

    assert not isinstance(error, ServiceValidationError)
    assert error.translation_key == "action_not_supported"


@pytest.mark.parametrize(
    ("profile", "service", "data"),
    [
        ("austral", services.SERVICE_START_PRECONDITIONING, {}),
        ("spring", services.SERVICE_GET_CHARGE_SCHEDULES, {}),
        ("captur_fuel", services.SERVICE_GET_CHARGE_SCHEDULES, {}),
        ("duster", services.SERVICE_GET_CHARGE_SCHEDULES, {}),
        ("spring", services.SERVICE_SET_CHARGE_SCHEDULES, {"schedules": [{"id": 1}]}),
        ("alpine_a290", services.SERVICE_GET_HVAC_SCHEDULES, {}),
        ("spring", services.SERVICE_GET_HVAC_SCHEDULES, {}),
        (
            "renault_5",
            services.SERVICE_SET_HVAC_SCHEDULES,
            {"schedules": [{"id": 1, "activated": True}]},
        ),
        ("austral", services.SERVICE_GET_CHARGE_HISTORY, {"start": "2026-11-01"}),
        ("captur_fuel", services.SERVICE_GET_CHARGE_HISTORY, {"start": "2026-11-01"}),
        ("megane_e_tech", services.SERVICE_GET_HVAC_HISTORY, {"start": "2026-11-01"}),
        ("duster", services.SERVICE_GET_HVAC_HISTORY, {"start": "2026-11-01"}),
    ],
)
async def test_actions_the_model_does_not_offer(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    profile: str,
    service: str,
    data: dict[str, Any],
) -> None:
    """An action the model does not offer is refused before anything is sent."""
    _, _, device_id = await _setup(hass, fake_cloud, profile)

    error = await _refused(hass, ServiceValidationError, service, device_id, **data)

    assert error.translation_key == "action_not_supported"
    assert error.translation_placeholders == {"action": service}
    assert len(fake_cloud.requests) == 0


# -- Targets ---------------------------------------------------------------------


async def test_unknown_devices_are_refused(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A device id that is not one of the integration's vehicles is refused."""
    await _setup(hass, fake_cloud, "zoe_50")
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    lamp = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "lamp")}
    )

    for device_id in ("no-such-device", lamp.id):
        error = await _refused(
            hass,
            ServiceValidationError,
            services.SERVICE_GET_CHARGE_SCHEDULES,
            device_id,
        )
        assert error.translation_key == "service_unknown_device"
        assert error.translation_placeholders == {"device_id": device_id}


async def test_vehicles_of_several_entries(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    config_entry: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """Each device reaches its own vehicle, whichever entry holds it."""
    with patch("custom_components.renault_connect.PLATFORMS", []):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
    _, _, device_id = await _setup(hass, fake_cloud, "alpine_a290")
    megane = vehicle_device(dr.async_get(hass), config_entry, cloud_vins[1])
    assert megane is not None

    programs = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, device_id)
    schedules = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, megane.id)

    assert programs is not None
    assert programs["schedules"][0]["type"] == "charge_and_preconditioning"
    assert schedules == {"mode": "always", "schedules": [CAPTURED_CHARGE_SCHEDULE]}


async def test_vehicle_of_an_unloaded_entry_is_refused(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """The actions stay registered, but a vehicle needs its entry loaded."""
    entry, _, device_id = await _setup(hass, fake_cloud, "zoe_50")
    assert await hass.config_entries.async_unload(entry.entry_id)

    error = await _refused(
        hass, ServiceValidationError, services.SERVICE_START_PRECONDITIONING, device_id
    )

    assert error.translation_key == "service_vehicle_not_loaded"
    assert error.translation_placeholders == {"device": "AA-001-AA"}
    assert len(fake_cloud.requests) == 0


# -- Charge schedules ----------------------------------------------------------

# The captured charging-settings every new fake car starts with, in Paris time.
CAPTURED_CHARGE_SCHEDULE = {
    "id": 1,
    "activated": True,
    "days": [
        {"day": "monday", "start_time": "13:00", "duration": 15},
        {"day": "tuesday", "start_time": "05:30", "duration": 420},
        {"day": "wednesday", "start_time": "23:30", "duration": 420},
        {"day": "thursday", "start_time": "23:00", "duration": 420},
        {"day": "friday", "start_time": "13:15", "duration": 15},
        {"day": "saturday", "start_time": "13:30", "duration": 30},
        {"day": "sunday", "start_time": "13:45", "duration": 45},
    ],
}
KCA_CHARGE_PROFILES = ("zoe_40", "zoe_50", "megane_e_tech", "captur_phev", "twingo_3")


@pytest.mark.parametrize("profile", KCA_CHARGE_PROFILES)
async def test_get_charge_schedules(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """Charge schedules come in local time, from the last read (nothing is sent)."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, profile)

    response = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, device_id)

    assert response == {"mode": "always", "schedules": [CAPTURED_CHARGE_SCHEDULE]}
    assert len(fake_cloud.requests) == 0


@pytest.mark.parametrize(
    ("time_zone", "cloud", "local"),
    [
        (
            "Europe/Paris",
            {"sunday": {"startTime": "T23:30Z", "duration": 60}},
            [{"day": "monday", "start_time": "00:30", "duration": 60}],
        ),
        (
            "America/New_York",
            {
                "monday": {"startTime": "T02:00Z", "duration": 60},
                "tuesday": {"startTime": "T12:00Z", "duration": 30},
            },
            [
                {"day": "tuesday", "start_time": "07:00", "duration": 30},
                {"day": "sunday", "start_time": "21:00", "duration": 60},
            ],
        ),
        (
            "Pacific/Auckland",
            {"saturday": {"startTime": "T11:00Z", "duration": 15}},
            [{"day": "sunday", "start_time": "00:00", "duration": 15}],
        ),
    ],
)
async def test_get_charge_schedules_across_midnight(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
    cloud: dict[str, Any],
    local: list[dict[str, Any]],
) -> None:
    """A UTC time on the other side of midnight moves to the next or previous day."""
    freezer.move_to(START)
    await hass.config.async_set_time_zone(time_zone)
    entry, car, device_id = await _setup(hass, fake_cloud, "zoe_50")
    car.settings.charge_schedules = [{"id": 2, "activated": False, **_week(**cloud)}]
    await (
        entry.runtime_data.vehicles[VIN]
        .coordinators["charging-settings"]
        .async_refresh()
    )

    response = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, device_id)

    assert response is not None
    assert response["schedules"] == [{"id": 2, "activated": False, "days": local}]


@pytest.mark.parametrize("profile", ["renault_5", "alpine_a290"])
async def test_get_charge_programs(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, profile: str
) -> None:
    """KCM cars show their ev/settings programs (the car's own local times)."""
    _, _, device_id = await _setup(hass, fake_cloud, profile)

    response = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, device_id)

    assert response == {
        "mode": "scheduled",
        "schedules": [
            {
                "id": 1,
                "activated": False,
                "type": "charge_and_preconditioning",
                "departure_time": "02:00",
                "days": list(DAYS),
            }
        ],
    }


async def test_schedules_not_read_yet(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """Until the schedules could be read, asking for them says so."""
    fake_cloud.faults.add(Fault("quota", endpoint="charging-settings"))
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    error = await _refused(
        hass, HomeAssistantError, services.SERVICE_GET_CHARGE_SCHEDULES, device_id
    )

    assert error.translation_key == "service_schedules_unavailable"
    assert not isinstance(error, ServiceValidationError)


@pytest.mark.parametrize(
    ("profile", "operation", "path"),
    [
        ("zoe_40", "kca/actions/charge-schedule", "/actions/charge-schedule"),
        ("zoe_50", "kca/actions/charge-schedule", "/actions/charge-schedule"),
        ("captur_phev", "kca/actions/charge-schedule", "/actions/charge-schedule"),
        ("twingo_3", "kca/actions/charge-schedule", "/actions/charge-schedule"),
        ("megane_e_tech", "kcm/charge/schedule", "/charge/schedule"),
    ],
)
async def test_set_charge_schedules(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
    operation: str,
    path: str,
) -> None:
    """The whole set goes in UTC on the model's path; the car's answer confirms it."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, profile)
    schedules = [
        {
            "id": 1,
            "activated": True,
            "days": [
                {"day": "monday", "start_time": "00:30", "duration": 480},
                {"day": "tuesday", "start_time": "22:00", "duration": 60},
            ],
        },
        {
            "id": 3,
            "days": [{"day": "saturday", "start_time": "10:45", "duration": 1440}],
        },
    ]

    await _call(
        hass, services.SERVICE_SET_CHARGE_SCHEDULES, device_id, schedules=schedules
    )

    assert _posts(fake_cloud) == [
        (
            operation,
            path,
            {
                "data": {
                    "type": "ChargeSchedule",
                    "attributes": {
                        "schedules": [
                            {
                                "id": 1,
                                "activated": True,
                                **_week(
                                    sunday={"startTime": "T23:30Z", "duration": 480},
                                    tuesday={"startTime": "T21:00Z", "duration": 60},
                                ),
                            },
                            {
                                "id": 3,
                                "activated": False,
                                **_week(
                                    saturday={"startTime": "T09:45Z", "duration": 1440}
                                ),
                            },
                        ]
                    },
                }
            },
        )
    ]
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    response = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, device_id)
    assert response is not None
    assert response["schedules"] == [schedules[0], {**schedules[1], "activated": False}]
    # Confirmed: no more re-reads than the two of the back-off (and the first read).
    await wait(hass, freezer, 600)
    assert fake_cloud.requests.count(endpoint="charging-settings") == 3


async def test_set_charge_schedules_keeps_what_is_not_given(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Changing only the activation keeps the days the car has (read afresh)."""
    freezer.move_to(START)
    _, car, device_id = await _setup(hass, fake_cloud, "zoe_50")
    # Changed in the app since the last poll: the fresh read wins.
    car.settings.charge_schedules[0]["friday"] = {
        "startTime": "T20:00Z",
        "duration": 90,
    }

    await _call(
        hass,
        services.SERVICE_SET_CHARGE_SCHEDULES,
        device_id,
        schedules={"id": 1, "activated": False},
    )

    [(_, _, body)] = _posts(fake_cloud)
    assert body["data"]["attributes"]["schedules"] == [
        {**car.settings.charge_schedules[0], "activated": False}
    ]
    assert body["data"]["attributes"]["schedules"][0]["friday"] == {
        "startTime": "T20:00Z",
        "duration": 90,
    }


@pytest.mark.parametrize(
    ("time_zone", "local", "cloud"),
    [
        (
            "America/New_York",
            {"day": "friday", "start_time": "21:00", "duration": 120},
            {"saturday": {"startTime": "T02:00Z", "duration": 120}},
        ),
        (
            "Asia/Tokyo",
            {"day": "monday", "start_time": "08:00", "duration": 15},
            {"sunday": {"startTime": "T23:00Z", "duration": 15}},
        ),
        (
            "UTC",
            {"day": "sunday", "start_time": "23:45", "duration": 15},
            {"sunday": {"startTime": "T23:45Z", "duration": 15}},
        ),
    ],
)
async def test_set_charge_schedules_across_midnight(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
    local: dict[str, Any],
    cloud: dict[str, Any],
) -> None:
    """A local time on the other side of midnight in UTC goes on the UTC day."""
    freezer.move_to(START)
    await hass.config.async_set_time_zone(time_zone)
    _, _, device_id = await _setup(hass, fake_cloud, "twingo_3")

    await _call(
        hass,
        services.SERVICE_SET_CHARGE_SCHEDULES,
        device_id,
        schedules=[{"id": 1, "days": [local]}],
    )

    [(_, _, body)] = _posts(fake_cloud)
    assert body["data"]["attributes"]["schedules"] == [
        {"id": 1, "activated": True, **_week(**cloud)}
    ]


async def test_set_charge_programs(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """KCM cars get their whole ev/settings document back, programs changed."""
    freezer.move_to(START)
    _, car, device_id = await _setup(hass, fake_cloud, "renault_5")
    document = dict(car.settings.ev_settings)
    schedules = [
        {
            "id": 1,
            "activated": True,
            "departure_time": "07:30",
            "days": ["monday", "friday"],
        },
        {
            "id": 2,
            "activated": True,
            "type": "preconditioning",
            "departure_time": "08:45:00",
            "days": ["Saturday"],
        },
    ]

    await _call(
        hass, services.SERVICE_SET_CHARGE_SCHEDULES, device_id, schedules=schedules
    )

    def program(kind: str, departure: str, *days: str) -> dict[str, Any]:
        return {
            "programActivationStatus": True,
            "programType": kind,
            "programDepartureTime": departure,
            **{f"programActivation{day.capitalize()}": day in days for day in DAYS},
        }

    assert _posts(fake_cloud) == [
        (
            "kcm/ev/settings:set",
            "/ev/settings",
            {
                **document,
                "programs": [
                    program("CHARGE_AND_PRECONDITIONING", "07:30", "monday", "friday"),
                    program("PRECONDITIONING", "08:45", "saturday"),
                ],
            },
        )
    ]
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    response = await _call(hass, services.SERVICE_GET_CHARGE_SCHEDULES, device_id)
    assert response is not None
    assert response["schedules"] == [
        {**schedules[0], "type": "charge_and_preconditioning"},
        {**schedules[1], "departure_time": "08:45", "days": ["saturday"]},
    ]


@pytest.mark.parametrize(
    ("schedules", "reason"),
    [
        ({"id": 1, "days": "monday"}, "schedule_invalid"),
        ({"id": 1, "days": [{"day": "monday"}]}, "schedule_invalid"),
        ({"activated": True}, "schedule_invalid"),
        ([{"id": number} for number in range(1, 7)], "schedule_too_many"),
        ([{"id": 2}, {"id": 2}], "schedule_duplicate_id"),
        ({"id": 6, "activated": True}, "schedule_unknown_id"),
        ({"id": 0, "activated": True}, "schedule_unknown_id"),
        (
            {
                "id": 1,
                "days": [{"day": "funday", "start_time": "22:00", "duration": 60}],
            },
            "schedule_day_invalid",
        ),
        (
            {"id": 1, "days": [{"day": "monday", "start_time": "7h", "duration": 60}]},
            "schedule_time_invalid",
        ),
        (
            {
                "id": 1,
                "days": [{"day": "monday", "start_time": "22:10", "duration": 60}],
            },
            "schedule_time_step",
        ),
        (
            {
                "id": 1,
                "days": [{"day": "monday", "start_time": "22:00", "duration": 10}],
            },
            "schedule_duration_invalid",
        ),
        (
            {
                "id": 1,
                "days": [{"day": "monday", "start_time": "22:00", "duration": 50}],
            },
            "schedule_duration_invalid",
        ),
        (
            {
                "id": 1,
                "days": [{"day": "monday", "start_time": "22:00", "duration": 1455}],
            },
            "schedule_duration_invalid",
        ),
        (
            {
                "id": 1,
                "days": [
                    {"day": "monday", "start_time": "00:30", "duration": 60},
                    {"day": "sunday", "start_time": "10:00", "duration": 60},
                ],
            },
            "schedule_day_twice",
        ),
    ],
)
async def test_set_charge_schedules_checks(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    schedules: Any,
    reason: str,
) -> None:
    """Schedules the car would refuse are refused before anything is sent."""
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    error = await _refused(
        hass,
        ServiceValidationError,
        services.SERVICE_SET_CHARGE_SCHEDULES,
        device_id,
        schedules=schedules,
    )

    assert error.translation_key == reason
    assert _posts(fake_cloud) == []


@pytest.mark.parametrize(
    ("schedules", "reason"),
    [
        ({"id": 1, "type": "wash"}, "schedule_type_invalid"),
        ({"id": 1, "departure_time": "07:33"}, "schedule_time_step"),
        ({"id": 1, "days": ["monday", "someday"]}, "schedule_day_invalid"),
        ({"id": 3, "departure_time": "07:30"}, "schedule_unknown_id"),
        (
            {"id": 2, "activated": True, "days": ["monday"]},
            "schedule_departure_time_required",
        ),
    ],
)
async def test_set_charge_programs_checks(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    schedules: Any,
    reason: str,
) -> None:
    """Programs the car would refuse are refused before anything is sent."""
    _, _, device_id = await _setup(hass, fake_cloud, "alpine_a290")

    error = await _refused(
        hass,
        ServiceValidationError,
        services.SERVICE_SET_CHARGE_SCHEDULES,
        device_id,
        schedules=schedules,
    )

    assert error.translation_key == reason
    assert _posts(fake_cloud) == []


# -- Climate schedules -----------------------------------------------------------

# The captured hvac-settings every new fake car starts with, in Paris time.
CAPTURED_HVAC_SCHEDULES = [
    {"id": 1, "activated": False, "days": []},
    {
        "id": 2,
        "activated": True,
        "days": [
            {"day": "wednesday", "ready_at_time": "16:15"},
            {"day": "friday", "ready_at_time": "16:15"},
        ],
    },
    {"id": 3, "activated": False, "days": []},
    {"id": 4, "activated": False, "days": []},
    {"id": 5, "activated": False, "days": []},
]


@pytest.mark.parametrize(
    "profile",
    ["zoe_40", "zoe_50", "megane_e_tech", "renault_5", "captur_phev", "twingo_3"],
)
async def test_get_hvac_schedules(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """Climate schedules come in local time, from the last read."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, profile)

    response = await _call(hass, services.SERVICE_GET_HVAC_SCHEDULES, device_id)

    assert response == {"schedules": CAPTURED_HVAC_SCHEDULES}
    assert len(fake_cloud.requests) == 0


@pytest.mark.parametrize(
    "profile", ["zoe_40", "zoe_50", "megane_e_tech", "captur_phev", "twingo_3"]
)
async def test_set_hvac_schedules(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """The five climate schedules go back together, the changed one in UTC."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, profile)
    changed = {
        "id": 3,
        "activated": True,
        "days": [
            {"day": "monday", "ready_at_time": "00:15"},
            {"day": "thursday", "ready_at_time": "07:45"},
        ],
    }

    await _call(
        hass, services.SERVICE_SET_HVAC_SCHEDULES, device_id, schedules=[changed]
    )

    def off(number: int) -> dict[str, Any]:
        return {"id": number, "activated": False, **_week()}

    ready = "readyAtTime"
    assert _posts(fake_cloud) == [
        (
            "kca/actions/hvac-schedule",
            "/actions/hvac-schedule",
            {
                "data": {
                    "type": "HvacSchedule",
                    "attributes": {
                        "schedules": [
                            off(1),
                            {
                                "id": 2,
                                "activated": True,
                                **_week(
                                    wednesday={ready: "T15:15Z"},
                                    friday={ready: "T15:15Z"},
                                ),
                            },
                            {
                                "id": 3,
                                "activated": True,
                                **_week(
                                    sunday={ready: "T23:15Z"},
                                    thursday={ready: "T06:45Z"},
                                ),
                            },
                            off(4),
                            off(5),
                        ]
                    },
                }
            },
        )
    ]
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    response = await _call(hass, services.SERVICE_GET_HVAC_SCHEDULES, device_id)
    assert response is not None
    assert response["schedules"][2] == changed


async def test_set_hvac_schedules_checks(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """Climate times go by 15 minutes, like charge times."""
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    error = await _refused(
        hass,
        ServiceValidationError,
        services.SERVICE_SET_HVAC_SCHEDULES,
        device_id,
        schedules=[{"id": 2, "days": [{"day": "monday", "ready_at_time": "07:50"}]}],
    )

    assert error.translation_key == "schedule_time_step"
    assert error.translation_placeholders == {"time": "07:50", "step": "15"}
    assert _posts(fake_cloud) == []


# -- History -----------------------------------------------------------------------


async def _charge_a_quarter(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, car: FakeVehicle
) -> None:
    """Plug the car in, charge 15 minutes, unplug: one charge session."""
    car.plug_in()
    await wait(hass, freezer, 15 * 60)
    car.unplug()


@pytest.mark.parametrize("profile", ["zoe_40", "zoe_50", "twingo_3"])
async def test_get_charge_history(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """Sessions come with durations in minutes and power in kW whatever the model."""
    freezer.move_to(START)
    _, car, device_id = await _setup(hass, fake_cloud, profile)
    await _charge_a_quarter(hass, freezer, car)

    response = await _call(
        hass,
        services.SERVICE_GET_CHARGE_HISTORY,
        device_id,
        start="2026-11-01",
        end="2026-11-20",
    )

    [session] = car.charge_sessions
    assert response is not None
    assert response["sessions"] == [
        {
            "start": "2026-11-20T19:00:00+01:00",
            "end": "2026-11-20T19:15:00+01:00",
            "duration_minutes": 15,
            "start_battery_level": int(session.start_level),
            "end_battery_level": int(session.end_level),
            "battery_level_recovered": int(session.end_level)
            - int(session.start_level),
            "energy_kwh": round(session.energy_kwh, 2),
            "power_kw": 7.4,
            "charging_point": "slow",
            "status": "ok",
        }
    ]
    if profile == "twingo_3":  # no charge-history on this model
        assert response["summaries"] is None
    else:
        assert response["summaries"] == [
            {
                "period": "2026-11-20",
                "sessions": 1,
                "duration_minutes": 15,
                "errors": 0,
            }
        ]


async def test_get_charge_history_per_month(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Totals can be per month; the end defaults to today."""
    freezer.move_to(START)
    _, car, device_id = await _setup(hass, fake_cloud, "zoe_50")
    await _charge_a_quarter(hass, freezer, car)

    response = await _call(
        hass,
        services.SERVICE_GET_CHARGE_HISTORY,
        device_id,
        start="2026-10-01",
        period="month",
    )

    assert response is not None
    assert len(response["sessions"]) == 1
    assert response["summaries"] == [
        {"period": "2026-11", "sessions": 1, "duration_minutes": 15, "errors": 0}
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"start": "2026-11-10", "end": "2026-11-09"}, "service_history_order"),
        ({"start": "2026-11-10", "end": "2026-11-21"}, "service_history_future"),
        ({"start": "2025-11-18", "end": "2026-11-20"}, "service_history_too_long"),
    ],
)
async def test_history_checks(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    data: dict[str, Any],
    reason: str,
) -> None:
    """Dates the cloud would refuse are refused before asking it."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    for service in (
        services.SERVICE_GET_CHARGE_HISTORY,
        services.SERVICE_GET_HVAC_HISTORY,
    ):
        error = await _refused(hass, ServiceValidationError, service, device_id, **data)
        assert error.translation_key == reason
    assert len(fake_cloud.requests) == 0


async def test_history_refused_by_the_cloud(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A history the cloud refuses says why."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")
    fake_cloud.faults.add(Fault("quota", endpoint="charges"))

    error = await _refused(
        hass,
        HomeAssistantError,
        services.SERVICE_GET_CHARGE_HISTORY,
        device_id,
        start="2026-11-01",
    )

    assert error.translation_key == "quota_reached"


async def test_get_hvac_history(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Preconditioning sessions and totals, in local time."""
    freezer.move_to(START)
    _, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    empty = await _call(
        hass, services.SERVICE_GET_HVAC_HISTORY, device_id, start="2026-11-01"
    )
    assert empty == {"sessions": [], "summaries": []}

    # The fake cloud answers these without attributes, as the captures do;
    # the sessions below are shaped like the ones PyZE users published (an
    # incomplete item shows nulls).
    read_sessions = RenaultVehicle.get_hvac_sessions
    read_history = RenaultVehicle.get_hvac_history

    async def with_sessions(vehicle: RenaultVehicle, *args: Any) -> Any:
        data = await read_sessions(vehicle, *args)
        data.raw_data = {
            "hvacSessions": [
                {
                    "hvacSessionRequestDate": "2026-11-19T17:20:05+01:00",
                    "hvacSessionStartDate": "2026-11-19T16:26:38Z",
                    "hvacSessionEndStatus": "ok",
                },
                {
                    "hvacSessionRequestDate": "2026-11-19T06:00:00Z",
                    "hvacSessionStartDate": "not a date",
                    "hvacSessionEndStatus": "error",
                },
            ]
        }
        return data

    async def with_history(vehicle: RenaultVehicle, *args: Any) -> Any:
        data = await read_history(vehicle, *args)
        data.raw_data = {
            "hvacSessionsSummaries": [
                {
                    "month": "202611",
                    "totalHvacSessionsNumber": 3,
                    "totalHvacSessionsErrors": 1,
                },
                {"totalHvacSessionsNumber": 0},
            ]
        }
        return data

    with (
        patch.object(RenaultVehicle, "get_hvac_sessions", with_sessions),
        patch.object(RenaultVehicle, "get_hvac_history", with_history),
    ):
        response = await _call(
            hass,
            services.SERVICE_GET_HVAC_HISTORY,
            device_id,
            start="2026-11-01",
            end="2026-11-19",
            period="month",
        )

    assert response == {
        "sessions": [
            {
                "requested": "2026-11-19T17:20:05+01:00",
                "start": "2026-11-19T17:26:38+01:00",
                "status": "ok",
            },
            {
                "requested": "2026-11-19T07:00:00+01:00",
                "start": None,
                "status": "error",
            },
        ],
        "summaries": [
            {"period": "2026-11", "sessions": 3, "errors": 1},
            {"period": None, "sessions": 0, "errors": None},
        ],
    }
    assert fake_cloud.requests.count(endpoint="hvac-sessions") == 2
    assert fake_cloud.requests.count(endpoint="hvac-history") == 2


# -- Registration and texts ------------------------------------------------------


async def test_actions_are_described_and_translated(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """Every action has its services.yaml entry, names in each language, an icon."""
    await _setup(hass, fake_cloud, "zoe_50")
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    described = (await async_get_all_descriptions(hass))[DOMAIN]
    icons = load_json_object(INTEGRATION / "icons.json")["services"]

    assert registered == set(described) == set(icons)
    for language in ("en", "fr"):
        translations = load_json_object(
            INTEGRATION / "translations" / f"{language}.json"
        )
        for service, description in described.items():
            texts = translations["services"][service]
            assert texts["name"]
            assert texts["description"]
            assert set(texts["fields"]) == set(description["fields"])
            assert all(field["description"] for field in texts["fields"].values())


def _raised_errors(module: str) -> dict[str, set[str]]:
    """Return the translation keys a module raises, with their placeholders."""
    raised: dict[str, set[str]] = {}
    tree = ast.parse((INTEGRATION / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        arguments = {keyword.arg: keyword.value for keyword in node.keywords}
        if not isinstance(key := arguments.pop("translation_key", None), ast.Constant):
            continue
        placeholders = arguments.get("translation_placeholders")
        if isinstance(placeholders, ast.Dict):
            names = {name.value for name in placeholders.keys if name is not None}
        else:
            names = set(arguments) - {"translation_domain"}
        raised[key.value] = {str(name) for name in names}
    return raised


def test_errors_raised_are_translated() -> None:
    """Every error the actions raise is translated, with its placeholders."""
    raised = _raised_errors("services.py") | _raised_errors("car_schedules.py")
    assert len(raised) > 15
    for language in ("en", "fr"):
        translations = load_json_object(
            INTEGRATION / "translations" / f"{language}.json"
        )
        for key, placeholders in raised.items():
            message = translations["exceptions"][key]["message"]
            assert set(re.findall(r"{(\w+)}", message)) == placeholders, key


async def test_get_notification_settings(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    fake_cloud: FakeRenaultCloud,
) -> None:
    """The cloud's notification settings come back as it says, and in diagnostics."""
    entry, _, device_id = await _setup(hass, fake_cloud, "zoe_50")

    response = await _call(hass, services.SERVICE_GET_NOTIFICATION_SETTINGS, device_id)

    assert response == {}
    assert fake_cloud.requests.count(endpoint="notification-settings") == 1
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    [vehicle] = diagnostics["vehicles"]
    assert vehicle["notification_settings"] == {}
    assert vehicle["profile"]["known"] is True


async def test_notification_settings_refused_on_models_without_them(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A car whose model has no notification settings gets a translated refusal."""
    _, _, device_id = await _setup(hass, fake_cloud, "megane_e_tech")

    with pytest.raises(ServiceValidationError) as refused:
        await _call(hass, services.SERVICE_GET_NOTIFICATION_SETTINGS, device_id)

    assert refused.value.translation_key == "action_not_supported"
    assert fake_cloud.requests.count(endpoint="notification-settings") == 0
