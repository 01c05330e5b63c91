"""The automation blueprints: valid for Home Assistant, and doing what they say.

Each blueprint is loaded the way Home Assistant loads it (its YAML loader with
`!input`, the automation blueprint schema), turned into an automation with
sample inputs and validated like one; then all three run as automations
from a configuration folder, against entity states shaped like the
integration's, with the actions they call mocked. The automation examples of
the READMEs are validated too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
import re
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import (
    AUTOMATION_BLUEPRINT_SCHEMA,
    async_validate_config_item,
)
from homeassistant.components.blueprint import Blueprint, BlueprintInputs
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.renault_connect.const import DOMAIN

ROOT = Path(__file__).parent.parent
READMES = (ROOT / "README.md", ROOT / "README.fr.md")
FOLDER = ROOT / "blueprints" / "automation" / DOMAIN
SOURCE_URL = (
    "https://github.com/renault-connect/renault-connect-ha/blob/main/"
    "blueprints/automation/renault_connect/{name}"
)
SERVICES = yaml_util.load_yaml_dict(
    ROOT / "custom_components" / DOMAIN / "services.yaml"
)

PRECONDITION = "precondition_before_departure.yaml"
CHARGE_ENDED = "charge_finished_notification.yaml"
STOP_AT_LEVEL = "stop_at_target_level.yaml"

# Entity ids as the integration names them for the demo ZOE (plate HD-237-GB).
BATTERY = "sensor.hd_237_gb_battery"
CHARGING = "binary_sensor.hd_237_gb_charging"
STOP_BUTTON = "button.hd_237_gb_stop_charging"
TARGET = "number.hd_237_gb_target_charge_level"
HELPER = "input_number.zoe_charge_limit"
HOLIDAYS = "input_boolean.holidays"

# Every input given, so that every template and branch is validated.
SAMPLE_INPUTS: dict[str, dict[str, Any]] = {
    PRECONDITION: {
        "vehicle": "0123456789abcdef0123456789abcdef",
        "start_time": "06:50:00",
        "weekdays": ["mon", "tue", "thu"],
        "temperature": 20.5,
        "skip_entities": [HOLIDAYS],
    },
    CHARGE_ENDED: {
        "charging_sensor": CHARGING,
        "battery_sensor": BATTERY,
        "target_entity": TARGET,
        "target_level": 90,
        "tolerance": 3,
        "notify_finished": False,
        "notify_device": "fedcba9876543210fedcba9876543210",
        "notify_action": "notify.family",
    },
    STOP_AT_LEVEL: {
        "battery_sensor": BATTERY,
        "charging_sensor": CHARGING,
        "stop_button": STOP_BUTTON,
        "target_level": 75,
        "target_helper": HELPER,
    },
}
# The inputs that pick the car's own entities or device: filtered on this integration.
CAR_INPUTS = {
    PRECONDITION: {"vehicle"},
    CHARGE_ENDED: {"charging_sensor", "battery_sensor"},
    STOP_AT_LEVEL: {"battery_sensor", "charging_sensor", "stop_button"},
}


def load_blueprint(name: str) -> Blueprint:
    """Load a blueprint file as Home Assistant does."""
    data = yaml_util.load_yaml_dict(FOLDER / name)
    return Blueprint(
        data,
        path=f"{DOMAIN}/{name}",
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def instance(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Return an automation's configuration that uses a blueprint."""
    stem = name.removesuffix(".yaml")
    return {
        "id": stem,
        "alias": stem,
        "use_blueprint": {"path": f"{DOMAIN}/{name}", "input": inputs},
    }


def renault_actions(node: Any) -> list[dict[str, Any]]:
    """Return the steps of a configuration that call this integration's actions."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("action", "")).startswith(f"{DOMAIN}."):
            found.append(node)
        for value in node.values():
            found.extend(renault_actions(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(renault_actions(value))
    return found


def test_every_blueprint_is_tested() -> None:
    """The folder holds exactly the blueprints these tests know."""
    assert {path.name for path in FOLDER.glob("*.yaml")} == set(SAMPLE_INPUTS)


@pytest.mark.parametrize("name", sorted(SAMPLE_INPUTS))
def test_blueprint_metadata(name: str) -> None:
    """A valid automation blueprint, with its source and no unused input."""
    blueprint = load_blueprint(name)
    assert blueprint.domain == "automation"
    assert blueprint.validate() is None  # the minimum version is met
    assert blueprint.metadata["source_url"] == SOURCE_URL.format(name=name)
    assert blueprint.metadata["homeassistant"]["min_version"] == "2025.4.0"
    # Every declared input is used somewhere (!input), and only those.
    raw = yaml_util.load_yaml_dict(FOLDER / name)
    assert yaml_util.extract_inputs(raw) == set(blueprint.inputs)
    assert set(SAMPLE_INPUTS[name]) == set(blueprint.inputs)
    for key in CAR_INPUTS[name]:
        selector = blueprint.inputs[key]["selector"]
        (config,) = selector.values()
        assert {"integration": DOMAIN}.items() <= config["filter"][0].items(), key


@pytest.mark.parametrize("name", sorted(SAMPLE_INPUTS))
def test_renault_actions_match_services_yaml(name: str) -> None:
    """The integration's actions a blueprint calls exist, with those fields."""
    for step in renault_actions(load_blueprint(name).data):
        service = step["action"].removeprefix(f"{DOMAIN}.")
        assert service in SERVICES
        assert set(step.get("data", {})) <= set(SERVICES[service]["fields"])


def test_missing_input_is_refused() -> None:
    """An input without a default must be given (the car, for instance)."""
    inputs = dict(SAMPLE_INPUTS[PRECONDITION])
    del inputs["vehicle"]
    blueprint_inputs = BlueprintInputs(
        load_blueprint(PRECONDITION), instance(PRECONDITION, inputs)
    )
    with pytest.raises(HomeAssistantError, match="vehicle"):
        blueprint_inputs.validate()


@pytest.mark.parametrize("name", sorted(SAMPLE_INPUTS))
@pytest.mark.parametrize("defaults", [False, True], ids=["all_inputs", "defaults"])
async def test_blueprint_makes_a_valid_automation(
    hass: HomeAssistant, name: str, defaults: bool
) -> None:
    """With all inputs, or only the required ones, the automation validates."""
    blueprint = load_blueprint(name)
    inputs = SAMPLE_INPUTS[name]
    if defaults:
        inputs = {
            key: value
            for key, value in inputs.items()
            if "default" not in blueprint.inputs[key]
        }
    blueprint_inputs = BlueprintInputs(blueprint, instance(name, inputs))
    blueprint_inputs.validate()
    config = blueprint_inputs.async_substitute()
    validated = await async_validate_config_item(hass, config["id"], config)
    assert validated is not None
    assert validated["triggers"]
    assert validated["actions"]


def readme_automations(readme: Path) -> list[dict[str, Any]]:
    """Return the automations of a README's YAML examples."""
    blocks = re.findall(r"```yaml\n(.*?)```", readme.read_text(), re.DOTALL)
    return [
        automation
        for block in blocks
        if block.startswith("automation:")
        for automation in yaml_util.parse_yaml(block)["automation"]
    ]


@pytest.mark.parametrize("readme", READMES, ids=lambda path: path.name)
async def test_readme_automations_are_valid(hass: HomeAssistant, readme: Path) -> None:
    """The automation examples of the READMEs validate as automations."""
    automations = readme_automations(readme)
    assert len(automations) >= 4
    for automation in automations:
        validated = await async_validate_config_item(hass, "readme", automation)
        assert validated is not None, automation["alias"]


# Running them as automations.


@pytest.fixture
async def blueprint_config(hass: HomeAssistant, tmp_path: Path) -> AsyncIterator[Path]:
    """Give Home Assistant a configuration folder holding the blueprints.

    The automations are turned off afterwards, which stops their timers.
    """
    target = tmp_path / "blueprints" / "automation" / DOMAIN
    shutil.copytree(FOLDER, target)
    hass.config.config_dir = str(tmp_path)
    yield target
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


@pytest.fixture
def car(hass: HomeAssistant) -> dr.DeviceEntry:
    """Register a car as the integration does: a device named after the plate."""
    entry = MockConfigEntry(domain=DOMAIN, title="Demo")
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, "VF1AG000L64100001")},
        name="HD-237-GB",
        manufacturer="Renault",
        model="Zoe",
    )
    entity_registry = er.async_get(hass)
    for entity_id in (BATTERY, CHARGING, STOP_BUTTON):
        platform, object_id = entity_id.split(".")
        entity_registry.async_get_or_create(
            platform,
            DOMAIN,
            f"vf1ag000l64100001_{object_id}",
            suggested_object_id=object_id,
            config_entry=entry,
            device_id=device.id,
        )
    return device


async def start_automation(
    hass: HomeAssistant, name: str, inputs: dict[str, Any]
) -> None:
    """Set up one automation from a blueprint file, and check it is on."""
    assert await async_setup_component(
        hass, "automation", {"automation": [instance(name, inputs)]}
    )
    await hass.async_block_till_done()
    state = hass.states.get(f"automation.{name.removesuffix('.yaml')}")
    assert state is not None
    assert state.state == "on"


def set_car(hass: HomeAssistant, *, charging: str, battery: str) -> None:
    """Show the car's charging state and battery level."""
    hass.states.async_set(CHARGING, charging, {"device_class": "battery_charging"})
    hass.states.async_set(
        BATTERY, battery, {"device_class": "battery", "unit_of_measurement": "%"}
    )


async def settle(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the blueprints' short waits pass (once their runs reach them)."""
    for _ in range(10):
        await asyncio.sleep(0)
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def on_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, day: int, time: str
) -> None:
    """Move to a day of November 2026 at a local time, and fire what is due."""
    hour, minute = (int(part) for part in time.split(":"))
    moment = datetime(
        2026, 11, day, hour, minute, tzinfo=dt_util.get_default_time_zone()
    )
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("blueprint_config")
async def test_precondition_on_chosen_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, car: dr.DeviceEntry
) -> None:
    """Preconditioning starts at the time on the chosen days, unless skipped."""
    calls = async_mock_service(hass, DOMAIN, "start_preconditioning")
    hass.states.async_set(HOLIDAYS, "off")
    # 2026-11-23 is a Monday.
    await on_day(hass, freezer, 23, "06:00")
    await start_automation(
        hass,
        PRECONDITION,
        {
            "vehicle": car.id,
            "weekdays": ["mon", "wed"],
            "skip_entities": [HOLIDAYS],
        },
    )

    await on_day(hass, freezer, 23, "07:10")
    assert [call.data for call in calls] == [{"device_id": car.id, "temperature": 21}]

    # Tuesday is not chosen.
    await on_day(hass, freezer, 24, "07:10")
    assert len(calls) == 1

    # Wednesday, but on holiday.
    hass.states.async_set(HOLIDAYS, "on")
    await on_day(hass, freezer, 25, "07:10")
    assert len(calls) == 1


def notified(calls: list[ServiceCall]) -> list[tuple[str, str]]:
    """Return the title and message of each notification."""
    return [(call.data["title"], call.data["message"]) for call in calls]


@pytest.mark.usefixtures("blueprint_config", "car")
async def test_charge_ended_notification(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A charge that reached the target is finished; one short of it stopped early.

    The charging sensor turns off before the level of the same upload shows:
    the blueprint waits a few seconds before reading it.
    """
    sidebar = async_mock_service(hass, "persistent_notification", "create")
    set_car(hass, charging="on", battery="60")
    await start_automation(
        hass,
        CHARGE_ENDED,
        {"charging_sensor": CHARGING, "battery_sensor": BATTERY, "target_level": 80},
    )

    set_car(hass, charging="off", battery="79")
    await settle(hass, freezer)
    set_car(hass, charging="on", battery="79")
    set_car(hass, charging="off", battery="65")
    await settle(hass, freezer)
    # Not charging before: nothing ended.
    hass.states.async_set(CHARGING, "unavailable")
    hass.states.async_set(CHARGING, "off")
    await settle(hass, freezer)

    assert notified(sidebar) == [
        ("HD-237-GB", "Charge finished at 79 %."),
        ("HD-237-GB", "Charging stopped early at 65 % (target 80 %)."),
    ]


@pytest.mark.usefixtures("blueprint_config", "car")
async def test_charge_ended_to_phone_and_action(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The car's own target counts; the phone and the notify action both hear."""
    app_entry = MockConfigEntry(domain="mobile_app")
    app_entry.add_to_hass(hass)
    phone = dr.async_get(hass).async_get_or_create(
        config_entry_id=app_entry.entry_id,
        identifiers={("mobile_app", "phone")},
        name="Camille's Pixel",
    )
    to_phone = async_mock_service(hass, "notify", "mobile_app_camille_s_pixel")
    to_family = async_mock_service(hass, "notify", "family")
    sidebar = async_mock_service(hass, "persistent_notification", "create")
    hass.states.async_set(TARGET, "90")
    set_car(hass, charging="on", battery="60")
    await start_automation(
        hass,
        CHARGE_ENDED,
        {
            "charging_sensor": CHARGING,
            "battery_sensor": BATTERY,
            "target_entity": TARGET,
            "notify_finished": False,
            "notify_device": phone.id,
            "notify_action": "notify.family",
        },
    )

    # Finished (89 % is within the tolerance of 90 %): not wanted.
    set_car(hass, charging="off", battery="89")
    await settle(hass, freezer)
    set_car(hass, charging="on", battery="60")
    set_car(hass, charging="off", battery="80")
    await settle(hass, freezer)

    expected = [("HD-237-GB", "Charging stopped early at 80 % (target 90 %).")]
    assert notified(to_phone) == expected
    assert notified(to_family) == expected
    assert sidebar == []


@pytest.mark.usefixtures("blueprint_config", "car")
async def test_stop_at_target_level(hass: HomeAssistant) -> None:
    """The stop button is pressed once the battery reaches the level while charging."""
    presses = async_mock_service(hass, "button", "press")
    set_car(hass, charging="on", battery="70")
    await start_automation(
        hass,
        STOP_AT_LEVEL,
        {
            "battery_sensor": BATTERY,
            "charging_sensor": CHARGING,
            "stop_button": STOP_BUTTON,
        },
    )

    set_car(hass, charging="on", battery="79")
    await hass.async_block_till_done()
    assert presses == []
    set_car(hass, charging="on", battery="82")
    await hass.async_block_till_done()
    assert [call.data["entity_id"] for call in presses] == [[STOP_BUTTON]]

    # Plugged in again above the level: stopped as the charge starts.
    set_car(hass, charging="off", battery="85")
    await hass.async_block_till_done()
    set_car(hass, charging="on", battery="85")
    await hass.async_block_till_done()
    assert len(presses) == 2

    # Not charging: nothing to stop.
    set_car(hass, charging="off", battery="50")
    await hass.async_block_till_done()
    set_car(hass, charging="off", battery="95")
    await hass.async_block_till_done()
    assert len(presses) == 2


@pytest.mark.usefixtures("blueprint_config", "car")
async def test_stop_at_helper_level(hass: HomeAssistant) -> None:
    """A helper's level wins over the number input, and follows its changes."""
    presses = async_mock_service(hass, "button", "press")
    hass.states.async_set(HELPER, "60.0")
    set_car(hass, charging="on", battery="50")
    await start_automation(
        hass,
        STOP_AT_LEVEL,
        {
            "battery_sensor": BATTERY,
            "charging_sensor": CHARGING,
            "stop_button": STOP_BUTTON,
            "target_level": 90,
            "target_helper": HELPER,
        },
    )

    set_car(hass, charging="on", battery="61")
    await hass.async_block_till_done()
    assert len(presses) == 1

    # Raising the helper lets the charge go on up to the new level.
    hass.states.async_set(HELPER, "70.0")
    set_car(hass, charging="off", battery="61")
    await hass.async_block_till_done()
    set_car(hass, charging="on", battery="61")
    await hass.async_block_till_done()
    assert len(presses) == 1
    set_car(hass, charging="on", battery="70")
    await hass.async_block_till_done()
    assert len(presses) == 2
