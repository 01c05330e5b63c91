"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.json import JSONEncoder
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


# What newer Home Assistant versions add to every entity of a platform.
VERSION_ADDITIONS = frozenset({"in_zones", "tracking_type"})


def _as_json(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return values as Home Assistant writes them in JSON, less version additions."""
    if not values:
        return None
    written: dict[str, Any] = json.loads(json.dumps(dict(values), cls=JSONEncoder))
    return {
        key: value for key, value in written.items() if key not in VERSION_ADDITIONS
    } or None


def entities_of(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, entry_id: str
) -> dict[str, dict[str, Any]]:
    """Describe an entry's entities the same way on every supported version.

    Registry entries and states are serialised differently by each Home
    Assistant version; this keeps what users see: names, classes, units,
    categories, states and attributes (as JSON).
    """
    described: dict[str, dict[str, Any]] = {}
    for entry in sorted(
        er.async_entries_for_config_entry(entity_registry, entry_id),
        key=lambda entry: entry.entity_id,
    ):
        state = hass.states.get(entry.entity_id)
        described[entry.entity_id] = {
            "unique_id": entry.unique_id,
            "translation_key": entry.translation_key,
            "device_class": entry.original_device_class,
            "entity_category": entry.entity_category,
            "unit": entry.unit_of_measurement,
            "capabilities": _as_json(entry.capabilities),
            "state": state.state if state else None,
            "attributes": _as_json(state.attributes) if state else None,
        }
    return described


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
