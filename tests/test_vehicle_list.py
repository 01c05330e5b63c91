"""The account's vehicle list: one odd answer never removes a car.

A car leaves only when consecutive lists have missed it for a day; until
then its device, entities (by registry id, with the names and areas the user
gave them) and the user's choice of cars stay, across restarts too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.const import (
    CONF_AUTO_ADD,
    CONF_KNOWN_VEHICLES,
    CONF_VEHICLES,
)
from custom_components.renault_connect.departures import (
    LEAVE_AFTER,
    Absence,
    call_the_roll,
)
from fake_renault_cloud import FakeRenaultCloud, Fault

from .common import vehicle_device
from .user_setup import UserSetup, customise

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


async def _read_list(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the account's vehicles now, as the six-hourly poll would."""
    await entry.runtime_data.vehicles_coordinator.async_refresh()
    await hass.async_block_till_done()


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry (saving what it keeps) and set it up again."""
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("kind", ["empty_vehicle_list", "vehicle_without_details"])
async def test_odd_list_keeps_every_car(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
    kind: str,
) -> None:
    """An odd list, even twice: devices, entities, names and choices all stay."""
    entry = init_integration
    customise(hass, entry)
    before = UserSetup.capture(hass, entry, fake_cloud)
    vehicles = list(entry.runtime_data.vehicles)

    fake_cloud.faults.add(Fault(kind, times=2))
    await _read_list(hass, entry)
    await _read_list(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert list(entry.runtime_data.vehicles) == vehicles
    assert UserSetup.capture(hass, entry, fake_cloud) == before
    # What is stored holds too: a restart finds the same cars and entries.
    await _restart(hass, entry)
    assert list(entry.runtime_data.vehicles) == vehicles
    assert UserSetup.capture(hass, entry, fake_cloud) == before


async def test_excluded_car_stays_excluded_after_a_glitch(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """With auto-add on, a car the user left out does not come back after a glitch."""
    entry = init_integration
    kept, excluded = cloud_vins
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_VEHICLES: [kept], CONF_AUTO_ADD: True}
    )
    await _restart(hass, entry)
    assert list(entry.runtime_data.vehicles) == [kept]

    fake_cloud.faults.add(Fault("empty_vehicle_list", times=1))
    await _read_list(hass, entry)
    await _read_list(hass, entry)

    assert entry.options[CONF_VEHICLES] == [kept]
    assert sorted(entry.options[CONF_KNOWN_VEHICLES]) == sorted(cloud_vins)
    assert list(entry.runtime_data.vehicles) == [kept]
    assert vehicle_device(device_registry, entry, kept)
    assert not vehicle_device(device_registry, entry, excluded)


async def test_car_that_left_goes_after_a_day(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """A car gone from the account leaves once the lists missed it for a day.

    A restart meanwhile neither forgets the absence nor shortens it.
    """
    entry = init_integration
    gone, stays = cloud_vins
    device = vehicle_device(device_registry, entry, gone)
    assert device is not None
    fake_cloud.remove_vehicle(fake_cloud.vehicles[gone])

    await _read_list(hass, entry)
    freezer.tick(LEAVE_AFTER / 2)
    await _restart(hass, entry)
    await _read_list(hass, entry)
    # Half a day and three lists later: still there.
    assert gone in entry.runtime_data.vehicles
    assert gone in entry.options[CONF_VEHICLES]
    assert vehicle_device(device_registry, entry, gone) == device

    freezer.tick(LEAVE_AFTER / 2)
    await _read_list(hass, entry)
    await hass.async_block_till_done()

    assert list(entry.runtime_data.vehicles) == [stays]
    assert entry.options[CONF_VEHICLES] == [stays]
    assert entry.options[CONF_KNOWN_VEHICLES] == [stays]
    assert not vehicle_device(device_registry, entry, gone)


async def test_car_back_within_a_day_is_present_again(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A car missing for a while, then listed again, starts from nothing next time."""
    entry = init_integration
    fault = fake_cloud.faults.add(Fault("empty_vehicle_list"))
    await _read_list(hass, entry)
    freezer.tick(LEAVE_AFTER * 0.9)
    await _read_list(hass, entry)
    fake_cloud.faults.remove(fault)
    await _read_list(hass, entry)

    fake_cloud.faults.add(Fault("empty_vehicle_list"))
    freezer.tick(LEAVE_AFTER * 0.9)
    await _read_list(hass, entry)
    freezer.tick(LEAVE_AFTER * 0.9)
    await _read_list(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert len(entry.runtime_data.vehicles) == 2
    assert len(entry.options[CONF_VEHICLES]) == 2


def test_roll_needs_a_day_and_two_lists() -> None:
    """One list, or a day of a single list, is not evidence; both together are."""
    first = call_the_roll({"A", "B"}, {"B"}, {}, NOW)
    assert first.absences == {"A": Absence(NOW, 1)}
    assert not first.departed

    # A day later, the next list misses it again: gone.
    later = call_the_roll({"A", "B"}, {"B"}, first.absences, NOW + LEAVE_AFTER)
    assert later.departed == {"A"}
    assert later.absences == {}

    # Two lists within the day: still kept.
    soon = call_the_roll({"A", "B"}, set(), first.absences, NOW + timedelta(hours=6))
    assert soon.absences == {
        "A": Absence(NOW, 2),
        "B": Absence(NOW + timedelta(hours=6), 1),
    }
    assert not soon.departed

    # Listed again (even without details): present, the absence is over.
    back = call_the_roll({"A", "B"}, {"A", "B"}, soon.absences, NOW + LEAVE_AFTER)
    assert back.absences == {}
    assert not back.departed


@pytest.mark.parametrize(
    "stored",
    [{}, {"since": "not a date", "missed": 1}, {"since": "2026-11-20T10:00:00"}],
)
def test_unreadable_absence_is_ignored(stored: dict[str, object]) -> None:
    """A stored absence that cannot be read counts as none."""
    assert Absence.from_dict(stored) is None
