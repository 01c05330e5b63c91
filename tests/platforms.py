"""Set up one vehicle of a profile with a single platform, for platform tests."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from pytest_homeassistant_custom_component.common import MockConfigEntry
from renault_api.renault_session import RenaultSession

from custom_components.renault_connect.const import (
    CONF_AUTO_ADD,
    CONF_DEVICE_IDS,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_KNOWN_VEHICLES,
    CONF_LOCALE,
    CONF_LOGIN_TOKEN,
    CONF_VEHICLE_SETTINGS,
    CONF_VEHICLES,
    DOMAIN,
)
from fake_renault_cloud import FakeRenaultCloud

from .const import LOCALE

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
    session = RenaultSession(
        websession=async_get_clientsession(hass),
        locale=LOCALE,
        locale_details=fake_cloud.locale_details(LOCALE),
    )
    await session.login(email, "password")
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=account.account_id,
        data={
            CONF_LOCALE: LOCALE,
            CONF_USERNAME: email,
            CONF_PASSWORD: "password",
            CONF_KAMEREON_ACCOUNT_ID: account.account_id,
            CONF_LOGIN_TOKEN: session.login_token,
            CONF_DEVICE_IDS: session.device_ids,
        },
        options={
            CONF_VEHICLES: [VIN],
            CONF_KNOWN_VEHICLES: [VIN],
            CONF_AUTO_ADD: True,
            CONF_VEHICLE_SETTINGS: {},
        },
    )
    entry.add_to_hass(hass)
    with patch("custom_components.renault_connect.PLATFORMS", list(platforms)):
        assert await hass.config_entries.async_setup(entry.entry_id) is expect_loaded
        await hass.async_block_till_done()
    return entry
