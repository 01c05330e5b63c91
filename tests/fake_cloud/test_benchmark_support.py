"""What the benchmarks use: a clock that stands still, upload history, levels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from unittest.mock import patch

import aiohttp
import pytest
from renault_api.renault_client import RenaultClient

from fake_renault_cloud import (
    Channel,
    FakeRenaultCloud,
    ManualClock,
    reported_battery_level,
)

from .common import LOCALE

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


def test_manual_clock_stands_still_until_moved() -> None:
    """The time only moves when told to, forward only."""
    clock = ManualClock(START)
    assert clock.now() == START
    assert clock.now() == START
    assert not clock.running
    assert clock.advance(90) == START + timedelta(seconds=90)
    assert clock.advance(timedelta(minutes=1)) == START + timedelta(seconds=150)
    assert clock.timestamp() == (START + timedelta(seconds=150)).timestamp()
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_manual_clock_set_needs_a_zone() -> None:
    """Setting takes an aware time, kept in UTC."""
    clock = ManualClock(START)
    paris = timezone(timedelta(hours=1))
    clock.set(datetime(2026, 11, 2, 8, 0, tzinfo=paris))
    assert clock.now() == datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 11, 2, 8, 0))  # noqa: DTZ001 - the point
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2026, 11, 2))  # noqa: DTZ001 - the point


def test_manual_clock_runs_with_the_real_time_when_told() -> None:
    """run() follows the real (monotonic) time; hold() stops it there."""
    real = [100.0]
    with patch("fake_renault_cloud.clock.time.monotonic", side_effect=lambda: real[0]):
        clock = ManualClock(START)
        clock.run()
        clock.run()  # running already: no change
        assert clock.running
        real[0] = 102.5
        assert clock.now() == START + timedelta(seconds=2.5)
        clock.set(START + timedelta(hours=1))  # keeps running from there
        real[0] = 103.5
        assert clock.now() == START + timedelta(hours=1, seconds=1)
        assert clock.advance(9) == START + timedelta(hours=1, seconds=10)
        real[0] = 110.0
        held = clock.hold()
        assert (held, clock.running) == (
            START + timedelta(hours=1, seconds=16.5),
            False,
        )
        real[0] = 200.0
        assert clock.now() == held


async def test_a_cloud_on_a_manual_clock_logs_the_held_time(
    socket_enabled: None,  # noqa: ARG001 - the cloud needs a loopback socket
) -> None:
    """Requests are served and logged at the held time."""
    held = datetime.now(UTC).replace(microsecond=0)
    cloud = FakeRenaultCloud(ManualClock(held))
    user = cloud.add_user("bench@example.com", "pw")
    cloud.add_account(user)
    async with cloud, aiohttp.ClientSession() as websession:
        client = RenaultClient(
            websession=websession,
            locale=LOCALE,
            locale_details=cloud.locale_details(LOCALE),
        )
        await client.session.login(user.email, user.password)
        await client.get_person()
    assert {record.time for record in cloud.requests} == {held}
    assert cloud.requests.count(email="bench@example.com") == len(cloud.requests)


def test_upload_history_keeps_every_upload_of_a_channel() -> None:
    """Each channel's uploads, oldest first, with the state they carried."""
    cloud = FakeRenaultCloud(ManualClock(START))
    car = cloud.add_vehicle(
        cloud.add_account(cloud.add_user("h@example.com", "x")), "zoe_50"
    )
    car.action_delay = 0
    car.plug_in()
    cloud.clock.advance(timedelta(minutes=25))
    battery = car.upload_history(Channel.BATTERY)
    assert [upload.time for upload in battery] == [
        START,
        START,  # the charge starts...
        START,  # ...as the car is plugged in
        START + timedelta(minutes=10),
        START + timedelta(minutes=20),
    ]
    assert [upload.state.plugged for upload in battery] == [
        False,
        True,
        True,
        True,
        True,
    ]
    assert battery[-1] is car.uploaded(Channel.BATTERY)
    assert battery[-1].state.battery_level > battery[2].state.battery_level
    assert [upload.time for upload in car.upload_history(Channel.LOCK)] == [START]
    battery.clear()
    assert len(car.upload_history(Channel.BATTERY)) == 5


def test_reported_battery_level_is_whole_percent() -> None:
    """The cloud reports the level rounded down, forgiving float noise."""
    assert reported_battery_level(61.7) == 61
    assert reported_battery_level(59.9999999999) == 60
    assert reported_battery_level(100.0) == 100
