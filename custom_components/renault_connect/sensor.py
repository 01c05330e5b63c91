"""Sensors: battery, charge, range, mileage, climate, tyres, sessions, contracts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
import math
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfEnergy,
    UnitOfEnergyDistance,
    UnitOfLength,
    UnitOfPower,
    UnitOfPressure,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .car_models import (
    BATTERY,
    CHARGE_SCHEDULE,
    CHARGES,
    CHARGING_SETTINGS,
    COCKPIT,
    CONTRACTS,
    HVAC_SESSIONS,
    HVAC_SETTINGS,
    HVAC_STATUS,
    LOCATION,
    LOCK_STATUS,
    PRESSURE,
    RES_STATE,
    SOC_LEVELS,
    Field,
)
from .car_states import (
    CHARGE_MODES,
    CHARGE_STATES,
    PLUG_STATES,
    enum_state,
    is_charging,
)
from .cloud import (
    BatteryStatus,
    Charges,
    ChargingSettings,
    Cockpit,
    Contracts,
    EvSettings,
    HvacSessions,
    HvacSettings,
    HvacStatus,
    Location,
    LockStatus,
    ResState,
    SocLevels,
    TyrePressure,
)
from .cloud_time import cloud_time
from .contracts import (
    CONNECTED_SERVICES,
    WARRANTIES,
    active_contracts,
    coverage_end,
)
from .endpoints import CHARGE_MODE_SOURCES, ChargeModeSource
from .entity import (
    AccountEntity,
    RenaultConnectEntity,
    RenaultConnectEntityDescription,
    VehicleEntity,
    vehicle_entities,
)
from .hub import RenaultConnectConfigEntry, RenaultHub
from .request_budget import QuotaState
from .vehicle import RenaultConnectVehicle

# Values only; every request goes through the account's request budget.
PARALLEL_UPDATES = 0
# The longest charge a car may report (a slow charge of a big battery takes
# two days); a longer one is a glitch.
MAX_CHARGE_MINUTES = 7 * 24 * 60

# No quantity a car reports comes near a billion (a glitch's 1e300 does not
# even fit in a state); levels are percentages, and only temperatures and
# power (which flows out of a car that powers the house) go below zero.
MAX_MAGNITUDE = 1e9
SIGNED_UNITS = frozenset({UnitOfTemperature.CELSIUS, UnitOfPower.KILO_WATT})

type SensorValue = StateType | datetime | date


def plausible(value: SensorValue, unit: str | None) -> SensorValue:
    """Return a number the car may have meant, or None for a glitch's value."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if not math.isfinite(value) or abs(value) >= MAX_MAGNITUDE:
        return None
    if value < 0 and unit not in SIGNED_UNITS:
        return None
    if unit == PERCENTAGE and value > 100:  # noqa: PLR2004 - a whole battery
        return None
    return value


@dataclass(frozen=True, kw_only=True)
class RenaultSensorEntityDescription[T](
    RenaultConnectEntityDescription, SensorEntityDescription
):
    """A sensor: how its value is read from its endpoint's answer (a T)."""

    value_fn: Callable[[RenaultConnectVehicle, T], SensorValue]
    attributes_fn: Callable[[T], dict[str, Any]] | None = None
    needs_value: bool = False
    """Only created when the car sends the value (some models never do)."""


def _timestamp(value: str | None) -> datetime | None:
    """Parse a cloud timestamp, distrusted (see cloud_time)."""
    return cloud_time(value, dt_util.utcnow())


def _rounded[T](
    read: Callable[[T], float | None],
) -> Callable[[RenaultConnectVehicle, T], SensorValue]:
    """Read one number of the answer, rounded to a whole number."""

    def value(_: RenaultConnectVehicle, data: T) -> SensorValue:
        number = read(data)
        return round(number) if number is not None else None

    return value


def _time_of[T](
    read: Callable[[T], str | None],
) -> Callable[[RenaultConnectVehicle, T], SensorValue]:
    """Read one timestamp of the answer."""
    return lambda _, data: _timestamp(read(data))


def _remaining_minutes(_: RenaultConnectVehicle, data: BatteryStatus) -> int | None:
    """Return the charge's remaining minutes, or None when the car sent nonsense.

    A car that reports a charge of years (or a negative one) is wrong; an
    unknown state is better than a sensor that fails on every update.
    """
    minutes = data.chargingRemainingTime
    if not isinstance(minutes, int | float) or not 0 <= minutes <= MAX_CHARGE_MINUTES:
        return None
    return round(minutes)


def _charge_end(vehicle: RenaultConnectVehicle, data: BatteryStatus) -> datetime | None:
    """Estimate when the running charge ends."""
    minutes = _remaining_minutes(vehicle, data)
    if not is_charging(data) or minutes is None:
        return None
    start = _timestamp(data.chargingRemainingTimeLastUpdateDateTime or data.timestamp)
    if start is None:
        return None
    try:
        return start + timedelta(minutes=minutes)
    except OverflowError:  # a start at the end of time
        return None


def _last_charge(data: Charges) -> dict[str, Any] | None:
    """Return the most recent charge session."""
    sessions: list[dict[str, Any]] = data.raw_data.get("charges") or []
    return max(
        sessions,
        key=lambda session: session.get("chargeEndDate") or "",
        default=None,
    )


def _last_preconditioning(data: HvacSessions) -> dict[str, Any]:
    """Return the most recent preconditioning the car was asked for."""
    sessions: list[dict[str, Any]] = data.raw_data.get("hvacSessions") or []
    return max(
        sessions,
        key=lambda session: session.get("hvacSessionRequestDate") or "",
        default={},
    )


def _last_preconditioning_start(
    _: RenaultConnectVehicle, data: HvacSessions
) -> SensorValue:
    """Return when the most recent preconditioning started."""
    return _timestamp(_last_preconditioning(data).get("hvacSessionStartDate"))


def _last_preconditioning_result(
    _: RenaultConnectVehicle, data: HvacSessions
) -> SensorValue:
    """Return how the most recent preconditioning ended, as the car says ("ok")."""
    result: str | None = _last_preconditioning(data).get("hvacSessionEndStatus")
    return result


def _last_preconditioning_attributes(data: HvacSessions) -> dict[str, Any]:
    """Return when the most recent preconditioning was asked for."""
    session = _last_preconditioning(data)
    return {"requested": _timestamp(session.get("hvacSessionRequestDate"))}


def _last_charge_value(
    name: str,
) -> Callable[[RenaultConnectVehicle, Charges], SensorValue]:
    """Read one figure of the most recent charge session."""

    def value(_: RenaultConnectVehicle, data: Charges) -> SensorValue:
        session = _last_charge(data)
        figure: SensorValue = session.get(name) if session else None
        return figure

    return value


def _last_charge_duration(vehicle: RenaultConnectVehicle, data: Charges) -> SensorValue:
    """Return the most recent charge session's duration in minutes."""
    session = _last_charge(data)
    if session is None:
        return None
    return vehicle.profile.session_minutes(session)


def _last_charge_attributes(data: Charges) -> dict[str, Any]:
    """Return when the most recent charge session ran, where and what it gave."""
    session = _last_charge(data) or {}
    return {
        "start": _timestamp(session.get("chargeStartDate")),
        "end": _timestamp(session.get("chargeEndDate")),
        "charging_point": session.get("chargePower"),
        "battery_level_recovered": session.get("chargeBatteryLevelRecovered"),
    }


def _last_charge_power(vehicle: RenaultConnectVehicle, data: Charges) -> SensorValue:
    """Return the most recent charge session's power in kW."""
    session = _last_charge(data) or {}
    return vehicle.profile.charging_power_kw(
        session.get("chargeStartInstantaneousPower")
    )


def _cover_end(
    types: frozenset[str],
) -> Callable[[RenaultConnectVehicle, Contracts], SensorValue]:
    """Read the day the car's cover of these types ends (as repair issues say)."""
    return lambda _, contracts: coverage_end(contracts, types)


def _cover_attributes(
    types: frozenset[str],
) -> Callable[[Contracts], dict[str, Any]]:
    """List the active contracts of these types and their end dates."""
    return lambda contracts: {
        "contracts": {
            contract.description or contract.code: contract.endDate
            for contract in active_contracts(contracts, types)
        }
    }


def _cover(
    key: str, types: frozenset[str]
) -> RenaultSensorEntityDescription[Contracts]:
    """Describe the end of a kind of contract (connected services, warranty)."""
    return RenaultSensorEntityDescription[Contracts](
        key=key,
        translation_key=key,
        endpoint=CONTRACTS,
        value_fn=_cover_end(types),
        attributes_fn=_cover_attributes(types),
        device_class=SensorDeviceClass.DATE,
        entity_category=EntityCategory.DIAGNOSTIC,
    )


def _charge_mode_from[T](
    index: int, source: ChargeModeSource[T]
) -> RenaultSensorEntityDescription[T]:
    """Describe the charge mode read from one source, when no preferred one exists."""
    read = source.read
    preferred = tuple(earlier.endpoint for earlier in CHARGE_MODE_SOURCES[:index])
    return RenaultSensorEntityDescription[T](
        key="charge_mode",
        translation_key="charge_mode",
        # The select shows the mode among the controls; this reading is a detail.
        entity_category=EntityCategory.DIAGNOSTIC,
        endpoint=source.endpoint,
        exists_fn=lambda vehicle: (
            not any(key in vehicle.coordinators for key in preferred)
        ),
        value_fn=lambda _, data: enum_state(CHARGE_MODES, read(data), "charge mode"),
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(CHARGE_MODES.values())),
    )


def _active_schedules[T](
    key: str, endpoint: str, read: Callable[[T], list[dict[str, Any]]], flag: str
) -> RenaultSensorEntityDescription[T]:
    """Describe the number of active schedules, with the schedules as attributes."""
    return RenaultSensorEntityDescription[T](
        key=key,
        translation_key=key,
        endpoint=endpoint,
        value_fn=lambda _, data: sum(1 for item in read(data) if item.get(flag)),
        attributes_fn=lambda data: {"schedules": read(data)},
        state_class=SensorStateClass.MEASUREMENT,
    )


def _schedules(data: ChargingSettings | HvacSettings) -> list[dict[str, Any]]:
    """Return the schedules of a KCA settings answer, as the cloud sent them."""
    schedules: list[dict[str, Any]] = data.raw_data.get("schedules") or []
    return schedules


def _programs(data: EvSettings) -> list[dict[str, Any]]:
    """Return the programs of a KCM ev/settings document."""
    programs: list[dict[str, Any]] = data.get("programs") or []
    return programs


def _pressure(
    key: str, read: Callable[[TyrePressure], int | None]
) -> RenaultSensorEntityDescription[TyrePressure]:
    """Describe the pressure sensor of one tyre."""
    return RenaultSensorEntityDescription[TyrePressure](
        key=key,
        translation_key=key,
        endpoint=PRESSURE,
        value_fn=lambda _, data: read(data),
        device_class=SensorDeviceClass.PRESSURE,
        native_unit_of_measurement=UnitOfPressure.MBAR,
        # Drivers read tyre pressures in bar, to two decimals (2.45 bar).
        suggested_unit_of_measurement=UnitOfPressure.BAR,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
    )


def _last_activity[T](
    key: str,
    endpoint: str,
    answer: type[T],  # noqa: ARG001 - tells the type checker what `read` reads
    read: Callable[[T], str | None],
) -> RenaultSensorEntityDescription[T]:
    """Describe the sensor telling when the car last uploaded an endpoint's data.

    `answer` is the type of the endpoint's answer, which `read` reads.
    """
    return RenaultSensorEntityDescription[T](
        key=key,
        translation_key=key,
        endpoint=endpoint,
        value_fn=_time_of(read),
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        needs_value=True,
    )


SENSORS: tuple[RenaultSensorEntityDescription[Any], ...] = (
    RenaultSensorEntityDescription[BatteryStatus](
        key="battery_level",
        endpoint=BATTERY,
        value_fn=lambda _, data: data.batteryLevel,
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="battery_autonomy",
        translation_key="battery_autonomy",
        endpoint=BATTERY,
        value_fn=lambda _, data: data.batteryAutonomy,
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.KILOMETERS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="battery_available_energy",
        translation_key="battery_available_energy",
        endpoint=BATTERY,
        value_fn=lambda _, data: data.batteryAvailableEnergy,
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        needs_value=True,
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="battery_temperature",
        translation_key="battery_temperature",
        endpoint=BATTERY,
        value_fn=lambda _, data: data.batteryTemperature,
        cloud_field=Field.BATTERY_TEMPERATURE,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Several models report a fixed or wrong value.
        entity_registry_enabled_default=False,
        needs_value=True,
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="charge_state",
        translation_key="charge_state",
        # Charging (binary sensor) is the fact; the cloud's state is a detail.
        entity_category=EntityCategory.DIAGNOSTIC,
        endpoint=BATTERY,
        value_fn=lambda _, data: enum_state(
            CHARGE_STATES, data.chargingStatus, "charge state"
        ),
        device_class=SensorDeviceClass.ENUM,
        options=list(CHARGE_STATES.values()),
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="plug_state",
        translation_key="plug_state",
        # Plugged in (binary sensor) is the fact; the cloud's state is a detail.
        entity_category=EntityCategory.DIAGNOSTIC,
        endpoint=BATTERY,
        value_fn=lambda _, data: enum_state(PLUG_STATES, data.plugStatus, "plug state"),
        device_class=SensorDeviceClass.ENUM,
        options=list(PLUG_STATES.values()),
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="charging_power",
        translation_key="charging_power",
        endpoint=BATTERY,
        value_fn=lambda vehicle, data: vehicle.profile.charging_power_kw(
            data.chargingInstantaneousPower
        ),
        cloud_field=Field.CHARGING_POWER,
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="charging_remaining_time",
        translation_key="charging_remaining_time",
        endpoint=BATTERY,
        value_fn=_remaining_minutes,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    RenaultSensorEntityDescription[BatteryStatus](
        key="charge_end_time",
        translation_key="charge_end_time",
        # Charge target reached (estimated) is the end to read; the cloud's is a detail.
        entity_category=EntityCategory.DIAGNOSTIC,
        endpoint=BATTERY,
        value_fn=_charge_end,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
    _last_activity(
        "battery_last_activity", BATTERY, BatteryStatus, lambda data: data.timestamp
    ),
    *(
        _charge_mode_from(index, source)
        for index, source in enumerate(CHARGE_MODE_SOURCES)
    ),
    _active_schedules("charge_schedules", CHARGING_SETTINGS, _schedules, "activated"),
    _active_schedules(
        "charge_schedules", CHARGE_SCHEDULE, _programs, "programActivationStatus"
    ),
    _active_schedules("hvac_schedules", HVAC_SETTINGS, _schedules, "activated"),
    RenaultSensorEntityDescription[Cockpit](
        key="mileage",
        translation_key="mileage",
        endpoint=COCKPIT,
        value_fn=_rounded(lambda data: data.totalMileage),
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.KILOMETERS,
        suggested_display_precision=0,
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
    RenaultSensorEntityDescription[Cockpit](
        key="fuel_autonomy",
        translation_key="fuel_autonomy",
        endpoint=COCKPIT,
        exists_fn=lambda vehicle: vehicle.profile.fuel,
        value_fn=_rounded(lambda data: data.fuelAutonomy),
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.KILOMETERS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    RenaultSensorEntityDescription[Cockpit](
        key="fuel_quantity",
        translation_key="fuel_quantity",
        endpoint=COCKPIT,
        exists_fn=lambda vehicle: vehicle.profile.fuel,
        value_fn=_rounded(lambda data: data.fuelQuantity),
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    RenaultSensorEntityDescription[HvacStatus](
        key="outside_temperature",
        translation_key="outside_temperature",
        endpoint=HVAC_STATUS,
        value_fn=lambda _, data: data.externalTemperature,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        needs_value=True,
    ),
    RenaultSensorEntityDescription[HvacStatus](
        key="inside_temperature",
        translation_key="inside_temperature",
        endpoint=HVAC_STATUS,
        value_fn=lambda _, data: data.internalTemperature,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        needs_value=True,
    ),
    RenaultSensorEntityDescription[HvacStatus](
        key="hvac_soc_threshold",
        translation_key="hvac_soc_threshold",
        endpoint=HVAC_STATUS,
        value_fn=lambda _, data: data.socThreshold,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        needs_value=True,
    ),
    RenaultSensorEntityDescription[HvacStatus](
        key="next_hvac_start",
        translation_key="next_hvac_start",
        endpoint=HVAC_STATUS,
        value_fn=_time_of(lambda data: data.nextHvacStartDate),
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
    _last_activity(
        "hvac_last_activity", HVAC_STATUS, HvacStatus, lambda data: data.lastUpdateTime
    ),
    _last_activity(
        "location_last_activity", LOCATION, Location, lambda data: data.lastUpdateTime
    ),
    _last_activity(
        "lock_last_activity", LOCK_STATUS, LockStatus, lambda data: data.lastUpdateTime
    ),
    _pressure("front_left_pressure", lambda data: data.flPressure),
    _pressure("front_right_pressure", lambda data: data.frPressure),
    _pressure("rear_left_pressure", lambda data: data.rlPressure),
    _pressure("rear_right_pressure", lambda data: data.rrPressure),
    RenaultSensorEntityDescription[ResState](
        key="res_state",
        translation_key="res_state",
        endpoint=RES_STATE,
        value_fn=lambda _, data: data.details,
    ),
    RenaultSensorEntityDescription[ResState](
        key="res_state_code",
        translation_key="res_state_code",
        endpoint=RES_STATE,
        value_fn=lambda _, data: data.code,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
    RenaultSensorEntityDescription[SocLevels](
        key="charge_limit_min",
        translation_key="charge_limit_min",
        endpoint=SOC_LEVELS,
        value_fn=lambda _, data: data.socMin,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    ),
    RenaultSensorEntityDescription[SocLevels](
        key="charge_limit_target",
        translation_key="charge_limit_target",
        endpoint=SOC_LEVELS,
        value_fn=lambda _, data: data.socTarget,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    ),
    _last_activity(
        "soc_levels_last_activity",
        SOC_LEVELS,
        SocLevels,
        lambda data: data.lastEnergyUpdateTimestamp,
    ),
    RenaultSensorEntityDescription[Charges](
        key="last_charge_energy",
        translation_key="last_charge_energy",
        endpoint=CHARGES,
        value_fn=_last_charge_value("chargeEnergyRecovered"),
        attributes_fn=_last_charge_attributes,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        needs_value=True,
    ),
    RenaultSensorEntityDescription[Charges](
        key="last_charge_duration",
        translation_key="last_charge_duration",
        endpoint=CHARGES,
        value_fn=_last_charge_duration,
        attributes_fn=_last_charge_attributes,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
    ),
    RenaultSensorEntityDescription[Charges](
        key="last_charge_power",
        translation_key="last_charge_power",
        endpoint=CHARGES,
        value_fn=_last_charge_power,
        attributes_fn=_last_charge_attributes,
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=1,
    ),
    RenaultSensorEntityDescription[Charges](
        key="last_charge_start_level",
        translation_key="last_charge_start_level",
        endpoint=CHARGES,
        value_fn=_last_charge_value("chargeStartBatteryLevel"),
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    ),
    RenaultSensorEntityDescription[Charges](
        key="last_charge_end_level",
        translation_key="last_charge_end_level",
        endpoint=CHARGES,
        value_fn=_last_charge_value("chargeEndBatteryLevel"),
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    ),
    RenaultSensorEntityDescription[HvacSessions](
        key="last_preconditioning",
        translation_key="last_preconditioning",
        endpoint=HVAC_SESSIONS,
        value_fn=_last_preconditioning_start,
        attributes_fn=_last_preconditioning_attributes,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
    RenaultSensorEntityDescription[HvacSessions](
        key="last_preconditioning_result",
        translation_key="last_preconditioning_result",
        endpoint=HVAC_SESSIONS,
        value_fn=_last_preconditioning_result,
        attributes_fn=_last_preconditioning_attributes,
    ),
    _cover("connected_services_end", frozenset({CONNECTED_SERVICES})),
    _cover("warranty_end", WARRANTIES),
)


def _exists[T](
    vehicle: RenaultConnectVehicle, description: RenaultSensorEntityDescription[T]
) -> bool:
    """Tell whether a sensor makes sense for the car, from what it sent first."""
    if not description.needs_value:
        return True
    data = vehicle.coordinators[description.endpoint].data
    return data is None or description.value_fn(vehicle, data) is not None


@dataclass(frozen=True, kw_only=True)
class VehicleSensorDescription(SensorEntityDescription):
    """A value the integration works out for a car, and what it follows."""

    value_fn: Callable[[RenaultConnectVehicle], SensorValue]
    follow_fn: Callable[[RenaultConnectVehicle, CALLBACK_TYPE], CALLBACK_TYPE]
    attributes_fn: Callable[[RenaultConnectVehicle], dict[str, Any]] | None = None


def _follow_plan(
    vehicle: RenaultConnectVehicle, update: CALLBACK_TYPE
) -> CALLBACK_TYPE:
    """Follow the car's charge plan."""
    return vehicle.planner.async_add_listener(update)


def _follow_energy(
    vehicle: RenaultConnectVehicle, update: CALLBACK_TYPE
) -> CALLBACK_TYPE:
    """Follow the car's charge sessions and mileage."""
    return vehicle.energy.async_add_listener(update)


PLAN_SENSORS: tuple[VehicleSensorDescription, ...] = (
    VehicleSensorDescription(
        key="planned_charge_start",
        translation_key="planned_charge_start",
        value_fn=lambda vehicle: plan.start if (plan := vehicle.planner.plan) else None,
        follow_fn=_follow_plan,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
    VehicleSensorDescription(
        key="planned_charge_stop",
        translation_key="planned_charge_stop",
        value_fn=lambda vehicle: plan.stop if (plan := vehicle.planner.plan) else None,
        follow_fn=_follow_plan,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
    VehicleSensorDescription(
        key="planned_charge_level",
        translation_key="planned_charge_level",
        value_fn=lambda vehicle: vehicle.planner.estimated_final_level(
            vehicle.battery_capacity
        ),
        follow_fn=_follow_plan,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    ),
)


def _follow_smart(
    vehicle: RenaultConnectVehicle, update: CALLBACK_TYPE
) -> CALLBACK_TYPE:
    """Follow the car's smart-charging decisions."""
    return vehicle.smart.async_add_listener(update)


# Cars smart charging can drive: what it decided.
SMART_SENSORS: tuple[VehicleSensorDescription, ...] = (
    VehicleSensorDescription(
        key="smart_charging_next_start",
        translation_key="smart_charging_next_start",
        value_fn=lambda vehicle: (
            decision.next_start if (decision := vehicle.smart.decision) else None
        ),
        follow_fn=_follow_smart,
        attributes_fn=lambda vehicle: vehicle.smart.attributes,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
    VehicleSensorDescription(
        key="smart_charging_next_stop",
        translation_key="smart_charging_next_stop",
        value_fn=lambda vehicle: (
            decision.next_stop if (decision := vehicle.smart.decision) else None
        ),
        follow_fn=_follow_smart,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
)


def _follow_charge(
    vehicle: RenaultConnectVehicle, update: CALLBACK_TYPE
) -> CALLBACK_TYPE:
    """Follow the battery's answers, and the minutes in between."""
    return vehicle.async_follow_charge(update)


# Electric cars whose battery size is known: a running charge, between reads.
CHARGE_FORECAST_SENSORS: tuple[VehicleSensorDescription, ...] = (
    VehicleSensorDescription(
        key="estimated_battery_level",
        translation_key="estimated_battery_level",
        # Estimated while charging, the last reading otherwise: never "Unknown"
        # on a parked car.
        value_fn=lambda vehicle: vehicle.battery_level_now(),
        follow_fn=_follow_charge,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    ),
    VehicleSensorDescription(
        key="charge_target_reached_at",
        translation_key="charge_target_reached_at",
        value_fn=lambda vehicle: (
            forecast.reached_at if (forecast := vehicle.charge_forecast()) else None
        ),
        follow_fn=_follow_charge,
        device_class=SensorDeviceClass.TIMESTAMP,
    ),
)

# Cars that list their charge sessions: what they charged, and what they use.
ENERGY_SENSORS: tuple[VehicleSensorDescription, ...] = (
    VehicleSensorDescription(
        key="charged_energy",
        translation_key="charged_energy",
        value_fn=lambda vehicle: vehicle.energy.total_kwh,
        follow_fn=_follow_energy,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
    ),
    VehicleSensorDescription(
        key="consumption",
        translation_key="consumption",
        value_fn=lambda vehicle: vehicle.energy.consumption.kwh_per_100km,
        follow_fn=_follow_energy,
        device_class=SensorDeviceClass.ENERGY_DISTANCE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfEnergyDistance.KILO_WATT_HOUR_PER_100_KM,
        suggested_display_precision=1,
    ),
    VehicleSensorDescription(
        key="distance_per_charge",
        translation_key="distance_per_charge",
        value_fn=lambda vehicle: vehicle.energy.consumption.km_per_charge,
        follow_fn=_follow_energy,
        device_class=SensorDeviceClass.DISTANCE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfLength.KILOMETERS,
        suggested_display_precision=0,
    ),
)


def _follow_cost(
    vehicle: RenaultConnectVehicle, update: CALLBACK_TYPE
) -> CALLBACK_TYPE:
    """Follow the car's sessions and the prices kept."""
    if vehicle.cost is None:
        return vehicle.energy.async_add_listener(update)
    return vehicle.cost.async_add_listener(update)


# Cars that list their sessions, with a price entity in their options.
COST_SENSORS: tuple[VehicleSensorDescription, ...] = (
    VehicleSensorDescription(
        key="last_charge_cost",
        translation_key="last_charge_cost",
        value_fn=lambda vehicle: vehicle.cost.last_session if vehicle.cost else None,
        attributes_fn=lambda vehicle: (
            {"sessions": vehicle.cost.recent_sessions()} if vehicle.cost else {}
        ),
        follow_fn=_follow_cost,
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
    ),
    VehicleSensorDescription(
        key="charging_cost_this_month",
        translation_key="charging_cost_this_month",
        value_fn=lambda vehicle: vehicle.cost.this_month if vehicle.cost else None,
        follow_fn=_follow_cost,
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
    ),
)


@dataclass(frozen=True, kw_only=True)
class AccountSensorDescription(SensorEntityDescription):
    """A diagnostic sensor of the account's requests."""

    value_fn: Callable[[RenaultHub], SensorValue]
    attributes_fn: Callable[[RenaultHub], dict[str, Any]]


def _resumes_at(hub: RenaultHub) -> dict[str, Any]:
    """Tell when timed reads resume after the cloud's quota stopped them."""
    request_budget = hub.request_budget
    until = request_budget.throttled_until if request_budget.is_throttled else None
    return {"resumes_at": until.isoformat() if until else None}


ACCOUNT_SENSORS: tuple[AccountSensorDescription, ...] = (
    AccountSensorDescription(
        key="requests_last_hour",
        translation_key="requests_last_hour",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda hub: hub.request_budget.requests_last_hour,
        attributes_fn=lambda hub: {"hourly_budget": hub.request_budget.budget},
    ),
    AccountSensorDescription(
        key="quota_state",
        translation_key="quota_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in QuotaState],
        value_fn=lambda hub: hub.request_budget.state.value,
        attributes_fn=_resumes_at,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every vehicle, and of its charge plan."""
    entities: list[SensorEntity] = [
        entity
        for entity in vehicle_entities(entry, SENSORS, RenaultSensor)
        if _exists(entity.vehicle, entity.entity_description)
    ]
    entities.extend(
        VehicleSensor(vehicle, description)
        for vehicle in entry.runtime_data.vehicles.values()
        for description in (
            *(PLAN_SENSORS if vehicle.planner.can_plan else ()),
            *(SMART_SENSORS if vehicle.can_charge_smartly else ()),
            *(ENERGY_SENSORS if CHARGES in vehicle.coordinators else ()),
            *(
                COST_SENSORS
                if CHARGES in vehicle.coordinators and vehicle.cost is not None
                else ()
            ),
            *(
                CHARGE_FORECAST_SENSORS
                if BATTERY in vehicle.coordinators
                and vehicle.battery_capacity is not None
                else ()
            ),
        )
    )
    entities.extend(
        AccountSensor(entry.runtime_data, description)
        for description in ACCOUNT_SENSORS
    )
    async_add_entities(entities)


class RenaultSensor[T](RenaultConnectEntity[T], SensorEntity):
    """A value of a vehicle."""

    entity_description: RenaultSensorEntityDescription[T]

    @property
    def native_value(self) -> SensorValue:
        """Return the value from the endpoint's last answer (unknown if absurd)."""
        return plausible(
            self.entity_description.value_fn(self.vehicle, self.data),
            self.entity_description.native_unit_of_measurement,
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the details some sensors carry."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.data)


class VehicleSensor(VehicleEntity, SensorEntity):
    """A value worked out for a car: its charge plan, its energy."""

    _attr_should_poll = False
    # Lists kept in the state for cards and templates, not in the history.
    _unrecorded_attributes = frozenset({"sessions", "slots"})
    entity_description: VehicleSensorDescription

    async def async_added_to_hass(self) -> None:
        """Follow what the value comes from."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.entity_description.follow_fn(self.vehicle, self.async_write_ha_state)
        )

    @property
    def native_value(self) -> SensorValue:
        """Return the value."""
        return self.entity_description.value_fn(self.vehicle)

    @property
    def native_unit_of_measurement(self) -> str | None:
        """Return the unit: a cost's is the currency of its prices."""
        cost = self.vehicle.cost
        if self.entity_description.device_class is SensorDeviceClass.MONETARY and cost:
            return cost.currency
        return self.entity_description.native_unit_of_measurement

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the details some values carry."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.vehicle)


class AccountSensor(AccountEntity, SensorEntity):
    """How many requests the account sent, and what the quota allows."""

    entity_description: AccountSensorDescription

    @property
    def native_value(self) -> SensorValue:
        """Return the request budget's figure."""
        return self.entity_description.value_fn(self.hub)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the budget, or when reads resume."""
        return self.entity_description.attributes_fn(self.hub)
