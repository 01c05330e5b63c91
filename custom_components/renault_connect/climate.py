"""Climate: preconditioning the car, at a remembered target temperature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.climate import ClimateEntity, ClimateEntityDescription
from homeassistant.components.climate.const import (
    ATTR_HVAC_MODE,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .car_models import HVAC_STATUS, CarCommand
from .cloud import HvacStatus
from .commands import async_send
from .compat import NATIVE_CLIMATE_TEMPERATURES
from .const import DOMAIN, MAX_HVAC_TEMPERATURE, MIN_HVAC_TEMPERATURE
from .entity import RenaultConnectEntity, RenaultConnectEntityDescription
from .hub import RenaultConnectConfigEntry
from .preconditioning import TEMPERATURE_STEP, check_hvac_temperature

# Commands are sent one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PreconditioningDescription(
    RenaultConnectEntityDescription, ClimateEntityDescription
):
    """Preconditioning, read from the climate status."""


PRECONDITIONING = PreconditioningDescription(
    key="preconditioning", translation_key="preconditioning", endpoint=HVAC_STATUS
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add preconditioning to every vehicle that can start it remotely."""
    async_add_entities(
        PreconditioningClimate(vehicle.coordinators[HVAC_STATUS], PRECONDITIONING)
        for vehicle in entry.runtime_data.vehicles.values()
        if HVAC_STATUS in vehicle.coordinators
        and vehicle.profile.accepts(CarCommand.HVAC_START)
    )


class PreconditioningClimate(
    RenaultConnectEntity[HvacStatus], ClimateEntity, RestoreEntity
):
    """Starts and stops preconditioning; the target temperature is remembered.

    The target is the temperature last asked for, from here or by an action.
    Home Assistant 2026.11 reads temperatures through their `native_` names;
    older versions through the plain ones, given below only for them.
    """

    entity_description: PreconditioningDescription
    _attr_min_temp = MIN_HVAC_TEMPERATURE
    _attr_max_temp = MAX_HVAC_TEMPERATURE
    _attr_target_temperature_step = TEMPERATURE_STEP
    _enable_turn_on_off_backwards_compatibility = False

    async def async_added_to_hass(self) -> None:
        """Take back the last target temperature, or the vehicle's option."""
        await super().async_added_to_hass()
        preconditioning = self.vehicle.preconditioning
        if preconditioning.target_temperature is not None:
            return
        preconditioning.target_temperature = self.vehicle.hvac_temperature
        last = await self.async_get_last_state()
        if last is not None and last.attributes.get(ATTR_TEMPERATURE) is not None:
            preconditioning.target_temperature = float(
                last.attributes[ATTR_TEMPERATURE]
            )

    @property
    def native_temperature_unit(self) -> str:
        """Return the unit of the car's temperatures."""
        return UnitOfTemperature.CELSIUS

    @property
    def native_target_temperature(self) -> float | None:
        """Return the temperature last asked for."""
        return self.vehicle.preconditioning.target_temperature

    @property
    def native_current_temperature(self) -> float | None:
        """Return the temperature inside (none on a car without a cabin sensor)."""
        temperature: float | None = self.data.internalTemperature
        return temperature

    if not NATIVE_CLIMATE_TEMPERATURES:  # pragma: no branch - version-dependent

        @property
        def temperature_unit(self) -> str:
            """Return the unit (Home Assistant before 2026.11)."""
            return self.native_temperature_unit

        @property
        def target_temperature(self) -> float | None:
            """Return the target (Home Assistant before 2026.11)."""
            return self.native_target_temperature

        @property
        def current_temperature(self) -> float | None:
            """Return the temperature inside (Home Assistant before 2026.11)."""
            return self.native_current_temperature

    @property
    def _can_stop(self) -> bool:
        """Tell whether the car acts on a stop (some ignore it)."""
        return self.vehicle.profile.accepts(CarCommand.HVAC_STOP)

    @property
    def supported_features(self) -> ClimateEntityFeature:
        """Return a target and a start; a stop only where the car obeys it."""
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE | ClimateEntityFeature.TURN_ON
        )
        if self._can_stop:
            features |= ClimateEntityFeature.TURN_OFF
        return features

    @property
    def hvac_modes(self) -> list[HVACMode]:
        """Return heat-cool, and off when the car obeys a stop."""
        if self._can_stop:
            return [HVACMode.OFF, HVACMode.HEAT_COOL]
        return [HVACMode.HEAT_COOL]

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return whether preconditioning runs."""
        running = self.vehicle.preconditioning.is_running(self.data)
        if running is None:
            return None
        return HVACMode.HEAT_COOL if running else HVACMode.OFF

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Start or stop preconditioning (refused where the car ignores a stop)."""
        if hvac_mode != HVACMode.HEAT_COOL and not self._can_stop:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="preconditioning_cannot_stop",
                translation_placeholders={"model": self.vehicle.model or ""},
            )
        if hvac_mode == HVACMode.OFF and self.hvac_mode == HVACMode.OFF:
            # Already off: a cancel would change nothing.
            return
        if hvac_mode == HVACMode.HEAT_COOL:
            temperature = (
                self.native_target_temperature or self.vehicle.hvac_temperature
            )
            await async_send(
                self.vehicle,
                self.action_name,
                lambda api: api.set_ac_start(temperature),
            )
        else:
            await async_send(
                self.vehicle,
                self.action_name,
                lambda api: api.set_ac_stop(),
            )
        self.vehicle.preconditioning.async_sent(running=hvac_mode == HVACMode.HEAT_COOL)

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Remember the target; restart preconditioning with it when it runs."""
        temperature = float(kwargs[ATTR_TEMPERATURE])
        check_hvac_temperature(temperature)
        self.vehicle.preconditioning.target_temperature = temperature
        self.async_write_ha_state()
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(mode)
        elif self.hvac_mode == HVACMode.HEAT_COOL:
            await self.async_set_hvac_mode(HVACMode.HEAT_COOL)
