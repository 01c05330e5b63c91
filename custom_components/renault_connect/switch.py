"""Switches: turn each charge schedule, program and climate schedule on or off."""

from __future__ import annotations

from collections.abc import Callable
import copy
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from renault_api.renault_vehicle import RenaultVehicle

from . import RenaultConnectConfigEntry
from .actions import Command, async_send
from .endpoints import CHARGE_SCHEDULE, CHARGING_SETTINGS, HVAC_SETTINGS
from .entity import RenaultConnectEntity, RenaultConnectEntityDescription
from .vehicle import RenaultConnectVehicle

# Commands are sent one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ScheduleSetDescription:
    """A set of schedules: where it is read, how it is sent, how activation is named."""

    endpoint: str
    action: str
    """The renault-api key of the command that sends the whole set."""
    translation_key: str
    items: Callable[[Any], list[Any]]
    is_active: Callable[[Any], bool]
    send: Callable[[Any, int, bool], Command[Any]]


def _activated(item: Any) -> bool:
    """Tell whether a KCA schedule is on."""
    return bool(item.activated)


def _send_kca(method: str) -> Callable[[Any, int, bool], Command[Any]]:
    """Send every KCA schedule back, one turned on or off (the cloud wants all)."""

    def command(data: Any, index: int, on: bool) -> Command[Any]:  # noqa: FBT001
        schedules = copy.deepcopy(data.schedules)
        schedules[index].activated = on
        return lambda api: getattr(api, method)(schedules)

    return command


def _send_programs(data: Any, index: int, on: bool) -> Command[Any]:  # noqa: FBT001
    """Send the KCM ev/settings document back, one program turned on or off."""
    document = copy.deepcopy(data)
    document["programs"][index]["programActivationStatus"] = on

    async def send(api: RenaultVehicle) -> Any:
        return await api.http_post(
            await api.get_full_endpoint(CHARGE_SCHEDULE), document
        )

    return send


SCHEDULE_SETS: tuple[ScheduleSetDescription, ...] = (
    ScheduleSetDescription(
        endpoint=CHARGING_SETTINGS,
        action="actions/charge-set-schedule",
        translation_key="charge_schedule",
        items=lambda data: data.schedules or [],
        is_active=_activated,
        send=_send_kca("set_charge_schedules"),
    ),
    ScheduleSetDescription(
        endpoint=CHARGE_SCHEDULE,
        action=CHARGE_SCHEDULE,
        translation_key="charge_program",
        items=lambda data: data.get("programs") or [],
        is_active=lambda program: bool(program.get("programActivationStatus")),
        send=_send_programs,
    ),
    ScheduleSetDescription(
        endpoint=HVAC_SETTINGS,
        action="actions/hvac-set-schedule",
        translation_key="hvac_schedule",
        items=lambda data: data.schedules or [],
        is_active=_activated,
        send=_send_kca("set_hvac_schedules"),
    ),
)


@dataclass(frozen=True, kw_only=True)
class ScheduleSwitchDescription(
    RenaultConnectEntityDescription, SwitchEntityDescription
):
    """One schedule of a set, by its position."""

    schedules: ScheduleSetDescription
    index: int


def _schedule_switches(vehicle: RenaultConnectVehicle) -> list[ScheduleSwitch]:
    """Create a switch for each schedule the car reported, where it can be sent."""
    switches: list[ScheduleSwitch] = []
    for schedules in SCHEDULE_SETS:
        coordinator = vehicle.coordinators.get(schedules.endpoint)
        if coordinator is None or coordinator.data is None:
            continue
        if not vehicle.details.supports_endpoint(schedules.action):
            continue
        switches.extend(
            ScheduleSwitch(
                coordinator,
                ScheduleSwitchDescription(
                    key=f"{schedules.translation_key}_{index + 1}",
                    translation_key=schedules.translation_key,
                    translation_placeholders={"number": str(index + 1)},
                    endpoint=schedules.endpoint,
                    schedules=schedules,
                    index=index,
                ),
            )
            for index in range(len(schedules.items(coordinator.data)))
        )
    return switches


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the schedule switches of every vehicle."""
    async_add_entities(
        switch
        for vehicle in entry.runtime_data.vehicles.values()
        for switch in _schedule_switches(vehicle)
    )


class ScheduleSwitch(RenaultConnectEntity, SwitchEntity):
    """Whether one schedule is active."""

    entity_description: ScheduleSwitchDescription

    def _schedule(self, data: Any) -> Any | None:
        """Return this schedule in an answer, if it is still there."""
        items = self.entity_description.schedules.items(data)
        index = self.entity_description.index
        return items[index] if index < len(items) else None

    @property
    def available(self) -> bool:
        """Return whether the schedule still exists."""
        return super().available and self._schedule(self.data) is not None

    @property
    def is_on(self) -> bool:
        """Return whether the schedule is active."""
        return self.entity_description.schedules.is_active(self._schedule(self.data))

    async def async_turn_on(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Activate the schedule."""
        await self._async_set(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Deactivate the schedule."""
        await self._async_set(on=False)

    async def _async_set(self, *, on: bool) -> None:
        """Send the whole set with this schedule changed, and watch for the car."""
        schedules = self.entity_description.schedules
        await async_send(
            self.vehicle.hub,
            self.vehicle,
            schedules.translation_key,
            schedules.send(self.data, self.entity_description.index, on),
        )
        self.vehicle.async_watch(
            schedules.endpoint,
            lambda data: (
                (item := self._schedule(data)) is not None
                and schedules.is_active(item) is on
            ),
        )
