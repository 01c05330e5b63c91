"""The vehicle data endpoints the integration reads, one coordinator each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import cloud
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


@dataclass(frozen=True, kw_only=True)
class EndpointDescription[T]:
    """An endpoint: how to read it, for which cars, and what its data follows."""

    key: str
    """The endpoint's name in renault-api's model map (what the car supports)."""
    read: cloud.EndpointRead[T]
    """How to read it, and rebuild its answer kept across restarts."""
    role: Role
    offered: Callable[[ModelProfile], bool] | None = None
    """Whether a car reads it, when the model's offer is not enough."""

    def is_supported(self, profile: ModelProfile) -> bool:
        """Tell whether the car's model offers this endpoint."""
        if not profile.offers(self.key):
            return False
        return self.offered is None or self.offered(profile)


ENDPOINTS: tuple[EndpointDescription[Any], ...] = (
    EndpointDescription(
        key=BATTERY,
        read=cloud.BATTERY_STATUS,
        role=Role.STATE,
    ),
    EndpointDescription(
        key=COCKPIT,
        read=cloud.COCKPIT,
        role=Role.DETAIL,
    ),
    EndpointDescription(
        key=LOCATION,
        read=cloud.LOCATION,
        role=Role.STATE,
    ),
    EndpointDescription(
        key=HVAC_STATUS,
        read=cloud.HVAC_STATUS,
        role=Role.DETAIL,
    ),
    EndpointDescription(
        key=CHARGE_MODE,
        read=cloud.CHARGE_MODE,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=LOCK_STATUS,
        read=cloud.LOCK_STATUS,
        role=Role.STATE,
    ),
    EndpointDescription(
        key=PRESSURE,
        read=cloud.TYRE_PRESSURE,
        role=Role.SLOW,
    ),
    EndpointDescription(
        key=RES_STATE,
        read=cloud.RES_STATE,
        role=Role.SLOW,
    ),
    EndpointDescription(
        key=SOC_LEVELS,
        read=cloud.SOC_LEVELS,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=CHARGING_SETTINGS,
        read=cloud.CHARGING_SETTINGS,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=CHARGE_SCHEDULE,
        read=cloud.EV_SETTINGS,
        role=Role.SETTINGS,
        # KCA charge-schedule answers are not read: charging-settings has them.
        offered=lambda profile: profile.charge_settings_document,
    ),
    EndpointDescription(
        key=HVAC_SETTINGS,
        read=cloud.HVAC_SETTINGS,
        role=Role.SETTINGS,
    ),
    EndpointDescription(
        key=CHARGES,
        read=cloud.CHARGES,
        role=Role.HISTORY,
    ),
    EndpointDescription(
        key=HVAC_SESSIONS,
        read=cloud.HVAC_SESSIONS,
        role=Role.CLIMATE_HISTORY,
        offered=lambda profile: profile.accepts(CarCommand.HVAC_START),
    ),
    EndpointDescription(
        key=CONTRACTS,
        read=cloud.CONTRACTS,
        role=Role.CONTRACTS,
    ),
)


@dataclass(frozen=True)
class ChargeModeSource[T]:
    """Where a model keeps its charge mode, and how to read it there."""

    endpoint: str
    read: Callable[[T], str | None]


# Where models keep their charge mode, in order of preference.
CHARGE_MODE_SOURCES: tuple[ChargeModeSource[Any], ...] = (
    ChargeModeSource[cloud.ChargeModeStatus](CHARGE_MODE, lambda data: data.chargeMode),
    ChargeModeSource[cloud.ChargingSettings](CHARGING_SETTINGS, lambda data: data.mode),
    ChargeModeSource[cloud.EvSettings](
        CHARGE_SCHEDULE, lambda data: data.get("chargeModeRq")
    ),
)
