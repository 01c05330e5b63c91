"""Entities of one schedule of a car: whether it is on, its days and its times.

A weekly schedule is edited from the device page, without YAML: a switch turns
it on or off, a select picks its days (every day, weekdays, the weekend) and
time entities set its times. Each change goes through the same checks and the
same write path as the set_*_schedules actions; a refused change sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import time
from typing import Any

from homeassistant.util import dt as dt_util

from .car_schedules import (
    DAYS,
    KCA_CHARGE_SCHEDULES,
    KCA_HVAC_SCHEDULES,
    KCM_PROGRAMS,
    ScheduleStore,
    async_apply,
)
from .entity import RenaultConnectEntity, RenaultConnectEntityDescription
from .vehicle import RenaultConnectVehicle

# Each kind of schedule: where cars keep it, and the name of its switches.
SCHEDULE_KINDS: dict[str, ScheduleStore] = {
    "charge_schedule": KCA_CHARGE_SCHEDULES,
    "charge_program": KCM_PROGRAMS,
    "hvac_schedule": KCA_HVAC_SCHEDULES,
}

# Sets of days a select offers; any other set shows as "custom".
DAY_SETS: dict[str, tuple[str, ...]] = {
    "every_day": DAYS,
    "weekdays": DAYS[:5],
    "weekend": DAYS[5:],
}
CUSTOM_DAYS = "custom"

# A charge schedule given a start before it has any day: every day, for a night.
NEW_CHARGE_DURATION = 8 * 60
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, kw_only=True)
class ScheduleDescription(RenaultConnectEntityDescription):
    """An entity of each schedule of one kind; ``key`` has a ``{number}`` to fill."""

    store: ScheduleStore
    number: int = 0


def local_schedules(store: ScheduleStore, data: object) -> dict[int, dict[str, Any]]:
    """Return the car's schedules in local time, by id."""
    described = store.describe(data, dt_util.get_default_time_zone(), dt_util.utcnow())
    return {item["id"]: item for item in described["schedules"]}


def day_names(schedule: dict[str, Any]) -> list[str]:
    """Return the local weekdays a schedule runs on, Monday first."""
    days = {day if isinstance(day, str) else day["day"] for day in schedule["days"]}
    return [day for day in DAYS if day in days]


def day_set(schedule: dict[str, Any]) -> str:
    """Name a schedule's days as a select shows them."""
    days = tuple(day_names(schedule))
    return next(
        (name for name, members in DAY_SETS.items() if members == days), CUSTOM_DAYS
    )


def schedule_entities[D: ScheduleDescription, E](
    vehicle: RenaultConnectVehicle,
    templates: Iterable[D],
    factory: Callable[[Any, D], E],
) -> list[E]:
    """Create an entity of each template for each schedule the car reported.

    Only where the car's model accepts its schedules being sent. The first
    schedule, and any that is on, is shown; the others start disabled (a car
    keeps five of each).
    """
    entities: list[E] = []
    for template in templates:
        store = template.store
        coordinator = vehicle.coordinators.get(store.endpoint)
        if coordinator is None or coordinator.data is None:
            continue
        if not store.can_set(vehicle):
            continue
        for number, schedule in local_schedules(store, coordinator.data).items():
            description = replace(
                template,
                key=template.key.format(number=number),
                translation_placeholders={"number": str(number)},
                entity_registry_enabled_default=number == 1
                or bool(schedule["activated"]),
                endpoint=store.endpoint,
                number=number,
            )
            entities.append(factory(coordinator, description))
    return entities


class ScheduleEntity(RenaultConnectEntity[object]):
    """An entity of one schedule of a car."""

    entity_description: ScheduleDescription

    @property
    def schedule(self) -> dict[str, Any] | None:
        """Return the schedule in local time, None when the car no longer has it.

        Changes sent and not yet shown by the car are laid on what it last
        showed: the page shows a change at once, and a second change builds
        on the first rather than undoing it.
        """
        description = self.entity_description
        store = description.store
        now = dt_util.utcnow()
        pending = self.vehicle.writer.pending(store.endpoint).overlay(now)
        schedules = store.describe_pending(
            self.data, pending, dt_util.get_default_time_zone(), now
        )
        return next(
            (item for item in schedules if item["id"] == description.number), None
        )

    @property
    def available(self) -> bool:
        """Return whether the schedule still exists."""
        return super().available and self.schedule is not None

    async def async_change(self, **fields: Any) -> None:
        """Send the car's whole set with these fields of this schedule changed.

        The fields are those of the set_*_schedules actions, checked the same
        way: a change they refuse raises a translated error and sends nothing.
        """
        description = self.entity_description
        store = description.store
        changes = store.changes(
            [{"id": description.number, **fields}],
            dt_util.get_default_time_zone(),
            dt_util.utcnow(),
        )
        await async_apply(store, self.vehicle, self.action_name, changes)

    @property
    def days(self) -> list[dict[str, Any]]:
        """Return the schedule's days in local time (none when it is gone)."""
        return list((self.schedule or {}).get("days") or [])


def add_minutes(start: time, minutes: int) -> time:
    """Return the time of day ``minutes`` after ``start`` (past midnight wraps)."""
    total = (start.hour * 60 + start.minute + minutes) % MINUTES_PER_DAY
    return time(total // 60, total % 60)


def minutes_between(start: time, end: time) -> int:
    """Return the minutes from ``start`` to the next ``end`` (a whole day if equal)."""
    difference = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return difference % MINUTES_PER_DAY or MINUTES_PER_DAY
