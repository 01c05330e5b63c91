"""Switches: turn each charge schedule, program and climate schedule on or off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .car_schedules import (
    KCA_CHARGE_SCHEDULES,
    KCA_HVAC_SCHEDULES,
    KCM_PROGRAMS,
    ScheduleStore,
    async_apply,
)
from .entity import RenaultConnectEntity, RenaultConnectEntityDescription
from .hub import RenaultConnectConfigEntry
from .vehicle import RenaultConnectVehicle

# Commands are sent one at a time.
PARALLEL_UPDATES = 1

# Where cars keep their schedules, and how their switches are named.
SCHEDULE_STORES: tuple[tuple[ScheduleStore, str], ...] = (
    (KCA_CHARGE_SCHEDULES, "charge_schedule"),
    (KCM_PROGRAMS, "charge_program"),
    (KCA_HVAC_SCHEDULES, "hvac_schedule"),
)


@dataclass(frozen=True, kw_only=True)
class ScheduleSwitchDescription(
    RenaultConnectEntityDescription, SwitchEntityDescription
):
    """One schedule of a car, by its id."""

    store: ScheduleStore
    number: int


def _activations(store: ScheduleStore, data: object) -> dict[int, bool]:
    """Return whether each schedule of an answer is on, by schedule id."""
    described = store.describe(data, dt_util.get_default_time_zone(), dt_util.utcnow())
    return {item["id"]: bool(item["activated"]) for item in described["schedules"]}


def _schedule_switches(vehicle: RenaultConnectVehicle) -> list[ScheduleSwitch]:
    """Create a switch for each schedule the car reported, where it can be sent."""
    switches: list[ScheduleSwitch] = []
    for store, translation_key in SCHEDULE_STORES:
        coordinator = vehicle.coordinators.get(store.endpoint)
        if coordinator is None or coordinator.data is None:
            continue
        if not store.can_set(vehicle):
            continue
        switches.extend(
            ScheduleSwitch(
                coordinator,
                ScheduleSwitchDescription(
                    key=f"{translation_key}_{number}",
                    translation_key=translation_key,
                    translation_placeholders={"number": str(number)},
                    endpoint=store.endpoint,
                    store=store,
                    number=number,
                ),
            )
            for number in _activations(store, coordinator.data)
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


class ScheduleSwitch(RenaultConnectEntity[object], SwitchEntity):
    """Whether one schedule is active."""

    entity_description: ScheduleSwitchDescription

    @property
    def available(self) -> bool:
        """Return whether the schedule still exists."""
        description = self.entity_description
        return super().available and description.number in _activations(
            description.store, self.data
        )

    @property
    def is_on(self) -> bool | None:
        """Return whether the schedule is active."""
        description = self.entity_description
        return _activations(description.store, self.data).get(description.number)

    async def async_turn_on(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Activate the schedule."""
        await self._async_set(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Deactivate the schedule."""
        await self._async_set(on=False)

    async def _async_set(self, *, on: bool) -> None:
        """Send the car's whole set with this schedule changed, and watch for it."""
        description = self.entity_description
        store = description.store
        changes = store.changes(
            [{"id": description.number, "activated": on}],
            dt_util.get_default_time_zone(),
            dt_util.utcnow(),
        )
        await async_apply(store, self.vehicle, self.action_name, changes)
