"""The demo world: one driver with two-factor login and four cars."""

from __future__ import annotations

from .clock import Clock
from .cloud import FakeRenaultCloud

DEMO_EMAIL = "demo@renault-connect.example"
DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo account
DEMO_PROFILES = ("zoe_50", "megane_e_tech", "spring", "captur_phev")


def build_demo_cloud(clock: Clock | None = None) -> FakeRenaultCloud:
    """Return a cloud (not started) holding the demo account.

    The user needs a two-factor code, sent to the login address. A MYRENAULT
    account holds a ZOE (phase 2), a Megane E-Tech, a Spring and a Captur
    plug-in hybrid; an SFDC account holds nothing. The cars' pictures are
    the cloud's own.
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
        cloud.add_vehicle(account, profile)
    cloud.add_account(user, account_type="SFDC")
    return cloud
