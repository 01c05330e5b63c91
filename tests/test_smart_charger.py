"""Smart charging through its UI entities, with real price, surplus and charger.

The price list is a template sensor, the solar surplus a template sensor over
an input number, and the home charger an input boolean whose state holds the
fake car's current back, as a wall box's enable switch does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.time import DOMAIN as TIME_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TIME, Platform
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.const import (
    CONF_BATTERY_CAPACITY,
    CONF_CHARGER_POWER,
    CONF_CHARGER_SWITCH,
    CONF_PRICE_ENTITY,
    CONF_SURPLUS_ENTITY,
    CONF_SURPLUS_THRESHOLD,
)
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle

from .common import wait
from .platforms import VIN, setup_profile

PLATFORMS = (
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.TIME,
)
MODE = "select.aa_001_aa_smart_charging"
DEPARTURE = "time.aa_001_aa_departure_time"
TARGET = "number.aa_001_aa_smart_charging_target"
MINIMUM = "number.aa_001_aa_smart_charging_minimum"
NEXT_START = "sensor.aa_001_aa_smart_charging_next_start"
NEXT_STOP = "sensor.aa_001_aa_smart_charging_next_stop"
PRICE = "sensor.electricity_price"
LAST_COST = "sensor.aa_001_aa_last_charge_cost"
MONTH_COST = "sensor.aa_001_aa_charging_cost_this_month"
SURPLUS = "sensor.solar_surplus"
WALLBOX = "input_boolean.wallbox"
# 18:00 in Paris, where the tests' Home Assistant lives.
EVENING = datetime.fromisoformat("2026-11-20T18:00:00+01:00")
# The cheap hours of the night, local time: price per kWh.
NIGHT_PRICES = {1: 0.10, 2: 0.08, 3: 0.09}
DAY_PRICE = 0.25


@pytest.fixture(autouse=True)
async def paris(hass: HomeAssistant) -> None:
    """Live in Paris."""
    await hass.config.async_set_time_zone("Europe/Paris")


def _prices(night: dict[int, float]) -> list[dict[str, Any]]:
    """Return hourly prices from this evening to tomorrow, the generic form."""
    evening = EVENING.replace(tzinfo=None)
    return [
        {
            "start": (hour := evening + timedelta(hours=offset)).isoformat(),
            "end": (hour + timedelta(hours=1)).isoformat(),
            "price": night.get(hour.hour, DAY_PRICE),
        }
        for offset in range(16)
    ]


async def _price_sensor(hass: HomeAssistant, template: str | None = None) -> None:
    """Add a template sensor listing hourly prices, the generic form."""
    template = template or f"{{{{ {_prices(NIGHT_PRICES)!r} }}}}"
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "sensor": [
                        {
                            "name": "Electricity price",
                            "unique_id": "price",
                            "state": str(DAY_PRICE),
                            "unit_of_measurement": "EUR/kWh",
                            "attributes": {"prices": template},
                        }
                    ]
                }
            ]
        },
    )
    await hass.async_block_till_done()


async def _set(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    """Call an entity service and wait for it."""
    await hass.services.async_call(domain, service, data, blocking=True)


async def _press(hass: HomeAssistant, button: str) -> None:
    """Press one of the test car's buttons."""
    await _set(
        hass,
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        **{ATTR_ENTITY_ID: f"button.aa_001_aa_{button}"},
    )


async def _choose(hass: HomeAssistant, mode: str, **settings: Any) -> None:
    """Set smart charging from its entities, as a user does on the device page."""
    if "departure" in settings:
        await _set(
            hass,
            TIME_DOMAIN,
            "set_value",
            **{ATTR_ENTITY_ID: DEPARTURE, ATTR_TIME: settings["departure"]},
        )
    for entity_id, key in ((TARGET, "target"), (MINIMUM, "minimum")):
        if key in settings:
            await _set(
                hass,
                NUMBER_DOMAIN,
                SERVICE_SET_VALUE,
                **{ATTR_ENTITY_ID: entity_id, ATTR_VALUE: settings[key]},
            )
    await _set(
        hass,
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        **{ATTR_ENTITY_ID: MODE, ATTR_OPTION: mode},
    )


async def _zoe_plugged_in(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    level: float,
    settings: dict[str, Any] | None = None,
) -> tuple[MockConfigEntry, FakeVehicle]:
    """Set up a ZOE with the price sensor, plugged in at `level`, and read it."""
    entry = await setup_profile(
        hass,
        fake_cloud,
        "zoe_50",
        *PLATFORMS,
        vehicle_settings={
            CONF_BATTERY_CAPACITY: 52.0,
            CONF_PRICE_ENTITY: PRICE,
            **(settings or {}),
        },
    )
    car = fake_cloud.vehicles[VIN]
    car.set_state(battery_level=level)
    car.plug_in()
    await _read_battery(hass, entry)
    return entry, car


async def _read_battery(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the car's battery now (the plug-in upload is seen at once)."""
    vehicle = entry.runtime_data.vehicles[VIN]
    await vehicle.coordinators["battery-status"].async_refresh()
    await hass.async_block_till_done()


def _cost(session: Any) -> float:
    """Price a fake session's energy, spread evenly over its local hours."""
    per_second = session.energy_kwh / session.duration.total_seconds()
    cost, moment = 0.0, session.start
    while moment < session.end:
        local = dt_util.as_local(moment)
        hour_end = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        end = min(session.end, dt_util.as_utc(hour_end))
        price = NIGHT_PRICES.get(local.hour, DAY_PRICE)
        cost += per_second * (end - moment).total_seconds() * price
        moment = end
    return cost


def _posts(fake_cloud: FakeRenaultCloud, endpoint: str) -> int:
    """Count the commands the cloud received at an endpoint."""
    return fake_cloud.requests.count(endpoint=endpoint, method="POST")


def _state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def _minutes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int
) -> None:
    """Let minutes pass one by one, as Home Assistant's timers fire."""
    for _ in range(minutes):
        await wait(hass, freezer, 60)


def _local(moment: str) -> datetime:
    """Return a state's timestamp in Paris time."""
    return dt_util.as_local(dt_util.parse_datetime(moment) or dt_util.utcnow())


async def test_cheapest_hours_by_the_cars_commands(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A ZOE plugged in at 18:00 waits for the cheapest hours, then stops at 80 %.

    The car starts charging when plugged in; smart charging stops it, starts
    it at 01:00 (the three cheapest hours cover the 2.1 hours needed) and stops
    it at the target, by the car's own commands: one start, two stops.
    """
    freezer.move_to(EVENING)
    await _price_sensor(hass)
    entry, car = await _zoe_plugged_in(hass, fake_cloud, 50.0)
    await _choose(hass, "cheapest_hours", departure="07:00:00", target=80, minimum=0)

    next_start = hass.states.get(NEXT_START)
    assert next_start is not None
    assert _local(next_start.state).hour == 1
    assert _local(_state(hass, NEXT_STOP)).hour == 4
    assert [_local(slot["start"]).hour for slot in next_start.attributes["slots"]] == [
        1
    ]
    assert next_start.attributes["reaches_target"] is True

    # The car charges at once when plugged in: smart charging stops it.
    await _minutes(hass, freezer, 15)
    assert _posts(fake_cloud, "actions/charge-stop") == 1
    assert not car.state.charging
    assert _posts(fake_cloud, "actions/charge-start") == 0

    # Nothing more until the cheap hours.
    freezer.move_to(EVENING.replace(hour=23, minute=59) + timedelta(hours=1))
    await _minutes(hass, freezer, 2)
    assert _posts(fake_cloud, "actions/charge-stop") == 1
    assert _posts(fake_cloud, "actions/charge-start") == 1
    await _minutes(hass, freezer, 1)
    assert car.state.charging

    # The target: stopped by the minute estimate, within a point of 80 %.
    await _minutes(hass, freezer, 150)
    assert _posts(fake_cloud, "actions/charge-stop") == 2
    assert _posts(fake_cloud, "actions/charge-start") == 1
    assert not car.state.charging
    assert 79.0 <= car.charge_sessions[-1].end_level <= 81.0

    # What it cost, hour by hour at the prices seen (the evening's minute too).
    vehicle = entry.runtime_data.vehicles[VIN]
    await vehicle.coordinators["charges"].async_refresh()
    await hass.async_block_till_done()
    costs = [_cost(session) for session in car.charge_sessions]
    assert float(_state(hass, LAST_COST)) == pytest.approx(costs[-1], abs=0.01)
    assert float(_state(hass, MONTH_COST)) == pytest.approx(sum(costs), abs=0.01)
    cost_state = hass.states.get(LAST_COST)
    assert cost_state is not None
    assert cost_state.attributes["unit_of_measurement"] == "EUR"
    # Each session with its cost, newest first, for a card or a template.
    listed = cost_state.attributes["sessions"]
    assert [item["cost"] for item in listed] == pytest.approx(costs[::-1], abs=0.01)
    assert listed[0]["end"] == car.charge_sessions[-1].end.isoformat()


async def test_new_prices_plan_the_night_again(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Prices published in the afternoon move the planned window at once."""
    freezer.move_to(EVENING)
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"published": {"initial": False}}}
    )
    early, late = _prices({1: 0.05}), _prices({5: 0.05})
    await _price_sensor(
        hass,
        f"{{{{ {late!r} if is_state('input_boolean.published', 'on') "
        f"else {early!r} }}}}",
    )
    await _zoe_plugged_in(hass, fake_cloud, 75.0)
    await _choose(hass, "cheapest_hours", departure="07:00:00", target=80, minimum=0)
    assert _local(_state(hass, NEXT_START)).hour == 1

    await _set(
        hass,
        "input_boolean",
        "turn_on",
        **{ATTR_ENTITY_ID: "input_boolean.published"},
    )
    for _ in range(3):
        await hass.async_block_till_done(wait_background_tasks=True)
    assert _local(_state(hass, NEXT_START)).hour == 5


async def test_settings_and_orders_survive_a_restart(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Reloaded, the entities show what the user set, and nothing is sent again."""
    freezer.move_to(EVENING)
    await _price_sensor(hass)
    entry, _ = await _zoe_plugged_in(hass, fake_cloud, 50.0)
    await _choose(hass, "cheapest_hours", departure="06:30:00", target=90, minimum=30)
    await _minutes(hass, freezer, 15)
    assert _posts(fake_cloud, "actions/charge-stop") == 1

    stored = hass_storage[f"renault_connect.{entry.entry_id}.smart_charging"]["data"]
    assert stored[VIN]["settings"] == {
        "mode": "cheapest_hours",
        "departure": "06:30:00",
        "target_level": 90,
        "minimum_level": 30,
    }
    assert stored[VIN]["order"] is False

    with _platforms():
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    await _minutes(hass, freezer, 20)

    assert _state(hass, MODE) == "cheapest_hours"
    assert _state(hass, DEPARTURE) == "06:30:00"
    assert float(_state(hass, TARGET)) == 90
    assert float(_state(hass, MINIMUM)) == 30
    assert _posts(fake_cloud, "actions/charge-stop") == 1
    assert _posts(fake_cloud, "actions/charge-start") == 0


def _platforms() -> Any:
    """Keep the test's platforms across a reload."""
    return patch("custom_components.renault_connect.PLATFORMS", list(PLATFORMS))


async def _wallbox(hass: HomeAssistant, car: FakeVehicle) -> None:
    """Add a wall box: an input boolean that holds the fake car's current back."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"wallbox": {"initial": True}}}
    )

    def supply(event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None:
            car.set_supply(available=new.state == "on")

    @callback
    def wallbox_only(data: EventStateChangedData) -> bool:
        return data["entity_id"] == WALLBOX

    hass.bus.async_listen("state_changed", supply, event_filter=wallbox_only)


async def _surplus_sensor(hass: HomeAssistant) -> None:
    """Add a power sensor of the solar surplus, following an input number."""
    assert await async_setup_component(
        hass,
        "input_number",
        {"input_number": {"surplus": {"min": -20000, "max": 20000, "initial": 0}}},
    )
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "sensor": [
                        {
                            "name": "Solar surplus",
                            "unique_id": "surplus",
                            "state": "{{ states('input_number.surplus') }}",
                            "unit_of_measurement": "W",
                            "device_class": "power",
                        }
                    ]
                }
            ]
        },
    )
    await hass.async_block_till_done()


async def _surplus(hass: HomeAssistant, watts: float) -> None:
    """Set the solar surplus."""
    await _set(
        hass,
        "input_number",
        "set_value",
        **{ATTR_ENTITY_ID: "input_number.surplus", ATTR_VALUE: watts},
    )
    # The template follows, then smart charging, then the wall box.
    for _ in range(3):
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_solar_surplus_through_a_linked_charger(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A Megane E-Tech (no remote stop) charges on surplus through its wall box.

    Plugged in without sun, the wall box pauses it; surplus above 1.4 kW lets
    it charge; what the car draws counts as surplus; importing stops it; at the
    target the wall box stops it within a point. No charge command reaches the
    cloud: the wall box does it all.
    """
    freezer.move_to(EVENING.replace(hour=10))
    await _surplus_sensor(hass)
    entry = await setup_profile(
        hass,
        fake_cloud,
        "megane_e_tech",
        *PLATFORMS,
        vehicle_settings={
            CONF_BATTERY_CAPACITY: 60.0,
            CONF_CHARGER_SWITCH: WALLBOX,
            CONF_SURPLUS_ENTITY: SURPLUS,
            CONF_SURPLUS_THRESHOLD: 1400,
        },
    )
    car = fake_cloud.vehicles[VIN]
    await _wallbox(hass, car)
    car.set_state(battery_level=70.0)
    car.plug_in()
    await (
        entry.runtime_data.vehicles[VIN].coordinators["battery-status"].async_refresh()
    )
    await _choose(hass, "solar", departure="07:00:00", target=80, minimum=20)
    await hass.async_block_till_done()
    assert _state(hass, WALLBOX) == "off"
    assert not car.state.charging

    await _surplus(hass, 3000)
    assert _state(hass, WALLBOX) == "on"
    await _minutes(hass, freezer, 1)
    assert car.state.charging

    # Charging lowers the surplus: what the car draws is added back.
    await _surplus(hass, 500)
    assert _state(hass, WALLBOX) == "on"
    await _surplus(hass, -7000)
    assert _state(hass, WALLBOX) == "off"
    await _surplus(hass, 3000)
    assert _state(hass, WALLBOX) == "on"

    await _minutes(hass, freezer, 100)
    assert _state(hass, WALLBOX) == "off"
    assert not car.state.charging
    assert 79.0 <= car.state.battery_level <= 81.0
    assert _posts(fake_cloud, "actions/charge-stop") == 0
    assert _posts(fake_cloud, "actions/charge-start") == 0


async def test_stop_charging_through_the_charger(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A Megane E-Tech with a wall box gets Stop charging, and the wall box obeys."""
    await setup_profile(
        hass,
        fake_cloud,
        "megane_e_tech",
        *PLATFORMS,
        vehicle_settings={CONF_CHARGER_SWITCH: WALLBOX},
    )
    car = fake_cloud.vehicles[VIN]
    await _wallbox(hass, car)
    await _press(hass, "stop_charging")
    assert _state(hass, WALLBOX) == "off"
    assert _posts(fake_cloud, "actions/charge-stop") == 0


async def test_a_charger_that_does_not_answer_says_so(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A linked charger that is gone is a translated error, nothing sent."""
    await setup_profile(
        hass,
        fake_cloud,
        "megane_e_tech",
        *PLATFORMS,
        vehicle_settings={CONF_CHARGER_SWITCH: "switch.gone"},
    )
    with pytest.raises(HomeAssistantError) as refused:
        await _press(hass, "stop_charging")
    assert refused.value.translation_key == "charger_unavailable"
    assert refused.value.translation_placeholders == {"charger": "switch.gone"}


async def test_minimum_above_target_changes_nothing(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, hass_storage: dict[str, Any]
) -> None:
    """A minimum above the target is refused, translated; nothing is stored."""
    entry = await setup_profile(hass, fake_cloud, "zoe_50", *PLATFORMS)
    await _choose(hass, "cheapest_hours", target=60, minimum=40)
    stored = dict(hass_storage[f"renault_connect.{entry.entry_id}.smart_charging"])

    with pytest.raises(ServiceValidationError) as refused:
        await _set(
            hass,
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            **{ATTR_ENTITY_ID: MINIMUM, ATTR_VALUE: 70},
        )
    assert refused.value.translation_key == "minimum_above_target"
    assert float(_state(hass, MINIMUM)) == 40
    assert hass_storage[f"renault_connect.{entry.entry_id}.smart_charging"] == stored


async def test_start_charging_an_unplugged_car_sends_nothing(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """The last reading and a fresh one say unplugged: said, and nothing sent."""
    await setup_profile(hass, fake_cloud, "twingo_3", Platform.BUTTON)
    with pytest.raises(ServiceValidationError) as refused:
        await _press(hass, "start_charging")
    assert refused.value.translation_key == "car_unplugged"
    assert _posts(fake_cloud, "actions/charge-start") == 0


async def test_turning_smart_charging_off_hands_the_charger_back(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Off again, a wall box smart charging paused lets the car charge."""
    freezer.move_to(EVENING)
    await _price_sensor(hass)
    _, car = await _zoe_plugged_in(
        hass, fake_cloud, 50.0, {CONF_CHARGER_SWITCH: WALLBOX}
    )
    await _wallbox(hass, car)
    await _choose(hass, "cheapest_hours", departure="07:00:00", target=80, minimum=0)
    await hass.async_block_till_done()
    assert _state(hass, WALLBOX) == "off"

    await _choose(hass, "off")
    await hass.async_block_till_done()
    assert _state(hass, WALLBOX) == "on"
    await _minutes(hass, freezer, 1)
    assert car.state.charging
    assert _posts(fake_cloud, "actions/charge-stop") == 0


async def test_a_charger_that_fails_says_so(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A charger switch whose action fails is a translated error naming it."""
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "switch": [
                        {
                            "name": "Broken wallbox",
                            "unique_id": "broken_wallbox",
                            "state": "{{ true }}",
                            "turn_on": {"action": "script.missing"},
                            "turn_off": {"action": "script.missing"},
                        }
                    ]
                }
            ]
        },
    )
    await hass.async_block_till_done()
    await setup_profile(
        hass,
        fake_cloud,
        "megane_e_tech",
        # The switch platform is loaded: the entry must be able to unload it.
        *PLATFORMS,
        Platform.SWITCH,
        vehicle_settings={CONF_CHARGER_SWITCH: "switch.broken_wallbox"},
    )
    with pytest.raises(HomeAssistantError) as refused:
        await _press(hass, "stop_charging")
    assert refused.value.translation_key == "charger_failed"
    assert refused.value.translation_placeholders["charger"] == "switch.broken_wallbox"


async def test_the_chargers_power_feeds_the_estimates(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A linked charger's power sensor (kW here) is the charging power."""
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "sensor": [
                        {
                            "name": "Wallbox power",
                            "unique_id": "wallbox_power",
                            "state": "3.6",
                            "unit_of_measurement": "kW",
                            "device_class": "power",
                        }
                    ]
                }
            ]
        },
    )
    await hass.async_block_till_done()
    entry = await setup_profile(
        hass,
        fake_cloud,
        "zoe_50",
        *PLATFORMS,
        vehicle_settings={
            CONF_CHARGER_SWITCH: "switch.gone",
            CONF_CHARGER_POWER: "sensor.wallbox_power",
        },
    )
    power = entry.runtime_data.vehicles[VIN].charging_power
    assert power.kw == pytest.approx(3.6)
    assert power.source == "car"


async def test_charging_follows_the_wall_box_at_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """With a wall box linked, Charging turns off with it, not minutes later.

    The car's cloud still says it charges until its next upload; the device
    page does not contradict the wall box meanwhile.
    """
    charging = "binary_sensor.aa_001_aa_charging"
    entry = await setup_profile(
        hass,
        fake_cloud,
        "zoe_50",
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        vehicle_settings={CONF_CHARGER_SWITCH: WALLBOX},
    )
    car = fake_cloud.vehicles[VIN]
    await _wallbox(hass, car)
    car.plug_in()
    await _press(hass, "start_charging")
    await _read_battery(hass, entry)
    assert car.state.charging
    assert _state(hass, charging) == "on"
    reads = fake_cloud.requests.count(endpoint="battery-status")

    await _set(hass, "input_boolean", "turn_off", **{ATTR_ENTITY_ID: WALLBOX})
    await hass.async_block_till_done()
    assert _state(hass, charging) == "off"
    # Seen from the wall box alone: the battery was not read meanwhile.
    assert fake_cloud.requests.count(endpoint="battery-status") == reads


async def test_a_wall_box_switched_back_on_charges_from_then(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The car last read paused; the wall box lets it charge: the estimate runs.

    Found by the stop-at-target benchmark: until the car's next upload, the
    estimate stood still at the paused reading, and the car charged past its
    target. It now runs from the moment the wall box let it charge.
    """
    estimate = "sensor.aa_001_aa_battery_estimated_while_charging"
    charging = "binary_sensor.aa_001_aa_charging"
    freezer.move_to(EVENING)
    entry = await setup_profile(
        hass,
        fake_cloud,
        "zoe_50",
        Platform.BINARY_SENSOR,
        Platform.SENSOR,
        vehicle_settings={CONF_CHARGER_SWITCH: WALLBOX, CONF_BATTERY_CAPACITY: 52.0},
    )
    car = fake_cloud.vehicles[VIN]
    await _wallbox(hass, car)
    car.set_state(battery_level=50.0)
    await _set(hass, "input_boolean", "turn_off", **{ATTR_ENTITY_ID: WALLBOX})
    car.plug_in()
    await _read_battery(hass, entry)
    assert not car.state.charging
    assert _state(hass, charging) == "off"
    assert float(_state(hass, estimate)) == 50.0

    await _minutes(hass, freezer, 5)
    await _set(hass, "input_boolean", "turn_on", **{ATTR_ENTITY_ID: WALLBOX})
    await hass.async_block_till_done()
    assert _state(hass, charging) == "on"
    await _minutes(hass, freezer, 6)
    # Six minutes at 7.4 kW into 52 kWh: 1.4 points, from the switch, not the read.
    assert car.state.charging
    assert float(_state(hass, estimate)) == pytest.approx(51.4, abs=0.2)
    assert float(_state(hass, estimate)) <= car.state.battery_level + 0.2
