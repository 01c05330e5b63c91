"""Every profile against renault-api 0.6.2's model map: served and refused endpoints.

What the map says a model supports must answer data renault-api parses; what
it lists as None must fail with the error its comment names (the comments of
the installed models.py are read here, so a new renault-api shows drift).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
import inspect
import re
from typing import Any

import pytest
from renault_api.kamereon import ACCOUNT_ENDPOINT_ROOT, helpers, models
from renault_api.kamereon.exceptions import KamereonResponseException
from renault_api.renault_vehicle import RenaultVehicle
from syrupy.assertion import SnapshotAssertion

from fake_renault_cloud import PROFILES, FakeVehicle

from .common import CarFactory

LIBRARY_KEYS = tuple(models._DEFAULT_ENDPOINTS)
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 31, tzinfo=UTC)
# What a car that does not run on electricity may refuse although renault-api
# lists it for the model (the fuel Captur shares the plug-in Captur's code).
ELECTRIC_FEATURES = frozenset(
    {
        "battery-status",
        "charge-history",
        "charge-mode",
        "charge-schedule",
        "charges",
        "charging-settings",
        "hvac-history",
        "hvac-sessions",
        "hvac-settings",
        "hvac-status",
        "soc-levels",
        "actions/charge-set-mode",
        "actions/charge-set-schedule",
        "actions/charge-start",
        "actions/charge-stop",
        "actions/hvac-set-schedule",
        "actions/hvac-start",
        "actions/hvac-stop",
    }
)
# The body renault-api posts on the default path of each action.
DEFAULT_BODIES: dict[str, dict[str, Any]] = {
    "actions/charge-set-mode": {
        "type": "ChargeMode",
        "attributes": {"action": "always"},
    },
    "actions/charge-set-schedule": {
        "type": "ChargeSchedule",
        "attributes": {
            "schedules": [
                {
                    "id": 1,
                    "activated": True,
                    "monday": {"startTime": "T23:00Z", "duration": 60},
                }
            ]
        },
    },
    "actions/charge-start": {
        "type": "ChargingStart",
        "attributes": {"action": "start"},
    },
    "actions/charge-stop": {"type": "ChargingStart", "attributes": {"action": "stop"}},
    "actions/horn-start": {
        "type": "HornLights",
        "attributes": {"action": "start", "target": "horn"},
    },
    "actions/lights-start": {
        "type": "HornLights",
        "attributes": {"action": "start", "target": "lights"},
    },
    "actions/hvac-set-schedule": {
        "type": "HvacSchedule",
        "attributes": {
            "schedules": [
                {"id": 1, "activated": True, "monday": {"readyAtTime": "T07:30Z"}}
            ]
        },
    },
    "actions/hvac-start": {
        "type": "HvacStart",
        "attributes": {"action": "start", "targetTemperature": 21},
    },
    "actions/hvac-stop": {"type": "HvacStart", "attributes": {"action": "cancel"}},
    "actions/refresh-location": {"type": "RefreshLocation"},
}
ERROR_TOKEN = re.compile(r"err\.[\w.-]+|\b\d{3,6}\b")

Getter = Callable[[RenaultVehicle], Awaitable[Any]]


async def _alerts(vehicle: RenaultVehicle) -> Any:
    """Read the alerts (renault-api has no typed getter for them)."""
    return (await vehicle.http_get(await vehicle.get_full_endpoint("alerts"))).raw_data


GETTERS: dict[str, Getter] = {
    "alerts": _alerts,
    "battery-status": RenaultVehicle.get_battery_status,
    "charge-history": lambda vehicle: vehicle.get_charge_history(START, END, "day"),
    "charge-mode": RenaultVehicle.get_charge_mode,
    "charge-schedule": RenaultVehicle.get_charge_schedule,
    "charges": lambda vehicle: vehicle.get_charges(START, END),
    "charging-settings": RenaultVehicle.get_charging_settings,
    "cockpit": RenaultVehicle.get_cockpit,
    "hvac-history": lambda vehicle: vehicle.get_hvac_history(START, END, "month"),
    "hvac-sessions": lambda vehicle: vehicle.get_hvac_sessions(START, END),
    "hvac-settings": RenaultVehicle.get_hvac_settings,
    "hvac-status": RenaultVehicle.get_hvac_status,
    "location": RenaultVehicle.get_location,
    "lock-status": RenaultVehicle.get_lock_status,
    "notification-settings": RenaultVehicle.get_notification_settings,
    "pressure": RenaultVehicle.get_tyre_pressure,
    "res-state": RenaultVehicle.get_res_state,
    "soc-levels": RenaultVehicle.get_battery_soc,
}


def _charge_schedule() -> models.ChargeSchedule:
    """Return a weekday-night charge schedule."""
    days = {
        day: {"startTime": "T23:00Z", "duration": 420}
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    }
    return helpers.create_charge_schedule({"id": 1, "activated": True, **days})


def _hvac_schedule() -> models.HvacSchedule:
    """Return a Monday-morning HVAC schedule."""
    ready = models.HvacDaySchedule(raw_data={}, readyAtTime="T07:30Z")
    return models.HvacSchedule({}, 1, True, ready, None, None, None, None, None, None)


def _actions(fake: FakeVehicle) -> dict[str, Getter]:
    """Return how renault-api runs each action on this car."""
    mode = next(iter(fake.profile.charge_modes))
    return {
        "actions/charge-set-mode": lambda vehicle: vehicle.set_charge_mode(mode),
        "actions/charge-set-schedule": lambda vehicle: vehicle.set_charge_schedules(
            [_charge_schedule()]
        ),
        "actions/charge-start": RenaultVehicle.set_charge_start,
        "actions/charge-stop": RenaultVehicle.set_charge_stop,
        "actions/horn-start": RenaultVehicle.start_horn,
        "actions/lights-start": RenaultVehicle.start_lights,
        "actions/hvac-set-schedule": lambda vehicle: vehicle.set_hvac_schedules(
            [_hvac_schedule()]
        ),
        "actions/hvac-start": lambda vehicle: vehicle.set_ac_start(21),
        "actions/hvac-stop": RenaultVehicle.set_ac_stop,
        "actions/refresh-location": RenaultVehicle.refresh_location,
        "soc-levels": lambda vehicle: vehicle.set_battery_soc(min=20, target=80),
    }


def _map_comments(model_code: str) -> dict[str, str]:
    """Return the endpoints models.py lists as None for a model, with their comment."""
    source = inspect.getsource(models)
    table = source[source.index("_VEHICLE_ENDPOINTS: dict") :]
    block = table[table.index(f'    "{model_code}": {{') :]
    block = block[: block.index("\n    },")]
    return {
        match["key"]: match["comment"] or ""
        for match in re.finditer(
            r'^\s*"(?P<key>[^"]+)": None,(?:\s*#\s*(?P<comment>.*))?$',
            block,
            re.MULTILINE,
        )
        if match["key"] in LIBRARY_KEYS
    }


def _assert_named_error(error: KamereonResponseException, comment: str) -> None:
    """Check an error against the comment of the model map."""
    tokens = ERROR_TOKEN.findall(comment)
    code = str(error.error_code)
    if tokens:
        assert code in tokens or any(token in code.split(".") for token in tokens), (
            code,
            comment,
        )
    elif "forbidden" in comment.lower():
        assert code == "err.func.wired.forbidden", (code, comment)


async def _default_call(vehicle: RenaultVehicle, key: str) -> None:
    """Call the default path of an endpoint key the raw way (no model map)."""
    path = ACCOUNT_ENDPOINT_ROOT + models._DEFAULT_ENDPOINTS[key].endpoint
    if key in DEFAULT_BODIES:
        await vehicle.http_post(path, {"data": DEFAULT_BODIES[key]})
    else:
        await vehicle.http_get(path)


@pytest.mark.parametrize("profile", list(PROFILES))
async def test_refused_endpoints_fail_as_the_map_says(
    add_car: CarFactory, profile: str
) -> None:
    """Every endpoint listed as None answers the error its comment names."""
    fake, vehicle = await add_car(profile)
    details = await vehicle.get_details()
    assert details.get_model_code() == fake.profile.model_code
    comments = _map_comments(fake.profile.model_code)
    assert comments
    for key, comment in comments.items():
        assert not details.supports_endpoint(key)
        with pytest.raises(KamereonResponseException) as refused:
            await _default_call(vehicle, key)
        _assert_named_error(refused.value, comment)


@pytest.mark.freeze_time("2026-03-02 08:00:00")
@pytest.mark.parametrize("profile", list(PROFILES))
async def test_supported_endpoints_answer_data(
    add_car: CarFactory, profile: str, snapshot: SnapshotAssertion
) -> None:
    """Every data endpoint the library supports answers what it parses."""
    _, vehicle = await add_car(profile)
    details = await vehicle.get_details()
    electric = details.uses_electricity()
    parsed: dict[str, Any] = {}
    for key, getter in GETTERS.items():
        if not details.supports_endpoint(key):
            continue
        if not electric and key in ELECTRIC_FEATURES:
            with pytest.raises(KamereonResponseException):
                await getter(vehicle)
            continue
        result = await getter(vehicle)
        parsed[key] = getattr(result, "raw_data", result)
    assert parsed["cockpit"]["totalMileage"] > 0
    if electric:
        assert 0 < parsed["battery-status"]["batteryLevel"] <= 100
        assert parsed["battery-status"]["timestamp"] == "2026-03-02T08:00:00Z"
    assert parsed == snapshot


@pytest.mark.parametrize("profile", list(PROFILES))
async def test_supported_actions_are_accepted(
    add_car: CarFactory, profile: str
) -> None:
    """Every action the library supports is accepted (the answer echoes it)."""
    fake, vehicle = await add_car(profile)
    details = await vehicle.get_details()
    electric = details.uses_electricity()
    accepted = []
    for key, action in _actions(fake).items():
        if not details.supports_endpoint(key):
            continue
        if not electric and key in ELECTRIC_FEATURES:
            with pytest.raises(KamereonResponseException):
                await action(vehicle)
            continue
        await action(vehicle)
        accepted.append(key)
    assert accepted or not electric
