"""Service actions: preconditioning later, schedules, and charge and climate history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util

from .car_models import (
    CHARGE_HISTORY,
    CHARGES,
    HVAC_HISTORY,
    HVAC_SESSIONS,
    NOTIFICATION_SETTINGS,
    CarCommand,
    ModelProfile,
)
from .car_schedules import (
    ScheduleStore,
    async_apply,
    charge_schedules,
    hvac_schedules,
)
from .cloud import CarLink
from .commands import Command, async_send
from .compat import vol
from .const import DOMAIN
from .errors import invalid, local_moment
from .hub import RenaultHub
from .preconditioning import check_hvac_temperature
from .vehicle import RenaultConnectVehicle

SERVICE_START_PRECONDITIONING = "start_preconditioning"
SERVICE_GET_CHARGE_SCHEDULES = "get_charge_schedules"
SERVICE_SET_CHARGE_SCHEDULES = "set_charge_schedules"
SERVICE_GET_HVAC_SCHEDULES = "get_hvac_schedules"
SERVICE_SET_HVAC_SCHEDULES = "set_hvac_schedules"
SERVICE_GET_CHARGE_HISTORY = "get_charge_history"
SERVICE_GET_HVAC_HISTORY = "get_hvac_history"
SERVICE_GET_NOTIFICATION_SETTINGS = "get_notification_settings"
SERVICE_PLAN_CHARGE = "plan_charge"
SERVICE_CANCEL_CHARGE_PLAN = "cancel_charge_plan"

ATTR_TEMPERATURE = "temperature"
ATTR_START_TIME = "start_time"
ATTR_SCHEDULES = "schedules"
ATTR_START = "start"
ATTR_END = "end"
ATTR_PERIOD = "period"
ATTR_STOP_TIME = "stop_time"
ATTR_TARGET_LEVEL = "target_level"

# A plan's level, in percent, is at most this.
FULL_LEVEL = 100
# What the cars accept for preconditioning.
MAX_START_DELAY = timedelta(days=7)
# The longest history asked at once.
MAX_HISTORY_DAYS = 366
PERIODS = ("day", "month")

_VEHICLE: dict[vol.Marker, Any] = {vol.Required(ATTR_DEVICE_ID): cv.string}
VEHICLE_SCHEMA = vol.Schema(_VEHICLE)
START_PRECONDITIONING_SCHEMA = vol.Schema(
    {
        **_VEHICLE,
        vol.Optional(ATTR_TEMPERATURE): vol.Coerce(float),
        vol.Optional(ATTR_START_TIME): cv.datetime,
    }
)
SET_SCHEDULES_SCHEMA = vol.Schema(
    {**_VEHICLE, vol.Required(ATTR_SCHEDULES): vol.All(cv.ensure_list, [dict])}
)
PLAN_CHARGE_SCHEMA = vol.Schema(
    {
        **_VEHICLE,
        vol.Optional(ATTR_START_TIME): cv.datetime,
        vol.Optional(ATTR_STOP_TIME): cv.datetime,
        # The range is checked by the action, with its own translated error.
        vol.Optional(ATTR_TARGET_LEVEL): vol.Coerce(int),
    }
)
HISTORY_SCHEMA = vol.Schema(
    {
        **_VEHICLE,
        vol.Required(ATTR_START): cv.date,
        vol.Optional(ATTR_END): cv.date,
        vol.Optional(ATTR_PERIOD, default="day"): vol.In(PERIODS),
    }
)


def _vehicle(call: ServiceCall) -> RenaultConnectVehicle:
    """Return the vehicle of the call's device, from an entry that is loaded."""
    device_id: str = call.data[ATTR_DEVICE_ID]
    device = dr.async_get(call.hass).async_get(device_id)
    vin = (
        next((key for domain, key in device.identifiers if domain == DOMAIN), None)
        if device
        else None
    )
    if device is None or vin is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="service_unknown_device",
            translation_placeholders={"device_id": device_id},
        )
    for entry in call.hass.config_entries.async_loaded_entries(DOMAIN):
        hub: RenaultHub = entry.runtime_data
        if (vehicle := hub.vehicles.get(vin)) is not None:
            return vehicle
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="service_vehicle_not_loaded",
        translation_placeholders={"device": device.name_by_user or device.name or ""},
    )


def _not_supported(action: str) -> ServiceValidationError:
    """Return the error of an action the car's model does not offer."""
    return invalid(translation_key="action_not_supported", action=action)


async def _async_send[T](
    call: ServiceCall, vehicle: RenaultConnectVehicle, command: Command[T]
) -> T:
    """Send a request for the action; cloud refusals become translated errors."""
    return await async_send(vehicle, call.service, command)


def _utc(value: datetime | None) -> datetime | None:
    """Read a local date and time (naive ones are in Home Assistant's zone)."""
    if value is None:
        return None
    return dt_util.as_utc(
        value if value.tzinfo else value.replace(tzinfo=dt_util.get_default_time_zone())
    )


async def _async_start_preconditioning(call: ServiceCall) -> None:
    """Precondition the car now, or from a local date and time."""
    vehicle = _vehicle(call)
    if not vehicle.profile.accepts(CarCommand.HVAC_START):
        raise _not_supported(call.service)
    temperature: float = call.data.get(ATTR_TEMPERATURE, vehicle.hvac_temperature)
    check_hvac_temperature(temperature)
    start = _utc(call.data.get(ATTR_START_TIME))
    if start is not None:
        now = dt_util.utcnow()
        if start <= now:
            raise invalid(
                translation_key="service_start_time_past",
                start_time=local_moment(start),
            )
        if start - now > MAX_START_DELAY:
            raise invalid(
                translation_key="service_start_time_too_far",
                start_time=local_moment(start),
                days=MAX_START_DELAY.days,
            )
    await _async_send(call, vehicle, lambda api: api.set_ac_start(temperature, start))
    vehicle.preconditioning.async_sent(
        running=True, start=start, temperature=temperature
    )


def _store(
    call: ServiceCall,
    vehicle: RenaultConnectVehicle,
    pick: Callable[[RenaultConnectVehicle], ScheduleStore | None],
) -> ScheduleStore:
    """Return where the car keeps the schedules the action is about."""
    if (store := pick(vehicle)) is None:
        raise _not_supported(call.service)
    return store


async def _async_get_schedules(
    pick: Callable[[RenaultConnectVehicle], ScheduleStore | None], call: ServiceCall
) -> ServiceResponse:
    """Return the car's schedules, as last read, in local time."""
    vehicle = _vehicle(call)
    store = _store(call, vehicle, pick)
    if (data := vehicle.coordinators[store.endpoint].data) is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="service_schedules_unavailable",
            translation_placeholders={"action": call.service},
        )
    return store.describe(data, dt_util.get_default_time_zone(), dt_util.utcnow())


async def _async_set_schedules(
    pick: Callable[[RenaultConnectVehicle], ScheduleStore | None], call: ServiceCall
) -> None:
    """Change schedules: check them, read the car's, send the whole set, watch."""
    vehicle = _vehicle(call)
    store = _store(call, vehicle, pick)
    if not store.can_set(vehicle):
        raise _not_supported(call.service)
    changes = store.changes(
        call.data[ATTR_SCHEDULES], dt_util.get_default_time_zone(), dt_util.utcnow()
    )
    await async_apply(store, vehicle, call.service, changes)


def _local_time(value: str | None) -> str | None:
    """Return a cloud date and time in the local time zone, ISO formatted."""
    if value is None or (parsed := dt_util.parse_datetime(value)) is None:
        return None
    return dt_util.as_local(parsed).isoformat()


def _period(value: str | None) -> str | None:
    """Return a cloud day (YYYYMMDD) or month (YYYYMM) in ISO format."""
    if not value:
        return None
    return "-".join(part for part in (value[:4], value[4:6], value[6:8]) if part)


def _rounded(value: float | None) -> float | None:
    """Round a cloud float (energies come as 4.10000038)."""
    return None if value is None else round(value, 2)


def _charge_session(
    profile: ModelProfile, _period_type: str, charge: dict[str, Any]
) -> dict[str, Any]:
    """Describe a charge session with the same units whatever the model."""
    return {
        "start": _local_time(charge.get("chargeStartDate")),
        "end": _local_time(charge.get("chargeEndDate")),
        "duration_minutes": profile.session_minutes(charge),
        "start_battery_level": charge.get("chargeStartBatteryLevel"),
        "end_battery_level": charge.get("chargeEndBatteryLevel"),
        "battery_level_recovered": charge.get("chargeBatteryLevelRecovered"),
        "energy_kwh": _rounded(charge.get("chargeEnergyRecovered")),
        "power_kw": profile.charging_power_kw(
            charge.get("chargeStartInstantaneousPower")
        ),
        "charging_point": charge.get("chargePower"),
        "status": charge.get("chargeEndStatus"),
    }


def _hvac_session(
    _profile: ModelProfile, _period_type: str, session: dict[str, Any]
) -> dict[str, Any]:
    """Describe a preconditioning session."""
    return {
        "requested": _local_time(session.get("hvacSessionRequestDate")),
        "start": _local_time(session.get("hvacSessionStartDate")),
        "status": session.get("hvacSessionEndStatus"),
    }


def _summary(
    fields: Mapping[str, str],
) -> Callable[[ModelProfile, str, dict[str, Any]], dict[str, Any]]:
    """Describe the totals of a day or month; fields are named by the cloud's names."""

    def describe(
        _profile: ModelProfile, period_type: str, summary: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "period": _period(summary.get(period_type)),
            **{name: summary.get(cloud_name) for name, cloud_name in fields.items()},
        }

    return describe


@dataclass(frozen=True, kw_only=True)
class HistoryPart:
    """Sessions or summaries: the endpoint, how to read it, how to describe an item."""

    endpoint: str
    read: Callable[[CarLink, datetime, datetime, str], Awaitable[Any]]
    key: str
    """Where the items are in the answer."""
    describe: Callable[[ModelProfile, str, dict[str, Any]], dict[str, Any]]

    def command(self, start: datetime, end: datetime, period: str) -> Command[Any]:
        """Return the read of the part over the dates."""
        return lambda api: self.read(api, start, end, period)


@dataclass(frozen=True, kw_only=True)
class HistoryDescription:
    """A history: which cars have one, its sessions and its summaries."""

    offered: Callable[[ModelProfile], bool]
    sessions: HistoryPart
    summaries: HistoryPart


CHARGE_SESSIONS_AND_TOTALS = HistoryDescription(
    offered=lambda profile: profile.electric,
    sessions=HistoryPart(
        endpoint=CHARGES,
        read=lambda api, start, end, _period: api.get_charges(start, end),
        key="charges",
        describe=_charge_session,
    ),
    summaries=HistoryPart(
        endpoint=CHARGE_HISTORY,
        read=lambda api, start, end, period: api.get_charge_history(start, end, period),
        key="chargeSummaries",
        describe=_summary(
            {
                "sessions": "totalChargesNumber",
                "duration_minutes": "totalChargesDuration",
                "errors": "totalChargesErrors",
            }
        ),
    ),
)
HVAC_SESSIONS_AND_TOTALS = HistoryDescription(
    offered=lambda profile: profile.accepts(CarCommand.HVAC_START),
    sessions=HistoryPart(
        endpoint=HVAC_SESSIONS,
        read=lambda api, start, end, _period: api.get_hvac_sessions(start, end),
        key="hvacSessions",
        describe=_hvac_session,
    ),
    summaries=HistoryPart(
        endpoint=HVAC_HISTORY,
        read=lambda api, start, end, period: api.get_hvac_history(start, end, period),
        key="hvacSessionsSummaries",
        describe=_summary(
            {"sessions": "totalHvacSessionsNumber", "errors": "totalHvacSessionsErrors"}
        ),
    ),
)


def _history_range(call: ServiceCall) -> tuple[datetime, datetime, str]:
    """Check the dates and period asked; return them as renault-api takes them."""
    today = dt_util.now().date()
    start: date = call.data[ATTR_START]
    end: date = call.data.get(ATTR_END, today)
    if start > end:
        raise invalid(translation_key="service_history_order", start=start, end=end)
    if end > today:
        raise invalid(translation_key="service_history_future", end=end)
    if (end - start).days > MAX_HISTORY_DAYS:
        raise invalid(translation_key="service_history_too_long", days=MAX_HISTORY_DAYS)
    return (
        datetime.combine(start, time.min),
        datetime.combine(end, time.min),
        call.data[ATTR_PERIOD],
    )


async def _async_get_history(
    history: HistoryDescription, call: ServiceCall
) -> ServiceResponse:
    """Return the sessions and the summaries per day or month the car's cloud keeps.

    A model whose cloud keeps only one of them gets null for the other.
    """
    vehicle = _vehicle(call)
    profile = vehicle.profile
    parts = {"sessions": history.sessions, "summaries": history.summaries}
    kept = {name: part for name, part in parts.items() if profile.offers(part.endpoint)}
    if not history.offered(profile) or not kept:
        raise _not_supported(call.service)
    start, end, period = _history_range(call)
    response: dict[str, Any] = dict.fromkeys(parts)
    for name, part in kept.items():
        answer = await _async_send(call, vehicle, part.command(start, end, period))
        response[name] = [
            part.describe(profile, period, item)
            for item in answer.raw_data.get(part.key) or []
        ]
    return response


async def _async_get_notification_settings(call: ServiceCall) -> ServiceResponse:
    """Return which notifications the Renault cloud sends about the car, as it says.

    The answer is kept (until the entry reloads) for the diagnostics.
    """
    vehicle = _vehicle(call)
    if not vehicle.profile.offers(NOTIFICATION_SETTINGS):
        raise _not_supported(call.service)
    answer = await _async_send(
        call, vehicle, lambda api: api.get_notification_settings()
    )
    settings: dict[str, Any] = dict(answer.raw_data)
    vehicle.notification_settings = settings
    return settings


async def _async_plan_charge(call: ServiceCall) -> None:
    """Replace the vehicle's charge plan: from a time, until a time or a level."""
    level = call.data.get(ATTR_TARGET_LEVEL)
    if level is not None and not 1 <= level <= FULL_LEVEL:
        raise invalid(translation_key="service_level_invalid", level=level)
    vehicle = _vehicle(call)
    await vehicle.planner.async_set(
        _utc(call.data.get(ATTR_START_TIME)) or dt_util.utcnow(),
        stop=_utc(call.data.get(ATTR_STOP_TIME)),
        target_level=call.data.get(ATTR_TARGET_LEVEL),
    )


async def _async_cancel_charge_plan(call: ServiceCall) -> None:
    """Drop the vehicle's charge plan."""
    await _vehicle(call).planner.async_cancel()


type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, for every entry)."""
    services: tuple[tuple[str, Handler, vol.Schema, SupportsResponse], ...] = (
        (
            SERVICE_START_PRECONDITIONING,
            _async_start_preconditioning,
            START_PRECONDITIONING_SCHEMA,
            SupportsResponse.NONE,
        ),
        (
            SERVICE_GET_CHARGE_SCHEDULES,
            partial(_async_get_schedules, charge_schedules),
            VEHICLE_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_SET_CHARGE_SCHEDULES,
            partial(_async_set_schedules, charge_schedules),
            SET_SCHEDULES_SCHEMA,
            SupportsResponse.NONE,
        ),
        (
            SERVICE_GET_HVAC_SCHEDULES,
            partial(_async_get_schedules, hvac_schedules),
            VEHICLE_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_SET_HVAC_SCHEDULES,
            partial(_async_set_schedules, hvac_schedules),
            SET_SCHEDULES_SCHEMA,
            SupportsResponse.NONE,
        ),
        (
            SERVICE_GET_CHARGE_HISTORY,
            partial(_async_get_history, CHARGE_SESSIONS_AND_TOTALS),
            HISTORY_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_GET_HVAC_HISTORY,
            partial(_async_get_history, HVAC_SESSIONS_AND_TOTALS),
            HISTORY_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_GET_NOTIFICATION_SETTINGS,
            _async_get_notification_settings,
            VEHICLE_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_PLAN_CHARGE,
            _async_plan_charge,
            PLAN_CHARGE_SCHEMA,
            SupportsResponse.NONE,
        ),
        (
            SERVICE_CANCEL_CHARGE_PLAN,
            _async_cancel_charge_plan,
            VEHICLE_SCHEMA,
            SupportsResponse.NONE,
        ),
    )
    for name, handler, schema, supports_response in services:
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports_response
        )
