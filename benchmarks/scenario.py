"""The benchmark's world: who drives what, and the scripted day.

Every fleet belongs to its own fake-cloud user (so that the request log tells
the integrations apart) and holds ZOE ph2 cars (a model both integrations and
every renault-api version know). A car's day, local time (Europe/Paris), with
car ``i`` of a fleet starting ``4 * i`` minutes later than car 0:

* 00:00 parked at home, unplugged, locked; the entry is set up;
* 07:30 unplugged and unlocked, drives 30 km in 40 minutes to work (uploads on
  arrival), locked;
* 17:30 drives home (uploads on arrival), locked; 19:00 plugged in: the car is
  in scheduled charge mode, so it waits for its off-peak window;
* 19:10 "start charging" is pressed in Home Assistant: the car starts after
  its 30-second action delay and uploads its battery every 10 minutes until
  full (about 23:00);
* the night: parked, plugged in, full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fake_renault_cloud import FakeRenaultCloud, FakeVehicle
from fake_renault_cloud.profiles import ChargePolicy
from fake_renault_cloud.vehicle import Commute

DAY = date(2026, 11, 2)  # a Monday
TIME_ZONE_NAME = "Europe/Paris"
TIME_ZONE = ZoneInfo(TIME_ZONE_NAME)
LOCALE = "fr_FR"
PROFILE = "zoe_50"
PASSWORD = "benchmark"  # noqa: S105 - a fake cloud's fake password
STAGGER = timedelta(minutes=4)
LEAVE_HOME = time(7, 30)
PRESS_START = time(19, 10)
COMMUTE = Commute(
    km=30.0,
    minutes=40.0,
    back_after=timedelta(hours=10),
    plug_in_after=timedelta(minutes=50),
)
FIRST_BATTERY_LEVEL = 75.0
BATTERY_LEVEL_STEP = 2.0


def local(day: date, at: time) -> datetime:
    """Return a local time of the benchmark's time zone."""
    return datetime.combine(day, at, TIME_ZONE)


def midnight() -> datetime:
    """Return when the entries are set up (the start of the scripted day)."""
    return local(DAY, time(0, 0))


@dataclass
class Fleet:
    """One integration's account and cars for one fleet size."""

    domain: str
    size: int
    email: str
    vehicles: list[FakeVehicle]
    presses: list[tuple[datetime, str]] = field(default_factory=list)
    """When "start charging" is pressed, and on which car (VIN)."""

    @property
    def vins(self) -> list[str]:
        """Return the VINs of the fleet's cars."""
        return [vehicle.vin for vehicle in self.vehicles]


def add_fleet(cloud: FakeRenaultCloud, domain: str, size: int, tag: str) -> Fleet:
    """Create a user, an account and ``size`` parked cars in the cloud."""
    email = f"{tag}@bench.example"
    user = cloud.add_user(email, PASSWORD, first_name="Bench", last_name=tag)
    account = cloud.add_account(user)
    vehicles = []
    for index in range(size):
        vehicle = cloud.add_vehicle(account, PROFILE)
        vehicle.set_state(
            battery_level=FIRST_BATTERY_LEVEL - BATTERY_LEVEL_STEP * index
        )
        _charge_on_schedule(vehicle)
        vehicles.append(vehicle)
    return Fleet(domain=domain, size=size, email=email, vehicles=vehicles)


def _charge_on_schedule(vehicle: FakeVehicle) -> None:
    """Put the car in scheduled charge mode: plugging in does not start a charge."""
    mode = next(
        name
        for name, policy in vehicle.profile.charge_modes.items()
        if policy is ChargePolicy.SCHEDULED
    )
    vehicle.settings.charge_mode = mode
    vehicle.settings.charge_policy = ChargePolicy.SCHEDULED


def plan_day(fleet: Fleet) -> None:
    """Schedule every car's commute and plug-in, and the button presses."""
    for index, vehicle in enumerate(fleet.vehicles):
        offset = STAGGER * index
        vehicle.run_day(start=local(DAY, LEAVE_HOME) + offset, commute=COMMUTE)
        fleet.presses.append((local(DAY, PRESS_START) + offset, vehicle.vin))
