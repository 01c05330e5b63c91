"""The cloud's times, distrusted: one odd timestamp never delays, breaks or wedges."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.cloud_time import cloud_time
from fake_renault_cloud import FakeRenaultCloud, Fault

from .fault_helpers import (
    advance,
    available,
    problems,
    settle,
    setup_account,
    start_time,
    unload_and_check,
)

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
BATTERY = "battery-status"
# Odd upload times, as a car's clock and the cloud send them.
ODD_TIMES = (
    "2026-11-20T09:00:00",  # no zone
    "9999-12-31T23:59:59Z",
    "not a date",
    "2026-13-45T25:61:00Z",
)
# No read lets a minute pass, even while held by the cloud's timeout.
READ_LIMIT = 30


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T09:00:00Z", datetime(2026, 11, 20, 9, tzinfo=UTC)),
        ("2026-11-20T09:00:00", datetime(2026, 11, 20, 9, tzinfo=UTC)),
        ("2026-11-20T11:00:00+02:00", datetime(2026, 11, 20, 9, tzinfo=UTC)),
        ("2026-11-20T10:02:00Z", datetime(2026, 11, 20, 10, 2, tzinfo=UTC)),
        ("2026-11-20T12:00:00Z", NOW),
        ("9999-12-31T23:59:59Z", None),
        ("0001-01-01T00:00:00Z", None),
        ("not a date", None),
        ("2026-13-45T25:61:00Z", None),
        ("", None),
        (None, None),
        (1732096800, None),
    ],
)
def test_cloud_time(value: object, expected: datetime | None) -> None:
    """UTC when no zone; a clock a little fast is ours; nonsense is None."""
    assert cloud_time(value, NOW) == expected


async def _setup(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> tuple[MockConfigEntry, str, Any]:
    """Set up a ZOE (and a companion): the entry, its VIN, its battery's coordinator."""
    freezer.move_to(start_time())
    entry = await setup_account(hass, fake_cloud, ["zoe_50", "captur_fuel"])
    vin = next(
        vin for vin, car in fake_cloud.vehicles.items() if car.profile.name == "zoe_50"
    )
    return entry, vin, entry.runtime_data.vehicles[vin].coordinators[BATTERY]


async def _charge(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    vin: str,
) -> None:
    """Plug the car in, and let its charge be seen."""
    car = fake_cloud.vehicles[vin]
    car.plug_in()
    await advance(hass, freezer, timedelta(minutes=30), step=timedelta(minutes=1))
    assert car.state.charging


@pytest.mark.parametrize("charging", [False, True], ids=["parked", "charging"])
@pytest.mark.parametrize("odd", ODD_TIMES)
async def test_odd_time_never_wedges_a_read(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    odd: str,
    charging: bool,
) -> None:
    """After an odd time, reads (and what waits on them) still finish."""
    entry, vin, battery = await _setup(hass, fake_cloud, freezer)
    if charging:
        await _charge(hass, fake_cloud, freezer, vin)
    fake_cloud.faults.add(
        Fault(
            "odd_answer",
            vin=vin,
            endpoint=BATTERY,
            times=1,
            attributes={"timestamp": odd},
        )
    )
    async with asyncio.timeout(READ_LIMIT):
        await battery.async_refresh()
        await settle(hass)
        # The next read is not left waiting on the odd one.
        fake_cloud.vehicles[vin].upload()
        await battery.async_refresh()
    assert battery.last_update_success
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)


@pytest.mark.parametrize("odd", ODD_TIMES)
async def test_odd_time_kept_across_a_restart(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    odd: str,
) -> None:
    """An odd answer of a charging car, kept for the next start, does not fail it."""
    entry, vin, battery = await _setup(hass, fake_cloud, freezer)
    await _charge(hass, fake_cloud, freezer, vin)
    fake_cloud.faults.add(
        Fault("odd_answer", vin=vin, endpoint=BATTERY, attributes={"timestamp": odd})
    )
    await battery.async_refresh()
    shown = [
        entity_id
        for entity_id in hass.states.async_entity_ids()
        if available(hass, entity_id)
    ]

    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)

    assert entry.state is ConfigEntryState.LOADED
    assert [e for e in shown if not available(hass, e)] == []
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)


async def test_time_ahead_does_not_delay_reads_while_charging(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A charging car whose clock runs two hours fast is still read often."""
    entry, vin, battery = await _setup(hass, fake_cloud, freezer)
    await _charge(hass, fake_cloud, freezer, vin)

    ahead = (dt_util.utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fake_cloud.faults.add(
        Fault(
            "odd_answer",
            vin=vin,
            endpoint=BATTERY,
            times=1,
            attributes={"timestamp": ahead},
        )
    )
    await battery.async_refresh()
    reads = fake_cloud.requests.count(vin=vin, endpoint=BATTERY)
    await advance(hass, freezer, timedelta(hours=1), step=timedelta(minutes=1))

    assert fake_cloud.requests.count(vin=vin, endpoint=BATTERY) - reads >= 2
    await unload_and_check(hass, entry)
