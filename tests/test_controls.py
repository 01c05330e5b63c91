"""Tests of the controls: what each model's car receives, feedback, and refusals."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.climate import (
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_TEMPERATURE,
    ClimateEntityFeature,
)
from homeassistant.components.number import (
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import (
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
)

from custom_components.renault_connect import cloud
from custom_components.renault_connect.const import DOMAIN
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault
from fake_renault_cloud.profiles import ChargePolicy

from .common import wait
from .platforms import VIN, setup_profile

CONTROLS = (
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.DEVICE_TRACKER,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
)
START = "2026-11-20T18:00:00+00:00"
CHARGING = "binary_sensor.aa_001_aa_charging"


async def _setup(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, profile: str
) -> tuple[MockConfigEntry, FakeVehicle]:
    """Set up one car of the profile with its controls."""
    entry = await setup_profile(hass, fake_cloud, profile, *CONTROLS)
    return entry, fake_cloud.vehicles[VIN]


async def _press(hass: HomeAssistant, button: str) -> None:
    """Press a button of the test car."""
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: f"button.aa_001_aa_{button}"},
        blocking=True,
    )


def _state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def _plugged_waiting(car: FakeVehicle) -> None:
    """Plug the car in with charging left to a schedule, so it waits."""
    car.settings.charge_policy = ChargePolicy.SCHEDULED
    car.plug_in()


def _last_body(fake_cloud: FakeRenaultCloud, endpoint: str) -> Any:
    """Return the body of the last command received at an endpoint or operation."""
    records = [
        record
        for record in fake_cloud.requests
        if endpoint in (record.endpoint, record.operation)
    ]
    assert records, endpoint
    return records[-1].body


async def test_start_charging_shows_within_one_backoff_step(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """After "start charging", the charging sensor turns on without the next poll."""
    freezer.move_to(START)
    _, car = await _setup(hass, fake_cloud, "twingo_3")
    _plugged_waiting(car)
    await wait(hass, freezer, 1)
    assert _state(hass, CHARGING) == "off"
    polls = fake_cloud.requests.count(endpoint="battery-status")

    await _press(hass, "start_charging")
    # The last reading said unplugged: the press read the battery again.
    polls += 1
    assert _last_body(fake_cloud, "actions/charge-start") == {
        "data": {"type": "ChargingStart", "attributes": {"action": "start"}}
    }
    await wait(hass, freezer, 15)
    assert _state(hass, CHARGING) == "off"
    # The car acts after its delay (30 s); the second re-read, 30 s in, sees it.
    await wait(hass, freezer, 15)

    assert car.action_delay == 30
    assert _state(hass, CHARGING) == "on"
    assert fake_cloud.requests.count(endpoint="battery-status") == polls + 2

    # Confirmed: no more re-reads until the regular poll.
    await wait(hass, freezer, 300)
    assert fake_cloud.requests.count(endpoint="battery-status") == polls + 2


@pytest.mark.parametrize(
    ("profile", "operation", "body"),
    [
        (
            "zoe_50",
            "actions/charge-start",
            {"data": {"type": "ChargingStart", "attributes": {"action": "start"}}},
        ),
        (
            "megane_e_tech",
            "actions/charge-start",
            {"data": {"type": "ChargingStart", "attributes": {"action": "start"}}},
        ),
        (
            "spring",
            "actions/charge-start",
            {"data": {"type": "ChargePauseResume", "attributes": {"action": "resume"}}},
        ),
    ],
)
async def test_start_charging_payloads(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    profile: str,
    operation: str,
    body: dict[str, Any],
) -> None:
    """Each model gets the start command on its own path, in its own form."""
    _, car = await _setup(hass, fake_cloud, profile)
    _plugged_waiting(car)
    await _press(hass, "start_charging")
    record = fake_cloud.requests.last(operation)
    assert record is not None
    assert record.body == body
    assert record.status == 200


async def test_start_charging_through_ev_settings(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A Renault 5 starts charging by switching its charge programs off."""
    _, car = await _setup(hass, fake_cloud, "renault_5")
    _plugged_waiting(car)
    await _press(hass, "start_charging")
    body = _last_body(fake_cloud, "actions/charge-start")
    assert body["programs"]
    assert not any(program["programActivationStatus"] for program in body["programs"])


@pytest.mark.parametrize(
    ("profile", "body"),
    [
        (
            "zoe_50",
            {"data": {"type": "ChargePauseResume", "attributes": {"action": "pause"}}},
        ),
        (
            "twingo_3",
            {"data": {"type": "ChargingStart", "attributes": {"action": "stop"}}},
        ),
    ],
)
async def test_stop_charging_payloads(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
    body: dict[str, Any],
) -> None:
    """Stopping uses pause on the cars that need it, stop elsewhere; the car obeys."""
    freezer.move_to(START)
    entry, car = await _setup(hass, fake_cloud, profile)
    car.plug_in()
    battery = entry.runtime_data.vehicles[VIN].coordinators["battery-status"]
    await battery.async_refresh()
    assert _state(hass, CHARGING) == "on"

    await _press(hass, "stop_charging")
    assert _last_body(fake_cloud, "actions/charge-stop") == body
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert _state(hass, CHARGING) == "off"


@pytest.mark.parametrize(
    ("profile", "absent"),
    [
        ("megane_e_tech", "stop_charging"),
        ("renault_5", "stop_charging"),
        ("spring", "sound_the_horn"),
        ("captur_fuel", "start_charging"),
        ("duster", "start_charging"),
    ],
)
async def test_controls_only_where_the_car_accepts_them(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, profile: str, absent: str
) -> None:
    """A car gets no button for a command its model cannot take."""
    await _setup(hass, fake_cloud, profile)
    assert hass.states.get(f"button.aa_001_aa_{absent}") is None


@pytest.mark.parametrize(
    ("profile", "option", "body"),
    [
        (
            "zoe_50",
            "scheduled",
            {"data": {"type": "ChargeMode", "attributes": {"action": "schedule_mode"}}},
        ),
        (
            "zoe_40",
            "always",
            {"data": {"type": "ChargeMode", "attributes": {"action": "always"}}},
        ),
        (
            "twingo_3",
            "scheduled",
            {"data": {"type": "ChargeMode", "attributes": {"action": "scheduled"}}},
        ),
    ],
)
async def test_charge_mode_in_each_models_spelling(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
    option: str,
    body: dict[str, Any],
) -> None:
    """The charge mode is sent as the model spells it, and shown once confirmed."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, profile)
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: "select.aa_001_aa_charge_mode", "option": option},
        blocking=True,
    )
    assert _last_body(fake_cloud, "actions/charge-set-mode") == body
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert _state(hass, "select.aa_001_aa_charge_mode") == option


async def test_charge_mode_through_ev_settings(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A Renault 5 changes its charge mode in its ev/settings document."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, "renault_5")
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: "select.aa_001_aa_charge_mode", "option": "scheduled"},
        blocking=True,
    )
    body = _last_body(fake_cloud, "kcm/ev/settings:set")
    assert body["chargeModeRq"] == "SCHEDULED"
    assert "programs" in body
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert _state(hass, "select.aa_001_aa_charge_mode") == "scheduled"


async def test_charge_limit_is_optimistic_then_confirmed(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A new charge limit shows at once, both limits are sent, and the car confirms."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, "megane_e_tech")
    target = "number.aa_001_aa_target_charge_level"
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: target, "value": 90},
        blocking=True,
    )
    assert _last_body(fake_cloud, "soc-levels") == {"socMin": 20, "socTarget": 90}
    assert _state(hass, target) == "90.0"
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert _state(hass, target) == "90"

    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: target, "value": 87},
            blocking=True,
        )
    assert refused.value.translation_key == "charge_limit_step"


async def test_charge_limit_refused_when_the_other_is_unknown(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A car that never reported its minimum gets no guess: an error, nothing sent."""
    freezer.move_to(START)
    _, car = await _setup(hass, fake_cloud, "megane_e_tech")
    car.settings.soc_min = None  # type: ignore[assignment] - an odd answer
    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: "number.aa_001_aa_target_charge_level", "value": 90},
            blocking=True,
        )
    assert refused.value.translation_key == "charge_limits_unknown"
    assert fake_cloud.requests.count(endpoint="soc-levels", method="POST") == 0


@pytest.mark.parametrize(
    ("profile", "stop"), [("zoe_40", "cancel"), ("renault_5", "stop")]
)
async def test_preconditioning(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
    stop: str,
) -> None:
    """Preconditioning starts at the remembered target, and stops the model's way."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, profile)
    climate = "climate.aa_001_aa_preconditioning"
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: climate, "temperature": 19.5},
        blocking=True,
    )
    assert fake_cloud.requests.count(endpoint="actions/hvac-start") == 0

    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_HVAC_MODE,
        {ATTR_ENTITY_ID: climate, "hvac_mode": "heat_cool"},
        blocking=True,
    )
    assert _last_body(fake_cloud, "actions/hvac-start") == {
        "data": {
            "type": "HvacStart",
            "attributes": {"action": "start", "targetTemperature": 19.5},
        }
    }
    # Shown at once, while the car takes its half minute to act.
    car = fake_cloud.vehicles[VIN]
    assert not car.state.hvac_on
    assert _state(hass, climate) == "heat_cool"
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert car.state.hvac_on
    assert _state(hass, climate) == "heat_cool"

    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_HVAC_MODE,
        {ATTR_ENTITY_ID: climate, "hvac_mode": "off"},
        blocking=True,
    )
    assert _last_body(fake_cloud, "actions/hvac-stop") == {
        "data": {"type": "HvacStart", "attributes": {"action": stop}}
    }
    assert car.state.hvac_on
    assert _state(hass, climate) == "off"
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert not car.state.hvac_on
    assert _state(hass, climate) == "off"

    # Off already: a second stop sends nothing.
    stops = fake_cloud.requests.count(endpoint="actions/hvac-stop")
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_HVAC_MODE,
        {ATTR_ENTITY_ID: climate, "hvac_mode": "off"},
        blocking=True,
    )
    assert fake_cloud.requests.count(endpoint="actions/hvac-stop") == stops


async def test_preconditioning_a_zoe_2_cannot_stop(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The Zoe phase 2 ignores "cancel": nothing offers or pretends a stop."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, "zoe_50")
    climate = "climate.aa_001_aa_preconditioning"
    state = hass.states.get(climate)
    assert state is not None
    assert state.attributes["hvac_modes"] == ["heat_cool"]
    assert not state.attributes["supported_features"] & ClimateEntityFeature.TURN_OFF
    assert hass.states.get("button.aa_001_aa_stop_preconditioning") is None
    assert hass.states.get("button.aa_001_aa_start_preconditioning") is not None

    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_HVAC_MODE,
        {ATTR_ENTITY_ID: climate, "hvac_mode": "heat_cool"},
        blocking=True,
    )
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert _state(hass, climate) == "heat_cool"
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            CLIMATE_DOMAIN,
            SERVICE_SET_HVAC_MODE,
            {ATTR_ENTITY_ID: climate, "hvac_mode": "off"},
            blocking=True,
        )
    # Home Assistant 2026 refuses a mode outside hvac_modes itself; 2025.4
    # leaves it to the entity. Either way the user reads why, in their language.
    assert refused.value.translation_key in {
        "preconditioning_cannot_stop",
        "not_valid_hvac_mode",
    }
    assert fake_cloud.requests.count(endpoint="actions/hvac-stop") == 0
    assert _state(hass, climate) == "heat_cool"


async def test_preconditioning_a_zoe_1_from_what_was_sent(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The Zoe phase 1 always says off: the state comes from the commands sent."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, "zoe_40")
    climate = "climate.aa_001_aa_preconditioning"
    running = "binary_sensor.aa_001_aa_climate"
    assert _state(hass, climate) == "off"
    reads = fake_cloud.requests.count(endpoint="hvac-status")

    await _press(hass, "start_preconditioning")
    assert _state(hass, climate) == "heat_cool"
    assert _state(hass, running) == "on"
    await wait(hass, freezer, 14 * 60)
    assert _state(hass, climate) == "heat_cool"
    # The car's own word (always off) is not re-read after the command.
    assert fake_cloud.requests.count(endpoint="hvac-status") == reads
    await wait(hass, freezer, 60)
    assert _state(hass, climate) == "off"
    assert _state(hass, running) == "off"

    await _press(hass, "start_preconditioning")
    assert _state(hass, climate) == "heat_cool"
    await _press(hass, "stop_preconditioning")
    assert _last_body(fake_cloud, "actions/hvac-stop") == {
        "data": {"type": "HvacStart", "attributes": {"action": "cancel"}}
    }
    assert _state(hass, climate) == "off"
    assert _state(hass, running) == "off"


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("not_supported", "action_not_supported"),
        ("forbidden", "action_not_supported"),
        ("quota", "quota_reached"),
        ("http_500_html", "action_failed"),
    ],
)
async def test_refusals_are_explained(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, kind: str, reason: str
) -> None:
    """A refused command raises an error that names the reason."""
    await _setup(hass, fake_cloud, "twingo_3")
    fake_cloud.faults.add(Fault(kind, endpoint="actions/horn-start"))
    with pytest.raises(HomeAssistantError) as refused:
        await _press(hass, "sound_the_horn")
    assert refused.value.translation_key == reason
    # Named as on the device page, not by an internal key.
    assert refused.value.translation_placeholders["action"] == "Sound the horn"


async def test_command_needing_a_new_login_starts_reauth(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A command that cannot log in again says so, and reauth starts."""
    entry, _ = await _setup(hass, fake_cloud, "twingo_3")
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT"))
    fake_cloud.faults.add(Fault("invalid_credentials"))
    entry.runtime_data.cloud.session._credentials.clear_keys(["gigya_jwt"])

    caplog.clear()
    with pytest.raises(HomeAssistantError) as refused:
        await _press(hass, "flash_the_lights")
    assert refused.value.translation_key == "action_needs_login"
    logins = fake_cloud.requests.count(endpoint="accounts.login")
    # The next command waits for the login too, without asking the cloud.
    with pytest.raises(HomeAssistantError) as waiting:
        await _press(hass, "sound_the_horn")
    assert waiting.value.translation_key == "action_needs_login"
    assert fake_cloud.requests.count(endpoint="accounts.login") == logins

    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler("renault_connect")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING
    ] == [
        (
            "Authentication failed while sending Flash the lights: "
            "The Renault password was refused: log in again"
        )
    ]
    assert all(
        state.state == STATE_UNAVAILABLE
        for state in hass.states.async_all()
        if state.attributes.get("device_class") == "battery"
        # Smart charging's levels are the user's settings, not the car's.
        and "smart_charging" not in state.entity_id
    )


async def test_refresh_position(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Asking for the position makes the car upload it, and the sensor follows."""
    freezer.move_to(START)
    await _setup(hass, fake_cloud, "zoe_50")
    tracker = "device_tracker.aa_001_aa_location"
    before = hass.states.get(tracker).attributes["last_update"]
    freezer.tick(timedelta(minutes=1))

    await _press(hass, "refresh_position")
    assert _last_body(fake_cloud, "actions/refresh-location") == {
        "data": {"type": "RefreshLocation"}
    }
    for _ in range(3):
        await wait(hass, freezer, 15)
    assert hass.states.get(tracker).attributes["last_update"] != before


async def test_refresh_data_now_spares_the_quota(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Refreshing reads every endpoint, but not twice in a few minutes."""
    freezer.move_to(START)
    entry, _ = await _setup(hass, fake_cloud, "zoe_50")
    fake_cloud.requests.clear()

    await _press(hass, "refresh_data_now")
    assert fake_cloud.requests.count(kind="kamereon") == len(
        entry.runtime_data.vehicles[VIN].coordinators
    )

    freezer.tick(timedelta(minutes=3))
    with pytest.raises(HomeAssistantError) as refused:
        await _press(hass, "refresh_data_now")
    assert refused.value.translation_placeholders == {"minutes": "3"}

    freezer.tick(timedelta(minutes=8))
    await _press(hass, "refresh_data_now")


@pytest.mark.parametrize(
    ("profile", "switch", "operation", "activation"),
    [
        (
            "zoe_50",
            "charge_schedule_1",
            "actions/charge-set-schedule",
            lambda body: body["data"]["attributes"]["schedules"][0]["activated"],
        ),
        (
            "megane_e_tech",
            "climate_schedule_2",
            "actions/hvac-set-schedule",
            lambda body: body["data"]["attributes"]["schedules"][1]["activated"],
        ),
        (
            "renault_5",
            "charge_program_1",
            "kcm/ev/settings:set",
            lambda body: body["programs"][0]["programActivationStatus"],
        ),
    ],
)
async def test_schedule_switches(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
    switch: str,
    operation: str,
    activation: Any,
) -> None:
    """A schedule switch sends the whole set with one schedule changed."""
    freezer.move_to(START)
    entry = await setup_profile(hass, fake_cloud, profile, Platform.SWITCH)
    entity_id = f"switch.aa_001_aa_{switch}"
    wanted = "off" if _state(hass, entity_id) == "on" else "on"

    await hass.services.async_call(
        SWITCH_DOMAIN, f"turn_{wanted}", {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert activation(_last_body(fake_cloud, operation)) is (wanted == "on")
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    assert _state(hass, entity_id) == wanted
    assert entry.state.value == "loaded"


async def test_watch_gives_up_when_the_car_never_confirms(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A full car never starts charging: the re-reads stop after the last step."""
    freezer.move_to(START)
    _, car = await _setup(hass, fake_cloud, "twingo_3")
    car.set_state(battery_level=car.state.charge_target)
    _plugged_waiting(car)
    # The last reading said unplugged: the press reads the battery again.
    polls = fake_cloud.requests.count(endpoint="battery-status") + 1
    await _press(hass, "start_charging")
    for step in (15, 15, 30, 30, 60, 120, 300):
        await wait(hass, freezer, step)
    assert fake_cloud.requests.count(endpoint="battery-status") == polls + 7
    assert _state(hass, CHARGING) == "off"

    await wait(hass, freezer, 60)
    assert fake_cloud.requests.count(endpoint="battery-status") == polls + 7


async def test_unreachable_cloud_is_explained(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A command the cloud does not answer in time says it could not be reached."""
    await _setup(hass, fake_cloud, "twingo_3")
    monkeypatch.setattr(cloud, "REQUEST_TIMEOUT", 0.2)
    fake_cloud.faults.add(Fault("timeout", endpoint="actions/lights-start", delay=5))
    with pytest.raises(HomeAssistantError) as refused:
        await _press(hass, "flash_the_lights")
    assert refused.value.translation_key == "action_cannot_connect"


async def test_preconditioning_target_is_remembered(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """The last target temperature survives a restart, and a new one restarts it."""
    climate = "climate.aa_001_aa_preconditioning"
    mock_restore_cache(hass, [State(climate, "off", {"temperature": 18.5})])
    await _setup(hass, fake_cloud, "zoe_50")
    assert hass.states.get(climate).attributes["temperature"] == 18.5

    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: climate, "temperature": 22, "hvac_mode": "heat_cool"},
        blocking=True,
    )
    body = _last_body(fake_cloud, "actions/hvac-start")
    assert body["data"]["attributes"]["targetTemperature"] == 22


@pytest.mark.parametrize("profile", ["zoe_40", "zoe_50"])
async def test_last_preconditioning_read_after_it_ends(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> None:
    """Once a preconditioning ends, the car's record of it shows within minutes."""
    freezer.move_to(START)
    entry, car = await _setup(hass, fake_cloud, profile)
    last = "sensor.aa_001_aa_last_preconditioning"
    result = "sensor.aa_001_aa_last_preconditioning_result"
    assert _state(hass, last) == "unknown"

    await _press(hass, "start_preconditioning")
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 15)
    await wait(hass, freezer, 16 * 60)
    if profile == "zoe_50":  # the car's own status tells the end
        vehicle = entry.runtime_data.vehicles[VIN]
        await vehicle.coordinators["hvac-status"].async_refresh()
    before = fake_cloud.requests.count(endpoint="hvac-sessions")
    await wait(hass, freezer, 5 * 60)

    assert fake_cloud.requests.count(endpoint="hvac-sessions") == before + 1
    [session] = car.hvac_sessions
    state = hass.states.get(last)
    assert state is not None
    assert state.state == session.start.isoformat()
    assert state.attributes["requested"] == session.requested
    assert _state(hass, result) == "ok"


async def test_climate_shows_the_temperature_an_action_sent(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """start_preconditioning at 20.5 °C: the climate card's target says 20.5 at once."""
    freezer.move_to(START)
    entry, _ = await _setup(hass, fake_cloud, "zoe_50")
    vehicle = entry.runtime_data.vehicles[VIN]
    climate = "climate.aa_001_aa_preconditioning"
    assert hass.states.get(climate).attributes["temperature"] != 20.5

    await hass.services.async_call(
        DOMAIN,
        "start_preconditioning",
        {"device_id": vehicle.device_id, "temperature": 20.5},
        blocking=True,
    )

    state = hass.states.get(climate)
    assert state.attributes["temperature"] == 20.5
    # No cabin sensor on this car: no "current" temperature rather than the outside one.
    assert state.attributes["current_temperature"] is None
    assert vehicle.preconditioning.target_temperature == 20.5
