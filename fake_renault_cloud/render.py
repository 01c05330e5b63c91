"""Kamereon payloads rendered from what the cars uploaded, shaped per model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
import math
import re
from typing import Any

from . import kamereon_errors as errors, payloads, pictures, schedules
from .kamereon_errors import Rejected
from .operations import Op
from .profiles import ChargePolicy, DoorStyle
from .vehicle import (
    CHARGE_IN_PROGRESS,
    Channel,
    ChargeSession,
    FakeVehicle,
    timestamp,
)

Query = Mapping[str, str]
LOW_TYRE_PRESSURE_MBAR = 1800
_DAY = re.compile(r"^\d{8}$")
_MONTH = re.compile(r"^\d{6}$")
_DOORS = {
    DoorStyle.DOOR_STATUS: {
        "driver": "doorStatusDriver",
        "passenger": "doorStatusPassenger",
        "rear_left": "doorStatusRearLeft",
        "rear_right": "doorStatusRearRight",
        "hatch": "hatchStatus",
    },
    DoorStyle.STATUS_DOOR: {
        "driver": "statusDoorDriver",
        "passenger": "statusDoorPassenger",
        "rear_left": "statusDoorRearLeft",
        "rear_right": "statusDoorRearRight",
        "hatch": "statusDoorTailGate",
    },
}
_TYRES = {
    "front_left": "fl",
    "front_right": "fr",
    "rear_left": "rl",
    "rear_right": "rr",
}


def kca_body(vehicle: FakeVehicle, attributes: dict[str, Any]) -> dict[str, Any]:
    """Wrap attributes the JSON:API way the car adapter answers."""
    data: dict[str, Any] = {"id": vehicle.vin, "attributes": attributes}
    if vehicle.profile.shapes.data_type:
        data = {"type": "Car", **data}
    return {"data": data}


def _shaped(values: dict[str, Any], shape: tuple[str, ...]) -> dict[str, Any]:
    """Keep the attributes of ``shape`` that have a value, in shape order."""
    return {name: values[name] for name in shape if values.get(name) is not None}


def _level(value: float) -> int:
    """Report a battery percentage the way cars do (whole percent)."""
    return math.floor(value + 1e-9)


def reported_battery_level(value: float) -> int:
    """Return the ``batteryLevel`` the cloud shows for a physical level."""
    return _level(value)


def battery_status(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render battery-status."""
    upload = vehicle.uploaded(Channel.BATTERY)
    state = upload.state
    profile = vehicle.profile
    powertrain = profile.powertrain
    energy_kwh = state.battery_level / 100 * powertrain.battery_kwh
    charging = state.charging_status == CHARGE_IN_PROGRESS
    values: dict[str, Any] = {
        "timestamp": timestamp(upload.time),
        "batteryLevel": _level(state.battery_level),
        "batteryTemperature": round(state.battery_temperature),
        "batteryAutonomy": round(energy_kwh / powertrain.kwh_per_100km * 100),
        "batteryCapacity": 0,
        "batteryAvailableEnergy": round(energy_kwh),
        "plugStatus": 1 if state.plugged else 0,
        "chargingStatus": state.charging_status,
        "chargingRemainingTimeLastUpdateDateTime": timestamp(upload.time),
        "V2L_SystemStatusDisplay": 0,
        "chargingRemainingTime": 0,
    }
    if charging:
        missing = max(0.0, state.charge_target - state.battery_level)
        rate = state.charge_power_kw / powertrain.battery_kwh * 100
        values["chargingRemainingTime"] = math.ceil(missing / rate * 60)
        values["chargingInstantaneousPower"] = (
            round(state.charge_power_kw * 1000)
            if profile.charge_power_in_watts
            else state.charge_power_kw
        )
    shape = profile.shapes.battery
    if not charging:
        shape = tuple(
            name for name in shape if name not in profile.shapes.charging_only
        )
    return _shaped(values, shape)


def cockpit(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render cockpit."""
    upload = vehicle.uploaded(Channel.COCKPIT)
    state = upload.state
    profile = vehicle.profile
    decimals = profile.shapes.mileage_decimals
    per_100km = profile.powertrain.litres_per_100km
    values: dict[str, Any] = {
        "fuelAutonomy": round(state.fuel_litres / per_100km * 100) if per_100km else 0,
        "fuelQuantity": round(state.fuel_litres) if per_100km else 0.0,
        "totalMileage": round(state.mileage_km, decimals)
        if decimals
        else round(state.mileage_km),
        "timestamp": timestamp(upload.time),
    }
    return _shaped(values, profile.shapes.cockpit)


def hvac_status(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render hvac-status."""
    upload = vehicle.uploaded(Channel.HVAC)
    state = upload.state
    values: dict[str, Any] = {
        "externalTemperature": state.external_temperature,
        "internalTemperature": state.internal_temperature,
        "hvacStatus": "on"
        if state.hvac_on and not vehicle.profile.hvac_status_always_off
        else "off",
        "socThreshold": vehicle.profile.hvac_soc_threshold,
        "lastUpdateTime": timestamp(upload.time),
    }
    attributes = _shaped(values, vehicle.profile.shapes.hvac)
    if state.next_hvac_start is not None:
        attributes["nextHvacStartDate"] = timestamp(state.next_hvac_start)
    return attributes


def location(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render location (refused while the privacy mode is on)."""
    if vehicle.state.privacy_mode:
        raise Rejected(errors.PRIVACY_ON)
    upload = vehicle.uploaded(Channel.LOCATION)
    return {
        "gpsLatitude": round(upload.state.latitude, 7),
        "gpsLongitude": round(upload.state.longitude, 7),
        "gpsDirection": upload.state.heading,
        "lastUpdateTime": timestamp(upload.time),
    }


def lock_status(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render lock-status, with the door names the model uses."""
    upload = vehicle.uploaded(Channel.LOCK)
    state = upload.state
    names = _DOORS[vehicle.profile.shapes.doors]
    attributes: dict[str, Any] = {
        "lockStatus": "locked" if state.locked else "unlocked"
    }
    for door, name in names.items():
        attributes[name] = "open" if state.doors_open[door] else "closed"
    attributes["lastUpdateTime"] = timestamp(upload.time)
    return attributes


def pressure(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render pressure (tyre pressures in mbar, status 0 when fine)."""
    state = vehicle.uploaded(Channel.PRESSURE).state
    attributes: dict[str, Any] = {}
    for tyre, prefix in _TYRES.items():
        attributes[f"{prefix}Pressure"] = state.tyre_pressures_mbar[tyre]
    for tyre, prefix in _TYRES.items():
        low = state.tyre_pressures_mbar[tyre] < LOW_TYRE_PRESSURE_MBAR
        attributes[f"{prefix}Status"] = 1 if low else 0
    return attributes


def res_state(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render res-state (remote engine start: never running here)."""
    vehicle.uploaded(Channel.RES)
    return {"details": "Stopped, ready for RES", "code": "10"}


def charge_mode(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render charge-mode, spelled the model's way."""
    return {"chargeMode": vehicle.settings.charge_mode}


def charging_settings(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render charging-settings (mode and schedules)."""
    settings = vehicle.settings
    return {
        "dateTime": timestamp(settings.updated_at),
        "mode": "scheduled"
        if settings.charge_policy is ChargePolicy.SCHEDULED
        else "always",
        "schedules": [schedules.compact(item) for item in settings.charge_schedules],
    }


def hvac_settings(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render hvac-settings (schedules)."""
    settings = vehicle.settings
    return {
        "dateTime": timestamp(settings.updated_at),
        "mode": "scheduled",
        "schedules": [schedules.compact(item) for item in settings.hvac_schedules],
    }


def charge_schedule(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render charge-schedule, the calendar of ZOE phase 1."""
    return {"calendar": schedules.calendar(vehicle.settings.charge_schedules)}


def empty(_vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render the endpoints that answer no attributes (as captured)."""
    return {}


def _period(query: Query, *, with_type: bool) -> tuple[str, str, str]:
    """Check the type/start/end parameters of the history endpoints."""
    period = "day"
    if with_type:
        if "type" not in query:
            raise Rejected(errors.missing_parameter("type"))
        period = query["type"]
        if period not in {"day", "month"}:
            raise Rejected(errors.invalid_parameter("type", "must be day or month"))
    pattern = _DAY if period == "day" else _MONTH
    bounds = []
    for name in ("start", "end"):
        if name not in query:
            raise Rejected(errors.missing_parameter(name))
        if not pattern.match(query[name]):
            raise Rejected(errors.invalid_parameter(name, f"invalid {period}"))
        bounds.append(query[name])
    return period, bounds[0], bounds[1]


def _duration(vehicle: FakeVehicle, session: ChargeSession) -> int:
    """Return a charge duration in the model's unit (minutes or seconds)."""
    seconds = session.duration.total_seconds()
    if vehicle.profile.charge_durations_in_minutes:
        return round(seconds / 60)
    return round(seconds)


def charges(vehicle: FakeVehicle, query: Query) -> dict[str, Any]:
    """Render charges: the sessions that started between start and end."""
    _, start, end = _period(query, with_type=False)
    watts = vehicle.profile.charge_power_in_watts
    found = [
        {
            "chargeStartDate": timestamp(session.start),
            "chargeEndDate": timestamp(session.end),
            "chargeDuration": _duration(vehicle, session),
            "chargeStartBatteryLevel": _level(session.start_level),
            "chargeEndBatteryLevel": _level(session.end_level),
            "chargeBatteryLevelRecovered": _level(session.end_level)
            - _level(session.start_level),
            "chargeEnergyRecovered": round(session.energy_kwh, 2),
            "chargePower": "slow" if session.power_kw < 22 else "fast",  # noqa: PLR2004
            "chargeStartInstantaneousPower": round(session.power_kw * 1000)
            if watts
            else session.power_kw,
            "chargeEndStatus": session.end_status,
        }
        for session in vehicle.charge_sessions
        if start <= session.start.strftime("%Y%m%d") <= end
    ]
    return {"charges": found}


def charge_history(vehicle: FakeVehicle, query: Query) -> dict[str, Any]:
    """Render charge-history: charges summed per day or month."""
    period, start, end = _period(query, with_type=True)
    key_format = "%Y%m%d" if period == "day" else "%Y%m"
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for session in vehicle.charge_sessions:
        key = session.start.strftime(key_format)
        if start <= key <= end:
            totals[key][0] += 1
            totals[key][1] += round(session.duration.total_seconds() / 60)
    return {
        "chargeSummaries": [
            {
                period: key,
                "totalChargesNumber": number,
                "totalChargesDuration": minutes,
                "totalChargesErrors": 0,
            }
            for key, (number, minutes) in sorted(totals.items(), reverse=True)
        ]
    }


def hvac_history(_vehicle: FakeVehicle, query: Query) -> dict[str, Any]:
    """Render hvac-history (no attributes, as captured)."""
    _period(query, with_type=True)
    return {}


def hvac_sessions(vehicle: FakeVehicle, query: Query) -> dict[str, Any]:
    """Render hvac-sessions: the preconditionings asked for between start and end.

    renault-api's capture has no attributes; the fields are those other
    clients of the same endpoint document (request, start, end status).
    """
    _, start, end = _period(query, with_type=False)
    found = [
        {
            "hvacSessionRequestDate": timestamp(session.requested),
            "hvacSessionStartDate": timestamp(session.start),
            "hvacSessionEndStatus": session.end_status,
        }
        for session in vehicle.hvac_sessions
        if start <= session.requested.strftime("%Y%m%d") <= end
    ]
    return {"hvacSessions": found} if found else {}


def car_adapter(vehicle: FakeVehicle, _query: Query) -> dict[str, Any]:
    """Render the car-adapter root (gateway information)."""
    profile = vehicle.profile
    attributes: dict[str, Any] = payloads.template(profile.gateway_payload)["data"][
        "attributes"
    ]
    attributes.update(profile.gateway)
    attributes.update(
        vin=vehicle.vin,
        registrationNumber=vehicle.registration,
        privacyMode="on" if vehicle.state.privacy_mode else "off",
    )
    return attributes


KCA_RENDERERS: Mapping[Op, Callable[[FakeVehicle, Query], dict[str, Any]]] = {
    Op.CAR_ADAPTER: car_adapter,
    Op.BATTERY_STATUS: battery_status,
    Op.CHARGE_HISTORY: charge_history,
    Op.CHARGE_MODE: charge_mode,
    Op.CHARGE_SCHEDULE: charge_schedule,
    Op.CHARGES: charges,
    Op.CHARGING_SETTINGS: charging_settings,
    Op.COCKPIT: cockpit,
    Op.HVAC_HISTORY: hvac_history,
    Op.HVAC_SESSIONS: hvac_sessions,
    Op.HVAC_SETTINGS: hvac_settings,
    Op.HVAC_STATUS: hvac_status,
    Op.LOCATION: location,
    Op.LOCK_STATUS: lock_status,
    Op.NOTIFICATION_SETTINGS: empty,
    Op.PRESSURE: pressure,
    Op.RES_STATE: res_state,
}


def soc_levels(vehicle: FakeVehicle) -> dict[str, Any]:
    """Render KCM ev/soc-levels (a raw document, not JSON:API)."""
    return {
        "lastEnergyUpdateTimestamp": timestamp(vehicle.uploaded(Channel.BATTERY).time),
        "socMin": vehicle.settings.soc_min,
        "socTarget": vehicle.settings.soc_target,
    }


def ev_settings(vehicle: FakeVehicle) -> dict[str, Any]:
    """Render KCM ev/settings (a raw document, not JSON:API)."""
    return dict(vehicle.settings.ev_settings)


def vehicle_details(
    vehicle: FakeVehicle, pictures_root: str | None = None
) -> dict[str, Any]:
    """Render the vehicle details, from the model's captured payload.

    With a ``pictures_root``, the pictures are that server's rather than Renault's.
    """
    profile = vehicle.profile
    captured: dict[str, Any] = payloads.template(profile.details_payload)
    details: dict[str, Any] = captured["vehicleLinks"][0]["vehicleDetails"]
    details.update(profile.details)
    details.update(vin=vehicle.vin, registrationNumber=vehicle.registration)
    if pictures_root is not None:
        pictures.point_renditions_at(details, pictures_root, profile.name)
    return details


def vehicle_link(
    vehicle: FakeVehicle, linked: datetime, pictures_root: str | None = None
) -> dict[str, Any]:
    """Render one entry of an account's vehicle list."""
    brand = vehicle.profile.brand
    link: dict[str, Any] = {
        "brand": brand,
        "vin": vehicle.vin,
        "status": "ACTIVE",
        "linkType": "OWNER",
        "garageBrand": brand,
        "startDate": linked.date().isoformat(),
        "createdDate": linked.isoformat().replace("+00:00", "Z"),
        "lastModifiedDate": linked.isoformat().replace("+00:00", "Z"),
        "cancellationReason": {},
        "connectedDriver": {"role": "MAIN_DRIVER"},
    }
    if not vehicle.details_missing:
        link["vehicleDetails"] = vehicle_details(vehicle, pictures_root)
    return link


_CONTRACT_FLAGS = {
    "connectedServicesContracts": "CONNECTED_SERVICES",
    "warranty": "WARRANTY",
    "warrantyMaintenanceContracts": "WARRANTY_MAINTENANCE_CONTRACTS",
}


def contracts(vehicle: FakeVehicle, query: Query) -> list[dict[str, Any]]:
    """Render the contracts the query asks for (one flag per contract type)."""
    wanted = {
        contract_type
        for flag, contract_type in _CONTRACT_FLAGS.items()
        if query.get(flag) == "true"
    }
    return [
        dict(contract)
        for contract in vehicle.contracts
        if contract.get("type") in wanted
    ]
