"""Image: the vehicle's picture, as the MyRenault app shows it."""

from __future__ import annotations

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .hub import RenaultConnectConfigEntry
from .vehicle import RenaultConnectVehicle

# The picture is read once, from the vehicle's details.
PARALLEL_UPDATES = 0

PICTURE = ImageEntityDescription(
    key="vehicle_picture", translation_key="vehicle_picture"
)


def picture_url(vehicle: RenaultConnectVehicle) -> str | None:
    """Return the address of the vehicle's large picture, if the cloud gives one."""
    for asset in vehicle.details.assets or []:
        if asset.get("assetType") != "PICTURE":
            continue
        for rendition in asset.get("renditions") or []:
            if rendition.get("resolutionType") == "ONE_MYRENAULT_LARGE":
                url: str | None = rendition.get("url")
                return url
    return None


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the picture of every vehicle that has one."""
    async_add_entities(
        RenaultVehiclePicture(hass, vehicle, url)
        for vehicle in entry.runtime_data.vehicles.values()
        if (url := picture_url(vehicle))
    )


class RenaultVehiclePicture(ImageEntity):
    """The picture of a vehicle."""

    _attr_has_entity_name = True
    entity_description = PICTURE

    def __init__(
        self, hass: HomeAssistant, vehicle: RenaultConnectVehicle, url: str
    ) -> None:
        """Show the picture at the given address."""
        super().__init__(hass)
        self._attr_unique_id = f"{vehicle.vin}_{PICTURE.key}".lower()
        self._attr_device_info = vehicle.device_info
        self._attr_image_url = url
        self._attr_image_last_updated = dt_util.utcnow()
