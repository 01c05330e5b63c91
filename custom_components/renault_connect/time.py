"""Time: the departure smart charging has the car ready by."""

from __future__ import annotations

from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SmartChargingEntity, smart_charging_entities
from .hub import RenaultConnectConfigEntry

# Settings are stored one at a time.
PARALLEL_UPDATES = 1

DEPARTURE = TimeEntityDescription(
    key="departure_time", translation_key="departure_time"
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the departure time of every car smart charging can drive."""
    async_add_entities(smart_charging_entities(entry, (DEPARTURE,), DepartureTime))


class DepartureTime(SmartChargingEntity, TimeEntity):
    """When the car must be charged by (local time, every day)."""

    @property
    def native_value(self) -> time:
        """Return the departure time."""
        return self.vehicle.smart.settings.departure

    async def async_set_value(self, value: time) -> None:
        """Set the departure time (to the minute)."""
        await self.vehicle.smart.async_set(
            departure=value.replace(second=0, microsecond=0)
        )
