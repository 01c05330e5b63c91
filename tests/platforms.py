"""Set up one vehicle of a profile with a single platform, for platform tests."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from fake_renault_cloud import FakeRenaultCloud

from .common import add_logged_in_entry

# Every fake-cloud vehicle profile the integration is checked against.
ALL_PROFILES = (
    "zoe_40",
    "zoe_50",
    "megane_e_tech",
    "spring",
    "renault_5",
    "alpine_a290",
    "captur_phev",
    "captur_fuel",
    "twingo_3",
    "duster",
    "austral",
)
VIN = "VF1PROFILE0000001"
PLATE = "AA-001-AA"


async def setup_profile(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    profile: str,
    *platforms: Platform,
    expect_loaded: bool = True,
) -> MockConfigEntry:
    """Add an account with one car of the profile and set up platforms for it."""
    email = f"{profile}@example.com"
    user = fake_cloud.add_user(email, "password")
    account = fake_cloud.add_account(user, account_id=f"account-{profile}")
    fake_cloud.add_vehicle(account, profile, vin=VIN, registration=PLATE)
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email=email,
        password="password",
        account_id=account.account_id,
        vins=[VIN],
    )
    with patch("custom_components.renault_connect.PLATFORMS", list(platforms)):
        assert await hass.config_entries.async_setup(entry.entry_id) is expect_loaded
        await hass.async_block_till_done()
    return entry
