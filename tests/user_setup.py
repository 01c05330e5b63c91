"""What a user set up, captured to prove that no fault, restart or race loses it.

A user names and places devices and entities (kept in the registries by id),
chooses cars and settings (the entry's options, as stored), and sets the cars
themselves (charge limits, schedules, charge mode: what the car acknowledged).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry

from fake_renault_cloud import FakeRenaultCloud

from .common import vehicle_device

GARAGE = "Garage"


@dataclass(frozen=True)
class UserSetup:
    """The registry entries by id, the options, and each car's acknowledged settings."""

    entities: dict[str, tuple[str, str | None, str | None, str | None]]
    devices: dict[str, tuple[str | None, str | None]]
    options: dict[str, Any]
    settings: dict[str, dict[str, Any]]

    @classmethod
    def capture(
        cls, hass: HomeAssistant, entry: MockConfigEntry, cloud: FakeRenaultCloud
    ) -> UserSetup:
        """Capture what the user set up, as it stands now."""
        entity_registry = er.async_get(hass)
        device_registry = dr.async_get(hass)
        return cls(
            entities={
                item.id: (item.entity_id, item.name, item.area_id, item.disabled_by)
                for item in er.async_entries_for_config_entry(
                    entity_registry, entry.entry_id
                )
            },
            devices={
                device.id: (device.name_by_user, device.area_id)
                for device in dr.async_entries_for_config_entry(
                    device_registry, entry.entry_id
                )
            },
            options=copy.deepcopy(dict(entry.options)),
            settings={
                vin: {
                    field.name: copy.deepcopy(getattr(car.settings, field.name))
                    for field in fields(car.settings)
                    if field.name != "updated_at"
                }
                for vin, car in cloud.vehicles.items()
            },
        )


def customise(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Name and place every car and one entity of each, as a user does."""
    area = ar.async_get(hass).async_get_or_create(GARAGE)
    device_registry = dr.async_get(hass)
    entity_registry = er.async_get(hass)
    for vin, vehicle in entry.runtime_data.vehicles.items():
        device = vehicle_device(device_registry, entry, vin)
        assert device is not None
        device_registry.async_update_device(
            device.id, name_by_user=f"My {vehicle.model or vin[-4:]}", area_id=area.id
        )
        first = next(
            item
            for item in er.async_entries_for_device(entity_registry, device.id)
            if item.disabled_by is None
        )
        entity_registry.async_update_entity(
            first.entity_id, name=f"{first.original_name or first.entity_id} (mine)"
        )
