"""Base entity of Renault Connect: one value of one endpoint of one vehicle."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Self

from homeassistant.const import EntityCategory
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .car_models import Field, ModelProfile
from .coordinator import EndpointCoordinator
from .hub import RenaultConnectConfigEntry, RenaultHub
from .vehicle import CarCoordinator, RenaultConnectVehicle


@dataclass(frozen=True, kw_only=True)
class RenaultConnectEntityDescription(EntityDescription):
    """Which endpoint an entity reads, and for which vehicles it exists."""

    endpoint: str
    exists_fn: Callable[[RenaultConnectVehicle], bool] = lambda _: True
    cloud_field: Field | None = None
    """The value of the answer shown, when some models are known to get it wrong."""

    def for_model(self, profile: ModelProfile) -> Self:
        """Return the description as the car's model allows it to be believed.

        A value the model gets wrong is still offered, disabled and named as
        unreliable, so that no one takes it for the truth.
        """
        if self.cloud_field is None or profile.trusts(self.cloud_field):
            return self
        return replace(
            self,
            translation_key=f"{self.translation_key}_unreliable",
            entity_registry_enabled_default=False,
        )


class VehicleEntity(Entity):
    """An entity of a vehicle's device."""

    _attr_has_entity_name = True

    def __init__(
        self, vehicle: RenaultConnectVehicle, description: EntityDescription
    ) -> None:
        """Describe the entity and attach it to its vehicle's device."""
        self.entity_description = description
        self.vehicle = vehicle
        self._attr_unique_id = f"{vehicle.vin}_{description.key}".lower()
        self._attr_device_info = vehicle.device_info

    @property
    def action_name(self) -> str:
        """Name the entity's command in errors as the user sees it on the page."""
        name = self.name
        return name if isinstance(name, str) and name else self.entity_description.key


class RenaultConnectEntity[T](
    CoordinatorEntity[EndpointCoordinator[RenaultConnectVehicle, T]], VehicleEntity
):
    """An entity fed by one endpoint coordinator of a vehicle, typed by its answer."""

    entity_description: RenaultConnectEntityDescription

    def __init__(
        self,
        coordinator: EndpointCoordinator[RenaultConnectVehicle, T],
        description: RenaultConnectEntityDescription,
    ) -> None:
        """Follow the coordinator of the entity's endpoint."""
        CoordinatorEntity.__init__(self, coordinator)
        VehicleEntity.__init__(self, coordinator.vehicle, description)

    @property
    def data(self) -> T:
        """Return what the endpoint answered last (available: not None)."""
        return self.coordinator.data

    @property
    def available(self) -> bool:
        """Return whether the endpoint answered, with something to show.

        While the cloud refuses the stored login, nothing shown is current.
        """
        return (
            super().available
            and self.coordinator.data is not None
            and not self.vehicle.hub.login_refused
        )


class AccountEntity(Entity):
    """A diagnostic entity of the account: its quota and its data flow."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, hub: RenaultHub, description: EntityDescription) -> None:
        """Attach the entity to the account's service device."""
        self.entity_description = description
        self.hub = hub
        self._attr_unique_id = f"{hub.account_id}_{description.key}"
        self._attr_device_info = hub.device_info

    async def async_added_to_hass(self) -> None:
        """Follow the request budget and the watchdog."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.hub.request_budget.async_add_listener(self.async_write_ha_state)
        )
        self.async_on_remove(
            self.hub.watchdog.async_add_listener(self.async_write_ha_state)
        )


def vehicle_entities[D: RenaultConnectEntityDescription, E: RenaultConnectEntity[Any]](
    entry: RenaultConnectConfigEntry,
    descriptions: Iterable[D],
    entity_class: Callable[[CarCoordinator, D], E],
) -> list[E]:
    """Create the entities each vehicle's endpoints and model allow."""
    return [
        entity_class(coordinator, description.for_model(vehicle.profile))
        for vehicle in entry.runtime_data.vehicles.values()
        for description in descriptions
        if (coordinator := vehicle.coordinators.get(description.endpoint))
        and description.exists_fn(vehicle)
    ]


class SmartChargingEntity(VehicleEntity):
    """A smart-charging setting or figure of a car, shown after each decision."""

    _attr_should_poll = False

    async def async_added_to_hass(self) -> None:
        """Follow the car's smart-charging decisions."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.vehicle.smart.async_add_listener(self.async_write_ha_state)
        )


def smart_charging_entities[D: EntityDescription, E: SmartChargingEntity](
    entry: RenaultConnectConfigEntry,
    descriptions: Iterable[D],
    entity_class: Callable[[RenaultConnectVehicle, D], E],
) -> list[E]:
    """Create smart-charging entities for the cars it can drive."""
    return [
        entity_class(vehicle, description)
        for vehicle in entry.runtime_data.vehicles.values()
        if vehicle.can_charge_smartly
        for description in descriptions
    ]
