"""What the codes in the cloud's answers mean, for every model."""

from __future__ import annotations

from typing import Any

from .const import LOGGER

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


HVAC_STATES = {"on": True, "off": False}


def is_unplugged(battery: Any) -> bool:
    """Tell whether a battery-status answer says the cable is not plugged in."""
    return PLUG_STATES.get(battery.plugStatus) == "unplugged"
