"""Device tracker: where the car was parked last."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

from homeassistant.components.device_tracker.const import SourceType
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .car_models import LOCATION
from .cloud import Location
from .compat import TrackerEntity, TrackerEntityDescription
from .entity import (
    RenaultConnectEntity,
    RenaultConnectEntityDescription,
    vehicle_entities,
)
from .hub import RenaultConnectConfigEntry

# Values only; every request goes through the account's request budget.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RenaultTrackerEntityDescription(
    RenaultConnectEntityDescription, TrackerEntityDescription
):
    """The position of a vehicle."""


TRACKERS = (
    RenaultTrackerEntityDescription(
        key="location", translation_key="location", endpoint=LOCATION
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the position of every vehicle that reports one."""
    async_add_entities(vehicle_entities(entry, TRACKERS, RenaultDeviceTracker))


class RenaultDeviceTracker(RenaultConnectEntity[Location], TrackerEntity):
    """The GPS position the car uploaded last."""

    _attr_source_type = SourceType.GPS
    entity_description: RenaultTrackerEntityDescription

    @property
    def latitude(self) -> float | None:
        """Return the latitude."""
        latitude: float | None = self.data.gpsLatitude
        return latitude

    @property
    def longitude(self) -> float | None:
        """Return the longitude."""
        longitude: float | None = self.data.gpsLongitude
        return longitude

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return when the position was uploaded, and where the car points."""
        return {
            "last_update": self.data.lastUpdateTime,
            "heading": heading(self.data.raw_data.get("gpsDirection")),
        }


def heading(value: object) -> float | None:
    """Return a heading in degrees clockwise from north (None if absurd)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= 360:  # noqa: PLR2004
        return None
    return float(value) % 360
