"""Times: the departure smart charging aims at, and the times of each schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .car_schedules import (
    DAYS,
    KCA_CHARGE_SCHEDULES,
    KCA_HVAC_SCHEDULES,
    KCA_TIME_STEP,
    KCM_PROGRAMS,
    ScheduleStore,
)
from .entity import SmartChargingEntity, smart_charging_entities
from .errors import invalid
from .hub import RenaultConnectConfigEntry
from .schedule_entities import (
    NEW_CHARGE_DURATION,
    ScheduleDescription,
    ScheduleEntity,
    add_minutes,
    minutes_between,
    schedule_entities,
)

# Settings are stored, and schedules sent, one at a time.
PARALLEL_UPDATES = 1

DEPARTURE = TimeEntityDescription(
    key="departure_time", translation_key="departure_time"
)


@dataclass(frozen=True, kw_only=True)
class ScheduleTimeDescription(ScheduleDescription, TimeEntityDescription):
    """A time of each schedule of a kind, and the entity that sets it."""

    entity_class: type[ScheduleTime]


def _time(
    store: ScheduleStore,
    key: str,
    translation_key: str,
    entity_class: type[ScheduleTime],
) -> ScheduleTimeDescription:
    """Describe a time of a schedule, shown with the car's settings."""
    return ScheduleTimeDescription(
        key=key,
        translation_key=translation_key,
        entity_category=EntityCategory.CONFIG,
        endpoint=store.endpoint,
        store=store,
        entity_class=entity_class,
    )


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the departure time of smart charging, and the times of each schedule."""
    async_add_entities(smart_charging_entities(entry, (DEPARTURE,), DepartureTime))
    async_add_entities(
        entity
        for vehicle in entry.runtime_data.vehicles.values()
        for entity in schedule_entities(
            vehicle,
            _schedule_times(),
            lambda coordinator, description: description.entity_class(
                coordinator, description
            ),
        )
    )


class DepartureTime(SmartChargingEntity, TimeEntity):
    """When the car must be charged by (local time, every day)."""

    @property
    def native_value(self) -> time:
        """Return the departure time."""
        return self.vehicle.smart.settings.departure

    async def async_set_value(self, value: time) -> None:
        """Set the departure time (to the minute)."""
        await self.vehicle.smart.async_set(
            departure=value.replace(second=0, microsecond=0)
        )


def _hh_mm(value: time) -> str:
    """Spell a time as the schedules do."""
    return value.strftime("%H:%M")


def _first(days: list[dict[str, Any]], field: str) -> time | None:
    """Return a field's time on the schedule's first day (None without days)."""
    return time.fromisoformat(days[0][field]) if days else None


class ScheduleTime(ScheduleEntity, TimeEntity):
    """A time of one schedule, the same on each of its days."""

    entity_description: ScheduleTimeDescription


class ChargeStart(ScheduleTime):
    """When a charge schedule starts; its days keep their lengths."""

    @property
    def native_value(self) -> time | None:
        """Return the start on the schedule's first day."""
        return _first(self.days, "start_time")

    async def async_set_value(self, value: time) -> None:
        """Start each day of the schedule then (every day, for a night, when new)."""
        days = self.days or [
            {"day": day, "duration": NEW_CHARGE_DURATION} for day in DAYS
        ]
        await self.async_change(
            days=[
                {
                    "day": day["day"],
                    "start_time": _hh_mm(value),
                    "duration": day["duration"],
                }
                for day in days
            ]
        )


class ChargeEnd(ScheduleTime):
    """When a charge schedule ends: its start plus its length."""

    @property
    def native_value(self) -> time | None:
        """Return the end on the schedule's first day."""
        days = self.days
        if not days:
            return None
        start = time.fromisoformat(days[0]["start_time"])
        return add_minutes(start, int(days[0]["duration"]))

    async def async_set_value(self, value: time) -> None:
        """End each day of the schedule then; it needs a start first."""
        if not (days := self.days):
            raise invalid(translation_key="schedule_needs_time")
        if value.minute % KCA_TIME_STEP:
            raise invalid(
                translation_key="schedule_time_step",
                time=_hh_mm(value),
                step=KCA_TIME_STEP,
            )
        await self.async_change(
            days=[
                {
                    "day": day["day"],
                    "start_time": day["start_time"],
                    "duration": minutes_between(
                        time.fromisoformat(day["start_time"]), value
                    ),
                }
                for day in days
            ]
        )


class ReadyAt(ScheduleTime):
    """When a climate schedule has the car ready."""

    @property
    def native_value(self) -> time | None:
        """Return the time on the schedule's first day."""
        return _first(self.days, "ready_at_time")

    async def async_set_value(self, value: time) -> None:
        """Have the car ready then on each day of the schedule (every day, when new)."""
        days = [day["day"] for day in self.days] or list(DAYS)
        await self.async_change(
            days=[{"day": day, "ready_at_time": _hh_mm(value)} for day in days]
        )


class ProgramDeparture(ScheduleTime):
    """When a charge program (Renault 5, A290) has the car ready to leave."""

    @property
    def native_value(self) -> time | None:
        """Return the program's departure time."""
        departure = (self.schedule or {}).get("departure_time")
        return time.fromisoformat(departure) if departure else None

    async def async_set_value(self, value: time) -> None:
        """Set the program's departure time."""
        await self.async_change(departure_time=_hh_mm(value))


def _schedule_times() -> list[ScheduleTimeDescription]:
    """Describe the times each kind of schedule has."""
    return [
        _time(
            KCA_CHARGE_SCHEDULES,
            "charge_schedule_{number}_start",
            "charge_schedule_start",
            ChargeStart,
        ),
        _time(
            KCA_CHARGE_SCHEDULES,
            "charge_schedule_{number}_end",
            "charge_schedule_end",
            ChargeEnd,
        ),
        _time(
            KCA_HVAC_SCHEDULES,
            "hvac_schedule_{number}_ready_at",
            "hvac_schedule_ready_at",
            ReadyAt,
        ),
        _time(
            KCM_PROGRAMS,
            "charge_program_{number}_departure",
            "charge_program_departure",
            ProgramDeparture,
        ),
    ]
