"""Quota-aware polling: the scheduler, adaptive reads, quota, watchdog, contracts."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from itertools import pairwise
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.const import (
    CONF_HOURLY_BUDGET,
    DEFAULT_HOURLY_BUDGET,
    DOMAIN,
)
from custom_components.renault_connect.contracts import (
    EXPIRED,
    EXPIRING,
    issue_id,
    services_verdict,
)
from custom_components.renault_connect.read_plan import in_quiet_hours, shared_heartbeat
from custom_components.renault_connect.request_budget import (
    BUDGET_SHARE,
    BUDGET_WINDOW,
    SPACING,
    TOKEN_MARGIN,
    WINDOW,
    Priority,
    RequestBudget,
    Timing,
)
from fake_renault_cloud import FakeRenaultCloud, Fault
from fake_renault_cloud.vehicle import Channel, FakeVehicle

from .common import wait
from .platforms import VIN, setup_profile

PLATFORMS = (Platform.SENSOR, Platform.BINARY_SENSOR, Platform.DEVICE_TRACKER)
BATTERY_LEVEL = "sensor.aa_001_aa_battery"
LOCATION = "device_tracker.aa_001_aa_location"
MILEAGE = "sensor.aa_001_aa_mileage"
CHARGING = "binary_sensor.aa_001_aa_charging"
QUOTA = "sensor.camille_martin_myrenault_cloud_quota"
REQUESTS = "sensor.camille_martin_myrenault_requests_in_the_last_hour"
STALLED = "binary_sensor.camille_martin_myrenault_data_stalled"
# A weekday, 10:00 in Paris.
DAYTIME = "2026-11-18T09:00:00+00:00"
NIGHT = "2026-11-18T00:30:00+00:00"
# Minutes between the read rounds of a one-car account on the default budget.
ROUND = shared_heartbeat(1, DEFAULT_HOURLY_BUDGET) / timedelta(minutes=1)


def _rounds(minutes: float) -> object:
    """Return about how many read rounds fall in `minutes`."""
    return pytest.approx(minutes / ROUND, abs=1)


@pytest.fixture(autouse=True)
async def paris(hass: HomeAssistant) -> None:
    """Run the tests in Paris time, where quiet hours are 23:00 to 06:00."""
    await hass.config.async_set_time_zone("Europe/Paris")


async def _setup(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    start: str = DAYTIME,
) -> tuple[MockConfigEntry, FakeVehicle]:
    """Set up a Zoe 2 at `start`, then forget the setup's requests."""
    freezer.move_to(start)
    entry = await setup_profile(hass, fake_cloud, "zoe_50", *PLATFORMS)
    fake_cloud.requests.clear()
    return entry, fake_cloud.vehicles[VIN]


def _reads(fake_cloud: FakeRenaultCloud) -> dict[str, int]:
    """Return the Kamereon reads made since the last clear, by endpoint."""
    return fake_cloud.requests.by_endpoint("kamereon")


async def _pass(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: float
) -> None:
    """Let minutes pass, one at a time."""
    for _ in range(int(minutes)):
        await wait(hass, freezer, 60)


def test_quiet_hours_cross_midnight() -> None:
    """Quiet hours may cross midnight; equal bounds mean none."""
    night = (time(23), time(6))
    at = dt_util.as_utc(
        datetime(2026, 11, 18, 1, tzinfo=dt_util.get_default_time_zone())
    )
    assert in_quiet_hours(at, *night)
    assert not in_quiet_hours(at + timedelta(hours=6), *night)
    assert in_quiet_hours(at + timedelta(hours=12), time(12), time(14))
    assert not in_quiet_hours(at, time(12), time(14))
    assert not in_quiet_hours(at, time(6), time(6))


async def test_scheduler_spaces_and_budgets(freezer: FrozenDateTimeFactory) -> None:
    """Timed reads never burst, and keep within each priority's share."""
    freezer.move_to(DAYTIME)
    scheduler = RequestBudget(budget=2)
    now = dt_util.utcnow()
    # 2 an hour, averaged over 3 hours: routine reads may fill 95 % of 6.
    booked = [
        scheduler.async_reserve(owner, now, Priority.ROUTINE) for owner in "abcde"
    ]
    assert [later - earlier for earlier, later in pairwise(booked)] == [SPACING] * 4
    sixth = scheduler.async_reserve("f", now, Priority.ROUTINE)
    assert sixth == booked[0] + BUDGET_WINDOW
    # Urgent reads may use the whole budget.
    assert scheduler.async_reserve("g", now, Priority.URGENT) == booked[-1] + SPACING
    for owner in "abcdefg":
        scheduler.async_cancel(owner)

    scheduler.async_record_request(Priority.ON_DEMAND)
    assert scheduler.admits(Priority.BACKGROUND)
    for _ in range(6):
        scheduler.async_record_request(Priority.URGENT)
    assert scheduler.requests_last_hour == 7
    assert scheduler.timed_requests_last_hour == 6
    assert not scheduler.admits(Priority.URGENT)
    assert scheduler.admits(Priority.ON_DEMAND)
    assert scheduler.state == "budget_reached"
    freezer.tick(timedelta(hours=1))
    assert scheduler.requests_last_hour == 0
    assert scheduler.state == "budget_reached"
    freezer.tick(BUDGET_WINDOW - timedelta(hours=1))
    assert scheduler.state == "ok"


async def test_quota_state_turns_ok_by_itself(freezer: FrozenDateTimeFactory) -> None:
    """The budget tells when its count changes with no request, and tells again then."""
    freezer.move_to(DAYTIME)
    scheduler = RequestBudget(budget=1)
    states: list[str] = []
    scheduler.async_add_listener(lambda: states.append(scheduler.state))
    assert scheduler.next_change is None
    sent_at = dt_util.utcnow()
    for _ in range(3):
        scheduler.async_record_request(Priority.URGENT)
    assert states[-1] == "budget_reached"
    # The requests leave the last hour first, then the budget window.
    assert scheduler.next_change == sent_at + WINDOW
    freezer.move_to(sent_at + WINDOW)
    scheduler.async_catch_up()
    assert scheduler.requests_last_hour == 0
    assert states[-1] == "budget_reached"
    assert scheduler.next_change == sent_at + BUDGET_WINDOW
    freezer.move_to(sent_at + BUDGET_WINDOW)
    scheduler.async_catch_up()
    assert states[-1] == "ok"
    assert scheduler.next_change is None


async def test_request_count_falls_by_itself(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """With no request for an hour, the count shown falls to 0 all the same."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    for coordinator in entry.runtime_data.vehicles[VIN].coordinators.values():
        coordinator.async_stop_timed_reads()
    assert int(hass.states.get(REQUESTS).state) > 0

    await wait(hass, freezer, WINDOW.total_seconds() + 1)

    assert fake_cloud.requests.count() == 0
    assert hass.states.get(REQUESTS).state == "0"


async def test_request_count_survives_a_reload_and_a_restart(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The count is the cloud's: a reload or a restart does not start it at 0."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    before = int(hass.states.get(REQUESTS).state)
    assert before > 0

    with patch("custom_components.renault_connect.PLATFORMS", PLATFORMS):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    # The kept answers are shown again; the requests sent before still count.
    after_reload = int(hass.states.get(REQUESTS).state)
    assert after_reload >= before

    # Stopped: what is on disk holds the same count.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    kept = hass_storage[f"renault_connect.{entry.entry_id}.last_answers"]["data"]
    assert len(kept["requests"]["sent"]) == after_reload


async def test_higher_priority_takes_the_room_of_lower_reads(
    freezer: FrozenDateTimeFactory,
) -> None:
    """An urgent read displaces a routine one, which waits for the next room."""
    freezer.move_to(DAYTIME)
    scheduler = RequestBudget(budget=1)
    now = dt_util.utcnow()
    routine = scheduler.async_reserve("routine", now, Priority.ROUTINE)
    assert routine == now
    urgent = scheduler.async_reserve(
        "urgent", now + timedelta(minutes=30), Priority.URGENT
    )
    assert urgent == now + timedelta(minutes=30)
    # Room for two more urgent reads in three hours, none for the routine read.
    assert scheduler.admits(Priority.URGENT, "routine")
    for _ in range(2):
        scheduler.async_record_request(Priority.URGENT)
    assert not scheduler.admits(Priority.ROUTINE, "routine")
    assert scheduler.admits(Priority.URGENT, "urgent")


async def test_reads_share_an_access_token(freezer: FrozenDateTimeFactory) -> None:
    """A read with leeway goes while a token is valid; a dropped token ends that."""
    freezer.move_to(DAYTIME)
    scheduler = RequestBudget(budget=15)
    now = dt_util.utcnow()
    scheduler.async_on_token(now + timedelta(minutes=14))
    assert scheduler.timed_requests_last_hour == 1
    desired = now + timedelta(minutes=20)
    leeway = timedelta(minutes=10)
    moment = scheduler.async_reserve("a", desired, Priority.ROUTINE, earlier=leeway)
    assert moment == now + timedelta(minutes=14) - TOKEN_MARGIN
    # Booked reads fetch the tokens later ones ride on.
    later = scheduler.async_reserve(
        "b", desired + timedelta(minutes=30), Priority.ROUTINE, earlier=leeway
    )
    assert later == desired + timedelta(minutes=30)
    assert (
        scheduler.async_reserve(
            "c", later + timedelta(minutes=20), Priority.ROUTINE, earlier=leeway
        )
        == later + timedelta(minutes=14) - TOKEN_MARGIN
    )
    scheduler.async_on_token(None)
    assert scheduler.token_valid_until is None
    assert scheduler.async_reserve("a", desired, Priority.ROUTINE) == desired


async def test_parked_car_reads_only_its_heartbeat(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A parked car costs its battery read in each round, and nothing else."""
    await _setup(hass, fake_cloud, freezer)

    await _pass(hass, freezer, 60)

    reads = _reads(fake_cloud)
    assert set(reads) == {"battery-status"}
    assert reads["battery-status"] == _rounds(60)
    # The access tokens the reads needed are requests too, within the budget.
    tokens = fake_cloud.requests.by_endpoint("gigya").get("accounts.getJWT", 0)
    assert 0 < tokens < reads["battery-status"]
    assert hass.states.get(REQUESTS).state == str(reads["battery-status"] + tokens)
    assert reads["battery-status"] + tokens <= DEFAULT_HOURLY_BUDGET
    assert hass.states.get(REQUESTS).attributes["hourly_budget"] == 15
    assert hass.states.get(QUOTA).state == "ok"


async def test_quiet_hours_read_hourly(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """At night a parked car is read once an hour."""
    await _setup(hass, fake_cloud, freezer, start=NIGHT)

    await _pass(hass, freezer, 120)

    assert _reads(fake_cloud) == {"battery-status": 2}


async def test_upload_refreshes_the_car_state_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """After a drive, mileage, position and climate are read once, soon.

    The position is read in the place of the car's next heartbeat.
    """
    _, car = await _setup(hass, fake_cloud, freezer)
    mileage = float(hass.states.get(MILEAGE).state)
    car.unplug()
    arrival = car.drive(km=20, minutes=25)

    await _pass(hass, freezer, 35)

    reads = _reads(fake_cloud)
    # The position read after the trip takes the place of one heartbeat.
    assert reads["battery-status"] == _rounds(35 - ROUND)
    # The arrival upload refreshes the state, once.
    assert reads["cockpit"] == reads["location"] == reads["hvac-status"] == 1
    assert float(hass.states.get(MILEAGE).state) == pytest.approx(mileage + 20, 1)
    last = fake_cloud.requests.last("cockpit")
    assert last is not None
    assert timedelta(0) < last.time - arrival < timedelta(minutes=6)


async def test_charging_reads_follow_the_car_uploads(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """While charging, each upload shows within two minutes, for 7 reads an hour."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    car.unplug()
    await _pass(hass, freezer, 6)
    car.plug_in()
    await _pass(hass, freezer, 10)
    assert hass.states.get(CHARGING).state == "on"

    fake_cloud.requests.clear()
    battery = entry.runtime_data.vehicles[VIN].coordinators["battery-status"]
    shown: dict[datetime, datetime] = {}
    uploads: set[datetime] = set()
    for _ in range(60):
        await wait(hass, freezer, 60)
        uploads.add(car.uploaded(Channel.BATTERY).time)
        uploaded = dt_util.parse_datetime(battery.data.timestamp)
        assert uploaded is not None
        shown.setdefault(uploaded, dt_util.utcnow())
    now = dt_util.utcnow()
    uploads = {upload for upload in uploads if upload < now - timedelta(minutes=2)}
    assert len(uploads) >= 5
    assert max(shown[upload] - upload for upload in uploads) <= timedelta(minutes=2)
    assert _reads(fake_cloud)["battery-status"] <= 7
    # Charging uploads move nothing else: no state reads.
    assert set(_reads(fake_cloud)) == {"battery-status"}


async def test_quota_keeps_values_and_backs_off(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The quota keeps the last values, pauses reads longer each time, then resets."""
    await _setup(hass, fake_cloud, freezer)
    level = hass.states.get(BATTERY_LEVEL).state
    fake_cloud.faults.add(Fault("quota"))

    await _pass(hass, freezer, 6)
    assert hass.states.get(BATTERY_LEVEL).state == level
    assert hass.states.get(QUOTA).state == "throttled"
    assert hass.states.get(QUOTA).attributes["resumes_at"] is not None
    assert fake_cloud.requests.count(endpoint="battery-status") == 1

    # No read for 15 minutes; the next one is refused too: 30 minutes.
    await _pass(hass, freezer, 16)
    assert fake_cloud.requests.count(endpoint="battery-status") == 2
    await _pass(hass, freezer, 27)
    assert fake_cloud.requests.count(endpoint="battery-status") == 2

    fake_cloud.faults.clear()
    await _pass(hass, freezer, 2)
    assert fake_cloud.requests.count(endpoint="battery-status") == 3
    assert hass.states.get(QUOTA).state == "ok"
    assert hass.states.get(BATTERY_LEVEL).state == level
    assert caplog.text.count("request quota is reached") == 1
    assert caplog.text.count("reads resume") == 1


async def test_quota_at_setup_makes_entities_unavailable(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """With no values to keep, a throttled endpoint shows unavailable."""
    freezer.move_to(DAYTIME)
    fake_cloud.faults.add(Fault("quota", endpoint="battery-status"))
    await setup_profile(hass, fake_cloud, "zoe_50", *PLATFORMS)

    assert hass.states.get(BATTERY_LEVEL).state == STATE_UNAVAILABLE
    assert hass.states.get(MILEAGE).state != STATE_UNAVAILABLE


async def test_refused_login_is_logged_once(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Many reads failing on a refused login: one log line, one login, reauth."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT"))
    fake_cloud.faults.add(Fault("invalid_credentials"))
    entry.runtime_data.cloud.session._credentials.clear_keys(["gigya_jwt"])
    caplog.clear()

    coordinators = entry.runtime_data.vehicles[VIN].coordinators.values()
    await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
    await _pass(hass, freezer, 30)

    errors = [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.name.startswith("custom")
    ]
    assert len(errors) == 1
    assert "password was refused: log in again" in errors[0].getMessage()
    assert fake_cloud.requests.count(endpoint="accounts.login") == 1
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert hass.states.get(BATTERY_LEVEL).state == STATE_UNAVAILABLE


async def test_watchdog_rebuilds_a_stalled_session(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stale after two missed rounds; the session is rebuilt once, after hours."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    fake_cloud.faults.add(Fault("http_502_html", endpoint="battery-status"))
    session = entry.runtime_data.cloud.session
    hub = entry.runtime_data
    # One parked car is read in each round of a few minutes: two rounds
    # missed, and a check, make the data stale (within half an hour).
    gap = hub.vehicles[VIN].read_plan.longest_gap()
    assert hub.watchdog.stale_after == 2 * gap + timedelta(minutes=5)
    assert hub.watchdog.stale_after < timedelta(minutes=30)

    await _pass(hass, freezer, 10)
    assert hass.states.get(STALLED).state == "off"
    with patch.object(
        session, "set_login_token", wraps=session.set_login_token
    ) as rebuilt:
        await _pass(hass, freezer, 20)
        assert hass.states.get(STALLED).state == "on"
        assert caplog.text.count("No fresh data") == 1
        rebuilt.assert_not_called()
        await _pass(hass, freezer, 160)
    assert hass.states.get(STALLED).state == "on"
    rebuilt.assert_called_once()
    assert caplog.text.count("No fresh data") == 1
    assert caplog.text.count("Rebuilding the session") == 1

    fake_cloud.faults.clear()
    await _pass(hass, freezer, 6)
    assert hass.states.get(STALLED).state == "off"
    assert hass.states.get(BATTERY_LEVEL).state != STATE_UNAVAILABLE
    assert caplog.text.count("Fresh data arrives") == 1


async def test_watchdog_restarts_polling_that_stopped(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Polling that stopped without an error starts again after the watchdog's read."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    caplog.set_level(logging.INFO)
    heartbeat = entry.runtime_data.vehicles[VIN].coordinators["battery-status"]
    heartbeat.async_stop_timed_reads()

    await _pass(hass, freezer, 170)
    assert _reads(fake_cloud) == {}
    await _pass(hass, freezer, 40)
    # The watchdog's read at 3 hours, then one in each round again.
    reads = _reads(fake_cloud)
    assert set(reads) == {"battery-status"}
    assert reads["battery-status"] - 1 == _rounds(30)
    assert hass.states.get(STALLED).state == "off"
    assert caplog.text.count("Rebuilding the session") == 1
    assert caplog.text.count("Fresh data arrives") == 1


def _services_end(car: FakeVehicle, end: date) -> None:
    """Move the end of the car's connected-services contract."""
    for contract in car.contracts:
        if contract["code"] == "ZECONNECTP":
            contract["endDate"] = end.isoformat()


def test_services_verdict() -> None:
    """A month ahead the contract is ending; after its end, it has ended."""
    today = date(2026, 11, 18)
    assert services_verdict(None, today) is None
    assert services_verdict(today + timedelta(days=31), today) is None
    assert services_verdict(today + timedelta(days=30), today) == EXPIRING
    assert services_verdict(today, today) == EXPIRING
    assert services_verdict(today - timedelta(days=1), today) == EXPIRED


async def test_contract_ending_raises_a_repair_until_renewed(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """The daily contract read raises the issue, escalates it, and clears it."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    vehicle = entry.runtime_data.vehicles[VIN]
    contracts = vehicle.coordinators["contracts"]
    issues = ir.async_get(hass)

    def issue(kind: str) -> ir.IssueEntry | None:
        return issues.async_get_issue(
            DOMAIN, issue_id(entry.entry_id, vehicle.device_id, kind)
        )

    assert issue(EXPIRING) is None
    today = dt_util.now().date()
    _services_end(car, today + timedelta(days=10))
    # Read once a day; when the car's heartbeats fill the budget, it waits
    # for room, then takes its turn among them.
    await _pass(hass, freezer, 24 * 60)
    for _ in range(6 * 60):
        if issue(EXPIRING) is not None:
            break
        await _pass(hass, freezer, 1)
    expiring = issue(EXPIRING)
    assert expiring is not None
    assert expiring.severity is ir.IssueSeverity.WARNING
    assert expiring.translation_placeholders == {
        "vehicle": "Zoe",
        "end": (today + timedelta(days=10)).isoformat(),
    }

    _services_end(car, today - timedelta(days=1))
    await contracts.async_refresh()
    assert issue(EXPIRING) is None
    assert issue(EXPIRED) is not None

    _services_end(car, today + timedelta(days=365))
    await contracts.async_refresh()
    assert issue(EXPIRED) is None

    _services_end(car, today - timedelta(days=1))
    await contracts.async_refresh()
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert issue(EXPIRED) is None


async def test_refused_heartbeat_hands_over(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A car that refuses its battery endpoint is followed through its location."""
    freezer.move_to(DAYTIME)
    fake_cloud.faults.add(Fault("not_supported", endpoint="battery-status"))
    entry = await setup_profile(hass, fake_cloud, "zoe_50", *PLATFORMS)
    fake_cloud.requests.clear()

    await _pass(hass, freezer, 60)

    assert entry.runtime_data.vehicles[VIN].read_plan.heartbeat_key == "location"
    # At once, then in each of the account's rounds.
    reads = _reads(fake_cloud)
    assert set(reads) == {"location"}
    assert reads["location"] - 1 == _rounds(60)


async def test_restart_shows_kept_answers_at_once(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A restart shows the last answers without reading them again."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    states = {
        entity_id: hass.states.get(entity_id).state
        for entity_id in (BATTERY_LEVEL, MILEAGE, CHARGING, LOCATION)
    }
    assert await hass.config_entries.async_unload(entry.entry_id)
    car.unplug()
    car.drive(km=12, minutes=20)
    await _pass(hass, freezer, 25)
    fake_cloud.requests.clear()

    with patch("custom_components.renault_connect.PLATFORMS", list(PLATFORMS)):
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    # Only the vehicle list, read in the background; the entities show at once.
    assert _reads(fake_cloud) == {"vehicles": 1}
    assert {entity_id: hass.states.get(entity_id).state for entity_id in states} == (
        states
    )
    # The heartbeat sees that the car drove meanwhile: its state is read again.
    await _pass(hass, freezer, 2.5 * ROUND)
    assert set(_reads(fake_cloud)) >= {"battery-status", "cockpit", "location"}
    assert float(hass.states.get(MILEAGE).state) == pytest.approx(
        float(states[MILEAGE]) + 12, abs=1
    )


async def test_failed_state_read_is_tried_again(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A read after an upload that fails is tried again, not left until the next one."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    fake_cloud.faults.add(Fault("http_500_html", endpoint="cockpit", times=1))
    entry.runtime_data.vehicles[VIN].coordinators["cockpit"].async_read_soon(
        Timing(timedelta(seconds=1), Priority.ROUTINE)
    )
    await _pass(hass, freezer, 1)
    assert hass.states.get(MILEAGE).state == STATE_UNAVAILABLE

    await _pass(hass, freezer, 6)
    assert hass.states.get(MILEAGE).state != STATE_UNAVAILABLE
    assert _reads(fake_cloud)["cockpit"] == 2


async def test_read_held_back_for_an_hour_turns_routine(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """A background read the budget keeps holding back goes out after an hour."""
    entry, _ = await _setup(hass, fake_cloud, freezer)
    cockpit = entry.runtime_data.vehicles[VIN].coordinators["cockpit"]
    # Little room for background reads: three hours of heartbeats fill it.
    with patch.dict(BUDGET_SHARE, {Priority.BACKGROUND: 0.4}):
        await _pass(hass, freezer, 180)
        fake_cloud.requests.clear()
        cockpit.async_read_soon(Timing(timedelta(seconds=1), Priority.BACKGROUND))
        await _pass(hass, freezer, 50)
        assert "cockpit" not in _reads(fake_cloud)

        await _pass(hass, freezer, 20)
    assert _reads(fake_cloud)["cockpit"] == 1


async def test_charging_reads_share_a_small_budget(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """With room for fewer reads than uploads, each read still follows an upload."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_HOURLY_BUDGET: 4}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    car.unplug()
    await _pass(hass, freezer, 20)
    car.plug_in()
    await _pass(hass, freezer, 30)
    assert hass.states.get(CHARGING).state == "on"

    fake_cloud.requests.clear()
    lags: list[timedelta] = []
    for _ in range(120):
        reads = fake_cloud.requests.count(endpoint="battery-status")
        await wait(hass, freezer, 60)
        if fake_cloud.requests.count(endpoint="battery-status") > reads:
            lags.append(dt_util.utcnow() - car.uploaded(Channel.BATTERY).time)

    # Within the budget of 4 an hour, each read just after an upload.
    assert 3 <= len(lags) <= 8
    assert max(lags) <= timedelta(minutes=2)


async def test_stale_bound_follows_the_situation(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """Charging: stale after two missed uploads; parked at night: two missed hours."""
    entry, car = await _setup(hass, fake_cloud, freezer)
    hub = entry.runtime_data
    car.plug_in()
    await _pass(hass, freezer, 30)
    assert hub.vehicles[VIN].read_plan.heartbeat.charging
    # Uploads every 10 minutes, read at the latest 5 minutes late.
    assert hub.watchdog.stale_after == 2 * timedelta(minutes=15) + timedelta(minutes=5)

    car.unplug()
    freezer.move_to("2026-11-19T00:30:00+00:00")
    await _pass(hass, freezer, 30)
    assert not hub.vehicles[VIN].read_plan.heartbeat.charging
    night = hub.watchdog.stale_after
    assert timedelta(hours=2) < night <= timedelta(hours=2, minutes=15)
