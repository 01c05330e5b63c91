"""What the cloud does not tell about each model, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.util import dt as dt_util
from renault_api.kamereon.models import KamereonVehicleDetails

from .const import LOGGER

# Usable battery energy in kWh by model code (the cloud reports a capacity of 0).
# Where a model came with several batteries, the most common one is given; the
# user sets the right value in the options.
USABLE_BATTERY_KWH: dict[str, float] = {
    "A4E1VE": 52.0,  # Renault 4 E-Tech
    "A5E1AE": 52.0,  # Alpine A290
    "R5E1VE": 52.0,  # Renault 5 E-Tech (40 kWh on the short-range version)
    "X071VE": 21.4,  # Twingo III Z.E.
    "X101VE": 41.0,  # Zoe phase 1 (22 kWh on the first ones)
    "X102VE": 52.0,  # Zoe phase 2
    "XBG1VE": 26.8,  # Dacia Spring
    "XBG2VE": 26.8,  # Dacia Spring 2025
    "XCB1SE": 87.0,  # Scenic E-Tech (60 kWh on the short-range version)
    "XCB1VE": 60.0,  # Megane E-Tech (40 kWh on the short-range version)
    "XDD1VE": 83.0,  # Master E-Tech
    "XFB2BK": 9.8,  # Megane IV estate plug-in hybrid
    "XJB1SU": 9.8,  # Captur II plug-in hybrid
}


def default_battery_capacity(details: KamereonVehicleDetails) -> float | None:
    """Return the usable battery energy of a plug-in model, when known."""
    if not details.uses_electricity():
        return None
    return USABLE_BATTERY_KWH.get(details.get_model_code() or "")


# No car charges faster than this: a larger charging power is in watts.
MAX_CHARGING_KW = 400.0

CHARGE_STATES: dict[float, str] = {
    0.0: "not_in_charge",
    0.1: "waiting_for_a_planned_charge",
    0.2: "charge_ended",
    0.3: "waiting_for_current_charge",
    0.4: "energy_flap_opened",
    1.0: "charge_in_progress",
    -1.0: "charge_error",
    -1.1: "unavailable",
    -1.3: "v2g_charging_waiting",
    -1.4: "v2l_connected",
    -1.5: "v2g_discharging",
    -1.6: "v2g_charging_normal",
}
CHARGING_STATES = frozenset({"charge_in_progress", "v2g_charging_normal"})
# Charge states only a plugged-in car can be in (used when the plug state is missing).
PLUGGED_CHARGE_STATES = frozenset(
    {
        "waiting_for_a_planned_charge",
        "charge_ended",
        "waiting_for_current_charge",
        "charge_in_progress",
        "v2g_charging_waiting",
        "v2l_connected",
        "v2g_discharging",
        "v2g_charging_normal",
    }
)


def is_charging(battery: Any) -> bool:
    """Tell whether a battery-status answer shows a charge in progress."""
    return CHARGE_STATES.get(battery.chargingStatus) in CHARGING_STATES


PLUG_STATES: dict[int, str] = {
    0: "unplugged",
    1: "plugged",
    3: "plugged_waiting_for_charge",
    -1: "plug_error",
    -2147483648: "plug_unknown",
}
PLUGGED_STATES = frozenset({"plugged", "plugged_waiting_for_charge"})

_reported_unknown: set[tuple[str, object]] = set()


def enum_state[K, V](mapping: dict[K, V], value: K | None, what: str) -> V | None:
    """Map a cloud code to a state; an unknown code becomes unknown, logged once."""
    if value is None:
        return None
    if (state := mapping.get(value)) is None and (what, value) not in _reported_unknown:
        _reported_unknown.add((what, value))
        LOGGER.warning(
            "Unknown %s %r from the Renault cloud; shown as unknown. Please report it",
            what,
            value,
        )
    return state


def charging_power_kw(
    details: KamereonVehicleDetails, value: float | None
) -> float | None:
    """Return the charging power in kW, whatever unit the model reports."""
    if value is None:
        return None
    if details.reports_charging_power_in_watts() or value > MAX_CHARGING_KW:
        return round(value / 1000, 3)
    return value


def session_minutes(
    details: KamereonVehicleDetails, session: Mapping[str, Any]
) -> float | None:
    """Return a charge session's duration in minutes, whatever unit the car used.

    The Zoe phase 1 is known to report minutes; other cars report seconds, but
    not all (the Megane E-Tech's captured sessions are in minutes). When the
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
        in_minutes = details.reports_charge_session_durations_in_minutes()
    return float(value) if in_minutes else round(value / 60, 1)


# Each model spells the charge modes its own way; these are the ones seen.
CHARGE_MODES: dict[str, str] = {
    "always": "always",
    "always_charging": "always",
    "ALWAYS": "always",
    "scheduled": "scheduled",
    "schedule_mode": "scheduled",
    "SCHEDULED": "scheduled",
    "delayed": "delayed",
}

# How each model spells the charge modes it accepts in a charge-mode command.
CHARGE_MODE_COMMANDS: dict[str, dict[str, str]] = {
    "X101VE": {"always": "always", "scheduled": "schedule_mode"},
    "X102VE": {"always": "always_charging", "scheduled": "schedule_mode"},
}
DEFAULT_CHARGE_MODE_COMMANDS = {"always": "always", "scheduled": "scheduled"}


def charge_mode_command(details: KamereonVehicleDetails, mode: str) -> str:
    """Return the model's spelling of a charge mode for a charge-mode command."""
    commands = CHARGE_MODE_COMMANDS.get(
        details.get_model_code() or "", DEFAULT_CHARGE_MODE_COMMANDS
    )
    return commands[mode]
