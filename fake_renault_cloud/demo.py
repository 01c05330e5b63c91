"""The demo world: one driver with two-factor login and four cars."""

from __future__ import annotations

from datetime import timedelta

from .clock import Clock
from .cloud import FakeRenaultCloud
from .vehicle import ChargeSession, FakeVehicle

DEMO_EMAIL = "demo@renault-connect.example"
DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo account
DEMO_PROFILES = ("zoe_50", "megane_e_tech", "spring", "captur_phev")
# The ZOE charged on each of these past evenings (days ago: levels from, to),
# so that the Energy dashboard has a week to show.
DEMO_CHARGES = {
    7: (35, 80),
    6: (52, 80),
    5: (40, 90),
    4: (61, 80),
    3: (30, 80),
    2: (55, 100),
}
DEMO_CHARGE_START_HOUR = 19


def _seed_charges(car: FakeVehicle, clock: Clock) -> None:
    """Give the car a week of evening charges at its full power."""
    powertrain = car.profile.powertrain
    today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for days_ago, (start_level, end_level) in DEMO_CHARGES.items():
        energy = (end_level - start_level) / 100 * powertrain.battery_kwh
        start = today - timedelta(days=days_ago, hours=-DEMO_CHARGE_START_HOUR)
        car.add_charge_session(
            ChargeSession(
                start=start,
                end=start + timedelta(hours=energy / powertrain.charge_kw),
                start_level=start_level,
                end_level=end_level,
                energy_kwh=round(energy, 2),
                power_kw=powertrain.charge_kw,
            )
        )


def build_demo_cloud(clock: Clock | None = None) -> FakeRenaultCloud:
    """Return a cloud (not started) holding the demo account.

    The user needs a two-factor code, sent to the login address. A MYRENAULT
    account holds a ZOE (phase 2), a Megane E-Tech, a Spring and a Captur
    plug-in hybrid; an SFDC account holds nothing. The cars' pictures are
    the cloud's own; the ZOE charged on six evenings of the past week.
    """
    cloud = FakeRenaultCloud(clock)
    cloud.serve_pictures = True
    user = cloud.add_user(
        DEMO_EMAIL,
        DEMO_PASSWORD,
        tfa_emails=[DEMO_EMAIL],
        first_name="Camille",
        last_name="Demo",
    )
    account = cloud.add_account(user)
    for profile in DEMO_PROFILES:
        car = cloud.add_vehicle(account, profile)
        if profile == "zoe_50":
            _seed_charges(car, cloud.clock)
    cloud.add_account(user, account_type="SFDC")
    return cloud
