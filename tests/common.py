"""Helpers shared by the tests."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from renault_api.kamereon.models import KamereonVehicleDetails
from renault_api.kamereon.schemas import KamereonVehicleDetailsResponseSchema
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


def vehicle_details(**fields: str) -> KamereonVehicleDetails:
    """Parse vehicle details the way the library does; groups take a label."""
    raw: dict[str, object] = {
        key: {"code": value, "label": value}
        if key in {"brand", "model", "energy"}
        else value
        for key, value in fields.items()
    }
    details: KamereonVehicleDetails = KamereonVehicleDetailsResponseSchema.load(raw)
    return details


def vehicle_device(
    device_registry: dr.DeviceRegistry, entry: MockConfigEntry, vin: str
) -> dr.DeviceEntry | None:
    """Return the device of a vehicle of an entry (works on every supported version)."""
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(
                device_registry, entry.entry_id
            )
            if (DOMAIN, vin) in device.identifiers
        ),
        None,
    )


async def add_logged_in_entry(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    *,
    email: str,
    password: str,
    account_id: str,
    vins: list[str],
) -> MockConfigEntry:
    """Add an entry as the config flow stores it, with a real login token."""
    session = RenaultSession(
        websession=async_get_clientsession(hass),
        locale=LOCALE,
        locale_details=fake_cloud.locale_details(LOCALE),
    )
    await session.login(email, password)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Camille Martin (MyRenault)",
        unique_id=account_id,
        data={
            CONF_LOCALE: LOCALE,
            CONF_USERNAME: email,
            CONF_PASSWORD: password,
            CONF_KAMEREON_ACCOUNT_ID: account_id,
            CONF_LOGIN_TOKEN: session.login_token,
            CONF_DEVICE_IDS: session.device_ids,
        },
        options={
            CONF_VEHICLES: vins,
            CONF_KNOWN_VEHICLES: sorted(vins),
            CONF_AUTO_ADD: True,
            CONF_VEHICLE_SETTINGS: {},
        },
    )
    entry.add_to_hass(hass)
    return entry


async def wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Let time pass, firing what was scheduled, and wait for the reads it started."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
