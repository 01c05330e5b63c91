"""The vehicle data endpoints the integration reads, one coordinator each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from operator import methodcaller
from typing import Any

from homeassistant.util import dt as dt_util
from renault_api.kamereon import schemas
from renault_api.kamereon.models import KamereonVehicleContract
from renault_api.renault_vehicle import RenaultVehicle

from .car_models import (
    BATTERY,
    CHARGE_MODE,
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
    CarCommand,
    ModelProfile,
)
from .read_plan import Role

# Charge and preconditioning sessions are read over this many past days.
HISTORY_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class EndpointDescription:
    """An endpoint: how to read it, for which cars, and what its data follows."""

    key: str
    """The endpoint's name in renault-api's model map (what the car supports)."""
    fetch: Callable[[RenaultVehicle], Awaitable[Any]]
    restore: Callable[[Any], Any]
    """Rebuild what fetch returns from its raw answer (kept across restarts)."""
    role: Role
    offered: Callable[[ModelProfile], bool] | None = None
    """Whether a car reads it, when the model's offer is not enough."""

    def is_supported(self, profile: ModelProfile) -> bool:
        """Tell whether the car's model offers this endpoint."""
        if not profile.offers(self.key):
            return False
        return self.offered is None or self.offered(profile)


async def _fetch_charges(vehicle: RenaultVehicle) -> Any:
    """Read the charge sessions of the last days."""
    end = dt_util.utcnow()
    return await vehicle.get_charges(start=end - timedelta(days=HISTORY_DAYS), end=end)


async def _fetch_hvac_sessions(vehicle: RenaultVehicle) -> Any:
    """Read the preconditionings of the last days."""
    end = dt_util.utcnow()
    return await vehicle.get_hvac_sessions(
        start=end - timedelta(days=HISTORY_DAYS), end=end
    )


async def _fetch_contracts(vehicle: RenaultVehicle) -> list[KamereonVehicleContract]:
    """Read the vehicle's contracts afresh (the library caches them forever)."""
    response = await vehicle.session.get_vehicle_contracts(
        vehicle.account_id, vehicle.vin
    )
    return response.contractList or []


def _restore_contracts(raw: list[dict[str, Any]]) -> list[KamereonVehicleContract]:
    """Rebuild the contracts from their raw answers."""
    response = schemas.KamereonVehicleContractsResponseSchema.load(
        {"contractList": raw}
    )
    return response.contractList or []


ENDPOINTS: tuple[EndpointDescription, ...] = (
    EndpointDescription(
        key=BATTERY,
        fetch=methodcaller("get_battery_status"),
        restore=schemas.KamereonVehicleBatteryStatusDataSchema.load,
        role=Role.STATE,
    ),
    EndpointDescription(
        key=COCKPIT,
        fetch=methodcaller("get_cockpit"),
        restore=schemas.KamereonVehicleCockpitDataSchema.load,
        role=Role.DETAIL,
    ),
    EndpointDescription(
        key=LOCATION,
        fetch=methodcaller("get_location"),
        restore=schemas.KamereonVehicleLocationDataSchema.load,
        role=Role.STATE,
    ),
    EndpointDescription(
        key=HVAC_STATUS,
        fetch=methodcaller("get_hvac_status"),
        restore=schemas.KamereonVehicleHvacStatusDataSchema.load,
        role=Role.DETAIL,
    ),
    EndpointDescription(
        key=CHARGE_MODE,
        fetch=methodcaller("get_charge_mode"),
        restore=schemas.KamereonVehicleChargeModeDataSchema.load,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=LOCK_STATUS,
        fetch=methodcaller("get_lock_status"),
        restore=schemas.KamereonVehicleLockStatusDataSchema.load,
        role=Role.STATE,
    ),
    EndpointDescription(
        key=PRESSURE,
        fetch=methodcaller("get_tyre_pressure"),
        restore=schemas.KamereonVehicleTyrePressureDataSchema.load,
        role=Role.SLOW,
    ),
    EndpointDescription(
        key=RES_STATE,
        fetch=methodcaller("get_res_state"),
        restore=schemas.KamereonVehicleResStateDataSchema.load,
        role=Role.SLOW,
    ),
    EndpointDescription(
        key=SOC_LEVELS,
        fetch=methodcaller("get_battery_soc"),
        restore=schemas.KamereonVehicleBatterySocDataSchema.load,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=CHARGING_SETTINGS,
        fetch=methodcaller("get_charging_settings"),
        restore=schemas.KamereonVehicleChargingSettingsDataSchema.load,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=CHARGE_SCHEDULE,
        fetch=methodcaller("get_charge_schedule"),
        restore=dict,
        role=Role.SETTINGS,
        # KCA charge-schedule answers are not read: charging-settings has them.
        offered=lambda profile: profile.charge_settings_document,
    ),
    EndpointDescription(
        key=HVAC_SETTINGS,
        fetch=methodcaller("get_hvac_settings"),
        restore=schemas.KamereonVehicleHvacSettingsDataSchema.load,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=CHARGES,
        fetch=_fetch_charges,
        restore=schemas.KamereonVehicleChargesDataSchema.load,
        role=Role.HISTORY,
    ),
    EndpointDescription(
        key=HVAC_SESSIONS,
        fetch=_fetch_hvac_sessions,
        restore=schemas.KamereonVehicleHvacSessionsDataSchema.load,
        role=Role.CLIMATE_HISTORY,
        offered=lambda profile: profile.accepts(CarCommand.HVAC_START),
    ),
    EndpointDescription(
        key=CONTRACTS,
        fetch=_fetch_contracts,
        restore=_restore_contracts,
        role=Role.CONTRACTS,
    ),
)

# Where models keep their charge mode, in order of preference, and how to read it.
CHARGE_MODE_SOURCES: tuple[tuple[str, Callable[[Any], str | None]], ...] = (
    (CHARGE_MODE, lambda data: data.chargeMode),
    (CHARGING_SETTINGS, lambda data: data.mode),
    (CHARGE_SCHEDULE, lambda data: data.get("chargeModeRq")),
)
