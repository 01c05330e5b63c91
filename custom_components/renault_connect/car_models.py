"""What differs from one model to another: one table, one profile per car.

renault-api knows which endpoints each model code offers and the path and
mode of each (KCA, KCM, ev/settings...). What it does not know, or what the
cars do differently from what the cloud accepts, is in MODELS: the battery,
how the car spells its charge modes, the units it reports in, the values
known to be wrong, and the commands it accepts but ignores. A car's
ModelProfile joins both, once, and every other module asks the profile.

Adding a model is one row here (plus a fake-cloud profile and its snapshot).
A car whose model code is not in the table keeps what renault-api says and
what the cloud answers (endpoints it refuses are retired at run time); that
is logged once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from homeassistant.util import dt as dt_util

from .cloud import CarDetails, model_endpoints
from .const import LOGGER

# The vehicle data endpoints, by their names in renault-api's model map.
BATTERY = "battery-status"
COCKPIT = "cockpit"
LOCATION = "location"
HVAC_STATUS = "hvac-status"
CHARGE_MODE = "charge-mode"
LOCK_STATUS = "lock-status"
PRESSURE = "pressure"
RES_STATE = "res-state"
SOC_LEVELS = "soc-levels"
CHARGING_SETTINGS = "charging-settings"
CHARGE_SCHEDULE = "charge-schedule"
HVAC_SETTINGS = "hvac-settings"
HVAC_SESSIONS = "hvac-sessions"
HVAC_HISTORY = "hvac-history"
CHARGES = "charges"
CHARGE_HISTORY = "charge-history"
NOTIFICATION_SETTINGS = "notification-settings"
CONTRACTS = "contracts"
"""Not in the model map: every car has contracts."""

READ_ENDPOINTS = (
    BATTERY,
    COCKPIT,
    LOCATION,
    HVAC_STATUS,
    CHARGE_MODE,
    LOCK_STATUS,
    PRESSURE,
    RES_STATE,
    SOC_LEVELS,
    CHARGING_SETTINGS,
    CHARGE_SCHEDULE,
    HVAC_SETTINGS,
    HVAC_SESSIONS,
    HVAC_HISTORY,
    CHARGES,
    CHARGE_HISTORY,
    NOTIFICATION_SETTINGS,
)
# Endpoints only a car with a plug has.
ELECTRIC_ENDPOINTS = frozenset(
    {
        BATTERY,
        CHARGE_MODE,
        SOC_LEVELS,
        CHARGING_SETTINGS,
        CHARGE_SCHEDULE,
        CHARGES,
        CHARGE_HISTORY,
    }
)
# The endpoints that tell when the car uploaded, in order of preference.
HEARTBEATS = (BATTERY, LOCATION, COCKPIT)
# Where models keep their charge mode, in order of preference.
CHARGE_MODE_SOURCES = (CHARGE_MODE, CHARGING_SETTINGS, CHARGE_SCHEDULE)

# renault-api's modes for an endpoint read or written another way.
KCM_SETTINGS_MODE = "kcm-settings"
KCA_STOP_MODE = "kca-stop"


class CarCommand(StrEnum):
    """A remote command, by its name in renault-api's model map."""

    CHARGE_START = "actions/charge-start"
    CHARGE_STOP = "actions/charge-stop"
    SET_CHARGE_MODE = "actions/charge-set-mode"
    SET_CHARGE_SCHEDULE = "actions/charge-set-schedule"
    HVAC_START = "actions/hvac-start"
    HVAC_STOP = "actions/hvac-stop"
    SET_HVAC_SCHEDULE = "actions/hvac-set-schedule"
    HORN = "actions/horn-start"
    LIGHTS = "actions/lights-start"
    REFRESH_LOCATION = "actions/refresh-location"


ELECTRIC_COMMANDS = frozenset(
    {
        CarCommand.CHARGE_START,
        CarCommand.CHARGE_STOP,
        CarCommand.SET_CHARGE_MODE,
        CarCommand.SET_CHARGE_SCHEDULE,
    }
)
# A command that only makes sense when the car also accepts another one.
NEEDS = {
    CarCommand.CHARGE_STOP: CarCommand.CHARGE_START,
    CarCommand.HVAC_STOP: CarCommand.HVAC_START,
}


class Field(StrEnum):
    """A value of the cloud's answers some models are known to get wrong."""

    BATTERY_TEMPERATURE = "batteryTemperature"
    CHARGING_POWER = "chargingInstantaneousPower"
    HVAC_STATUS = "hvacStatus"


# How the charge-mode command spells "always" and "scheduled".
KCA_CHARGE_MODES: Mapping[str, str] = MappingProxyType(
    {"always": "always", "scheduled": "scheduled"}
)
# How long remote preconditioning runs when nothing stops it.
PRECONDITIONING_DURATION = timedelta(minutes=15)


@dataclass(frozen=True, kw_only=True)
class ModelRow:
    """What one model does that neither the cloud nor renault-api says."""

    name: str
    battery_kwh: float | None = None
    """Usable battery energy (the cloud reports 0); the options override it."""
    charge_modes: Mapping[str, str] = KCA_CHARGE_MODES
    power_in_watts: bool = False
    """chargingInstantaneousPower is in W (kW on other models)."""
    session_durations_in_minutes: bool = False
    """Charge sessions' chargeDuration is in minutes (seconds on other models)."""
    unreliable: frozenset[Field] = frozenset()
    hvac_cancel_ignored: bool = False
    """The cloud takes "cancel" for preconditioning, the car ignores it."""
    preconditioning_duration: timedelta = PRECONDITIONING_DURATION


MODELS: Mapping[str, ModelRow] = MappingProxyType(
    {
        # Zoe phase 1: hvacStatus "seems to always report off, even when
        # preconditioning is in progress" (renault-api's notes).
        "X101VE": ModelRow(
            name="Zoe phase 1",
            battery_kwh=41.0,  # 22 kWh on the first ones
            charge_modes=MappingProxyType(
                {"always": "always", "scheduled": "schedule_mode"}
            ),
            power_in_watts=True,
            session_durations_in_minutes=True,
            unreliable=frozenset({Field.HVAC_STATUS}),
        ),
        # Zoe phase 2: "cancel" "does not create errors but has no effect on the
        # vehicle"; batteryTemperature "appears completely wrong" and
        # chargingInstantaneousPower "values still appear completely wrong".
        "X102VE": ModelRow(
            name="Zoe phase 2",
            battery_kwh=52.0,
            charge_modes=MappingProxyType(
                {"always": "always_charging", "scheduled": "schedule_mode"}
            ),
            unreliable=frozenset({Field.BATTERY_TEMPERATURE, Field.CHARGING_POWER}),
            hvac_cancel_ignored=True,
        ),
        "X071VE": ModelRow(name="Twingo III Z.E.", battery_kwh=21.4),
        "XBG1VE": ModelRow(name="Dacia Spring", battery_kwh=26.8),
        "XBG2VE": ModelRow(name="Dacia Spring 2025", battery_kwh=26.8),
        # 40 kWh on the short-range version.
        "XCB1VE": ModelRow(name="Megane E-Tech", battery_kwh=60.0),
        # 60 kWh on the short-range version.
        "XCB1SE": ModelRow(name="Scenic E-Tech", battery_kwh=87.0),
        "XDD1VE": ModelRow(name="Master E-Tech", battery_kwh=83.0),
        "A4E1VE": ModelRow(name="Renault 4 E-Tech", battery_kwh=52.0),
        # 40 kWh on the short-range version.
        "R5E1VE": ModelRow(name="Renault 5 E-Tech", battery_kwh=52.0),
        "A5E1AE": ModelRow(name="Alpine A290", battery_kwh=52.0),
        "XFB2BK": ModelRow(name="Megane IV estate plug-in hybrid", battery_kwh=9.8),
        "XFB2BI": ModelRow(name="Megane IV"),
        "XJB1SU": ModelRow(
            name="Captur II (petrol or plug-in hybrid)", battery_kwh=9.8
        ),
        "XJB2SU": ModelRow(name="Captur II phase 2"),
        "XJB2CP": ModelRow(name="Captur II phase 2 (hybrid)"),
        "XJA1VP": ModelRow(name="Clio V"),
        "XJA2VP": ModelRow(name="Clio V phase 2"),
        "XHN1SU": ModelRow(name="Austral"),
        "XHN1CP": ModelRow(name="Austral (hybrid)"),
        "XHN1ML": ModelRow(name="Austral (mild hybrid)"),
        "XJF2BI": ModelRow(name="Arkana"),
        "XJL2TR": ModelRow(name="Rafale"),
        "DU31SU": ModelRow(name="Dacia Duster III"),
        "BD11SL": ModelRow(name="Dacia Bigster"),
    }
)

_reported_unknown: set[str] = set()


@dataclass(frozen=True, kw_only=True)
class ModelProfile:
    """One car's model: what it offers, accepts, and how it reports."""

    code: str
    known: bool
    electric: bool
    fuel: bool
    row: ModelRow
    reads: Mapping[str, str] = field(default_factory=dict)
    """The endpoints the car offers, with renault-api's mode for each."""
    commands: Mapping[CarCommand, str] = field(default_factory=dict)
    """The commands the car accepts and acts on, with renault-api's mode."""

    def offers(self, endpoint: str) -> bool:
        """Tell whether the car's model offers an endpoint."""
        return endpoint == CONTRACTS or endpoint in self.reads

    def accepts(self, command: CarCommand) -> bool:
        """Tell whether the car acts on a command."""
        return command in self.commands

    def trusts(self, value: Field | str) -> bool:
        """Tell whether a value of the cloud's answers is right on this model."""
        return value not in self.row.unreliable

    @property
    def charge_settings_document(self) -> bool:
        """Tell whether charge mode and schedules live in KCM ev/settings."""
        return self.reads.get(CHARGE_SCHEDULE) == KCM_SETTINGS_MODE

    @property
    def battery_kwh(self) -> float | None:
        """Return the usable battery energy of a car with a plug, when known."""
        return self.row.battery_kwh if self.electric else None

    @property
    def heartbeats(self) -> tuple[str, ...]:
        """Return the endpoints that tell when the car uploads, best first."""
        return tuple(key for key in HEARTBEATS if self.offers(key))

    def charge_mode_spelling(self, mode: str) -> str:
        """Return the model's spelling of a charge mode for the command."""
        return self.row.charge_modes[mode]

    def charging_power_kw(self, value: float | None) -> float | None:
        """Return a charging power in kW, whatever unit the model reports."""
        if value is None:
            return None
        if self.row.power_in_watts or value > MAX_CHARGING_KW:
            return round(value / 1000, 3)
        return value

    def session_minutes(self, session: Mapping[str, Any]) -> float | None:
        """Return a charge session's duration in minutes, whatever the unit.

        The table says which models report minutes, but not every car agrees
        (the Megane E-Tech's captured sessions are in minutes): when the
        session's start and end are known, the unit closest to their span wins.
        """
        value: float | None = session.get("chargeDuration")
        if value is None:
            return None
        start = dt_util.parse_datetime(session.get("chargeStartDate") or "")
        end = dt_util.parse_datetime(session.get("chargeEndDate") or "")
        if start is not None and end is not None:
            span = (end - start).total_seconds()
            in_minutes = abs(value * 60 - span) < abs(value - span)
        else:
            in_minutes = self.row.session_durations_in_minutes
        return float(value) if in_minutes else round(value / 60, 1)


# No car charges faster than this: a larger charging power is in watts.
MAX_CHARGING_KW = 400.0


def _row(details: CarDetails, code: str) -> tuple[ModelRow, bool]:
    """Return the model's row, or one built from renault-api's own flags."""
    if (row := MODELS.get(code)) is not None:
        return row, True
    if code not in _reported_unknown:
        _reported_unknown.add(code)
        LOGGER.info(
            "Model %s is not in Renault Connect's table: using what renault-api "
            "and the cloud say about it (endpoints it refuses are left out)",
            code or "without a code",
        )
    return (
        ModelRow(
            name=code,
            power_in_watts=details.reports_charging_power_in_watts(),
            session_durations_in_minutes=(
                details.reports_charge_session_durations_in_minutes()
            ),
        ),
        False,
    )


def _model_map(details: CarDetails) -> dict[str, str]:
    """Return renault-api's endpoints for the model, with their modes.

    A key the model's map leaves out takes the default, as renault-api does
    (without its warning for each key).
    """
    return {
        key: endpoint.mode
        for key, endpoint in model_endpoints(details).items()
        if endpoint
    }


def _commands(
    model_map: Mapping[str, str], row: ModelRow, *, electric: bool
) -> dict[CarCommand, str]:
    """Return the commands the car acts on, with the mode renault-api uses."""
    offered = {
        command: model_map[command]
        for command in CarCommand
        if command in model_map and (electric or command not in ELECTRIC_COMMANDS)
    }
    # "cancel" is what renault-api sends unless the map says "stop".
    if row.hvac_cancel_ignored and offered.get(CarCommand.HVAC_STOP) != KCA_STOP_MODE:
        offered.pop(CarCommand.HVAC_STOP, None)
    return {
        command: mode
        for command, mode in offered.items()
        if NEEDS.get(command, command) in offered
    }


def profile_for(details: CarDetails) -> ModelProfile:
    """Build a car's profile from its details (done once per car)."""
    code = details.get_model_code() or ""
    row, known = _row(details, code)
    electric = details.uses_electricity()
    model_map = _model_map(details)
    reads = {
        key: model_map[key]
        for key in READ_ENDPOINTS
        if key in model_map and (electric or key not in ELECTRIC_ENDPOINTS)
    }
    return ModelProfile(
        code=code,
        known=known,
        electric=electric,
        fuel=details.uses_fuel(),
        row=row,
        reads=MappingProxyType(reads),
        commands=MappingProxyType(_commands(model_map, row, electric=electric)),
    )
