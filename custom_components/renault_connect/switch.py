"""Switches: turn each charge schedule, program and climate schedule on or off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .hub import RenaultConnectConfigEntry
from .schedule_entities import (
    SCHEDULE_KINDS,
    ScheduleDescription,
    ScheduleEntity,
    schedule_entities,
)

# Commands are sent one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ScheduleSwitchDescription(ScheduleDescription, SwitchEntityDescription):
    """Whether each schedule of a kind is on."""


# One switch per schedule, named after its kind ("Charge schedule 2").
SWITCHES = [
    ScheduleSwitchDescription(
        key=f"{kind}_{{number}}", translation_key=kind, endpoint="", store=store
    )
    for kind, store in SCHEDULE_KINDS.items()
]


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the schedule switches of every vehicle."""
    async_add_entities(
        switch
        for vehicle in entry.runtime_data.vehicles.values()
        for switch in schedule_entities(vehicle, SWITCHES, ScheduleSwitch)
    )


class ScheduleSwitch(ScheduleEntity, SwitchEntity):
    """Whether one schedule is active."""

    entity_description: ScheduleSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """Return whether the schedule is active."""
        schedule = self.schedule
        return None if schedule is None else bool(schedule["activated"])

    async def async_turn_on(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Activate the schedule."""
        await self.async_change(activated=True)

    async def async_turn_off(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Deactivate the schedule."""
        await self.async_change(activated=False)
