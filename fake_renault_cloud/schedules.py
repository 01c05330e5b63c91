"""Charge and HVAC schedules: checking what clients send, and planning charges."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo
import re
from typing import Any

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UTC_TIME = re.compile(r"^T([01]\d|2[0-3]):([0-5]\d)Z$")
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
PROGRAM_TYPES = frozenset({"CHARGE", "PRECONDITIONING", "CHARGE_AND_PRECONDITIONING"})
PROGRAM_FLAGS = (
    "programActivationStatus",
    *(f"programActivation{day.capitalize()}" for day in DAYS),
)


class ScheduleError(ValueError):
    """A schedule a client sent is not valid."""


def parse_utc_time(value: object) -> time:
    """Parse the ``THH:MMZ`` times of KCA schedules."""
    match = _UTC_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        msg = f"{value!r} is not a THH:MMZ time"
        raise ScheduleError(msg)
    return time(int(match[1]), int(match[2]), tzinfo=UTC)


def parse_clock_time(value: object) -> time:
    """Parse the ``HH:MM`` times of KCM settings."""
    match = _CLOCK_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        msg = f"{value!r} is not a HH:MM time"
        raise ScheduleError(msg)
    return time(int(match[1]), int(match[2]), tzinfo=UTC)


def _schedule_id(raw: dict[str, Any]) -> int:
    """Check the id and activation flag shared by both kinds of schedules."""
    schedule_id = raw.get("id")
    if not isinstance(schedule_id, int) or isinstance(schedule_id, bool):
        msg = "a schedule needs an integer id"
        raise ScheduleError(msg)
    if not isinstance(raw.get("activated", False), bool):
        msg = "activated must be true or false"
        raise ScheduleError(msg)
    return schedule_id


def charge_schedule(raw: object) -> dict[str, Any]:
    """Check one charge schedule and return it with all seven days present."""
    if not isinstance(raw, dict):
        msg = "a schedule must be an object"
        raise ScheduleError(msg)
    schedule: dict[str, Any] = {
        "id": _schedule_id(raw),
        "activated": raw.get("activated", False),
    }
    for day in DAYS:
        entry = raw.get(day)
        if entry is None:
            schedule[day] = None
            continue
        if not isinstance(entry, dict):
            msg = f"{day} must be an object or null"
            raise ScheduleError(msg)
        parse_utc_time(entry.get("startTime"))
        duration = entry.get("duration")
        if not isinstance(duration, int) or not 15 <= duration <= 24 * 60:  # noqa: PLR2004
            msg = f"{day}: duration must be between 15 and 1440 minutes"
            raise ScheduleError(msg)
        schedule[day] = {"startTime": entry["startTime"], "duration": duration}
    return schedule


def hvac_schedule(raw: object) -> dict[str, Any]:
    """Check one HVAC schedule and return it with all seven days present."""
    if not isinstance(raw, dict):
        msg = "a schedule must be an object"
        raise ScheduleError(msg)
    schedule: dict[str, Any] = {
        "id": _schedule_id(raw),
        "activated": raw.get("activated", False),
    }
    for day in DAYS:
        entry = raw.get(day)
        if entry is None:
            schedule[day] = None
            continue
        if not isinstance(entry, dict):
            msg = f"{day} must be an object or null"
            raise ScheduleError(msg)
        parse_utc_time(entry.get("readyAtTime"))
        schedule[day] = {"readyAtTime": entry["readyAtTime"]}
    return schedule


def ev_program(raw: object) -> None:
    """Check the fields one program of an ev/settings document has."""
    if not isinstance(raw, dict):
        msg = "a program must be an object"
        raise ScheduleError(msg)
    unknown = set(raw) - {*PROGRAM_FLAGS, "programType", "programDepartureTime"}
    if unknown:
        msg = f"unknown program fields: {', '.join(sorted(unknown))}"
        raise ScheduleError(msg)
    if "programType" in raw and raw["programType"] not in PROGRAM_TYPES:
        msg = f"programType must be one of {', '.join(sorted(PROGRAM_TYPES))}"
        raise ScheduleError(msg)
    for flag in PROGRAM_FLAGS:
        if flag in raw and not isinstance(raw[flag], bool):
            msg = f"{flag} must be true or false"
            raise ScheduleError(msg)
    if "programDepartureTime" in raw:
        parse_clock_time(raw["programDepartureTime"])


def schedule_list(
    raw: object, check: Callable[[object], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Check the ``schedules`` list of an action with ``check`` for each item."""
    if not isinstance(raw, list) or not raw:
        msg = "schedules must be a non-empty list"
        raise ScheduleError(msg)
    checked = [check(item) for item in raw]
    ids = [schedule["id"] for schedule in checked]
    if len(set(ids)) != len(ids):
        msg = "schedule ids must be unique"
        raise ScheduleError(msg)
    return checked


def compact(schedule: dict[str, Any]) -> dict[str, Any]:
    """Drop the empty days, as the cloud does when it answers."""
    return {key: value for key, value in schedule.items() if value is not None}


def next_charge_window(
    schedules: Iterable[dict[str, Any]], after: datetime
) -> tuple[datetime, datetime] | None:
    """Return the next (or current) charge window of the activated schedules."""
    windows: list[tuple[datetime, datetime]] = []
    for schedule in schedules:
        if not schedule.get("activated"):
            continue
        for offset in range(-1, 8):
            day = after.date() + timedelta(days=offset)
            entry = schedule.get(DAYS[day.weekday()])
            if not entry:
                continue
            start = datetime.combine(day, parse_utc_time(entry["startTime"]))
            end = start + timedelta(minutes=entry["duration"])
            if end > after:
                windows.append((max(start, after), end))
    return min(windows, default=None)


def next_daily_start(start: time, after: datetime, zone: tzinfo = UTC) -> datetime:
    """Return the next local time of day ``start`` at or after ``after``."""
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), start.replace(tzinfo=None), zone)
    if candidate < local:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), start.replace(tzinfo=None), zone
        )
    return candidate.astimezone(UTC)


def next_daily_window(
    start: time, minutes: int, after: datetime, zone: tzinfo = UTC
) -> tuple[datetime, datetime]:
    """Return the local daily window from ``start`` of ``minutes``: now or next."""
    day = after.astimezone(zone).date()
    for offset in (-1, 0, 1):
        begin = datetime.combine(
            day + timedelta(days=offset), start.replace(tzinfo=None), zone
        ).astimezone(UTC)
        end = begin + timedelta(minutes=minutes)
        if end > after:
            return max(begin, after), end
    raise AssertionError  # pragma: no cover - a day always has the window


def calendar(schedules: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Render charge schedules the way ZOE phase 1 reports them (charge-schedule)."""
    days: dict[str, list[dict[str, Any]]] = {day: [] for day in DAYS}
    for schedule in schedules:
        for day in DAYS:
            entry = schedule.get(day)
            if entry:
                days[day].append(
                    {
                        "startTime": entry["startTime"][1:6].replace(":", ""),
                        "duration": entry["duration"],
                        "activationState": bool(schedule.get("activated")),
                    }
                )
    return days
