"""Charge and climate schedules: local times for people, the cloud's shapes for cars.

Cars keep schedules in one of two shapes:

- the car adapter (KCA): up to five schedules with an id, an activation flag
  and, per weekday, a UTC start time (``THH:MMZ``) and duration (charge) or a
  UTC ready-at time (climate). Converting to local time can move an entry to
  the previous or next weekday;
- the KCM ``ev/settings`` document (Renault 5, Alpine A290...): a list of
  programs, each with one departure time (``HH:MM``, the car's local time), a
  type (charge, preconditioning or both) and a flag per weekday. They have no
  id: the service numbers them from 1 in the document's order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
import re
from typing import Any, Protocol

from homeassistant.helpers import config_validation as cv

from .car_models import (
    CHARGE_SCHEDULE,
    CHARGING_SETTINGS,
    HVAC_SETTINGS,
    CarCommand,
    ModelProfile,
)
from .car_states import CHARGE_MODES
from .cloud import ChargeDaySchedule, ChargeSchedule, HvacDaySchedule, HvacSchedule
from .commands import Command, send_ev_settings
from .compat import vol
from .errors import invalid
from .writes import CarWriter, Fields, Overlay, Write, with_fields


class ScheduledCar(Protocol):
    """A car, as its schedules are read and written."""

    @property
    def profile(self) -> ModelProfile:
        """Return the car's model profile."""

    @property
    def coordinators(self) -> Mapping[str, object]:
        """Return the car's endpoints (read by their keys)."""

    @property
    def writer(self) -> CarWriter:
        """Return the car's write path."""

    def check_charge_settings_free(self, store: ScheduleStore | None = None) -> None:
        """Refuse a change smart charging holds (of the mode, or of `store`)."""


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_SCHEDULES = 5
KCA_TIME_STEP = 15
# Minutes between ev/settings departure times (the app sets times such as 10:50).
KCM_TIME_STEP = 5
DURATION_STEP = 15
MIN_DURATION = 15
MAX_DURATION = 24 * 60
PROGRAM_TYPES = ("charge", "preconditioning", "charge_and_preconditioning")
PROGRAM_DAYS = {day: f"programActivation{day.capitalize()}" for day in DAYS}

_LOCAL_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")

type Schedule = dict[str, Any]
"""A schedule (KCA) or program (KCM), in the cloud's own shape."""
type Changes = dict[int, Schedule]
"""The cloud fields to change, by schedule id."""


def parse_time(value: str, step: int) -> time:
    """Read a local ``HH:MM`` time (seconds, if any, must be 0) on a step of minutes."""
    if (match := _LOCAL_TIME.match(value.strip())) is None:
        raise invalid(translation_key="schedule_time_invalid", time=value)
    parsed = time(int(match[1]), int(match[2]))
    if parsed.minute % step:
        raise invalid(translation_key="schedule_time_step", time=value, step=step)
    return parsed


def parse_day(value: str) -> str:
    """Check a weekday name."""
    day = value.strip().lower()
    if day not in DAYS:
        raise invalid(translation_key="schedule_day_invalid", day=value)
    return day


def parse_duration(value: float) -> int:
    """Check a charge duration in minutes."""
    if not MIN_DURATION <= value <= MAX_DURATION or value % DURATION_STEP:
        raise invalid(
            translation_key="schedule_duration_invalid",
            duration=f"{value:g}",
            min=MIN_DURATION,
            max=MAX_DURATION,
            step=DURATION_STEP,
        )
    return int(value)


def _next(day: str, today: date) -> date:
    """Return the first date on or after today that falls on a weekday."""
    return today + timedelta(days=(DAYS.index(day) - today.weekday()) % 7)


def to_cloud_slot(
    day: str, local: time, zone: tzinfo, now: datetime
) -> tuple[str, str]:
    """Return the UTC weekday and ``THH:MMZ`` time of a weekly local time.

    The offset is the one of the next occurrence (summer or winter time).
    """
    when = datetime.combine(_next(day, now.astimezone(zone).date()), local, zone)
    in_utc = when.astimezone(UTC)
    return DAYS[in_utc.weekday()], in_utc.strftime("T%H:%MZ")


def to_local_slot(
    day: str, cloud_time: str, zone: tzinfo, now: datetime
) -> tuple[str, str]:
    """Return the local weekday and ``HH:MM`` time of a weekly UTC time."""
    utc_time = time.fromisoformat(cloud_time.removeprefix("T").removesuffix("Z"))
    when = datetime.combine(_next(day, now.astimezone(UTC).date()), utc_time, UTC)
    local = when.astimezone(zone)
    return DAYS[local.weekday()], local.strftime("%H:%M")


def _checked(raw: list[dict[str, Any]], schema: vol.Schema) -> list[dict[str, Any]]:
    """Check the shape of the schedules to set, their number and their ids."""
    if len(raw) > MAX_SCHEDULES:
        raise invalid(
            translation_key="schedule_too_many", count=len(raw), max=MAX_SCHEDULES
        )
    try:
        items: list[dict[str, Any]] = [schema(item) for item in raw]
    except vol.Invalid as err:
        raise invalid(translation_key="schedule_invalid", error=str(err)) from err
    seen: set[int] = set()
    for item in items:
        if item["id"] in seen:
            raise invalid(translation_key="schedule_duplicate_id", id=item["id"])
        seen.add(item["id"])
    return items


def merge(
    current: Mapping[int, Schedule],
    changes: Changes,
    blank: Callable[[int], Schedule],
    *,
    appended: bool,
) -> list[Schedule]:
    """Apply changes to the car's schedules; return them all, by id.

    An unknown id creates a schedule (ids up to MAX_SCHEDULES; with
    ``appended``, only the next one, as programs are a list).
    """
    merged = {number: dict(schedule) for number, schedule in current.items()}
    for number in sorted(changes):
        if number not in merged:
            allowed = number == len(merged) + 1 if appended else number >= 1
            if not allowed or number > MAX_SCHEDULES:
                raise invalid(
                    translation_key="schedule_unknown_id", id=number, max=MAX_SCHEDULES
                )
            merged[number] = blank(number)
        merged[number].update(changes[number])
    return [merged[number] for number in sorted(merged)]


class ScheduleStore(ABC):
    """Where a car keeps one kind of schedules, and how they are changed."""

    endpoint: str
    """The coordinator that reads them."""

    @abstractmethod
    def can_set(self, vehicle: ScheduledCar) -> bool:
        """Tell whether the car's model accepts new schedules."""

    @abstractmethod
    def describe(self, data: Any, zone: tzinfo, now: datetime) -> dict[str, Any]:
        """Describe what the endpoint answered, in local time."""

    @abstractmethod
    def changes(
        self, raw: list[dict[str, Any]], zone: tzinfo, now: datetime
    ) -> Changes:
        """Check the schedules to set; return the cloud fields they change."""

    @abstractmethod
    def payload(self, data: Any, changes: Changes) -> Any:
        """Return what to send: the car's schedules with the changes applied."""

    @abstractmethod
    def command(self, payload: Any) -> Command[object]:
        """Return the command that sends the payload."""

    def with_fields(self, data: Any, fields: Fields) -> Any:
        """Return the car's data with document fields pending laid on it."""
        del fields  # only a whole document (KCM) has fields of its own
        return data

    @abstractmethod
    def describe_pending(
        self, data: Any, pending: Overlay, zone: tzinfo, now: datetime
    ) -> list[Schedule]:
        """Describe the schedules in local time, changes sent and not seen laid on."""

    @abstractmethod
    def confirmed(self, data: Any, payload: Any) -> bool:
        """Tell whether the endpoint shows what was sent."""


_ID_AND_FLAG = {vol.Required("id"): int, vol.Optional("activated"): cv.boolean}


class KcaSchedules(ScheduleStore):
    """Car-adapter schedules: charging-settings or hvac-settings."""

    def __init__(  # noqa: PLR0913 - one description per kind of schedule
        self,
        *,
        endpoint: str,
        set_command: CarCommand,
        time_field: str,
        cloud_time: str,
        with_duration: bool,
        model: Callable[[Schedule], Any],
    ) -> None:
        """Describe a kind: the service's and the cloud's name of a day's time."""
        self.endpoint = endpoint
        self.set_command = set_command
        self.time_field = time_field
        self.cloud_time = cloud_time
        self.with_duration = with_duration
        self.model = model
        day: dict[vol.Marker, Any] = {
            vol.Required("day"): cv.string,
            vol.Required(time_field): cv.string,
        }
        if with_duration:
            day[vol.Required("duration")] = vol.Coerce(float)
        self.schema = vol.Schema({**_ID_AND_FLAG, vol.Optional("days"): [day]})

    def can_set(self, vehicle: ScheduledCar) -> bool:
        """Tell whether the model map offers the command."""
        return vehicle.profile.accepts(self.set_command)

    def describe(self, data: Any, zone: tzinfo, now: datetime) -> dict[str, Any]:
        """Describe the schedules (and, for charging, the mode) in local time."""
        described: dict[str, Any] = {
            "schedules": [
                self._local(schedule, zone, now) for schedule in self._json(data)
            ]
        }
        if self.with_duration:
            described = {"mode": CHARGE_MODES.get(data.mode or ""), **described}
        return described

    def _local(self, schedule: Schedule, zone: tzinfo, now: datetime) -> Schedule:
        """Describe one schedule, its days in local time."""
        days: list[dict[str, Any]] = []
        for day in DAYS:
            if not (entry := schedule.get(day)):
                continue
            local_day, local_time = to_local_slot(
                day, entry[self.cloud_time], zone, now
            )
            item: dict[str, Any] = {"day": local_day, self.time_field: local_time}
            if self.with_duration:
                item["duration"] = entry["duration"]
            days.append(item)
        days.sort(key=lambda item: (DAYS.index(item["day"]), item[self.time_field]))
        return {"id": schedule["id"], "activated": schedule["activated"], "days": days}

    def describe_pending(
        self, data: Any, pending: Overlay, zone: tzinfo, now: datetime
    ) -> list[Schedule]:
        """Describe the schedules in local time, changes sent and not seen laid on."""
        return [
            self._local(schedule, zone, now)
            for schedule in self.payload(data, pending.schedules)
        ]

    def changes(
        self, raw: list[dict[str, Any]], zone: tzinfo, now: datetime
    ) -> Changes:
        """Check the schedules; convert their days to UTC."""
        changes: Changes = {}
        for item in _checked(raw, self.schema):
            fields: Schedule = {}
            if "activated" in item:
                fields["activated"] = item["activated"]
            if "days" in item:
                fields.update(dict.fromkeys(DAYS))
                for entry in item["days"]:
                    self._add_day(fields, item["id"], entry, zone, now)
            changes[item["id"]] = fields
        return changes

    def _add_day(
        self,
        fields: Schedule,
        number: int,
        entry: dict[str, Any],
        zone: tzinfo,
        now: datetime,
    ) -> None:
        """Put one local day of a schedule on its UTC day (one entry per day)."""
        local = parse_time(entry[self.time_field], KCA_TIME_STEP)
        day, cloud_time = to_cloud_slot(parse_day(entry["day"]), local, zone, now)
        if fields[day] is not None:
            raise invalid(translation_key="schedule_day_twice", id=number, day=day)
        cloud_entry: dict[str, Any] = {self.cloud_time: cloud_time}
        if self.with_duration:
            cloud_entry["duration"] = parse_duration(entry["duration"])
        fields[day] = cloud_entry

    @staticmethod
    def _json(data: Any) -> list[Schedule]:
        """Return the schedules of charging-settings or hvac-settings as JSON."""
        return [schedule.for_json() for schedule in data.schedules or []]

    def payload(self, data: Any, changes: Changes) -> list[Schedule]:
        """Return every schedule of the car, changed."""
        current = {schedule["id"]: schedule for schedule in self._json(data)}
        return merge(current, changes, _blank_schedule, appended=False)

    def command(self, payload: list[Schedule]) -> Command[object]:
        """Send the whole set (renault-api picks the model's path)."""
        models = [self.model(schedule) for schedule in payload]
        if self.with_duration:
            return lambda api: api.set_charge_schedules(models)
        return lambda api: api.set_hvac_schedules(models)

    def confirmed(self, data: Any, payload: list[Schedule]) -> bool:
        """Tell whether the endpoint shows the schedules sent."""
        shown = {schedule["id"]: schedule for schedule in self._json(data)}
        return shown == {schedule["id"]: schedule for schedule in payload}


def charge_mode_command(profile: ModelProfile, mode: str) -> Command[object]:
    """Return the car-adapter command setting a charge mode, the model's way."""
    spelling = profile.charge_mode_spelling(mode)
    return lambda api: api.set_charge_mode(spelling)


def _blank_schedule(number: int) -> Schedule:
    """Return a new car-adapter schedule: off, without days."""
    return {"id": number, "activated": False, **dict.fromkeys(DAYS)}


def _model[S](
    schedule_class: Callable[..., S], day_class: Callable[..., Any], schedule: Schedule
) -> S:
    """Build renault-api's model of a schedule from its JSON form."""
    model = schedule_class(
        raw_data=schedule,
        id=schedule["id"],
        activated=schedule["activated"],
        **dict.fromkeys(DAYS),
    )
    for day in DAYS:
        if entry := schedule[day]:
            setattr(model, day, day_class(raw_data=entry, **entry))
    return model


class KcmPrograms(ScheduleStore):
    """The programs of the KCM ev/settings document (charge-schedule)."""

    endpoint = CHARGE_SCHEDULE
    schema = vol.Schema(
        {
            **_ID_AND_FLAG,
            vol.Optional("type"): cv.string,
            vol.Optional("departure_time"): cv.string,
            vol.Optional("days"): [cv.string],
        }
    )

    def can_set(self, vehicle: ScheduledCar) -> bool:  # noqa: ARG002
        """Tell whether the car accepts new programs: a car that has them does."""
        return True

    def describe(
        self,
        data: Any,
        zone: tzinfo,  # noqa: ARG002 - programs are in the car's own local time
        now: datetime,  # noqa: ARG002
    ) -> dict[str, Any]:
        """Describe the charge mode and the programs."""
        return {
            "mode": CHARGE_MODES.get(data.get("chargeModeRq") or ""),
            "schedules": [
                {
                    "id": number,
                    "activated": bool(program.get("programActivationStatus")),
                    "type": str(program.get("programType", "")).lower(),
                    "departure_time": program.get("programDepartureTime"),
                    "days": [
                        day for day, key in PROGRAM_DAYS.items() if program.get(key)
                    ],
                }
                for number, program in enumerate(data.get("programs") or [], start=1)
            ],
        }

    def describe_pending(
        self, data: Any, pending: Overlay, zone: tzinfo, now: datetime
    ) -> list[Schedule]:
        """Describe the programs, changes sent and not seen laid on."""
        if pending.schedules:
            data = self.payload(
                self.with_fields(data, pending.fields), pending.schedules
            )
        schedules: list[Schedule] = self.describe(data, zone, now)["schedules"]
        return schedules

    def changes(
        self,
        raw: list[dict[str, Any]],
        zone: tzinfo,  # noqa: ARG002 - programs are in the car's own local time
        now: datetime,  # noqa: ARG002
    ) -> Changes:
        """Check the programs; spell them the cloud's way."""
        changes: Changes = {}
        for item in _checked(raw, self.schema):
            fields: Schedule = {}
            if "activated" in item:
                fields["programActivationStatus"] = item["activated"]
            if "type" in item:
                if item["type"] not in PROGRAM_TYPES:
                    raise invalid(
                        translation_key="schedule_type_invalid", type=item["type"]
                    )
                fields["programType"] = item["type"].upper()
            if "departure_time" in item:
                departure = parse_time(item["departure_time"], KCM_TIME_STEP)
                fields["programDepartureTime"] = departure.strftime("%H:%M")
            if "days" in item:
                days = {parse_day(day) for day in item["days"]}
                fields.update({key: day in days for day, key in PROGRAM_DAYS.items()})
            changes[item["id"]] = fields
        return changes

    def payload(self, data: Any, changes: Changes) -> dict[str, Any]:
        """Return the whole ev/settings document with the programs changed."""
        programs = dict(enumerate(data.get("programs") or [], start=1))
        merged = merge(programs, changes, _blank_program, appended=True)
        for number, program in enumerate(merged, start=1):
            if program["programDepartureTime"] is None:
                raise invalid(
                    translation_key="schedule_departure_time_required", id=number
                )
        return {**data, "programs": merged}

    def command(self, payload: dict[str, Any]) -> Command[object]:
        """POST the document, as the app does."""
        return send_ev_settings(payload)

    def with_fields(self, data: Any, fields: Fields) -> Any:
        """Return the document with the fields pending (the charge mode) laid on it."""
        return with_fields(data, fields)

    def confirmed(self, data: Any, payload: dict[str, Any]) -> bool:
        """Tell whether the document shows the programs sent."""
        programs: list[Schedule] = payload["programs"]
        return bool(data.get("programs") == programs)


def _blank_program(_number: int) -> Schedule:
    """Return a new program: a charge, off, on no day, without a departure time."""
    return {
        "programActivationStatus": False,
        "programType": "CHARGE",
        "programDepartureTime": None,
        **dict.fromkeys(PROGRAM_DAYS.values(), False),
    }


KCA_CHARGE_SCHEDULES = KcaSchedules(
    endpoint=CHARGING_SETTINGS,
    set_command=CarCommand.SET_CHARGE_SCHEDULE,
    time_field="start_time",
    cloud_time="startTime",
    with_duration=True,
    model=lambda schedule: _model(ChargeSchedule, ChargeDaySchedule, schedule),
)
KCA_HVAC_SCHEDULES = KcaSchedules(
    endpoint=HVAC_SETTINGS,
    set_command=CarCommand.SET_HVAC_SCHEDULE,
    time_field="ready_at_time",
    cloud_time="readyAtTime",
    with_duration=False,
    model=lambda schedule: _model(HvacSchedule, HvacDaySchedule, schedule),
)
KCM_PROGRAMS = KcmPrograms()


def charge_schedules(vehicle: ScheduledCar) -> ScheduleStore | None:
    """Return where the car keeps its charge schedules (None: nowhere we read)."""
    for store in (KCM_PROGRAMS, KCA_CHARGE_SCHEDULES):
        if store.endpoint in vehicle.coordinators:
            return store
    return None


def hvac_schedules(vehicle: ScheduledCar) -> ScheduleStore | None:
    """Return where the car keeps its climate schedules (None: nowhere we read)."""
    if KCA_HVAC_SCHEDULES.endpoint in vehicle.coordinators:
        return KCA_HVAC_SCHEDULES
    return None


async def async_apply(
    store: ScheduleStore,
    vehicle: ScheduledCar,
    action: str,
    changes: Changes,
) -> None:
    """Send the car's whole set of schedules, changed, through its write path.

    The set is read afresh (a change made in the app since the last poll is
    kept), with the changes sent before and not yet confirmed laid on it.
    Schedules smart charging holds are refused, with nothing sent.
    """
    vehicle.check_charge_settings_free(store)
    await vehicle.writer.async_write(
        Write(
            endpoint=store.endpoint,
            action=action,
            change=Overlay(schedules=changes),
            build=lambda current, overlay: store.payload(
                store.with_fields(current, overlay.fields), overlay.schedules
            ),
            command=store.command,
            confirmed=store.confirmed,
        )
    )


def kcm_document(current: dict[str, Any], overlay: Overlay) -> dict[str, Any]:
    """Return the KCM ev/settings document with every pending change laid on it."""
    document = with_fields(current, overlay.fields)
    if overlay.schedules:
        return KCM_PROGRAMS.payload(document, overlay.schedules)
    return document
