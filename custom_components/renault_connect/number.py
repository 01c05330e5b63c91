"""Numbers: the car's charge limits, and smart charging's target and minimum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .car_models import SOC_LEVELS
from .cloud import SocLevels
from .commands import Command
from .const import DOMAIN
from .entity import (
    RenaultConnectEntity,
    RenaultConnectEntityDescription,
    SmartChargingEntity,
    smart_charging_entities,
    vehicle_entities,
)
from .hub import RenaultConnectConfigEntry
from .writes import Overlay, Write

# Commands are sent one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ChargeLimitDescription(RenaultConnectEntityDescription, NumberEntityDescription):
    """A charge level limit: its field in the soc-levels answer, and its reading."""

    field: str
    value_fn: Callable[[SocLevels], int | None]


CHARGE_LIMITS: tuple[ChargeLimitDescription, ...] = (
    ChargeLimitDescription(
        key="charge_limit_min",
        translation_key="charge_limit_min",
        endpoint=SOC_LEVELS,
        field="socMin",
        value_fn=lambda data: data.socMin,
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
        value_fn=lambda data: data.socTarget,
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
    """Add the charge limits of every vehicle that has them, and smart levels."""
    async_add_entities(vehicle_entities(entry, CHARGE_LIMITS, ChargeLimitNumber))
    async_add_entities(smart_charging_entities(entry, SMART_LEVELS, SmartLevelNumber))


@dataclass(frozen=True, kw_only=True)
class SmartLevelDescription(NumberEntityDescription):
    """A level of smart charging: which of its settings."""

    setting: Literal["target_level", "minimum_level"]


def _smart_level(
    name: str, setting: Literal["target_level", "minimum_level"], lowest: int
) -> SmartLevelDescription:
    """Describe one of smart charging's levels."""
    return SmartLevelDescription(
        key=f"smart_charging_{name}",
        translation_key=f"smart_charging_{name}",
        setting=setting,
        native_min_value=lowest,
        native_max_value=100,
        native_step=5,
        native_unit_of_measurement=PERCENTAGE,
        device_class=NumberDeviceClass.BATTERY,
        mode=NumberMode.SLIDER,
    )


SMART_LEVELS = (
    _smart_level("target", "target_level", 20),
    _smart_level("minimum", "minimum_level", 0),
)


class SmartLevelNumber(SmartChargingEntity, NumberEntity):
    """The level smart charging reaches by the departure, or at least reaches."""

    entity_description: SmartLevelDescription

    @property
    def native_value(self) -> int:
        """Return the level set."""
        settings = self.vehicle.smart.settings
        if self.entity_description.setting == "target_level":
            return settings.target_level
        return settings.minimum_level

    async def async_set_native_value(self, value: float) -> None:
        """Set the level (the minimum never above the target)."""
        if self.entity_description.setting == "target_level":
            await self.vehicle.smart.async_set(target_level=int(value))
        else:
            await self.vehicle.smart.async_set(minimum_level=int(value))


def _both_limits(current: SocLevels, overlay: Overlay) -> dict[str, int]:
    """Return both limits: the car's, with every change laid on them.

    A limit the car never reported, and no change sets, cannot be sent.
    """
    limits: dict[str, int | None] = {
        **{
            description.field: description.value_fn(current)
            for description in CHARGE_LIMITS
        },
        **overlay.fields,
    }
    known = {field: value for field, value in limits.items() if value is not None}
    if len(known) < len(limits):
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="charge_limits_unknown"
        )
    return known


def _send_limits(limits: dict[str, int]) -> Command[object]:
    """Send both limits."""
    return lambda api: api.set_battery_soc(
        min=limits["socMin"], target=limits["socTarget"]
    )


def _limits_shown(data: SocLevels, limits: dict[str, int]) -> bool:
    """Tell whether the car shows both limits sent."""
    return all(
        description.value_fn(data) == limits[description.field]
        for description in CHARGE_LIMITS
    )


class ChargeLimitNumber(RenaultConnectEntity[SocLevels], NumberEntity):
    """A charge limit; shows the new value at once while the car confirms it."""

    entity_description: ChargeLimitDescription
    _pending: float | None = None

    @property
    def native_value(self) -> float | None:
        """Return the limit being set, or the one the car reported."""
        if self._pending is not None:
            return self._pending
        return self.entity_description.value_fn(self.data)

    async def async_set_native_value(self, value: float) -> None:
        """Send both limits, this one changed."""
        if value % 5:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="charge_limit_step",
                translation_placeholders={"value": str(value)},
            )
        # Both limits go together: the other one as the car has it, or as
        # sent a moment ago and not yet shown.
        await self.vehicle.writer.async_write(
            Write(
                endpoint=SOC_LEVELS,
                action=self.action_name,
                change=Overlay(fields={self.entity_description.field: int(value)}),
                build=_both_limits,
                command=_send_limits,
                confirmed=_limits_shown,
                on_done=self._async_confirmed,
            )
        )
        self._pending = value
        self.async_write_ha_state()

    @callback
    def _async_confirmed(self, confirmed: bool) -> None:  # noqa: FBT001 - a callback
        """Show what the car reports again, once it confirmed (or never did)."""
        del confirmed
        self._pending = None
        self.async_write_ha_state()
