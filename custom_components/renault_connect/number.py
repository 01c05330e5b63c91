"""Numbers: the minimum and target charge levels, on cars that keep them."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import RenaultConnectConfigEntry
from .actions import async_send
from .const import DOMAIN
from .endpoints import SOC_LEVELS
from .entity import (
    RenaultConnectEntity,
    RenaultConnectEntityDescription,
    vehicle_entities,
)

# Commands are sent one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ChargeLimitDescription(RenaultConnectEntityDescription, NumberEntityDescription):
    """A charge level limit: which field it is, in the soc-levels answer."""

    field: str


CHARGE_LIMITS: tuple[ChargeLimitDescription, ...] = (
    ChargeLimitDescription(
        key="charge_limit_min",
        translation_key="charge_limit_min",
        endpoint=SOC_LEVELS,
        field="socMin",
        native_min_value=15,
        native_max_value=45,
        native_step=5,
        native_unit_of_measurement=PERCENTAGE,
        device_class=NumberDeviceClass.BATTERY,
        mode=NumberMode.SLIDER,
    ),
    ChargeLimitDescription(
        key="charge_limit_target",
        translation_key="charge_limit_target",
        endpoint=SOC_LEVELS,
        field="socTarget",
        native_min_value=55,
        native_max_value=100,
        native_step=5,
        native_unit_of_measurement=PERCENTAGE,
        device_class=NumberDeviceClass.BATTERY,
        mode=NumberMode.SLIDER,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the charge limits of every vehicle that has them."""
    async_add_entities(vehicle_entities(entry, CHARGE_LIMITS, ChargeLimitNumber))


class ChargeLimitNumber(RenaultConnectEntity, NumberEntity):
    """A charge limit; shows the new value at once while the car confirms it."""

    entity_description: ChargeLimitDescription
    _pending: float | None = None

    @property
    def native_value(self) -> float | None:
        """Return the limit being set, or the one the car reported."""
        if self._pending is not None:
            return self._pending
        value: float | None = getattr(self.data, self.entity_description.field)
        return value

    async def async_set_native_value(self, value: float) -> None:
        """Send both limits, this one changed."""
        if value % 5:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="charge_limit_step",
                translation_placeholders={"value": str(value)},
            )
        limits = {"socMin": self.data.socMin, "socTarget": self.data.socTarget}
        limits[self.entity_description.field] = int(value)
        await async_send(
            self.vehicle.hub,
            self.vehicle,
            self.entity_description.key,
            lambda api: api.set_battery_soc(
                min=limits["socMin"], target=limits["socTarget"]
            ),
        )
        self._pending = value
        self.async_write_ha_state()
        field = self.entity_description.field
        self.vehicle.async_watch(
            SOC_LEVELS,
            lambda data: getattr(data, field) == int(value),
            self._async_confirmed,
        )

    @callback
    def _async_confirmed(self, confirmed: bool) -> None:  # noqa: FBT001 - a callback
        """Show what the car reports again, once it confirmed (or never did)."""
        del confirmed
        self._pending = None
        self.async_write_ha_state()
