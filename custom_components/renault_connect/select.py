"""Selects: the charge mode (any spelling, any endpoint), smart charging, days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .car_models import CHARGE_SCHEDULE, CarCommand
from .car_schedules import KCM_PROGRAMS, charge_mode_command, kcm_document
from .car_states import CHARGE_MODES, enum_state
from .commands import async_send, send_ev_settings
from .coordinator import EndpointCoordinator
from .endpoints import CHARGE_MODE_SOURCES, ChargeModeSource
from .entity import (
    RenaultConnectEntity,
    RenaultConnectEntityDescription,
    SmartChargingEntity,
    smart_charging_entities,
)
from .errors import invalid
from .hub import RenaultConnectConfigEntry
from .schedule_entities import (
    CUSTOM_DAYS,
    DAY_SETS,
    SCHEDULE_KINDS,
    ScheduleDescription,
    ScheduleEntity,
    day_set,
    schedule_entities,
)
from .smart_charging import SmartMode
from .vehicle import RenaultConnectVehicle
from .writes import Overlay, Write

# Commands are sent one at a time.
PARALLEL_UPDATES = 1

CHARGE_MODE_OPTIONS = ["always", "scheduled"]


@dataclass(frozen=True, kw_only=True)
class ChargeModeDescription(RenaultConnectEntityDescription, SelectEntityDescription):
    """The charge mode, read from one endpoint."""


def _charge_mode_select(vehicle: RenaultConnectVehicle) -> ChargeModeSelect[Any] | None:
    """Return the charge mode where the car keeps it, if it can be changed there."""
    for source in CHARGE_MODE_SOURCES:
        if (coordinator := vehicle.coordinators.get(source.endpoint)) is None:
            continue
        if source.endpoint == CHARGE_SCHEDULE or vehicle.profile.accepts(
            CarCommand.SET_CHARGE_MODE
        ):
            return ChargeModeSelect(coordinator, source)
        return None
    return None


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the charge mode of every vehicle that lets it be changed."""
    async_add_entities(
        select
        for vehicle in entry.runtime_data.vehicles.values()
        if (select := _charge_mode_select(vehicle))
    )
    async_add_entities(smart_charging_entities(entry, (SMART_MODE,), SmartModeSelect))
    async_add_entities(
        select
        for vehicle in entry.runtime_data.vehicles.values()
        for select in schedule_entities(vehicle, SCHEDULE_DAYS, ScheduleDays)
    )


SMART_MODE = SelectEntityDescription(
    key="smart_charging",
    translation_key="smart_charging",
    options=[mode.value for mode in SmartMode],
)


class SmartModeSelect(SmartChargingEntity, SelectEntity):
    """Off, the cheapest hours before the departure, or solar surplus.

    Solar surplus needs a car (or charger) that stops at once: a car driven
    through its schedule is not offered it.
    """

    @property
    def options(self) -> list[str]:
        """Return the modes the car can be driven in."""
        on_schedule = self.vehicle.smart.hold.drives
        return [
            mode.value
            for mode in SmartMode
            if not (on_schedule and mode is SmartMode.SOLAR)
        ]

    @property
    def current_option(self) -> str:
        """Return the mode."""
        return self.vehicle.smart.settings.mode.value

    async def async_select_option(self, option: str) -> None:
        """Set the mode."""
        await self.vehicle.smart.async_set(mode=SmartMode(option))


@dataclass(frozen=True, kw_only=True)
class ScheduleDaysDescription(ScheduleDescription, SelectEntityDescription):
    """The days of each schedule of a kind."""


# The days of each schedule, with its settings: "Charge schedule 2 days".
SCHEDULE_DAYS = [
    ScheduleDaysDescription(
        key=f"{kind}_{{number}}_days",
        translation_key=f"{kind}_days",
        entity_category=EntityCategory.CONFIG,
        options=[*DAY_SETS, CUSTOM_DAYS],
        endpoint=store.endpoint,
        store=store,
    )
    for kind, store in SCHEDULE_KINDS.items()
]


class ScheduleDays(ScheduleEntity, SelectEntity):
    """The days a schedule runs on: every day, weekdays or the weekend."""

    entity_description: ScheduleDaysDescription

    @property
    def current_option(self) -> str | None:
        """Return the schedule's days ("custom" for another set)."""
        schedule = self.schedule
        return None if schedule is None else day_set(schedule)

    async def async_select_option(self, option: str) -> None:
        """Run the schedule on these days, each at the time its first day has."""
        if option == CUSTOM_DAYS:
            raise invalid(translation_key="schedule_days_custom")
        days = DAY_SETS[option]
        if self.entity_description.store is KCM_PROGRAMS:
            # A program's days are flags; its departure time is its own field.
            await self.async_change(days=list(days))
            return
        if not (current := self.days):
            raise invalid(translation_key="schedule_needs_time")
        times = {key: value for key, value in current[0].items() if key != "day"}
        await self.async_change(days=[{"day": day, **times} for day in days])


class ChargeModeSelect[T](RenaultConnectEntity[T], SelectEntity):
    """Charge now, or follow the schedules."""

    _attr_options = CHARGE_MODE_OPTIONS
    entity_description: ChargeModeDescription

    def __init__(
        self,
        coordinator: EndpointCoordinator[RenaultConnectVehicle, T],
        source: ChargeModeSource[T],
    ) -> None:
        """Read the mode from the endpoint the model keeps it in."""
        super().__init__(
            coordinator,
            ChargeModeDescription(
                key="charge_mode_select",
                translation_key="charge_mode",
                endpoint=coordinator.description.key,
            ),
        )
        self._read = source.read

    def _mode(self, data: T) -> str | None:
        """Return the charge mode an answer shows."""
        return enum_state(CHARGE_MODES, self._read(data), "charge mode")

    @property
    def current_option(self) -> str | None:
        """Return the charge mode (a delayed charge shows as no option)."""
        mode = self._mode(self.data)
        return mode if mode in CHARGE_MODE_OPTIONS else None

    async def async_select_option(self, option: str) -> None:
        """Send the charge mode the way the model expects it."""
        self.vehicle.check_charge_settings_free()
        if self.coordinator.description.key == CHARGE_SCHEDULE:
            # A whole document: through the car's write path, on top of
            # the programs changed a moment ago.
            await self.vehicle.writer.async_write(
                Write(
                    endpoint=CHARGE_SCHEDULE,
                    action=self.action_name,
                    change=Overlay(fields={"chargeModeRq": option.upper()}),
                    build=kcm_document,
                    command=send_ev_settings,
                    confirmed=lambda data, _: self._mode(data) == option,
                )
            )
            return
        command = charge_mode_command(self.vehicle.profile, option)
        await async_send(self.vehicle, self.action_name, command)
        self.vehicle.async_watch(
            self.coordinator.description.key, lambda data: self._mode(data) == option
        )
