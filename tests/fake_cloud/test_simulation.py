"""The car simulation: events, charging, driving, uploads (no HTTP needed)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
import math
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest

from fake_renault_cloud import (
    PROFILES,
    Channel,
    Clock,
    FakeRenaultCloud,
    FakeVehicle,
    schedules,
)
from fake_renault_cloud.profiles import ChargePolicy, Settings
from fake_renault_cloud.vehicle import (
    CHARGE_ENDED,
    CHARGE_IN_PROGRESS,
    WAITING_FOR_A_PLANNED_CHARGE,
    Commute,
)

MONDAY = datetime(2026, 3, 2, 7, 45, tzinfo=UTC)


@pytest.fixture
def world(freezer: FrozenDateTimeFactory) -> FakeRenaultCloud:
    """Return a cloud (not started), with time frozen on a Monday morning."""
    freezer.move_to(MONDAY)
    return FakeRenaultCloud()


def _car(world: FakeRenaultCloud, profile: str) -> FakeVehicle:
    """Add a car of a profile to a new account."""
    user = world.get_user("sim@example.com") or world.add_user("sim@example.com", "x")
    return world.add_vehicle(world.add_account(user), profile)


def test_plugging_in_starts_a_charge_and_uploads(world: FakeRenaultCloud) -> None:
    """Plugging in uploads at once; the level then shows only every 10 minutes."""
    car = _car(world, "zoe_50")
    start = world.clock.now()
    car.plug_in()
    assert car.state.charging
    upload = car.uploaded(Channel.BATTERY)
    assert upload.time == start
    assert upload.state.charging_status == CHARGE_IN_PROGRESS

    world.clock.advance(timedelta(minutes=5))
    assert car.state.battery_level > 60
    assert car.uploaded(Channel.BATTERY).state.battery_level == 60

    world.clock.advance(timedelta(minutes=5))
    upload = car.uploaded(Channel.BATTERY)
    assert upload.time == start + timedelta(minutes=10)
    assert upload.state.battery_level == pytest.approx(60 + 7.4 / 52 * 100 / 6)
    assert car.uploaded(Channel.COCKPIT).time == start


def test_charge_ends_at_the_target(world: FakeRenaultCloud) -> None:
    """The charge stops at 100 % (or the soc target) and is recorded."""
    zoe = _car(world, "zoe_50")
    megane = _car(world, "megane_e_tech")
    start = world.clock.now()
    zoe.plug_in()
    megane.plug_in()
    world.clock.advance(timedelta(hours=12))

    assert zoe.state.battery_level == 100
    assert zoe.state.charging_status == CHARGE_ENDED
    assert not zoe.state.charging
    (session,) = zoe.charge_sessions
    assert session.start == start
    # 60 % → 92 % at 7.4 kW, then the power falls linearly to 30 % of it at
    # 100 %: ∫ dL / (1 - 0.7 (L - 92) / 8) over 0..8 = -ln(0.3) * 8 / 0.7.
    hours_per_point = 52 / 100 / 7.4
    hours = hours_per_point * (32 - math.log(0.3) * 8 / 0.7)
    assert (session.end - start).total_seconds() == pytest.approx(hours * 3600, abs=5)
    assert session.energy_kwh == pytest.approx(0.4 * 52)
    assert zoe.uploaded(Channel.BATTERY).time == session.end

    assert megane.state.battery_level == 80
    assert megane.charge_sessions[0].end_level == 80


def test_unplugging_ends_the_charge(world: FakeRenaultCloud) -> None:
    """Unplugging records the charge so far; ZOE phase 1 then reports -1.0."""
    car = _car(world, "zoe_40")
    car.plug_in()
    world.clock.advance(timedelta(minutes=30))
    car.unplug()
    state = car.state
    assert not state.plugged
    assert state.charging_status == -1.0
    assert car.charge_sessions[0].duration == timedelta(minutes=30)
    car.unplug()  # nothing more happens
    assert len(car.charge_sessions) == 1


def test_plugging_in_a_full_car(world: FakeRenaultCloud) -> None:
    """A full car reports the charge as ended."""
    car = _car(world, "twingo_3")
    car.set_state(battery_level=80.0)
    car.plug_in()
    car.plug_in()
    assert car.state.charging_status == CHARGE_ENDED
    assert car.charge_sessions == []


def test_a_drive_uploads_on_arrival(world: FakeRenaultCloud) -> None:
    """During a drive nothing is uploaded; at ignition off, everything is."""
    car = _car(world, "zoe_50")
    before = car.uploaded(Channel.COCKPIT)
    arrival = car.drive(km=20, minutes=30, to=(48.9, 2.4))
    assert arrival == world.clock.now() + timedelta(minutes=30)

    world.clock.advance(timedelta(minutes=15))
    state = car.state
    assert state.driving
    assert state.mileage_km == pytest.approx(5785.75 + 10)
    assert car.uploaded(Channel.COCKPIT) is before

    world.clock.advance(timedelta(minutes=15))
    state = car.state
    assert not state.driving
    assert (state.latitude, state.longitude) == (48.9, 2.4)
    assert state.battery_level == pytest.approx(60 - 20 * 0.17 / 52 * 100)
    for channel in Channel:
        assert car.uploaded(channel).time == arrival


def test_driving_unplugs_and_burns_fuel(world: FakeRenaultCloud) -> None:
    """A drive unplugs the car; hybrids use the battery, then fuel."""
    phev = _car(world, "captur_phev")
    phev.plug_in()
    phev.drive(km=100, minutes=0)
    state = phev.state
    assert not state.plugged
    assert state.battery_level == pytest.approx(0)
    electric_km = 0.6 * 9.8 / 18 * 100
    assert state.fuel_litres == pytest.approx(30 - (100 - electric_km) * 0.055)

    duster = _car(world, "duster")
    duster.drive(km=50, minutes=40)
    world.clock.advance(timedelta(minutes=40))
    assert duster.state.fuel_litres == pytest.approx(40 - 2.9)
    with pytest.raises(ValueError, match="no charging plug"):
        duster.plug_in()
    with pytest.raises(ValueError, match="positive"):
        duster.drive(km=-1, minutes=3)


def test_a_new_drive_ends_the_current_one(world: FakeRenaultCloud) -> None:
    """Starting a drive (or plugging in) while driving ends the drive there."""
    car = _car(world, "zoe_50")
    car.drive(km=30, minutes=60)
    world.clock.advance(timedelta(minutes=30))
    car.drive(km=10, minutes=10)
    world.clock.advance(timedelta(minutes=30))
    assert car.state.mileage_km == pytest.approx(5785.75 + 15 + 10)

    car.drive(km=10, minutes=10)
    world.clock.advance(timedelta(minutes=5))
    car.plug_in()
    assert car.state.mileage_km == pytest.approx(5785.75 + 30)
    assert car.state.charging


def test_locks_and_doors(world: FakeRenaultCloud) -> None:
    """Lock changes and doors upload the lock channel."""
    car = _car(world, "austral")
    world.clock.advance(timedelta(minutes=1))
    car.open_door("hatch")
    upload = car.uploaded(Channel.LOCK)
    assert upload.time == world.clock.now()
    assert upload.state.doors_open["hatch"]
    assert not upload.state.locked
    car.close_door("hatch")
    car.lock()
    assert car.uploaded(Channel.LOCK).state.locked
    car.unlock()
    assert not car.uploaded(Channel.LOCK).state.locked
    with pytest.raises(ValueError, match="unknown door"):
        car.open_door("sunroof")


def test_set_state_and_upload(world: FakeRenaultCloud) -> None:
    """Tests may set plain values; the simulation keeps its own ones."""
    car = _car(world, "zoe_50")
    car.set_state(battery_level=12.0, upload=False)
    assert car.uploaded(Channel.BATTERY).state.battery_level == 60
    car.upload(Channel.BATTERY)
    assert car.uploaded(Channel.BATTERY).state.battery_level == 12
    car.set_state(external_temperature=-3.0)
    assert car.uploaded(Channel.HVAC).state.external_temperature == -3
    with pytest.raises(ValueError, match="through events"):
        car.set_state(charging=True)
    with pytest.raises(ValueError, match="unknown"):
        car.set_state(warp_drive=True)
    assert repr(car).startswith("FakeVehicle('zoe_50'")
    assert car.state.as_dict()["battery_level"] == 12


def test_scripted_day(world: FakeRenaultCloud) -> None:
    """A commuting day: two trips, a plug-in at 18:30, then a full charge."""
    car = _car(world, "zoe_50")
    car.plug_in()
    plan = car.run_day(MONDAY)
    assert [name for _, name in plan] == [
        "unplug",
        "unlock",
        "at work",
        "lock",
        "unlock",
        "at home",
        "lock",
        "plug in",
    ]
    assert plan[2][0] == MONDAY + timedelta(minutes=35)
    assert plan[-1][0] == MONDAY.replace(hour=18, minute=30)
    timestamps = []
    for hour in range(9, 24):
        world.clock.set(MONDAY.replace(hour=hour))
        timestamps.append(car.uploaded(Channel.BATTERY).time)
    assert timestamps == sorted(timestamps)
    assert len(set(timestamps)) > 5
    state = car.state
    assert state.mileage_km == pytest.approx(5785.75 + 50)
    assert state.battery_level == 100
    assert state.charging_status == CHARGE_ENDED
    assert state.locked
    assert car.uploaded(Channel.COCKPIT).time == MONDAY.replace(hour=18, minute=20)


def test_scripted_day_of_a_fuel_car(world: FakeRenaultCloud) -> None:
    """Fuel cars commute too (without the plug)."""
    car = _car(world, "duster")
    plan = car.run_day(
        commute=Commute(km=10, minutes=20, back_after=timedelta(hours=1))
    )
    assert "plug in" not in [name for _, name in plan]
    world.clock.advance(timedelta(hours=2))
    assert car.state.mileage_km == pytest.approx(8421 + 20)
    assert car.pending_events == []


def test_scheduled_charging(world: FakeRenaultCloud) -> None:
    """In scheduled mode the car waits for its window, charges, then waits again."""
    car = _car(world, "twingo_3")
    car.action_delay = 0
    car.set_state(battery_level=20.0)
    car.remote_charge_schedules(
        [
            {
                "id": 1,
                "activated": True,
                **{
                    day: {"startTime": "T09:00Z", "duration": 60}
                    for day in ("monday", "tuesday")
                },
            }
        ]
    )
    car.remote_charge_mode("scheduled")
    assert car.charge_policy() is ChargePolicy.SCHEDULED
    car.plug_in()
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    world.clock.set(MONDAY.replace(hour=9, minute=30))
    assert car.state.charging
    world.clock.set(MONDAY.replace(hour=10, minute=30))
    state = car.state
    assert not state.charging
    assert state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    assert car.charge_sessions[0].end == MONDAY.replace(hour=10, minute=0)
    tomorrow = MONDAY.replace(hour=9, minute=0) + timedelta(days=1)
    assert (tomorrow, "planned charge starts") in car.pending_events

    car.remote_charge_mode("always")
    assert car.state.charging


def test_kcm_window_in_the_cars_own_time(world: FakeRenaultCloud) -> None:
    """A KCM car charges from chargeTimeStart, its local time, for chargeDuration."""
    car = _car(world, "renault_5")
    car.action_delay = 0
    car.zone = ZoneInfo("Europe/Paris")  # UTC+1 in March
    car.set_state(battery_level=20.0)
    car.remote_ev_settings(
        {
            "chargeModeRq": "SCHEDULED",
            "chargeTimeStart": "10:30",
            "chargeDuration": 60,
            "programs": [{"programActivationStatus": True, "programType": "CHARGE"}],
        }
    )
    car.plug_in()
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    world.clock.set(MONDAY.replace(hour=9, minute=45))
    assert car.state.charging
    world.clock.set(MONDAY.replace(hour=11))
    assert not car.state.charging
    [session] = car.charge_sessions
    assert (session.start, session.end) == (
        MONDAY.replace(hour=9, minute=30),
        MONDAY.replace(hour=10, minute=30),
    )


def test_a_new_schedule_with_a_window_now_keeps_the_charge(
    world: FakeRenaultCloud,
) -> None:
    """Rewritten with a window running now, a planned charge goes on to its end."""
    car = _car(world, "megane_e_tech")
    car.action_delay = 0
    car.set_state(battery_level=20.0)

    def window(start: str, minutes: int) -> list[dict[str, object]]:
        return [
            {
                "id": 1,
                "activated": True,
                "monday": {"startTime": start, "duration": minutes},
            }
        ]

    car.remote_charge_schedules(window("T09:00Z", 30))
    car.remote_charge_mode("scheduled")
    car.plug_in()
    world.clock.set(MONDAY.replace(hour=9, minute=15))
    assert car.state.charging
    car.remote_charge_schedules(window("T09:15Z", 60))
    world.clock.set(MONDAY.replace(hour=9, minute=45))
    assert car.state.charging  # the first window's end no longer stops it
    world.clock.set(MONDAY.replace(hour=10, minute=20))
    assert not car.state.charging
    [session] = car.charge_sessions
    assert session.end == MONDAY.replace(hour=10, minute=15)
    # A schedule without a window now stops a planned charge at once.
    world.clock.set(MONDAY.replace(hour=10, minute=30))
    car.remote_charge_schedules(window("T10:30Z", 60))
    assert car.state.charging
    car.remote_charge_schedules(window("T12:00Z", 60))
    assert not car.state.charging
    assert len(car.charge_sessions) == 2


def test_switching_to_scheduled_stops_an_unplanned_charge(
    world: FakeRenaultCloud,
) -> None:
    """A charge started by plugging in stops when the mode becomes scheduled."""
    car = _car(world, "zoe_40")
    car.action_delay = 0
    car.plug_in()
    car.remote_charge_schedules(
        [
            {
                "id": 1,
                "activated": True,
                "sunday": {"startTime": "T01:00Z", "duration": 300},
            }
        ]
    )
    car.remote_charge_mode("schedule_mode")
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    assert car.settings.charge_mode == "schedule_mode"

    car.remote_charge_start()
    assert car.state.charging  # forced: the schedule does not stop it
    car.remote_charge_schedules(
        [
            {
                "id": 1,
                "activated": False,
                "monday": {"startTime": "T01:00Z", "duration": 60},
            }
        ]
    )
    assert car.state.charging


def test_kcm_settings_schedule(world: FakeRenaultCloud) -> None:
    """KCM cars charge at chargeTimeStart when a charge program is active."""
    car = _car(world, "renault_5")
    car.action_delay = 0
    car.remote_ev_settings(
        {
            "chargeModeRq": "SCHEDULED",
            "chargeTimeStart": "23:30",
            "programs": [
                {"programActivationStatus": True, "programType": "CHARGE"},
            ],
        }
    )
    car.plug_in()
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    world.clock.set(MONDAY.replace(hour=23, minute=45))
    assert car.state.charging
    world.clock.advance(timedelta(hours=5))
    assert car.state.charging_status == CHARGE_ENDED
    assert car.state.battery_level == 80


def test_delayed_charge(world: FakeRenaultCloud) -> None:
    """A charge start with a time waits until then."""
    car = _car(world, "megane_e_tech")
    car.plug_in()
    car.remote_charge_stop()
    world.clock.advance(timedelta(seconds=30))
    assert not car.state.charging
    car.remote_charge_start(MONDAY + timedelta(hours=2))
    world.clock.advance(timedelta(seconds=30))
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    world.clock.set(MONDAY + timedelta(hours=2, minutes=1))
    assert car.state.charging

    car.remote_charge_start(MONDAY + timedelta(hours=4))
    world.clock.advance(timedelta(seconds=30))
    car.unplug()
    world.clock.set(MONDAY + timedelta(hours=5))
    assert not car.state.charging


def test_soc_target_changes(world: FakeRenaultCloud) -> None:
    """Lowering the target ends the charge; raising it resumes charging."""
    car = _car(world, "megane_e_tech")
    car.action_delay = 0
    car.plug_in()
    car.remote_soc_levels(20, 70)
    assert car.state.charging_status == CHARGE_ENDED
    car.remote_soc_levels(20, 90)
    assert car.state.charging
    assert car.settings.soc_target == 90
    car.unplug()
    car.remote_soc_levels(15, 85)
    assert car.state.charge_target == 85


def test_hvac(world: FakeRenaultCloud) -> None:
    """The HVAC runs 15 minutes; a planned start shows in advance."""
    car = _car(world, "zoe_50")
    car.remote_hvac_start(21.0)
    assert not car.state.hvac_on
    world.clock.advance(timedelta(seconds=30))
    assert car.uploaded(Channel.HVAC).state.hvac_on
    world.clock.advance(timedelta(minutes=15))
    state = car.state
    assert not state.hvac_on
    assert state.internal_temperature == 21
    assert state.battery_level < 60

    later = world.clock.now() + timedelta(hours=1)
    car.remote_hvac_start(19.0, later)
    world.clock.advance(timedelta(seconds=30))
    assert car.uploaded(Channel.HVAC).state.next_hvac_start == later
    # The Zoe phase 2 ignores "cancel" (renault-api's note): the start stays.
    car.remote_hvac_stop("cancel")
    world.clock.advance(timedelta(hours=2))
    assert car.state.next_hvac_start is None
    assert car.state.internal_temperature == 19


def test_hvac_cancel_ignored_by_some_cars(world: FakeRenaultCloud) -> None:
    """Megane accepts cancel but only stops on stop."""
    car = _car(world, "megane_e_tech")
    car.action_delay = 0
    car.remote_hvac_start(22.0)
    car.remote_hvac_stop("cancel")
    assert car.state.hvac_on
    car.remote_hvac_stop("stop")
    assert not car.state.hvac_on
    world.clock.advance(timedelta(minutes=20))
    assert not car.state.hvac_on


def test_charge_mode_pending(world: FakeRenaultCloud) -> None:
    """A charge mode change is pending until the car received it."""
    car = _car(world, "zoe_40")
    assert not car.charge_mode_pending()
    car.remote_charge_mode("schedule_mode")
    assert car.charge_mode_pending()
    world.clock.advance(timedelta(seconds=31))
    assert not car.charge_mode_pending()


def test_remote_commands_without_effect(world: FakeRenaultCloud) -> None:
    """Horn and lights are recorded; a refresh uploads the position."""
    car = _car(world, "renault_5")
    car.action_delay = 0
    car.remote_horn_lights("horn")
    assert car.horn_lights == [(world.clock.now(), "horn")]
    car.drive(km=10, minutes=20)
    world.clock.advance(timedelta(minutes=10))
    car.remote_refresh_location()
    assert car.uploaded(Channel.LOCATION).state.latitude == pytest.approx(
        car.state.latitude
    )
    car.set_state(privacy_mode=True)
    before = car.uploaded(Channel.LOCATION)
    car.remote_refresh_location()
    assert car.uploaded(Channel.LOCATION) is before


def test_time_going_back(
    world: FakeRenaultCloud, freezer: FrozenDateTimeFactory
) -> None:
    """When frozen time moves back, the simulation waits for it to catch up."""
    car = _car(world, "zoe_50")
    car.plug_in()
    freezer.move_to(MONDAY - timedelta(hours=1))
    car.unplug()
    assert car.state.charging
    freezer.move_to(MONDAY + timedelta(hours=1))
    assert not car.state.charging
    assert car.charge_sessions[0].duration == timedelta(0)
    assert car.uploaded(Channel.BATTERY).time == MONDAY


def test_clock() -> None:
    """The clock moves forward only, and follows the real time."""
    clock = Clock()
    before = clock.now()
    after = clock.advance(90)
    assert after - before >= timedelta(seconds=90)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="timezone"):
        clock.set(datetime(2026, 1, 1))  # noqa: DTZ001
    assert clock.timestamp() >= after.timestamp()


def test_scheduled_edge_cases(world: FakeRenaultCloud) -> None:
    """A full car ends at once; no active schedule means waiting; replans win."""
    car = _car(world, "twingo_3")
    car.action_delay = 0
    car.remote_charge_mode("scheduled")
    car.set_state(battery_level=80.0)
    car.plug_in()
    assert car.state.charging_status == CHARGE_ENDED
    car.unplug()

    car.set_state(battery_level=30.0)
    car.plug_in()
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    first_window = [name for _, name in car.pending_events]
    assert "planned charge starts" in first_window
    car.remote_charge_schedules(
        [
            {
                "id": 1,
                "activated": True,
                "monday": {"startTime": "T12:00Z", "duration": 30},
            }
        ]
    )
    world.clock.set(MONDAY.replace(hour=12, minute=10))
    assert car.state.charging
    car.unplug()
    world.clock.set(MONDAY.replace(hour=13))
    assert not car.state.charging

    car.remote_charge_schedules([{"id": 1, "activated": False}])
    car.plug_in()
    assert car.state.charging_status == WAITING_FOR_A_PLANNED_CHARGE
    assert [name for _, name in car.pending_events] == []


def test_cars_without_settings_charge_when_plugged(world: FakeRenaultCloud) -> None:
    """A profile without charge settings always charges at once."""
    spring = PROFILES["spring"]
    simple = dataclasses.replace(spring, name="simple", settings=Settings.NONE)
    user = world.add_user("simple@example.com", "x")
    car = world.add_vehicle(world.add_account(user), simple)
    car.action_delay = 0
    car.remote_charge_mode("scheduled")
    assert car.charge_policy() is ChargePolicy.ALWAYS
    car.plug_in()
    assert car.state.charging


def test_hvac_on_a_plugged_car(world: FakeRenaultCloud) -> None:
    """The HVAC of a plugged-in car does not drain its battery."""
    car = _car(world, "spring")
    car.action_delay = 0
    car.plug_in()
    car.remote_charge_stop()
    car.remote_hvac_start(20.0, world.clock.now() + timedelta(minutes=5))
    assert car.state.as_dict()["next_hvac_start"] == (
        (MONDAY + timedelta(minutes=5)).isoformat()
    )
    world.clock.advance(timedelta(minutes=25))
    assert car.state.battery_level == 50


def test_removing_a_car_linked_twice(world: FakeRenaultCloud) -> None:
    """A car can be in two accounts; removing it takes it out of both."""
    car = _car(world, "zoe_50")
    user = world.users["sim@example.com"]
    first, second = user.accounts[0], world.add_account(user)
    world.add_account(user)
    world.link_vehicle(second, car)
    world.remove_vehicle(car)
    assert first.vehicles == second.vehicles == []


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("monday", "must be an object"),
        ({"activated": True}, "integer id"),
        ({"id": True}, "integer id"),
        ({"id": 1, "activated": "yes"}, "true or false"),
        ({"id": 1, "monday": "T01:00Z"}, "object or null"),
        ({"id": 1, "monday": {"startTime": "1:00", "duration": 60}}, "THH:MMZ"),
        ({"id": 1, "monday": {"startTime": "T01:00Z", "duration": 5}}, "duration"),
    ],
)
def test_charge_schedule_checks(schedule: object, message: str) -> None:
    """Charge schedules are checked field by field."""
    with pytest.raises(schedules.ScheduleError, match=message):
        schedules.charge_schedule(schedule)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (3, "must be an object"),
        ({"id": 1, "friday": []}, "object or null"),
        ({"id": 1, "friday": {"readyAtTime": "T25:00Z"}}, "THH:MMZ"),
    ],
)
def test_hvac_schedule_checks(schedule: object, message: str) -> None:
    """HVAC schedules are checked field by field."""
    with pytest.raises(schedules.ScheduleError, match=message):
        schedules.hvac_schedule(schedule)


def test_schedule_lists() -> None:
    """A list needs schedules with unique ids; clock times are checked too."""
    with pytest.raises(schedules.ScheduleError, match="unique"):
        schedules.schedule_list([{"id": 1}, {"id": 1}], schedules.hvac_schedule)
    with pytest.raises(schedules.ScheduleError, match="HH:MM"):
        schedules.parse_clock_time(730)
    assert schedules.compact({"id": 1, "monday": None}) == {"id": 1}
