"""Binary sensors: plug, charging, climate, lock, doors and hatch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .car_models import BATTERY, HVAC_STATUS, LOCK_STATUS
from .car_states import (
    CHARGE_STATES,
    CHARGING_STATES,
    PLUG_STATES,
    PLUGGED_CHARGE_STATES,
    PLUGGED_STATES,
    enum_state,
)
from .cloud import BatteryStatus, HvacStatus, LockStatus
from .compat import BinarySensorDeviceClass
from .entity import (
    AccountEntity,
    RenaultConnectEntity,
    RenaultConnectEntityDescription,
    vehicle_entities,
)
from .hub import RenaultConnectConfigEntry
from .vehicle import RenaultConnectVehicle

# Values only; every request goes through the account's request budget.
PARALLEL_UPDATES = 0

LOCK_STATES = {"unlocked": True, "locked": False}
OPENING_STATES = {"open": True, "closed": False}


@dataclass(frozen=True, kw_only=True)
class RenaultBinarySensorEntityDescription[T](
    RenaultConnectEntityDescription, BinarySensorEntityDescription
):
    """A binary sensor: how its state is read from its endpoint's answer (a T)."""

    is_on_fn: Callable[[RenaultConnectVehicle, T], bool | None]
    follows_charger: bool = False
    """Whether the state also changes with the car's linked home charger."""


def _plugged_in(_: RenaultConnectVehicle, data: BatteryStatus) -> bool | None:
    """Tell whether the car is plugged in, from the charge state when needed."""
    if data.plugStatus is not None:
        plug = PLUG_STATES.get(data.plugStatus)
        if plug in PLUGGED_STATES or plug == "unplugged":
            return plug in PLUGGED_STATES
    if data.chargingStatus is None:
        return None
    charge = CHARGE_STATES.get(data.chargingStatus)
    return None if charge is None else charge in PLUGGED_CHARGE_STATES


def _charging(vehicle: RenaultConnectVehicle, data: BatteryStatus) -> bool | None:
    """Tell whether the car is charging: a linked home charger knows first."""
    if vehicle.charger is not None:
        return vehicle.charging_now(data)
    state = enum_state(CHARGE_STATES, data.chargingStatus, "charge state")
    return None if state is None else state in CHARGING_STATES


def _state_of(
    read: Callable[[LockStatus], str | None], states: dict[str, bool], what: str
) -> Callable[[RenaultConnectVehicle, LockStatus], bool | None]:
    """Read a word of the lock status ("open"...); unknown words are unknown."""
    return lambda _, data: enum_state(states, read(data), what)


def _opening(
    key: str, read: Callable[[LockStatus], str | None]
) -> RenaultBinarySensorEntityDescription[LockStatus]:
    """Describe a door or hatch sensor."""
    return RenaultBinarySensorEntityDescription[LockStatus](
        key=key,
        translation_key=key,
        endpoint=LOCK_STATUS,
        is_on_fn=_state_of(read, OPENING_STATES, "opening state"),
        device_class=BinarySensorDeviceClass.DOOR,
    )


BINARY_SENSORS: tuple[RenaultBinarySensorEntityDescription[Any], ...] = (
    RenaultBinarySensorEntityDescription[BatteryStatus](
        key="plugged_in",
        translation_key="plugged_in",
        endpoint=BATTERY,
        is_on_fn=_plugged_in,
        device_class=BinarySensorDeviceClass.PLUG,
    ),
    RenaultBinarySensorEntityDescription[BatteryStatus](
        key="charging",
        translation_key="charging",
        endpoint=BATTERY,
        is_on_fn=_charging,
        follows_charger=True,
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
    ),
    RenaultBinarySensorEntityDescription[HvacStatus](
        key="hvac_status",
        translation_key="hvac_status",
        endpoint=HVAC_STATUS,
        is_on_fn=lambda vehicle, data: vehicle.preconditioning.is_running(data),
        device_class=BinarySensorDeviceClass.RUNNING,
    ),
    RenaultBinarySensorEntityDescription[LockStatus](
        key="lock_status",
        translation_key="lock_status",
        endpoint=LOCK_STATUS,
        is_on_fn=_state_of(lambda data: data.lockStatus, LOCK_STATES, "lock state"),
        device_class=BinarySensorDeviceClass.LOCK,
    ),
    _opening("driver_door_status", lambda data: data.doorStatusDriver),
    _opening("passenger_door_status", lambda data: data.doorStatusPassenger),
    _opening("rear_left_door_status", lambda data: data.doorStatusRearLeft),
    _opening("rear_right_door_status", lambda data: data.doorStatusRearRight),
    _opening("hatch_status", lambda data: data.hatchStatus),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every vehicle, and the account's watchdog."""
    async_add_entities(
        [
            *vehicle_entities(entry, BINARY_SENSORS, RenaultBinarySensor),
            DataStalledBinarySensor(entry.runtime_data, DATA_STALLED),
        ]
    )


DATA_STALLED = BinarySensorEntityDescription(
    key="data_stalled",
    translation_key="data_stalled",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


class DataStalledBinarySensor(AccountEntity, BinarySensorEntity):
    """On when no fresh data has come from the cloud for an unusual time."""

    @property
    def is_on(self) -> bool:
        """Return the watchdog's verdict."""
        return self.hub.watchdog.stalled

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return when the last answered read came back."""
        return {"last_fresh_data": self.hub.watchdog.last_fresh_data.isoformat()}


class RenaultBinarySensor[T](RenaultConnectEntity[T], BinarySensorEntity):
    """A two-state value of a vehicle."""

    entity_description: RenaultBinarySensorEntityDescription[T]

    async def async_added_to_hass(self) -> None:
        """Follow the linked home charger too, for the states that read it."""
        await super().async_added_to_hass()
        charger = self.vehicle.charger
        if self.entity_description.follows_charger and charger is not None:
            self.async_on_remove(charger.async_follow(self.async_write_ha_state))

    @property
    def is_on(self) -> bool | None:
        """Return the state from the endpoint's last answer."""
        return self.entity_description.is_on_fn(self.vehicle, self.data)
