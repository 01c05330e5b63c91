"""The car models the fake cloud can simulate, and what each one supports.

Each profile answers the endpoints and actions renault-api 0.6.2's model map
says the model supports, and refuses the ones it lists as unsupported with
the error its comment names. Where the map says nothing, the profile makes the
most plausible choice and the README lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from . import kamereon_errors as errors
from .kamereon_errors import KamereonError
from .operations import Op


class Energy(StrEnum):
    """How the car moves."""

    ELECTRIC = "electric"
    PLUG_IN_HYBRID = "plug-in hybrid"
    HYBRID = "hybrid"
    FUEL = "fuel"

    @property
    def has_plug(self) -> bool:
        """Tell whether the car charges from a plug."""
        return self in {Energy.ELECTRIC, Energy.PLUG_IN_HYBRID}


class ChargePolicy(StrEnum):
    """When a plugged-in car charges."""

    ALWAYS = "always"
    SCHEDULED = "scheduled"


class Settings(StrEnum):
    """Where the car keeps its charge settings."""

    KCA = "kca"  # charge-mode and charging-settings (schedules)
    KCM = "kcm"  # the raw ev/settings document (programs)
    NONE = "none"  # no settings: charges whenever plugged in


class DoorStyle(StrEnum):
    """How lock-status names the doors."""

    DOOR_STATUS = "doorStatus"  # doorStatusDriver, ..., hatchStatus
    STATUS_DOOR = "statusDoor"  # statusDoorDriver, ..., statusDoorTailGate


@dataclass(frozen=True)
class Powertrain:
    """Battery, charger and tank figures of a model."""

    battery_kwh: float = 0.0
    charge_kw: float = 0.0
    kwh_per_100km: float = 0.0
    tank_litres: float = 0.0
    litres_per_100km: float = 0.0


@dataclass(frozen=True)
class Shapes:
    """Which attributes the model's payloads carry, as captured from real cars."""

    battery: tuple[str, ...] = (
        "timestamp",
        "batteryLevel",
        "batteryTemperature",
        "batteryAutonomy",
        "batteryCapacity",
        "batteryAvailableEnergy",
        "plugStatus",
        "chargingStatus",
        "chargingRemainingTime",
        "chargingInstantaneousPower",
    )
    cockpit: tuple[str, ...] = ("totalMileage",)
    hvac: tuple[str, ...] = ("externalTemperature", "hvacStatus", "lastUpdateTime")
    charging_only: tuple[str, ...] = (
        "chargingRemainingTime",
        "chargingInstantaneousPower",
    )
    doors: DoorStyle = DoorStyle.DOOR_STATUS
    mileage_decimals: int = 2
    data_type: bool = True  # the newest cars leave "type" out of data


R5_BATTERY = (
    "timestamp",
    "batteryLevel",
    "batteryAutonomy",
    "plugStatus",
    "chargingStatus",
    "chargingRemainingTime",
    "chargingRemainingTimeLastUpdateDateTime",
    "V2L_SystemStatusDisplay",
)
FUEL_COCKPIT = ("fuelAutonomy", "fuelQuantity", "totalMileage")


@dataclass(frozen=True)
class Initial:
    """The state a new car of the model starts in."""

    battery_level: float = 0.0
    mileage_km: float = 0.0
    fuel_litres: float = 0.0
    external_temperature: float = 12.0


# The charge modes of the charge-mode action, spelled like charging-settings.
CHARGING_SETTINGS_MODES: Mapping[str, ChargePolicy] = MappingProxyType(
    {"always": ChargePolicy.ALWAYS, "scheduled": ChargePolicy.SCHEDULED}
)


@dataclass(frozen=True)
class VehicleProfile:
    """One simulated car model."""

    name: str
    model_code: str
    brand: str
    energy: Energy
    details_payload: str
    vin_prefix: str
    powertrain: Powertrain
    initial: Initial
    served: frozenset[Op]
    refusals: Mapping[Op, KamereonError]
    gateway_payload: str = "kamereon/vehicle_gateway/zoe_50.1.json"
    gateway: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, object] = field(default_factory=dict)
    shapes: Shapes = Shapes()
    default_refusal: KamereonError = errors.FORBIDDEN
    settings: Settings = Settings.KCA
    charge_modes: Mapping[str, ChargePolicy] = field(
        default_factory=lambda: CHARGING_SETTINGS_MODES
    )
    charge_power_in_watts: bool = False
    charge_durations_in_minutes: bool = False
    idle_charging_status: float = 0.0
    hvac_cancel_ignored: bool = False
    hvac_status_always_off: bool = False
    """renault-api's note on the Zoe phase 1: hvacStatus is off even when it runs."""
    hvac_soc_threshold: float | None = None

    def refusal(self, op: Op) -> KamereonError | None:
        """Return the error the real car answers to ``op``, or None if it serves it."""
        if op in self.served:
            return None
        return self.refusals.get(op, self.default_refusal)

    @property
    def uses_soc_levels(self) -> bool:
        """Tell whether the car's charge target is set through soc-levels."""
        return Op.SET_SOC_LEVELS in self.served


def _refuse(**groups: tuple[KamereonError, set[Op]]) -> Mapping[Op, KamereonError]:
    """Build a refusal table from named groups of operations sharing one error."""
    table: dict[Op, KamereonError] = {}
    for error, ops in groups.values():
        table.update(dict.fromkeys(ops, error))
    return MappingProxyType(table)


_HISTORIES = {Op.CHARGE_HISTORY, Op.HVAC_HISTORY, Op.HVAC_SESSIONS}
_ABSENT_SENSORS = {Op.LOCK_STATUS, Op.PRESSURE, Op.RES_STATE}
_SOC = {Op.SOC_LEVELS, Op.SET_SOC_LEVELS}
# What every connected car answers, and what every EV answers unless its map
# says otherwise (renault-api then uses the default path).
_ANY_CAR = {Op.CAR_ADAPTER, Op.COCKPIT, Op.ALERTS, Op.REFRESH_LOCATION}
_KCA_EV = {
    *_ANY_CAR,
    Op.BATTERY_STATUS,
    Op.CHARGES,
    *_HISTORIES,
    Op.CHARGING_SETTINGS,
    Op.HVAC_SETTINGS,
    Op.HVAC_STATUS,
    Op.LOCATION,
    Op.NOTIFICATION_SETTINGS,
    Op.SET_CHARGE_MODE,
    Op.SET_CHARGE_SCHEDULE,
    Op.CHARGING_START,
    Op.CHARGING_STOP,
    Op.SET_HVAC_SCHEDULE,
    Op.HVAC_START,
    Op.HVAC_CANCEL,
    Op.HORN,
    Op.LIGHTS,
}

ZOE_40 = VehicleProfile(
    name="zoe_40",
    model_code="X101VE",
    brand="RENAULT",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/zoe_40.1.json",
    gateway_payload="kamereon/vehicle_gateway/zoe_40.1.json",
    vin_prefix="VF1AG000H59",
    powertrain=Powertrain(battery_kwh=41.0, charge_kw=7.4, kwh_per_100km=16.0),
    initial=Initial(battery_level=60, mileage_km=49114.27, external_temperature=8.0),
    shapes=Shapes(hvac=("externalTemperature", "hvacStatus")),
    served=frozenset({*_KCA_EV, Op.CHARGE_MODE, Op.CHARGE_SCHEDULE} - {Op.LOCATION}),
    refusals=_refuse(
        gdc=(errors.OPERATION_NOT_SUPPORTED_C1A, {Op.LOCATION, *_ABSENT_SENSORS}),
    ),
    charge_modes=MappingProxyType(
        {"always": ChargePolicy.ALWAYS, "schedule_mode": ChargePolicy.SCHEDULED}
    ),
    charge_power_in_watts=True,
    charge_durations_in_minutes=True,
    idle_charging_status=-1.0,
    hvac_status_always_off=True,
)

ZOE_50 = VehicleProfile(
    name="zoe_50",
    model_code="X102VE",
    brand="RENAULT",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/zoe_50.1.json",
    vin_prefix="VF1AG000L64",
    powertrain=Powertrain(battery_kwh=52.0, charge_kw=7.4, kwh_per_100km=17.0),
    initial=Initial(battery_level=60, mileage_km=5785.75),
    shapes=Shapes(
        cockpit=FUEL_COCKPIT,
        hvac=("externalTemperature", "socThreshold", "hvacStatus", "lastUpdateTime"),
    ),
    served=frozenset(
        {*_KCA_EV, Op.PRESSURE, Op.KCM_CHARGE_PAUSE, Op.KCM_CHARGE_RESUME}
        - {Op.HORN, Op.LIGHTS, Op.CHARGING_STOP}
    ),
    refusals=_refuse(
        forbidden=(errors.FORBIDDEN, {Op.HORN, Op.LIGHTS, *_SOC}),
        bad_request=(errors.BAD_REQUEST, {Op.CHARGE_MODE}),
        no_data=(errors.NO_DATA, {Op.CHARGE_SCHEDULE, Op.LOCK_STATUS, Op.RES_STATE}),
    ),
    charge_modes=MappingProxyType(
        {
            "always_charging": ChargePolicy.ALWAYS,
            "schedule_mode": ChargePolicy.SCHEDULED,
        }
    ),
    # renault-api's note: "cancel" "has no effect on the vehicle".
    hvac_cancel_ignored=True,
    hvac_soc_threshold=40.0,
)

MEGANE_E_TECH = VehicleProfile(
    name="megane_e_tech",
    model_code="XCB1VE",
    brand="RENAULT",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/megane_e-tech.2.json",
    vin_prefix="VF1RCB00N70",
    gateway={
        "brand": "RENAULT",
        "familyCode": "XCB",
        "modelCode": "BCB",
        "modelCodeDetail": "XCB1VE",
        "modelName": "MEGANE E-TECH",
        "engineType": "6AM",
        "batteryCode": "BTBAE",
        "canGeneration": "C1A",
    },
    powertrain=Powertrain(battery_kwh=60.0, charge_kw=7.4, kwh_per_100km=16.5),
    initial=Initial(battery_level=70, mileage_km=12345.6),
    shapes=Shapes(
        hvac=("externalTemperature", "hvacStatus", "socThreshold", "lastUpdateTime"),
    ),
    served=frozenset(
        {
            *_KCA_EV,
            *_SOC,
            Op.KCM_SET_CHARGE_SCHEDULE,
            Op.KCM_CHARGE_START,
            Op.HVAC_STOP,
        }
        - {
            *_HISTORIES,
            Op.NOTIFICATION_SETTINGS,
            Op.SET_CHARGE_SCHEDULE,
            Op.CHARGING_START,
            Op.CHARGING_STOP,
        }
    ),
    refusals=_refuse(
        missing=(errors.URL_NOT_FOUND, _HISTORIES),
        charge_mode=(errors.CHARGE_MODE_UNAVAILABLE, {Op.CHARGE_MODE}),
        charge_schedule=(errors.CHARGE_SCHEDULE_UNAVAILABLE, {Op.CHARGE_SCHEDULE}),
        absent=(errors.RESOURCE_NOT_FOUND, _ABSENT_SENSORS),
        notifications=(
            errors.NOTIFICATION_SETTINGS_UNAVAILABLE,
            {Op.NOTIFICATION_SETTINGS},
        ),
        stop=(errors.INVALID_BODY_FORMAT, {Op.CHARGING_STOP}),
    ),
    hvac_cancel_ignored=True,
    hvac_soc_threshold=20.0,
)

SPRING = VehicleProfile(
    name="spring",
    model_code="XBG1VE",
    brand="DACIA",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/spring.1.json",
    gateway_payload="kamereon/vehicle_gateway/spring.1.json",
    vin_prefix="UU1DBG00N51",
    powertrain=Powertrain(battery_kwh=26.8, charge_kw=6.6, kwh_per_100km=13.9),
    initial=Initial(battery_level=50, mileage_km=18250.3),
    shapes=Shapes(hvac=("socThreshold", "hvacStatus", "lastUpdateTime")),
    served=frozenset(
        {*_KCA_EV, Op.KCM_CHARGE_PAUSE, Op.KCM_CHARGE_RESUME, Op.HVAC_STOP}
        - {
            Op.ALERTS,
            *_HISTORIES,
            Op.CHARGING_SETTINGS,
            Op.HVAC_SETTINGS,
            Op.NOTIFICATION_SETTINGS,
            Op.CHARGING_START,
            Op.CHARGING_STOP,
            Op.HORN,
            Op.LIGHTS,
        }
    ),
    refusals=_refuse(
        missing=(errors.URL_NOT_FOUND, {Op.ALERTS, *_HISTORIES}),
        hvac_settings=(errors.HVAC_SETTINGS_UNAVAILABLE, {Op.HVAC_SETTINGS}),
        absent=(errors.RESOURCE_NOT_FOUND, _ABSENT_SENSORS),
        notifications=(
            errors.NOTIFICATION_SETTINGS_UNAVAILABLE,
            {Op.NOTIFICATION_SETTINGS},
        ),
    ),
    hvac_cancel_ignored=True,
    hvac_soc_threshold=30.0,
)

_OPEN_R_LINK_EV = frozenset(
    {
        *_ANY_CAR,
        Op.BATTERY_STATUS,
        Op.HVAC_STATUS,
        Op.LOCATION,
        *_SOC,
        Op.EV_SETTINGS,
        Op.SET_EV_SETTINGS,
        Op.CHARGES,
        Op.HORN,
        Op.LIGHTS,
        Op.HVAC_START,
        Op.HVAC_STOP,
        Op.HVAC_CANCEL,
    }
)
_R5_SHAPES = Shapes(
    battery=R5_BATTERY,
    charging_only=(),
    cockpit=("fuelQuantity", "totalMileage", "timestamp"),
    hvac=("internalTemperature", "hvacStatus", "socThreshold", "lastUpdateTime"),
    mileage_decimals=0,
    data_type=False,
)

RENAULT_5 = VehicleProfile(
    name="renault_5",
    model_code="R5E1VE",
    brand="RENAULT",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/renault_5.1.json",
    vin_prefix="VF1R5E00S80",
    gateway={
        "brand": "RENAULT",
        "familyCode": "X13",
        "modelCode": "B5E",
        "modelCodeDetail": "R5E1VE",
        "modelName": "RENAULT 5",
        "engineType": "6AK",
        "batteryCode": "BTGAE",
        "canGeneration": "C1A",
    },
    powertrain=Powertrain(battery_kwh=52.0, charge_kw=11.0, kwh_per_100km=15.0),
    initial=Initial(battery_level=49, mileage_km=559),
    shapes=_R5_SHAPES,
    served=_OPEN_R_LINK_EV | {Op.HVAC_SETTINGS},
    refusals=_refuse(
        missing=(errors.URL_NOT_FOUND, _HISTORIES),
        absent=(errors.RESOURCE_NOT_FOUND, {Op.LOCK_STATUS, Op.PRESSURE}),
        notifications=(
            errors.NOTIFICATION_SETTINGS_UNAVAILABLE,
            {Op.NOTIFICATION_SETTINGS},
        ),
    ),
    settings=Settings.KCM,
    hvac_cancel_ignored=True,
    hvac_soc_threshold=15.0,
)

ALPINE_A290 = VehicleProfile(
    name="alpine_a290",
    model_code="A5E1AE",
    brand="ALPINE",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/alpine_A290.1.json",
    vin_prefix="VFAA5E00S81",
    gateway={
        "brand": "ALPINE",
        "familyCode": "X13",
        "modelCode": "A5E",
        "modelCodeDetail": "A5E1AE",
        "modelName": "A290",
        "engineType": "6AM",
        "batteryCode": "BTGAE",
        "canGeneration": "C1A",
    },
    powertrain=Powertrain(battery_kwh=52.0, charge_kw=11.0, kwh_per_100km=16.0),
    initial=Initial(battery_level=80, mileage_km=1204),
    shapes=_R5_SHAPES,
    served=_OPEN_R_LINK_EV - {Op.ALERTS},
    refusals=_refuse(
        missing=(errors.URL_NOT_FOUND, {Op.ALERTS, *_HISTORIES}),
        technical=(errors.TECHNICAL_ERROR, {Op.HVAC_SETTINGS}),
        absent=(errors.RESOURCE_NOT_FOUND, _ABSENT_SENSORS),
        notifications=(errors.NO_GDC_GATEWAY, {Op.NOTIFICATION_SETTINGS}),
    ),
    settings=Settings.KCM,
    hvac_cancel_ignored=True,
    hvac_soc_threshold=15.0,
)

_CAPTUR_GATEWAY = MappingProxyType(
    {
        "brand": "RENAULT",
        "familyCode": "XJB",
        "modelCode": "HJB",
        "modelCodeDetail": "XJB1SU",
        "modelName": "CAPTUR II",
        "canGeneration": "C1A",
    }
)
_CAPTUR_REFUSALS = {
    "missing": (
        errors.URL_NOT_FOUND,
        {Op.CHARGING_START, Op.CHARGING_STOP, Op.HORN, Op.LIGHTS, *_HISTORIES},
    ),
    "charge_mode": (errors.CHARGE_MODE_UNAVAILABLE, {Op.CHARGE_MODE}),
    "charge_schedule": (errors.CHARGE_SCHEDULE_UNAVAILABLE, {Op.CHARGE_SCHEDULE}),
    "absent": (errors.RESOURCE_NOT_FOUND, _ABSENT_SENSORS),
    "notifications": (
        errors.NOTIFICATION_SETTINGS_UNAVAILABLE,
        {Op.NOTIFICATION_SETTINGS},
    ),
}

CAPTUR_PHEV = VehicleProfile(
    name="captur_phev",
    model_code="XJB1SU",
    brand="RENAULT",
    energy=Energy.PLUG_IN_HYBRID,
    details_payload="kamereon/vehicles/captur_ii.2.json",
    vin_prefix="VF1RJB00M32",
    gateway={**_CAPTUR_GATEWAY, "energy": "electric", "engineType": "H4M"},
    powertrain=Powertrain(
        battery_kwh=9.8,
        charge_kw=3.7,
        kwh_per_100km=18.0,
        tank_litres=39.0,
        litres_per_100km=5.5,
    ),
    initial=Initial(battery_level=60, mileage_km=5566.78, fuel_litres=30.0),
    shapes=Shapes(cockpit=FUEL_COCKPIT),
    served=frozenset(
        _KCA_EV
        - {
            Op.CHARGING_START,
            Op.CHARGING_STOP,
            Op.HORN,
            Op.LIGHTS,
            *_HISTORIES,
            Op.NOTIFICATION_SETTINGS,
        }
    ),
    refusals=_refuse(**_CAPTUR_REFUSALS),
)

CAPTUR_FUEL = VehicleProfile(
    name="captur_fuel",
    model_code="XJB1SU",
    brand="RENAULT",
    energy=Energy.FUEL,
    details_payload="kamereon/vehicles/captur_ii.1.json",
    vin_prefix="VF1RJB00M33",
    gateway={**_CAPTUR_GATEWAY, "energy": "gasoline", "engineType": "H5H"},
    powertrain=Powertrain(tank_litres=48.0, litres_per_100km=6.2),
    initial=Initial(mileage_km=14210.5, fuel_litres=30.0),
    shapes=Shapes(cockpit=FUEL_COCKPIT),
    served=frozenset({*_ANY_CAR, Op.LOCATION}),
    refusals=_refuse(
        **_CAPTUR_REFUSALS,
        no_battery=(
            errors.RESOURCE_NOT_FOUND,
            {Op.BATTERY_STATUS, Op.HVAC_STATUS, Op.CHARGES},
        ),
    ),
    settings=Settings.NONE,
)

TWINGO_3 = VehicleProfile(
    name="twingo_3",
    model_code="X071VE",
    brand="RENAULT",
    energy=Energy.ELECTRIC,
    details_payload="kamereon/vehicles/twingo_ze.1.json",
    gateway_payload="kamereon/vehicle_gateway/twingo_ze.1.json",
    vin_prefix="VF1AH000L44",
    powertrain=Powertrain(battery_kwh=22.0, charge_kw=7.4, kwh_per_100km=14.5),
    initial=Initial(battery_level=70, mileage_km=23456.0),
    served=frozenset({*_KCA_EV, *_SOC} - {*_HISTORIES, Op.NOTIFICATION_SETTINGS}),
    refusals=_refuse(
        missing=(errors.URL_NOT_FOUND, _HISTORIES),
        charge_mode=(errors.CHARGE_MODE_UNAVAILABLE, {Op.CHARGE_MODE}),
        charge_schedule=(errors.CHARGE_SCHEDULE_UNAVAILABLE, {Op.CHARGE_SCHEDULE}),
        absent=(errors.RESOURCE_NOT_FOUND, _ABSENT_SENSORS),
        notifications=(
            errors.NOTIFICATION_SETTINGS_UNAVAILABLE,
            {Op.NOTIFICATION_SETTINGS},
        ),
    ),
)

DUSTER = VehicleProfile(
    name="duster",
    model_code="DU31SU",
    brand="DACIA",
    energy=Energy.FUEL,
    details_payload="kamereon/vehicles/duster.1.json",
    gateway_payload="kamereon/vehicle_gateway/duster.1.json",
    vin_prefix="UU1DU310R25",
    details={
        "model": {"code": "DU31SU", "label": "DUSTER", "group": "971"},
        "brand": {"label": "DACIA"},
        "family": {"code": "DU3", "label": "DU3 FAMILY", "group": "007"},
    },
    gateway={
        "brand": "DACIA",
        "familyCode": "DU3",
        "modelCode": "DU3",
        "modelCodeDetail": "DU31SU",
        "modelName": "DUSTER",
    },
    powertrain=Powertrain(tank_litres=50.0, litres_per_100km=5.8),
    initial=Initial(mileage_km=8421.0, fuel_litres=40.0),
    shapes=Shapes(cockpit=FUEL_COCKPIT, mileage_decimals=0),
    served=frozenset({*_ANY_CAR, Op.LOCATION, Op.NOTIFICATION_SETTINGS}),
    refusals=_refuse(
        absent=(
            errors.RESOURCE_NOT_FOUND,
            {Op.BATTERY_STATUS, Op.CHARGES, Op.HVAC_STATUS, *_ABSENT_SENSORS},
        ),
        missing=(
            errors.URL_NOT_FOUND,
            {
                Op.SET_HVAC_SCHEDULE,
                Op.KCM_CHARGE_PAUSE,
                Op.KCM_CHARGE_RESUME,
                *_HISTORIES,
            },
        ),
    ),
    settings=Settings.NONE,
)

AUSTRAL = VehicleProfile(
    name="austral",
    model_code="XHN1SU",
    brand="RENAULT",
    energy=Energy.HYBRID,
    details_payload="kamereon/vehicles/austral_XHN1SU.1.json",
    vin_prefix="VF1RHN00R66",
    gateway={
        "brand": "RENAULT",
        "familyCode": "XHN",
        "modelCode": "HHN",
        "modelCodeDetail": "XHN1SU",
        "modelName": "AUSTRAL",
        "energy": "gasoline",
        "engineType": "H5F",
        "carGateway": "AVN",
    },
    powertrain=Powertrain(tank_litres=55.0, litres_per_100km=4.9),
    initial=Initial(mileage_km=2698, fuel_litres=18.0),
    shapes=Shapes(
        cockpit=FUEL_COCKPIT,
        doors=DoorStyle.STATUS_DOOR,
        mileage_decimals=0,
        data_type=False,
    ),
    served=frozenset(
        {
            *_ANY_CAR,
            Op.LOCATION,
            Op.LOCK_STATUS,
            Op.NOTIFICATION_SETTINGS,
            Op.HORN,
            Op.LIGHTS,
        }
    ),
    refusals=_refuse(
        absent=(
            errors.RESOURCE_NOT_FOUND,
            {Op.BATTERY_STATUS, Op.HVAC_STATUS, Op.RES_STATE, Op.CHARGES},
        ),
        no_data=(errors.NO_DATA, {Op.PRESSURE}),
        missing=(
            errors.URL_NOT_FOUND,
            {Op.CHARGING_STOP, Op.KCM_CHARGE_PAUSE, *_HISTORIES},
        ),
        hvac=(errors.method_not_allowed("POST"), {Op.HVAC_START}),
    ),
    settings=Settings.NONE,
)

PROFILES: Mapping[str, VehicleProfile] = MappingProxyType(
    {
        profile.name: profile
        for profile in (
            ZOE_40,
            ZOE_50,
            MEGANE_E_TECH,
            SPRING,
            RENAULT_5,
            ALPINE_A290,
            CAPTUR_PHEV,
            CAPTUR_FUEL,
            TWINGO_3,
            DUSTER,
            AUSTRAL,
        )
    }
)
