"""Diagnostics: what the integration knows, with every personal value redacted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import (
    CONF_DEVICE_IDS,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_KNOWN_VEHICLES,
    CONF_LOGIN_TOKEN,
    CONF_VEHICLE_SETTINGS,
    CONF_VEHICLES,
    DOMAIN,
)
from .hub import RenaultConnectConfigEntry, RenaultHub
from .vehicle import RenaultConnectVehicle

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_LOGIN_TOKEN,
    CONF_DEVICE_IDS,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_KNOWN_VEHICLES,
    CONF_VEHICLES,
    CONF_VEHICLE_SETTINGS,
    "accountId",
    "personId",
    "email",
    "emails",
    "firstName",
    "lastName",
    "unique_id",
    "vin",
    "registrationNumber",
    "radioCode",
    "gpsLatitude",
    "gpsLongitude",
    "contractId",
}


def _answer(data: Any) -> Any:
    """Return an endpoint's last answer as the cloud sent it."""
    if isinstance(data, list):
        return [_answer(item) for item in data]
    return getattr(data, "raw_data", data)


def _vehicle_diagnostics(vehicle: RenaultConnectVehicle) -> dict[str, Any]:
    """Return what is known of one vehicle, redacted."""
    return {
        "model_code": vehicle.details.get_model_code(),
        "profile": {
            "known": vehicle.profile.known,
            "commands": sorted(vehicle.profile.commands),
            "unreliable": sorted(vehicle.profile.row.unreliable),
        },
        "details": async_redact_data(vehicle.details.raw_data, TO_REDACT),
        "heartbeat": vehicle.read_plan.heartbeat_key,
        "endpoints": {
            key: {
                "last_update_success": coordinator.last_update_success,
                "read_at": _iso(coordinator.read_at),
                "next_read_at": _iso(coordinator.next_read_at),
                "data": async_redact_data(_answer(coordinator.data), TO_REDACT),
            }
            for key, coordinator in vehicle.coordinators.items()
        },
        "notification_settings": async_redact_data(
            vehicle.notification_settings, TO_REDACT
        ),
        "energy": _energy_diagnostics(vehicle),
        "smart_charging": _smart_charging_diagnostics(vehicle),
    }


def _smart_charging_diagnostics(vehicle: RenaultConnectVehicle) -> dict[str, Any]:
    """Return smart charging's settings, what it links and what it decided."""
    smart = vehicle.smart
    decision = smart.decision
    return {
        "available": vehicle.can_charge_smartly,
        "charger_linked": vehicle.charger is not None,
        "control": smart.control,
        "schedule_hold": smart.hold.as_dict(),
        "settings": smart.settings.as_dict(),
        "charge_now": decision.charge_now if decision else None,
        **smart.attributes,
    }


def _energy_diagnostics(vehicle: RenaultConnectVehicle) -> dict[str, Any]:
    """Return what the charged energy and the estimates are built from."""
    energy = vehicle.energy
    power = vehicle.charging_power
    consumption = energy.consumption
    return {
        "statistic_id": energy.statistic_id if energy.sessions else None,
        "sessions_kept": len(energy.sessions),
        "total_kwh": energy.total_kwh,
        "charging_power": {"kw": power.kw, "source": power.source.value},
        "charger_meter": (
            {
                "values_kept": len(meter.samples),
                "efficiency": meter.efficiency,
                "efficiencies_learned": len(meter.shares),
            }
            if (meter := vehicle.meter)
            else None
        ),
        "kwh_per_100km": consumption.kwh_per_100km,
        "km_per_charge": consumption.km_per_charge,
    }


def _iso(moment: datetime | None) -> str | None:
    """Return a moment as ISO 8601 text."""
    return moment.isoformat() if moment else None


def _polling_diagnostics(hub: RenaultHub) -> dict[str, Any]:
    """Return the account's request counts, quota state and watchdog."""
    request_budget = hub.request_budget
    return {
        "hourly_budget": request_budget.budget,
        "requests_last_hour": request_budget.requests_last_hour,
        "timed_requests_last_hour": request_budget.timed_requests_last_hour,
        "quota_state": request_budget.state.value,
        "throttled_until": _iso(request_budget.throttled_until),
        "last_fresh_data": _iso(hub.watchdog.last_fresh_data),
        "stalled": hub.watchdog.stalled,
        "login_refused": hub.login_refused,
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    hub = entry.runtime_data
    return {
        # The title carries the person's name.
        "entry": {**async_redact_data(entry.as_dict(), TO_REDACT), "title": REDACTED},
        "polling": _polling_diagnostics(hub),
        "vehicles": [
            _vehicle_diagnostics(vehicle) for vehicle in hub.vehicles.values()
        ],
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001 - part of Home Assistant's signature
    entry: RenaultConnectConfigEntry,
    device: dr.DeviceEntry,
) -> dict[str, Any]:
    """Return diagnostics for a vehicle's device, or the account's polling."""
    hub = entry.runtime_data
    identifier = next(key for domain, key in device.identifiers if domain == DOMAIN)
    if (vehicle := hub.vehicles.get(identifier)) is None:
        return _polling_diagnostics(hub)
    return _vehicle_diagnostics(vehicle)
