"""Charged energy in the recorder, as the Energy dashboard reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import (
    async_list_statistic_ids,
    statistic_during_period,
    statistics_during_period,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault

from .common import wait
from .platforms import VIN, setup_profile

# 19:30 in Paris: the car is plugged in at home for the evening.
EVENING = "2026-11-20T18:30:00+00:00"
START_OF_TEST = datetime(2026, 11, 20, tzinfo=UTC)


async def _setup(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> tuple[MockConfigEntry, FakeVehicle]:
    """Set a ZOE up in the evening."""
    freezer.move_to(EVENING)
    entry = await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    return entry, fake_cloud.vehicles[VIN]


async def _charge(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, car: FakeVehicle, hours: float
) -> None:
    """Plug the car in, charge, unplug."""
    car.plug_in()
    await wait(hass, freezer, hours * 3600)
    car.unplug()
    await wait(hass, freezer, 60)


async def _charged(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    *,
    hours: float,
) -> tuple[MockConfigEntry, FakeVehicle]:
    """Set a ZOE up, charge it once, and read its sessions."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    await _charge(hass, freezer, car, hours)
    await _read_charges(hass, entry)
    return entry, car


async def _read_charges(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the charge sessions now, as a poll does, and let the recorder write."""
    await entry.runtime_data.vehicles[VIN].coordinators["charges"].async_refresh()
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)


def _statistic_id(entry: MockConfigEntry) -> str:
    return entry.runtime_data.vehicles[VIN].energy.statistic_id


async def _hourly(
    hass: HomeAssistant, statistic_id: str, start: datetime
) -> list[tuple[datetime, float]]:
    """Return the hourly rows: their start and the running sum."""
    rows = await hass.async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {statistic_id},
        "hour",
        None,
        {"sum"},
    )
    return [
        (dt_util.utc_from_timestamp(row["start"]), row["sum"])
        for row in rows.get(statistic_id, [])
    ]


async def _change(
    hass: HomeAssistant, statistic_id: str, start: datetime, end: datetime
) -> float:
    """Return the energy of a period, as the Energy dashboard asks for it."""
    result = await hass.async_add_executor_job(
        statistic_during_period,
        hass,
        start,
        end,
        statistic_id,
        {"change"},
        None,
    )
    change: float = result["change"]
    return change


@pytest.mark.usefixtures("recorder_mock")
async def test_sessions_become_hourly_statistics(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A two-hour charge lands on the hours it ran; read again, it counts once."""
    entry, car = await _charged(hass, fake_cloud, freezer, hours=2)
    [session] = car.charge_sessions
    statistic_id = _statistic_id(entry)

    [listed] = await async_list_statistic_ids(hass, {statistic_id})
    assert listed["source"] == "renault_connect"
    assert listed["statistics_unit_of_measurement"] == "kWh"
    assert listed["has_sum"] is True
    assert VIN not in statistic_id
    rows = await _hourly(hass, statistic_id, session.start - timedelta(hours=1))
    assert [moment.hour for moment, _ in rows] == [18, 19, 20]
    energy = round(session.energy_kwh, 2)
    assert rows[-1][1] == pytest.approx(energy, abs=0.01)
    # Half an hour, an hour, half an hour: a quarter, a half, a quarter.
    assert rows[0][1] == pytest.approx(energy / 4, abs=0.01)

    await _read_charges(hass, entry)
    # The dashboard's day, once over.
    freezer.tick(timedelta(days=1))
    day = dt_util.start_of_local_day(session.start)
    assert await _change(
        hass, statistic_id, day, day + timedelta(days=1)
    ) == pytest.approx(energy, abs=0.01)


@pytest.mark.usefixtures("recorder_mock")
async def test_restart_imports_nothing_twice_and_repairs_what_is_missing(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a restart the sums are the same; sessions of the downtime are added."""
    entry, car = await _charged(hass, fake_cloud, freezer, hours=1)
    statistic_id = _statistic_id(entry)
    first = car.charge_sessions[0]

    assert await hass.config_entries.async_unload(entry.entry_id)
    # Home Assistant is off for a day; the car charges meanwhile.
    freezer.tick(timedelta(hours=23))
    car.plug_in()
    freezer.tick(timedelta(hours=1))
    car.unplug()
    freezer.tick(timedelta(minutes=5))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _read_charges(hass, entry)

    assert _statistic_id(entry) == statistic_id
    second = car.charge_sessions[1]
    rows = await _hourly(hass, statistic_id, first.start - timedelta(hours=1))
    total = round(first.energy_kwh, 2) + round(second.energy_kwh, 2)
    assert rows[-1][1] == pytest.approx(total, abs=0.02)
    freezer.tick(timedelta(days=1))
    day = dt_util.start_of_local_day(second.start)
    assert await _change(
        hass, statistic_id, day, day + timedelta(days=1)
    ) == pytest.approx(round(second.energy_kwh, 2), abs=0.01)


@pytest.mark.usefixtures("recorder_mock")
async def test_rows_go_on_every_hour(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Hours without charging get their row: the dashboard's days start on one."""
    entry, car = await _charged(hass, fake_cloud, freezer, hours=1)
    for _ in range(3):
        await wait(hass, freezer, 3600)
    await async_wait_recording_done(hass)

    [session] = car.charge_sessions
    rows = await _hourly(hass, _statistic_id(entry), session.start)
    last_over = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    assert rows[-1][0] == last_over - timedelta(hours=1)
    assert [moment for moment, _ in rows] == [
        rows[0][0] + timedelta(hours=hour) for hour in range(len(rows))
    ]
    assert {total for _, total in rows[1:]} == {round(session.energy_kwh, 2)}


@pytest.mark.usefixtures("recorder_mock")
async def test_statistic_lost_by_the_recorder_is_written_again(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The kept sessions rebuild the statistic at the next start, with no read."""
    entry, car = await _charged(hass, fake_cloud, freezer, hours=1)
    statistic_id = _statistic_id(entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    get_instance(hass).async_clear_statistics([statistic_id])
    await async_wait_recording_done(hass)
    assert await _hourly(hass, statistic_id, START_OF_TEST) == []

    fake_cloud.faults.add(Fault("http_500_html", endpoint="charges"))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    rows = await _hourly(hass, statistic_id, START_OF_TEST)
    assert rows[-1][1] == pytest.approx(round(car.charge_sessions[0].energy_kwh, 2))


async def test_daily_mileage_kept_for_the_consumption(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Each day's mileage is kept across a restart; old days are forgotten."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    today = dt_util.now().date()
    assert entry.runtime_data.energy_log.mileage(VIN) == {today: car.state.mileage_km}
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    log = entry.runtime_data.energy_log
    assert log.mileage(VIN) == {today: car.state.mileage_km}

    later = today + timedelta(days=41)
    log.async_keep_mileage(VIN, later, car.state.mileage_km + 900)
    assert log.mileage(VIN) == {later: car.state.mileage_km + 900}
    # One day of mileage tells no consumption yet.
    assert entry.runtime_data.vehicles[VIN].energy.consumption.kwh_per_100km is None


@pytest.mark.usefixtures("recorder_mock")
async def test_charged_energy_sensor_counts_each_session_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The total grows by each session's energy, read twice or not."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    sensor = "sensor.aa_001_aa_charged_energy"
    assert hass.states.get(sensor).state == "unknown"
    assert hass.states.get(sensor).attributes["state_class"] == "total_increasing"

    await _charge(hass, freezer, car, 1)
    await _read_charges(hass, entry)
    await _read_charges(hass, entry)

    [session] = car.charge_sessions
    assert float(hass.states.get(sensor).state) == pytest.approx(
        round(session.energy_kwh, 2)
    )
    assert hass.states.get("sensor.aa_001_aa_consumption_30_days").state == "unknown"
