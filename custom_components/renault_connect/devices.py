"""The account's cars as Home Assistant knows them: devices and the entry's choice."""

from __future__ import annotations

from collections.abc import Iterable, Set as AbstractSet

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .const import CONF_AUTO_ADD, CONF_KNOWN_VEHICLES, CONF_VEHICLES, DOMAIN


@callback
def async_follow_account(
    hass: HomeAssistant,
    entry: ConfigEntry,
    present: AbstractSet[str],
    departed: AbstractSet[str],
) -> None:
    """Record new and departed vehicles in the options, adding new ones if asked.

    Only a departure the vehicle list proved (see departures.py) removes a
    car from the user's choice; a car merely missing from one list stays.
    """
    options = entry.options
    known = set(options[CONF_KNOWN_VEHICLES])
    now_known = (known | present) - departed
    if now_known == known:
        return
    selected = set(options[CONF_VEHICLES])
    if options[CONF_AUTO_ADD]:
        selected |= present - known
    hass.config_entries.async_update_entry(
        entry,
        options={
            **options,
            CONF_KNOWN_VEHICLES: sorted(now_known),
            CONF_VEHICLES: sorted(selected - departed),
        },
    )


@callback
def async_register_devices(
    hass: HomeAssistant, entry: ConfigEntry, devices: Iterable[DeviceInfo]
) -> None:
    """Register the account's and chosen cars' devices, and drop the others."""
    device_registry = dr.async_get(hass)
    kept: set[tuple[str, str]] = set()
    for device_info in devices:
        device_registry.async_get_or_create(
            config_entry_id=entry.entry_id, **device_info
        )
        kept |= device_info.get("identifiers", set())
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        if not any(
            domain == DOMAIN and (domain, identifier) in kept
            for domain, identifier in device.identifiers
        ):
            device_registry.async_update_device(
                device.id, remove_config_entry_id=entry.entry_id
            )
