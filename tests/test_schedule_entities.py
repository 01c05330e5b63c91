"""Schedules edited from the device page: days and times, no YAML.

Each change goes to the fake car over HTTP; the tests read the request body the
car received, and what the car keeps once it has taken the change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import SERVICE_SELECT_OPTION
from homeassistant.components.time import SERVICE_SET_VALUE
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.renault_connect.car_schedules import KCA_CHARGE_SCHEDULES
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle

from .platforms import VIN, setup_profile

# A winter Friday in Paris (UTC+1): 23:00 local is 22:00 UTC the same day.
START = datetime.fromisoformat("2026-11-20T18:00:00+00:00")
SETTLED = timedelta(minutes=3)
STEP = timedelta(seconds=5)
PLATFORMS = (Platform.SELECT, Platform.SWITCH, Platform.TIME)
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

CHARGE_START = "time.aa_001_aa_charge_schedule_1_start"
CHARGE_END = "time.aa_001_aa_charge_schedule_1_end"
CHARGE_DAYS = "select.aa_001_aa_charge_schedule_1_days"


async def _setup(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str,
) -> FakeVehicle:
    """Set up one car of the profile in Paris, on a fixed date."""
    freezer.move_to(START)
    await hass.config.async_set_time_zone("Europe/Paris")
    await setup_profile(hass, fake_cloud, profile, *PLATFORMS)
    return fake_cloud.vehicles[VIN]


async def _settle(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the car take the change and the integration see it."""
    for _ in range(round(SETTLED / STEP)):
        freezer.tick(STEP)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


async def _set_time(hass: HomeAssistant, entity_id: str, value: str) -> None:
    """Set a time entity from the device page."""
    await hass.services.async_call(
        "time",
        SERVICE_SET_VALUE,
        {"entity_id": entity_id, "time": value},
        blocking=True,
    )


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Pick an option of a select from the device page."""
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {"entity_id": entity_id, "option": option},
        blocking=True,
    )


def _on(days: tuple[str, ...], slot: dict[str, Any]) -> dict[str, Any]:
    """Return the same slot on each of these days."""
    return {day: dict(slot) for day in days}


def _posts(fake_cloud: FakeRenaultCloud) -> list[Any]:
    """Return the bodies of the commands the car received."""
    return [
        record.body
        for record in fake_cloud.requests.filter(kind="kamereon", method="POST")
    ]


def _sent_schedules(fake_cloud: FakeRenaultCloud) -> list[dict[str, Any]]:
    """Return the schedules of the last command the car received."""
    schedules: list[dict[str, Any]] = _posts(fake_cloud)[-1]["data"]["attributes"][
        "schedules"
    ]
    return schedules


async def test_charge_schedule_times_from_the_page(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Start then end of a charge schedule: each day gets both, in UTC."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    # Monday's slot comes first: 12:00 UTC (13:00 in Paris) for 15 minutes.
    assert hass.states.get(CHARGE_START).state == "13:00:00"
    assert hass.states.get(CHARGE_END).state == "13:15:00"
    assert hass.states.get(CHARGE_DAYS).state == "every_day"

    await _set_time(hass, CHARGE_START, "23:00:00")
    sent = _sent_schedules(fake_cloud)[0]
    assert {day: sent[day]["startTime"] for day in WEEK} == dict.fromkeys(
        WEEK, "T22:00Z"
    )
    # Each day keeps its own length.
    assert [sent[day]["duration"] for day in WEEK] == [15, 420, 420, 420, 15, 30, 45]

    # The end, set a few seconds later, lays on the start not yet confirmed.
    await _set_time(hass, CHARGE_END, "07:00:00")
    sent = _sent_schedules(fake_cloud)[0]
    assert {day: sent[day] for day in WEEK} == _on(
        WEEK, {"startTime": "T22:00Z", "duration": 480}
    )

    await _settle(hass, freezer)
    kept = car.settings.charge_schedules[0]
    assert {day: kept[day] for day in WEEK} == _on(
        WEEK, {"startTime": "T22:00Z", "duration": 480}
    )
    assert hass.states.get(CHARGE_START).state == "23:00:00"
    assert hass.states.get(CHARGE_END).state == "07:00:00"


async def test_charge_schedule_days_from_the_page(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Weekdays only: Monday's time on each weekday, the weekend emptied."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    await _select(hass, CHARGE_DAYS, "weekdays")
    sent = _sent_schedules(fake_cloud)[0]
    assert {day: sent[day] for day in WEEK} == {
        **_on(WEEK[:5], {"startTime": "T12:00Z", "duration": 15}),
        "saturday": None,
        "sunday": None,
    }
    await _settle(hass, freezer)
    assert car.settings.charge_schedules[0]["saturday"] is None
    assert hass.states.get(CHARGE_DAYS).state == "weekdays"


@pytest.mark.parametrize(
    ("service", "entity_id", "value", "translation_key"),
    [
        ("time", CHARGE_START, "22:10:00", "schedule_time_step"),
        ("time", CHARGE_END, "06:10:00", "schedule_time_step"),
        ("select", CHARGE_DAYS, "custom", "schedule_days_custom"),
    ],
    ids=["start-off-step", "end-off-step", "custom-days"],
)
async def test_refused_change_sends_nothing(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    service: str,
    entity_id: str,
    value: str,
    translation_key: str,
) -> None:
    """A time off the car's 15-minute steps, or other days: refused, translated."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    before = [dict(schedule) for schedule in car.settings.charge_schedules]
    change = _set_time if service == "time" else _select
    with pytest.raises(ServiceValidationError) as refused:
        await change(hass, entity_id, value)
    assert refused.value.translation_key == translation_key
    await _settle(hass, freezer)
    assert _posts(fake_cloud) == []
    assert car.settings.charge_schedules == before


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_climate_schedule_ready_at_and_a_new_one(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A climate schedule's time moves on its days; an empty one needs a time first."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    ready_at = "time.aa_001_aa_climate_schedule_2_ready_at"
    assert hass.states.get(ready_at).state == "16:15:00"
    assert hass.states.get("select.aa_001_aa_climate_schedule_2_days").state == "custom"

    await _set_time(hass, ready_at, "07:45:00")
    second = _sent_schedules(fake_cloud)[1]
    assert {day: second[day] for day in WEEK if second[day]} == _on(
        ("wednesday", "friday"), {"readyAtTime": "T06:45Z"}
    )
    await _settle(hass, freezer)
    assert car.settings.hvac_schedules[1]["friday"] == {"readyAtTime": "T06:45Z"}

    # Schedule 1 has no day: its days wait for a time, which sets every day.
    with pytest.raises(ServiceValidationError) as refused:
        await _select(hass, "select.aa_001_aa_climate_schedule_1_days", "weekend")
    assert refused.value.translation_key == "schedule_needs_time"
    await _set_time(hass, "time.aa_001_aa_climate_schedule_1_ready_at", "07:00:00")
    first = _sent_schedules(fake_cloud)[0]
    assert {day: first[day] for day in WEEK} == _on(WEEK, {"readyAtTime": "T06:00Z"})
    await _settle(hass, freezer)
    await _select(hass, "select.aa_001_aa_climate_schedule_1_days", "weekend")
    first = _sent_schedules(fake_cloud)[0]
    assert [day for day in WEEK if first[day]] == ["saturday", "sunday"]


async def test_a_new_charge_schedule_from_its_start(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """An empty charge schedule: its end waits for a start; a start makes nights."""
    car = await _setup(hass, fake_cloud, freezer, "zoe_50")
    for day in WEEK:
        car.settings.charge_schedules[0][day] = None
    entry = hass.config_entries.async_entries("renault_connect")[0]
    vehicle = entry.runtime_data.vehicles[VIN]
    await vehicle.coordinators[KCA_CHARGE_SCHEDULES.endpoint].async_refresh()
    assert hass.states.get(CHARGE_START).state == "unknown"

    with pytest.raises(ServiceValidationError) as refused:
        await _set_time(hass, CHARGE_END, "07:00:00")
    assert refused.value.translation_key == "schedule_needs_time"
    await _set_time(hass, CHARGE_START, "22:30:00")
    sent = _sent_schedules(fake_cloud)[0]
    assert {day: sent[day] for day in WEEK} == _on(
        WEEK, {"startTime": "T21:30Z", "duration": 480}
    )


async def test_charge_program_from_the_page(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """A Renault 5's program: departure time and days, in the car's own time."""
    car = await _setup(hass, fake_cloud, freezer, "renault_5")
    departure = "time.aa_001_aa_charge_program_1_departure"
    days = "select.aa_001_aa_charge_program_1_days"
    assert entity_registry.async_get(departure).entity_category == "config"
    assert hass.states.get(departure).state == "02:00:00"
    assert hass.states.get(days).state == "every_day"

    with pytest.raises(ServiceValidationError) as refused:
        await _set_time(hass, departure, "07:32:00")
    assert refused.value.translation_key == "schedule_time_step"
    assert _posts(fake_cloud) == []

    await _set_time(hass, departure, "07:30:00")
    await _select(hass, days, "weekend")
    program = _posts(fake_cloud)[-1]["programs"][0]
    assert program["programDepartureTime"] == "07:30"
    assert [day for day in WEEK if program[f"programActivation{day.capitalize()}"]] == [
        "saturday",
        "sunday",
    ]
    await _settle(hass, freezer)
    kept = car.settings.ev_settings["programs"][0]
    assert kept["programDepartureTime"] == "07:30"
    assert hass.states.get(departure).state == "07:30:00"
    assert hass.states.get(days).state == "weekend"
