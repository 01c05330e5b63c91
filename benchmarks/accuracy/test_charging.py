"""Benchmark: the estimated battery level, and where smart charging stops a charge.

Run by ``benchmarks/charging`` (pytest with the test harness, the fake cloud on
loopback, time frozen and moved a minute at a time; the tests' fixtures come
from conftest.py). It prints figures and checks nothing:

- the error of *Battery (estimated while charging)* against the fake car's true
  level, each minute of a charge once a reading showed it charging, for 1 and
  10 cars charging at once at the
  default request budget (15 an hour), beside the error of the last reading
  alone (what a user sees without the estimate);
- the overshoot of smart charging's stop at the target (the level the car
  ended at, minus the target), by the car's commands, by a linked charger,
  and through the car's own schedule (Megane E-Tech, Renault 5).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
import random
import statistics
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest

from custom_components.renault_connect.const import (
    CONF_BATTERY_CAPACITY,
    CONF_CHARGER_SWITCH,
    CONF_VEHICLE_SETTINGS,
)
from custom_components.renault_connect.smart_charging import SmartMode
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle
from tests.common import add_logged_in_entry, wait

START = datetime.fromisoformat("2026-11-20T17:00:00+00:00")
PROFILE = "zoe_50"
CAPACITY_KWH = 52.0
PASSWORD = "bench-Zoe-2026"  # noqa: S105 - the fake cloud's test user
TARGETS = (60, 70, 80, 90)


@pytest.fixture
def expected_lingering_timers() -> bool:
    """Let Home Assistant's own device-tracker timer outlive a benchmark."""
    return True


def _vin(number: int) -> str:
    """Return the VIN of the benchmark's car number `number`."""
    return f"VF1BENCH{number:09d}"


async def _cars(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    count: int,
    settings: dict[str, dict[str, Any]] | None = None,
    model: tuple[str, float] = (PROFILE, CAPACITY_KWH),
) -> tuple[dict[str, Any], dict[str, FakeVehicle]]:
    """Set up one account with `count` cars; return the integration's and fake cars.

    `model`: the fake cars' profile and their battery size (kWh).
    """
    profile, capacity = model
    user = fake_cloud.add_user("bench@example.com", PASSWORD)
    account = fake_cloud.add_account(user, account_id="account-bench")
    vins = [_vin(number) for number in range(count)]
    for number, vin in enumerate(vins):
        fake_cloud.add_vehicle(
            account, profile, vin=vin, registration=f"BE-{number:03d}-NC"
        ).zone = dt_util.get_default_time_zone()
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email="bench@example.com",
        password=PASSWORD,
        account_id=account.account_id,
        vins=vins,
    )
    per_car = settings or {}
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            CONF_VEHICLE_SETTINGS: {
                vin: {CONF_BATTERY_CAPACITY: capacity, **per_car.get(vin, {})}
                for vin in vins
            },
        },
    )
    if not await hass.config_entries.async_setup(entry.entry_id):
        msg = "the benchmark's entry did not set up"
        raise RuntimeError(msg)
    await hass.async_block_till_done()
    return entry.runtime_data.vehicles, {vin: fake_cloud.vehicles[vin] for vin in vins}


def _p95(values: list[float]) -> float:
    """Return the 95th percentile."""
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _figures(errors: list[float]) -> str:
    """Return median, p95 and max of errors, in percentage points."""
    return (
        f"median {statistics.median(errors):.2f}, p95 {_p95(errors):.2f}, "
        f"max {max(errors):.2f} points"
    )


@pytest.mark.parametrize(
    ("count", "model"),
    [
        (1, (PROFILE, CAPACITY_KWH)),
        (10, (PROFILE, CAPACITY_KWH)),
        # 11 kW and no power in its readings: the typical 7.4 kW is wrong.
        (1, ("renault_5", 52.0)),
        (10, ("renault_5", 52.0)),
    ],
)
async def test_estimated_level_error(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    count: int,
    model: tuple[str, float],
) -> None:
    """Compare the estimate and the last reading with the truth, each minute."""
    freezer.move_to(START)
    vehicles, cars = await _cars(hass, fake_cloud, count, model=model)
    draw = random.Random(count)
    for car in cars.values():
        car.set_state(battery_level=float(draw.randint(10, 50)))
        car.plug_in()
    estimate_errors: list[float] = []
    reading_errors: list[float] = []
    for _ in range(6 * 60):
        await wait(hass, freezer, 60)
        for vin, car in cars.items():
            truth = car.state
            vehicle = vehicles[vin]
            data = vehicle.battery_data()
            # Counted once a reading showed the charge (before, nothing can know).
            forecast = vehicle.charge_forecast()
            if not truth.charging or data is None or forecast is None:
                continue
            estimate_errors.append(abs(forecast.level - truth.battery_level))
            reading_errors.append(abs(float(data.batteryLevel) - truth.battery_level))
    print(
        f"\nEstimated level, {count} {model[0]} charging, 15 requests/hour, "
        f"{len(estimate_errors)} car-minutes:\n"
        f"  estimate error:     {_figures(estimate_errors)}\n"
        f"  last reading error: {_figures(reading_errors)}"
    )


async def _wallboxes(hass: HomeAssistant, cars: dict[str, FakeVehicle]) -> list[str]:
    """Give each car an input boolean that holds its current back, as a wall box."""
    names = {f"wallbox_{number}": vin for number, vin in enumerate(cars)}
    await async_setup_component(
        hass,
        "input_boolean",
        {"input_boolean": {name: {"initial": True} for name in names}},
    )

    @callback
    def supply(event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        if entity_id.startswith("input_boolean.wallbox_") and (
            new := event.data["new_state"]
        ):
            vin = names[entity_id.split(".", 1)[1]]
            cars[vin].set_supply(available=new.state == "on")

    hass.bus.async_listen("state_changed", supply)
    return [f"input_boolean.{name}" for name in names]


# The path smart charging stops a charge by: the fake cars' profile and size.
STOP_PATHS = {
    "car commands": (PROFILE, CAPACITY_KWH),
    "linked charger": (PROFILE, CAPACITY_KWH),
    "Megane E-Tech schedule": ("megane_e_tech", 60.0),
    "Renault 5 ev/settings window": ("renault_5", 52.0),
}


@pytest.mark.parametrize("path", list(STOP_PATHS))
async def test_stop_at_target_overshoot(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    path: str,
) -> None:
    """Charge four cars to 60, 70, 80 and 90 %; see where each stopped."""
    freezer.move_to(START)
    vins = [_vin(number) for number in range(len(TARGETS))]
    settings: dict[str, dict[str, Any]] = {}
    if path == "linked charger":
        settings = {
            vin: {CONF_CHARGER_SWITCH: f"input_boolean.wallbox_{number}"}
            for number, vin in enumerate(vins)
        }
    model = STOP_PATHS[path]
    vehicles, cars = await _cars(hass, fake_cloud, len(TARGETS), settings, model)
    if path == "linked charger":
        await _wallboxes(hass, cars)
    for (vin, car), target in zip(cars.items(), TARGETS, strict=True):
        car.set_state(battery_level=40.0)
        # The car's own charge limit (80 % on the Megane and R5) out of the way.
        delay, car.action_delay = car.action_delay, 0
        car.remote_soc_levels(10, 100)
        car.action_delay = delay
        if soc_levels := vehicles[vin].coordinators.get("soc-levels"):
            await soc_levels.async_refresh()
        car.plug_in()
        # No price entity: "cheapest hours" charges at once, to the target.
        await vehicles[vin].smart.async_set(
            mode=SmartMode.CHEAPEST_HOURS, target_level=target, minimum_level=0
        )
    for _ in range(8 * 60):
        await wait(hass, freezer, 60)
        if all(car.charge_sessions and not car.state.charging for car in cars.values()):
            break
    overshoots = {
        target: car.charge_sessions[-1].end_level - target
        for car, target in zip(cars.values(), TARGETS, strict=True)
    }
    sent = Counter(
        record.operation
        for record in fake_cloud.requests.filter(kind="kamereon", method="POST")
    )
    print(
        f"\nStop at target by {path} ({model[0]}, {model[1]} kWh), "
        f"commands and writes for {len(TARGETS)} cars: {dict(sent)}:\n"
        + "".join(
            f"  target {target} %: stopped at {target + over:.2f} % "
            f"(overshoot {over:+.2f} points)\n"
            for target, over in overshoots.items()
        )
        + f"  largest overshoot: {max(overshoots.values()):+.2f} points"
    )
