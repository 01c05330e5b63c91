"""Buttons: charge, climate, horn, lights, position and data refresh."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .car_models import LOCATION, CarCommand
from .cloud import CarLink
from .commands import Command, async_send
from .const import DOMAIN
from .entity import VehicleEntity
from .hub import RenaultConnectConfigEntry
from .vehicle import RenaultConnectVehicle

# Commands are sent one at a time.
PARALLEL_UPDATES = 1

# "Refresh data now" reads every endpoint of the car: not more often than this.
REFRESH_SPACING = timedelta(minutes=10)


@dataclass(frozen=True, kw_only=True)
class RenaultButtonEntityDescription(ButtonEntityDescription):
    """A command: which cars accept it, how it is sent, and what confirms it."""

    car_command: CarCommand
    command: Callable[[RenaultConnectVehicle], Command[object]]
    follow: Callable[[RenaultConnectVehicle], None] = lambda _: None
    """Once the cloud took the command: how to see the car carry it out."""


def _hvac_start(vehicle: RenaultConnectVehicle) -> Command[object]:
    """Start preconditioning at the vehicle's preferred temperature."""
    temperature = vehicle.hvac_temperature
    return lambda api: api.set_ac_start(temperature)


def _fixed(
    method: Command[object],
) -> Callable[[RenaultConnectVehicle], Command[object]]:
    """Send the same command whatever the vehicle's settings."""
    return lambda _: method


BUTTONS: tuple[RenaultButtonEntityDescription, ...] = (
    RenaultButtonEntityDescription(
        key="start_air_conditioner",
        translation_key="start_air_conditioner",
        car_command=CarCommand.HVAC_START,
        command=_hvac_start,
        follow=lambda vehicle: vehicle.preconditioning.async_sent(running=True),
    ),
    RenaultButtonEntityDescription(
        key="cancel_air_conditioner",
        translation_key="cancel_air_conditioner",
        car_command=CarCommand.HVAC_STOP,
        command=_fixed(CarLink.set_ac_stop),
        follow=lambda vehicle: vehicle.preconditioning.async_sent(running=False),
    ),
    RenaultButtonEntityDescription(
        key="sound_horn",
        translation_key="sound_horn",
        car_command=CarCommand.HORN,
        command=_fixed(CarLink.start_horn),
    ),
    RenaultButtonEntityDescription(
        key="flash_lights",
        translation_key="flash_lights",
        car_command=CarCommand.LIGHTS,
        command=_fixed(CarLink.start_lights),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the commands each vehicle accepts."""
    entities: list[ButtonEntity] = []
    for vehicle in entry.runtime_data.vehicles.values():
        entities.extend(
            RenaultCommandButton(vehicle, description)
            for description in BUTTONS
            if vehicle.profile.accepts(description.car_command)
        )
        control = vehicle.charge_control
        if control.can_start:
            entities.append(ChargeButton(vehicle, START_CHARGE))
        if control.can_stop:
            entities.append(ChargeButton(vehicle, STOP_CHARGE))
        if LOCATION in vehicle.coordinators and vehicle.profile.accepts(
            CarCommand.REFRESH_LOCATION
        ):
            entities.append(RefreshLocationButton(vehicle, REFRESH_LOCATION))
        entities.append(RefreshDataButton(vehicle, REFRESH_DATA))
    async_add_entities(entities)


class RenaultCommandButton(VehicleEntity, ButtonEntity):
    """Sends a command to the car, then watches for the car to confirm it."""

    entity_description: RenaultButtonEntityDescription

    async def async_press(self) -> None:
        """Send the command."""
        description = self.entity_description
        await async_send(
            self.vehicle,
            self.action_name,
            description.command(self.vehicle),
        )
        description.follow(self.vehicle)


START_CHARGE = ButtonEntityDescription(
    key="start_charge", translation_key="start_charge"
)
STOP_CHARGE = ButtonEntityDescription(key="stop_charge", translation_key="stop_charge")


class ChargeButton(VehicleEntity, ButtonEntity):
    """Starts or stops the charge: by the car's command, else the linked charger."""

    async def async_press(self) -> None:
        """Start or stop the charge."""
        control = self.vehicle.charge_control
        if self.entity_description.key == START_CHARGE.key:
            await control.async_start(action=self.action_name)
        else:
            await control.async_stop(action=self.action_name)


REFRESH_LOCATION = ButtonEntityDescription(
    key="refresh_location", translation_key="refresh_location"
)


class RefreshLocationButton(VehicleEntity, ButtonEntity):
    """Asks the car to upload its position, and shows it when it arrives."""

    async def async_press(self) -> None:
        """Ask for the position; watch for an upload newer than the last one."""
        location = self.vehicle.coordinators[LOCATION]
        before = getattr(location.data, "lastUpdateTime", None)
        await async_send(
            self.vehicle,
            self.action_name,
            CarLink.refresh_location,
        )
        self.vehicle.async_watch(LOCATION, lambda data: data.lastUpdateTime != before)


REFRESH_DATA = ButtonEntityDescription(
    key="refresh_data",
    translation_key="refresh_data",
    entity_category=EntityCategory.DIAGNOSTIC,
)


class RefreshDataButton(VehicleEntity, ButtonEntity):
    """Reads every endpoint of the car now, at most once every few minutes."""

    _last_refresh: datetime | None = None

    async def async_press(self) -> None:
        """Refresh the car's data, unless it was refreshed a moment ago."""
        now = dt_util.utcnow()
        if (
            self._last_refresh is not None
            and now - self._last_refresh < REFRESH_SPACING
        ):
            minutes = int((now - self._last_refresh).total_seconds() // 60)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="refresh_too_soon",
                translation_placeholders={"minutes": str(minutes)},
            )
        self._last_refresh = now
        await asyncio.gather(
            *(
                coordinator.async_refresh()
                for coordinator in self.vehicle.coordinators.values()
            )
        )
