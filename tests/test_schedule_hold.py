"""Smart charging through the car's own schedule: Megane E-Tech, Renault 5.

Neither car can be stopped through the cloud. Without a charger, smart
charging keeps the user's own charge settings, writes its windows as the car's
schedule, and gives the user's back when it is turned off. The tests read the
bodies the car received, what the fake car keeps, what is stored across a
restart, and the charges the car made by itself.
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.const import (
    CONF_BATTERY_CAPACITY,
    CONF_PRICE_ENTITY,
    DOMAIN,
)
from custom_components.renault_connect.smart_charging import SmartMode
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault

from .platforms import VIN, setup_profile
from .test_smart_charger import (
    EVENING,
    MODE,
    NEXT_START,
    PLATFORMS,
    PRICE,
    _choose,
    _local,
    _minutes,
    _platforms,
    _price_sensor,
    _read_battery,
    _state,
    paris,  # noqa: F401 - the tests live in Paris
)

PARIS = ZoneInfo("Europe/Paris")
CAPACITY = {"megane_e_tech": 60.0, "renault_5": 52.0}
SCHEDULE_CHANGE = "actions/charge-set-schedule"
MODE_CHANGE = "actions/charge-set-mode"
EV_SETTINGS = "actions/charge-start"
# The Renault 5's own settings: delayed charge 01:55-06:55, and two programs.
R5_SETTINGS: dict[str, Any] = {
    "chargeModeRq": "ALWAYS",
    "chargeTimeStart": "01:55",
    "chargeDuration": 300,
    "programs": [
        {
            "programActivationStatus": False,
            "programType": "CHARGE",
            "programDepartureTime": "07:30",
            "programActivationMonday": True,
            "programActivationTuesday": True,
            "programActivationWednesday": False,
            "programActivationThursday": False,
            "programActivationFriday": True,
            "programActivationSaturday": False,
            "programActivationSunday": False,
        },
        {
            "programActivationStatus": True,
            "programType": "PRECONDITIONING",
            "programDepartureTime": "08:30",
            "programActivationMonday": True,
            "programActivationTuesday": True,
            "programActivationWednesday": True,
            "programActivationThursday": True,
            "programActivationFriday": True,
            "programActivationSaturday": False,
            "programActivationSunday": False,
        },
    ],
}


async def _plugged_in(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> tuple[MockConfigEntry, FakeVehicle]:
    """At 18:00, set up the car with the price sensor, plugged in at 50 %; read it."""
    freezer.move_to(EVENING)
    await _price_sensor(hass)
    entry = await setup_profile(
        hass,
        fake_cloud,
        profile,
        *PLATFORMS,
        vehicle_settings={
            CONF_BATTERY_CAPACITY: CAPACITY[profile],
            CONF_PRICE_ENTITY: PRICE,
        },
    )
    car = fake_cloud.vehicles[VIN]
    car.zone = PARIS
    car.set_state(battery_level=50.0)
    car.plug_in()
    await _read_battery(hass, entry)
    return entry, car


async def _turn_on(hass: HomeAssistant) -> None:
    """Charge in the cheapest hours to 80 % by 07:00, from the device page."""
    await _choose(hass, "cheapest_hours", departure="07:00:00", target=80, minimum=0)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _turn_off(hass: HomeAssistant) -> None:
    """Turn smart charging off from the device page."""
    await _choose(hass, "off")
    await hass.async_block_till_done(wait_background_tasks=True)


def _bodies(fake_cloud: FakeRenaultCloud, endpoint: str) -> list[Any]:
    """Return the bodies of the commands the car received at an endpoint."""
    return [
        record.body
        for record in fake_cloud.requests.filter(endpoint=endpoint, method="POST")
    ]


def _held(hass_storage: dict[str, Any], entry: MockConfigEntry) -> Any:
    """Return what smart charging stored of the car's schedule."""
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}.smart_charging"]["data"]
    return stored[VIN].get("hold")


async def test_megane_charges_in_the_cheapest_hours_by_its_schedule(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A Megane plugged in at 18:00 charges 01:00-03:30 by its own schedule.

    Its schedules and mode ("always") are kept first; the car stops, charges in
    the window written for it with no command, and gets its own back when
    smart charging is turned off.
    """
    entry, car = await _plugged_in(hass, fake_cloud, freezer, "megane_e_tech")
    own_schedules = copy.deepcopy(car.settings.charge_schedules)
    assert car.settings.charge_mode == "always"
    assert car.state.charging

    await _turn_on(hass)
    await _minutes(hass, freezer, 3)

    held = _held(hass_storage, entry)
    assert held["kind"] == "kca"
    assert held["saved"]["mode"] == "always"
    assert held["saved"]["schedules"] == own_schedules
    assert [
        body["data"]["attributes"]["action"]
        for body in _bodies(fake_cloud, MODE_CHANGE)
    ] == ["scheduled"]
    [sent] = _bodies(fake_cloud, SCHEDULE_CHANGE)
    schedules = sent["data"]["attributes"]["schedules"]
    # 30 % of 60 kWh at 7.4 kW: 2.4 h, on 15-minute steps from 01:00 Paris.
    assert schedules[0]["activated"] is True
    assert schedules[0]["saturday"] == {"startTime": "T00:00Z", "duration": 150}
    assert all(not schedule["activated"] for schedule in schedules[1:])
    assert not car.state.charging
    assert car.settings.charge_mode == "scheduled"
    assert _local(_state(hass, NEXT_START)).hour == 1

    # The car charges by itself in its window; no command is sent.
    await _minutes(hass, freezer, 10 * 60)
    assert _bodies(fake_cloud, "actions/charge-start") == []
    session = car.charge_sessions[-1]
    assert session.start.astimezone(PARIS).hour == 1
    assert 79.0 <= session.end_level <= 81.5
    assert len(_bodies(fake_cloud, SCHEDULE_CHANGE)) <= 3

    # Off: the user's mode and every schedule come back, exactly.
    await _turn_off(hass)
    await _minutes(hass, freezer, 3)
    assert car.settings.charge_schedules == own_schedules
    assert car.settings.charge_mode == "always"
    assert _held(hass_storage, entry) is None


async def test_megane_schedules_are_refused_while_held(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The schedules and mode smart charging holds cannot be changed: nothing sent."""
    entry, _ = await _plugged_in(hass, fake_cloud, freezer, "megane_e_tech")
    await _turn_on(hass)
    await _minutes(hass, freezer, 3)
    posts = fake_cloud.requests.count(method="POST", kind="kamereon")

    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN,
            "set_charge_schedules",
            {
                "device_id": _device_id(entry),
                "schedules": [{"id": 1, "activated": False}],
            },
            blocking=True,
        )
    assert refused.value.translation_key == "charge_settings_held"
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: "select.aa_001_aa_charge_mode", ATTR_OPTION: "always"},
            blocking=True,
        )
    assert fake_cloud.requests.count(method="POST", kind="kamereon") == posts

    # Solar surplus needs a car that stops at once: not offered, refused.
    mode = hass.states.get(MODE)
    assert mode is not None
    assert mode.attributes["options"] == ["off", "cheapest_hours"]
    with pytest.raises(ServiceValidationError):
        await _choose(hass, "solar")
    with pytest.raises(ServiceValidationError) as solar:
        await entry.runtime_data.vehicles[VIN].smart.async_set(mode=SmartMode.SOLAR)
    assert solar.value.translation_key == "solar_needs_stop"
    assert _state(hass, MODE) == "cheapest_hours"


def _device_id(entry: MockConfigEntry) -> str:
    """Return the test car's device id."""
    return str(entry.runtime_data.vehicles[VIN].device_id)


async def test_renault_5_window_and_programs_kept_across_a_restart(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A Renault 5 charges in the window written for it, through a restart.

    Only chargeModeRq, chargeTimeStart and chargeDuration are written, with a
    charge program added (the user has none active). A program the user
    changes meanwhile stays changed; turning smart charging off after a
    restart gives the three fields back and takes the added program away.
    """
    entry, car = await _plugged_in(hass, fake_cloud, freezer, "renault_5")
    car.action_delay = 0
    car.remote_ev_settings(copy.deepcopy(R5_SETTINGS))
    car.action_delay = 30
    await _minutes(hass, freezer, 1)
    assert car.state.charging

    await _turn_on(hass)
    await _minutes(hass, freezer, 3)
    [sent] = _bodies(fake_cloud, EV_SETTINGS)
    # 30 % of 52 kWh at 7.4 kW (the learned default): 2.1 h from 01:00.
    assert {key: sent[key] for key in ("chargeModeRq", "chargeTimeStart")} == {
        "chargeModeRq": "SCHEDULED",
        "chargeTimeStart": "01:00",
    }
    assert sent["chargeDuration"] == 130
    assert sent["programs"][:2] == R5_SETTINGS["programs"]
    assert sent["programs"][2]["programType"] == "CHARGE"
    assert sent["programs"][2]["programActivationStatus"] is True
    assert not car.state.charging
    held = _held(hass_storage, entry)
    assert held["saved"] == {
        "chargeModeRq": "ALWAYS",
        "chargeTimeStart": "01:55",
        "chargeDuration": 300,
    }

    # The user moves the preconditioning to 08:00: allowed, and kept.
    await hass.services.async_call(
        DOMAIN,
        "set_charge_schedules",
        {
            "device_id": _device_id(entry),
            "schedules": [{"id": 2, "departure_time": "08:00"}],
        },
        blocking=True,
    )
    await _minutes(hass, freezer, 2)

    with _platforms():
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert _held(hass_storage, entry)["saved"] == held["saved"]

    # The car charges at 01:00 by itself.
    await _minutes(hass, freezer, 10 * 60)
    session = car.charge_sessions[-1]
    assert session.start.astimezone(PARIS).hour == 1
    assert 79.0 <= session.end_level <= 81.5

    await _turn_off(hass)
    await _minutes(hass, freezer, 3)
    settings = car.settings.ev_settings
    assert {key: settings[key] for key in held["saved"]} == held["saved"]
    programs = copy.deepcopy(R5_SETTINGS["programs"])
    programs[1]["programDepartureTime"] = "08:00"
    assert settings["programs"] == programs
    assert _held(hass_storage, entry) is None


async def test_a_failed_hand_back_is_logged_once_and_tried_again(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The cloud down when smart charging is turned off: the user's come back later."""
    entry, car = await _plugged_in(hass, fake_cloud, freezer, "megane_e_tech")
    own_schedules = copy.deepcopy(car.settings.charge_schedules)
    await _turn_on(hass)
    await _minutes(hass, freezer, 3)

    fake_cloud.faults.add(Fault("http_500_html", endpoint=SCHEDULE_CHANGE))
    caplog.set_level(logging.INFO)
    await _turn_off(hass)
    await _minutes(hass, freezer, 30)
    assert _held(hass_storage, entry) is not None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len([r for r in warnings if "smart charging" in r.getMessage()]) == 1

    fake_cloud.faults.clear()
    await _minutes(hass, freezer, 16)
    assert car.settings.charge_schedules == own_schedules
    assert car.settings.charge_mode == "always"
    assert _held(hass_storage, entry) is None


async def test_one_odd_answer_is_never_kept_as_the_users(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An answer without the Megane's schedules, at take-over, is not kept.

    It disagrees with the answer known before: read again until two agree;
    the schedules kept, and written back later, are the user's.
    """
    entry, car = await _plugged_in(hass, fake_cloud, freezer, "megane_e_tech")
    own_schedules = copy.deepcopy(car.settings.charge_schedules)
    fake_cloud.faults.add(
        Fault(
            "odd_answer",
            endpoint="charging-settings",
            times=1,
            attributes={"schedules": []},
        )
    )
    await _turn_on(hass)
    await _minutes(hass, freezer, 3)
    assert _held(hass_storage, entry)["saved"]["schedules"] == own_schedules

    await _turn_off(hass)
    await _minutes(hass, freezer, 3)
    assert car.settings.charge_schedules == own_schedules


async def test_settings_that_never_settle_are_not_taken(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three reads, three different answers: nothing kept, nothing written.

    The fake cloud cannot answer so; the reads are made to. A quarter of an
    hour later, with the car's real answers, the schedule is taken.
    """
    entry, car = await _plugged_in(hass, fake_cloud, freezer, "megane_e_tech")
    hold = entry.runtime_data.vehicles[VIN].smart.hold
    read = hold._async_fetch
    # Each unlike the one before, the first unlike the answer known ("always").
    modes = iter(("scheduled", "delayed", "always"))

    async def restless(endpoint: str) -> Any:
        data = await read(endpoint)
        data.mode = next(modes)
        return data

    with patch.object(hold, "_async_fetch", side_effect=restless) as reads:
        await _turn_on(hass)
    assert reads.call_count == 3
    assert _held(hass_storage, entry) is None
    assert _bodies(fake_cloud, SCHEDULE_CHANGE) == []
    assert _bodies(fake_cloud, MODE_CHANGE) == []
    assert "keeps nothing and tries again later" in caplog.text

    await _minutes(hass, freezer, 16)
    assert _held(hass_storage, entry) is not None
    assert car.settings.charge_mode == "scheduled"
