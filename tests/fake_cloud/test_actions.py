"""Remote actions through renault-api: effects after the delay, and round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from renault_api.kamereon import ACCOUNT_ENDPOINT_ROOT, helpers, models
from renault_api.kamereon.enums import ChargeState, PlugState
from renault_api.kamereon.exceptions import (
    ChargeModeInProgressException,
    InvalidInputException,
    KamereonResponseException,
    PrivacyModeOnException,
)
from renault_api.renault_vehicle import RenaultVehicle

from fake_renault_cloud import Channel, FakeRenaultCloud, FakeVehicle

from .common import KAMEREON_KEY, CarFactory

DELAY = timedelta(seconds=31)


async def _car(add_car: CarFactory, profile: str) -> tuple[FakeVehicle, RenaultVehicle]:
    """Add a car whose actions take the default 30 seconds to arrive."""
    fake, vehicle = await add_car(profile)
    fake.action_delay = 30
    return fake, vehicle


@pytest.mark.parametrize(
    "profile", ["zoe_40", "zoe_50", "megane_e_tech", "spring", "renault_5", "twingo_3"]
)
async def test_charge_start_after_the_delay(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, profile: str
) -> None:
    """Each family's way of starting a charge works, 30 seconds later."""
    fake, vehicle = await _car(add_car, profile)
    fake.plug_in()
    fake.remote_charge_stop()
    freezer.tick(DELAY)
    status = await vehicle.get_battery_status()
    assert status.get_plug_status() is PlugState.PLUGGED
    assert status.get_charging_status() is not ChargeState.CHARGE_IN_PROGRESS

    await vehicle.set_charge_start()
    assert not fake.state.charging
    freezer.tick(DELAY)
    status = await vehicle.get_battery_status()
    assert status.get_charging_status() is ChargeState.CHARGE_IN_PROGRESS
    assert status.chargingInstantaneousPower or profile == "renault_5"
    if profile == "zoe_40":
        assert status.chargingInstantaneousPower == 7400
        assert (await vehicle.get_details()).reports_charging_power_in_watts()


@pytest.mark.parametrize("profile", ["zoe_50", "spring", "twingo_3"])
async def test_charge_stop_after_the_delay(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, profile: str
) -> None:
    """Stopping (or pausing) ends the charge 30 seconds later."""
    fake, vehicle = await _car(add_car, profile)
    fake.plug_in()
    await vehicle.set_charge_stop()
    assert fake.state.charging
    freezer.tick(DELAY)
    assert not fake.state.charging
    status = await vehicle.get_battery_status()
    assert status.get_charging_status() is ChargeState.NOT_IN_CHARGE
    assert len(fake.charge_sessions) == 1


async def test_charge_start_when_unplugged_does_nothing(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """The cloud accepts the command; the unplugged car ignores it."""
    fake, vehicle = await _car(add_car, "zoe_50")
    await vehicle.set_charge_start()
    freezer.tick(DELAY)
    assert not fake.state.charging


async def test_delayed_charge_on_kcm(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """Megane's KCM charge/start takes a start time, which must be in the future."""
    fake, vehicle = await _car(add_car, "megane_e_tech")
    fake.plug_in()
    fake.remote_charge_stop()
    freezer.tick(DELAY)
    later = datetime.now(UTC) + timedelta(hours=1)
    await vehicle.set_charge_start(later)
    freezer.tick(DELAY)
    status = await vehicle.get_battery_status()
    assert status.get_charging_status() is ChargeState.WAITING_FOR_A_PLANNED_CHARGE
    freezer.tick(timedelta(hours=1))
    assert fake.state.charging

    with pytest.raises(InvalidInputException) as refused:
        await vehicle.set_charge_start(datetime.now(UTC) - timedelta(minutes=1))
    assert refused.value.error_details == (
        "/data/attributes/startDateTime must be a future date"
    )


@pytest.mark.parametrize("profile", ["zoe_50", "renault_5", "megane_e_tech"])
async def test_hvac_runs_fifteen_minutes(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, profile: str
) -> None:
    """The HVAC starts after the delay, and stops by itself 15 minutes later."""
    fake, vehicle = await _car(add_car, profile)
    await vehicle.set_ac_start(21)
    assert (await vehicle.get_hvac_status()).hvacStatus == "off"
    freezer.tick(DELAY)
    status = await vehicle.get_hvac_status()
    assert status.hvacStatus == "on"
    started = datetime.now(UTC) - DELAY + timedelta(seconds=30)
    assert status.lastUpdateTime == started.strftime("%Y-%m-%dT%H:%M:%SZ")
    freezer.tick(timedelta(minutes=15))
    assert (await vehicle.get_hvac_status()).hvacStatus == "off"
    assert fake.state.internal_temperature == 21


@pytest.mark.parametrize("profile", ["zoe_40", "renault_5", "megane_e_tech"])
async def test_hvac_stop(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, profile: str
) -> None:
    """renault-api's stop (cancel, or stop on kca-stop cars) ends the HVAC."""
    fake, vehicle = await _car(add_car, profile)
    await vehicle.set_ac_start(20.5)
    freezer.tick(DELAY)
    await vehicle.set_ac_stop()
    freezer.tick(DELAY)
    assert (await vehicle.get_hvac_status()).hvacStatus == "off"
    assert not fake.state.hvac_on


async def test_hvac_cancel_ignored_by_the_zoe_2(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """renault-api's note: the Zoe phase 2 takes "cancel" and goes on."""
    fake, vehicle = await _car(add_car, "zoe_50")
    await vehicle.set_ac_start(20.5)
    freezer.tick(DELAY)
    await vehicle.set_ac_stop()
    freezer.tick(DELAY)
    assert (await vehicle.get_hvac_status()).hvacStatus == "on"
    assert fake.state.hvac_on


async def test_hvac_status_always_off_on_the_zoe_1(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """renault-api's note: the Zoe phase 1 reports off while it preconditions."""
    fake, vehicle = await _car(add_car, "zoe_40")
    await vehicle.set_ac_start(20.5)
    freezer.tick(DELAY)
    assert fake.state.hvac_on
    assert (await vehicle.get_hvac_status()).hvacStatus == "off"


async def test_hvac_planned_start(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """A start time shows as nextHvacStartDate; a past one is refused."""
    fake, vehicle = await _car(add_car, "zoe_50")
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    await vehicle.set_ac_start(19, when)
    freezer.tick(DELAY)
    status = await vehicle.get_hvac_status()
    assert status.nextHvacStartDate == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    freezer.tick(timedelta(hours=2))
    assert fake.state.hvac_on

    with pytest.raises(InvalidInputException):
        await vehicle.set_ac_start(19, datetime.now(UTC) - timedelta(hours=1))


async def test_charge_mode_round_trip(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """ZOE phase 1 switches between always and schedule_mode, one change at a time."""
    fake, vehicle = await _car(add_car, "zoe_40")
    assert (await vehicle.get_charge_mode()).chargeMode == "always"
    await vehicle.set_charge_mode("schedule_mode")
    with pytest.raises(ChargeModeInProgressException):
        await vehicle.set_charge_mode("always")
    assert (await vehicle.get_charge_mode()).chargeMode == "always"
    freezer.tick(DELAY)
    assert (await vehicle.get_charge_mode()).chargeMode == "schedule_mode"
    assert fake.settings.charge_mode == "schedule_mode"

    with pytest.raises(InvalidInputException) as refused:
        await vehicle.set_charge_mode("always_charging")
    assert refused.value.error_details == (
        '/data/attributes/action must match "always|schedule_mode"'
    )


async def test_charge_mode_spelling_per_model(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """ZOE phase 2 spells the modes always_charging/schedule_mode."""
    fake, vehicle = await _car(add_car, "zoe_50")
    with pytest.raises(InvalidInputException):
        await vehicle.set_charge_mode("always")
    await vehicle.set_charge_mode("schedule_mode")
    freezer.tick(DELAY)
    settings = await vehicle.get_charging_settings()
    assert settings.mode == "scheduled"
    assert fake.settings.charge_mode == "schedule_mode"


def _schedule(schedule_id: int, start: str, duration: int) -> models.ChargeSchedule:
    """Return a charge schedule for every weekday."""
    days = {
        day: {"startTime": start, "duration": duration}
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    }
    return helpers.create_charge_schedule(
        {"id": schedule_id, "activated": True, **days}
    )


@pytest.mark.parametrize("profile", ["zoe_50", "megane_e_tech", "twingo_3"])
async def test_charge_schedules_round_trip(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, profile: str
) -> None:
    """Schedules set (KCA or KCM) come back in charging-settings after the delay."""
    _, vehicle = await _car(add_car, profile)
    settings = await vehicle.get_charging_settings()
    settings.update({"id": 1, "activated": False})
    settings.update(_schedule(2, "T22:30Z", 450).for_json())
    assert settings.schedules is not None
    await vehicle.set_charge_schedules(settings.schedules)
    assert len((await vehicle.get_charging_settings()).schedules or []) == 1
    freezer.tick(DELAY)
    schedules = (await vehicle.get_charging_settings()).schedules or []
    assert [(item.id, item.activated) for item in schedules] == [(1, False), (2, True)]
    assert schedules[1].monday is not None
    assert schedules[1].monday.startTime == "T22:30Z"
    assert schedules[1].monday.get_end_time() == "T06:00Z"
    assert schedules[1].saturday is None


async def test_zoe_phase_1_calendar(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """ZOE phase 1 shows its schedules as a calendar in charge-schedule."""
    _, vehicle = await _car(add_car, "zoe_40")
    await vehicle.set_charge_schedules([_schedule(1, "T01:30Z", 300)])
    freezer.tick(DELAY)
    calendar = (await vehicle.get_charge_schedule())["calendar"]
    assert calendar["monday"] == [
        {"startTime": "0130", "duration": 300, "activationState": True}
    ]
    assert calendar["sunday"] == []


async def test_hvac_schedules_round_trip(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """HVAC schedules come back in hvac-settings."""
    _, vehicle = await _car(add_car, "zoe_50")
    ready = models.HvacDaySchedule(raw_data={}, readyAtTime="T06:45Z")
    schedule = models.HvacSchedule(
        {}, 3, True, None, ready, None, None, None, None, None
    )
    await vehicle.set_hvac_schedules([schedule])
    freezer.tick(DELAY)
    settings = await vehicle.get_hvac_settings()
    assert settings.schedules is not None
    (saved,) = settings.schedules
    assert saved.id == 3
    assert saved.tuesday is not None
    assert saved.tuesday.readyAtTime == "T06:45Z"


async def test_soc_levels_round_trip(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """soc-levels answer a command; the levels follow after the delay."""
    fake, vehicle = await _car(add_car, "megane_e_tech")
    await vehicle.set_battery_soc(min=25, target=90)
    assert (await vehicle.get_battery_soc()).socTarget == 80
    freezer.tick(DELAY)
    soc = await vehicle.get_battery_soc()
    assert (soc.socMin, soc.socTarget) == (25, 90)
    assert soc.lastEnergyUpdateTimestamp == (
        fake.uploaded(Channel.BATTERY).time.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    assert fake.state.charge_target == 90


async def test_ev_settings_round_trip(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """Renault 5: charge start posts ev/settings with the programs off."""
    fake, vehicle = await _car(add_car, "renault_5")
    fake.remote_ev_settings(
        {
            "chargeModeRq": "SCHEDULED",
            "programs": [{"programActivationStatus": True, "programType": "CHARGE"}],
        }
    )
    freezer.tick(DELAY)
    fake.plug_in()
    assert not fake.state.charging
    await vehicle.set_charge_start()
    freezer.tick(DELAY)
    assert fake.state.charging
    settings = await vehicle.get_charge_schedule()
    assert settings["programs"][0]["programActivationStatus"] is False
    assert settings["lastSettingsUpdateTimestamp"] == (
        datetime.now(UTC) - DELAY + timedelta(seconds=30)
    ).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("method", "target"), [("start_horn", "horn"), ("start_lights", "lights")]
)
async def test_horn_and_lights(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, method: str, target: str
) -> None:
    """The horn and lights are recorded when the car receives the command."""
    fake, vehicle = await _car(add_car, "megane_e_tech")
    answer = await getattr(vehicle, method)()
    assert answer["data"]["attributes"] == {"action": "start", "target": target}
    assert answer["data"]["type"] == "HornLights"
    assert fake.horn_lights == []
    freezer.tick(DELAY)
    assert [name for _, name in fake.horn_lights] == [target]


async def test_refresh_location(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """A parked car's position only changes on a refresh (or a drive's end)."""
    fake, vehicle = await _car(add_car, "renault_5")
    before = await vehicle.get_location()
    fake.drive(km=12, minutes=30)
    freezer.tick(timedelta(minutes=15))
    assert (await vehicle.get_location()).raw_data == before.raw_data
    answer = await vehicle.refresh_location()
    assert answer["data"]["type"] == "RefreshLocation"
    freezer.tick(DELAY)
    after = await vehicle.get_location()
    assert after.gpsLatitude != before.gpsLatitude
    assert after.lastUpdateTime != before.lastUpdateTime

    fake.set_state(privacy_mode=True)
    with pytest.raises(PrivacyModeOnException):
        await vehicle.get_location()
    with pytest.raises(PrivacyModeOnException):
        await vehicle.refresh_location()
    assert (await vehicle.get_car_adapter()).privacyMode == "on"


async def _post(
    websession: aiohttp.ClientSession,
    cloud: FakeRenaultCloud,
    vehicle: RenaultVehicle,
    path: str,
    body: str,
) -> dict[str, Any]:
    """POST a raw body to a vehicle path; return the answer's first error."""
    url = (
        cloud.kamereon_url
        + ACCOUNT_ENDPOINT_ROOT.replace("{account_id}", vehicle.account_id)
        + path.replace("{vin}", vehicle.vin)
    )
    token = await vehicle.session._get_jwt()
    async with websession.post(
        url,
        params={"country": "FR"},
        headers={"apikey": KAMEREON_KEY, "x-gigya-id_token": token},
        data=body,
    ) as response:
        assert response.status == 400
        answer: dict[str, Any] = (await response.json())["errors"][0]
    return answer


KCA = "/kca/car-adapter/v1/cars/{vin}/actions"
KCA_V2 = "/kca/car-adapter/v2/cars/{vin}/actions"
SOC = "/kcm/v1/vehicles/{vin}/ev/soc-levels"
INVALID = "err.func.wired.invalid-body"


def _action(data_type: str, attributes: object) -> str:
    """Return a JSON:API action body."""
    return json.dumps({"data": {"type": data_type, "attributes": attributes}})


def _hvac(**attributes: object) -> str:
    """Return an HvacStart body."""
    return _action("HvacStart", attributes)


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        (f"{KCA}/hvac-start", "{not json", "err.func.wired.invalid-body-format"),
        (f"{KCA}/hvac-start", '{"data": {"type": "HvacStop"}}', INVALID),
        (f"{KCA}/hvac-start", _action("HvacStart", 3), INVALID),
        (f"{KCA}/hvac-start", _hvac(action="warm"), INVALID),
        (f"{KCA}/hvac-start", _hvac(action="start", targetTemperature="hot"), INVALID),
        (
            f"{KCA}/hvac-start",
            _hvac(action="start", targetTemperature=21, startDateTime="tomorrow"),
            INVALID,
        ),
        (
            f"{KCA}/horn-lights",
            _action("HornLights", {"action": "stop", "target": "horn"}),
            INVALID,
        ),
        (
            f"{KCA_V2}/hvac-schedule",
            _action("HvacSchedule", {"schedules": []}),
            INVALID,
        ),
        (
            f"{KCA_V2}/charge-schedule",
            _action(
                "ChargeSchedule",
                {"schedules": [{"id": 1, "monday": {"startTime": "23:00"}}]},
            ),
            INVALID,
        ),
        (SOC, '{"socMin": 90, "socTarget": 50}', INVALID),
        (SOC, "[1, 2]", INVALID),
    ],
)
async def test_bad_bodies(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    add_car: CarFactory,
    path: str,
    body: str,
    code: str,
) -> None:
    """Malformed or wrong bodies are refused the way the cloud does."""
    _, vehicle = await add_car("twingo_3")
    error = await _post(websession, cloud, vehicle, path, body)
    assert error["errorCode"] == code


@pytest.mark.parametrize(
    "body",
    [
        '{"chargeModeRq": "SOMETIMES"}',
        '{"programs": {"programType": "CHARGE"}}',
        '{"chargeTimeStart": "25:00"}',
        '{"programs": ["CHARGE"]}',
        '{"programs": [{"programType": "charge"}]}',
        '{"programs": [{"programActivationStatus": "true"}]}',
        '{"programs": [{"programDepartureTime": "7:30"}]}',
        '{"programs": [{"programActivationMonday": true, "programColour": "red"}]}',
    ],
)
async def test_bad_ev_settings(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    add_car: CarFactory,
    body: str,
) -> None:
    """ev/settings documents are checked."""
    _, vehicle = await add_car("renault_5")
    error = await _post(
        websession, cloud, vehicle, "/kcm/v1/vehicles/{vin}/ev/settings", body
    )
    assert error["errorCode"] == "err.func.wired.invalid-body"


async def test_action_answers_echo_the_request(add_car: CarFactory) -> None:
    """Action answers echo the request with an id, like the captured ones."""
    _, vehicle = await add_car("zoe_50")
    answer = await vehicle.http_post(
        ACCOUNT_ENDPOINT_ROOT + "/kca/car-adapter/v1/cars/{vin}/actions/hvac-start",
        {
            "data": {
                "type": "HvacStart",
                "attributes": {"action": "start", "targetTemperature": 21},
            }
        },
    )
    data = answer.raw_data["data"]
    assert data["type"] == "HvacStart"
    assert data["attributes"] == {"action": "start", "targetTemperature": 21}
    assert len(data["id"]) == 36


async def test_unsupported_action_refused(add_car: CarFactory) -> None:
    """Actions the car does not have answer its error, and change nothing."""
    fake, vehicle = await add_car("megane_e_tech")
    fake.plug_in()
    with pytest.raises(KamereonResponseException) as refused:
        await vehicle.http_post(
            ACCOUNT_ENDPOINT_ROOT
            + "/kca/car-adapter/v1/cars/{vin}/actions/charging-start",
            {"data": {"type": "ChargingStart", "attributes": {"action": "stop"}}},
        )
    assert refused.value.error_code == "err.func.wired.invalid-body-format"
    assert fake.state.charging
    assert all("remote" not in name for _, name in fake.pending_events)


@pytest.mark.parametrize(("profile", "duration"), [("zoe_40", 60), ("zoe_50", 3600)])
async def test_charges_and_history(
    add_car: CarFactory, freezer: FrozenDateTimeFactory, profile: str, duration: int
) -> None:
    """Finished charges are listed (minutes on ZOE phase 1) and summed per day."""
    freezer.move_to("2026-03-02 20:00:00")
    fake, vehicle = await _car(add_car, profile)
    fake.plug_in()
    freezer.tick(timedelta(hours=1))
    fake.unplug()
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    charges = (await vehicle.get_charges(start, end)).raw_data["charges"]
    assert len(charges) == 1
    charge = charges[0]
    assert charge["chargeStartDate"] == "2026-03-02T20:00:00Z"
    assert charge["chargeDuration"] == duration
    assert charge["chargeEndBatteryLevel"] > charge["chargeStartBatteryLevel"]
    assert charge["chargePower"] == "slow"
    history = await vehicle.get_charge_history(start, end, "day")
    assert history.raw_data["chargeSummaries"] == [
        {
            "day": "20260302",
            "totalChargesNumber": 1,
            "totalChargesDuration": 60,
            "totalChargesErrors": 0,
        }
    ]
    monthly = await vehicle.get_charge_history(start, end, "month")
    assert monthly.raw_data["chargeSummaries"][0]["month"] == "202603"
    later = await vehicle.get_charges(end, end)
    assert later.raw_data["charges"] == []
    none = await vehicle.get_charge_history(end, end, "day")
    assert none.raw_data["chargeSummaries"] == []


async def test_scripted_day_through_the_api(
    add_car: CarFactory, freezer: FrozenDateTimeFactory
) -> None:
    """Polling a scripted day: the data moves only at the car's uploads."""
    freezer.move_to("2026-03-02 07:00:00")
    fake, vehicle = await _car(add_car, "zoe_50")
    fake.run_day(datetime(2026, 3, 2, 7, 45, tzinfo=UTC))
    seen = []
    for hour in range(7, 24):
        freezer.move_to(f"2026-03-02 {hour:02d}:55:00")
        battery = await vehicle.get_battery_status()
        cockpit = await vehicle.get_cockpit()
        seen.append(
            (
                battery.timestamp,
                battery.batteryLevel,
                cockpit.totalMileage,
                battery.chargingStatus,
            )
        )
    timestamps = [item[0] for item in seen]
    assert timestamps == sorted(timestamps)
    mileages = [item[2] for item in seen]
    assert mileages[0] == 5785.75
    assert mileages[1] == mileages[9] == 5785.75 + 25
    assert mileages[-1] == 5785.75 + 50
    assert seen[2][3] == ChargeState.NOT_IN_CHARGE.value
    assert seen[11][3] == ChargeState.CHARGE_IN_PROGRESS.value
    assert seen[-1][1:4:2] == (100, ChargeState.CHARGE_ENDED.value)
    assert seen[11][0] == "2026-03-02T18:50:00Z"
