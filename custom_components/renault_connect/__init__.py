"""The Renault Connect integration: Renault, Dacia and Alpine cars in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
)
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .contracts import async_delete_entry_issues
from .hub import RenaultConnectConfigEntry, RenaultHub
from .repairs import async_clear_account_gone
from .services import async_setup_services
from .storage import async_remove_entry_storage

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.DEVICE_TRACKER,
    Platform.IMAGE,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]


async def async_setup(
    hass: HomeAssistant,
    config: ConfigType,  # noqa: ARG001 - part of Home Assistant's signature
) -> bool:
    """Register the integration's actions, whether or not an entry is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: RenaultConnectConfigEntry
) -> bool:
    """Connect to the account of a config entry and register its vehicles."""
    hub = RenaultHub(hass, entry)
    await hub.async_setup()
    entry.runtime_data = hub
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: RenaultConnectConfigEntry
) -> bool:
    """Unload the platforms of a config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    device: dr.DeviceEntry,
) -> bool:
    """Let the user delete the device of a vehicle that left the account.

    The account's own device stays while the entry does.
    """
    hub = entry.runtime_data
    kept = {*hub.vehicles_coordinator.data, hub.account_id}
    return not any(
        domain == DOMAIN and identifier in kept
        for domain, identifier in device.identifiers
    )


async def async_remove_entry(
    hass: HomeAssistant, entry: RenaultConnectConfigEntry
) -> None:
    """Forget what a removed entry learned, and its repair issues."""
    async_clear_account_gone(hass, entry)
    async_delete_entry_issues(hass, entry.entry_id)
    await async_remove_entry_storage(hass, entry.entry_id)
