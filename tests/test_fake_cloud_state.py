"""The demo cloud keeps its logins and cars across a restart (scripts/develop).

A restart of the demo must not ask for a new two-factor code, nor forget a
setting sent to a car: the first cloud saves its state file, a second one built
the same way takes it back, and renault-api talks to it as after a restart.
"""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path

import aiohttp
import pytest
from renault_api import gigya
from renault_api.const import CONF_GIGYA_APIKEY, CONF_GIGYA_URL

from fake_renault_cloud import FakeRenaultCloud
from fake_renault_cloud.__main__ import load_state, save_state
from fake_renault_cloud.cloud import SNAPSHOT_VERSION
from fake_renault_cloud.vehicle import ChargeSession

from .const import EMAIL, LOCALE, PASSWORD

VIN = "VF1AG000L64100001"
GMID = "gmid-of-home-assistant"


def _world() -> FakeRenaultCloud:
    """Build the same world each time, as the demo does at each start."""
    cloud = FakeRenaultCloud()
    user = cloud.add_user(EMAIL, PASSWORD)
    cloud.add_vehicle(cloud.add_account(user), "zoe_50", vin=VIN)
    return cloud


async def _login_token(cloud: FakeRenaultCloud, session: aiohttp.ClientSession) -> str:
    """Log in as the integration does; return the login token."""
    details = cloud.locale_details(LOCALE)
    response = await gigya.login(
        session,
        details[CONF_GIGYA_URL],
        details[CONF_GIGYA_APIKEY],
        login_id=EMAIL,
        password=PASSWORD,
    )
    token = response.get_session_cookie()
    assert token
    return token


@pytest.mark.usefixtures("socket_enabled")
async def test_restart_keeps_logins_and_cars(tmp_path: Path) -> None:
    """Login token, remembered device, car settings, state and sessions survive."""
    state = tmp_path / "fake_cloud.json"
    first = _world()
    user = first.get_user(EMAIL)
    assert user is not None
    user.remembered_devices[GMID] = first.clock.now()
    car = first.vehicles[VIN]
    car.settings.soc_target = 80
    car.settings.charge_schedules[0]["saturday"] = None
    car.set_state(battery_level=42.0, internal_temperature=18.5)
    car.add_charge_session(
        ChargeSession(
            start=first.clock.now() - timedelta(hours=3),
            end=first.clock.now() - timedelta(hours=1),
            start_level=20.0,
            end_level=42.0,
            energy_kwh=11.4,
            power_kw=5.7,
        )
    )
    async with first, aiohttp.ClientSession() as session:
        token = await _login_token(first, session)
        save_state(first, state)
    assert json.loads(state.read_text())["version"] == SNAPSHOT_VERSION

    second = _world()
    assert load_state(second, state)
    async with second, aiohttp.ClientSession() as session:
        details = second.locale_details(LOCALE)
        # The login token of before the restart still gets a JWT.
        jwt = await gigya.get_jwt(
            session, details[CONF_GIGYA_URL], details[CONF_GIGYA_APIKEY], token
        )
        assert jwt.get_jwt()
    restored = second.get_user(EMAIL)
    assert restored is not None
    assert restored.remembered_devices == user.remembered_devices
    kept = second.vehicles[VIN]
    assert kept.settings == car.settings
    assert kept.state.battery_level == 42.0
    assert kept.state.internal_temperature == 18.5
    assert kept.charge_sessions == car.charge_sessions
    # The kept state is what the car uploads: the cloud shows it at once.
    assert kept.snapshot()["state"] == car.snapshot()["state"]


def test_no_state_file_is_a_first_start(tmp_path: Path) -> None:
    """Without a state file the cloud starts as built."""
    assert not load_state(_world(), tmp_path / "missing.json")


def test_a_state_file_of_another_version_is_refused(tmp_path: Path) -> None:
    """A state file this cloud cannot read says so, rather than half-restoring."""
    state = tmp_path / "fake_cloud.json"
    state.write_text(json.dumps({"version": SNAPSHOT_VERSION + 1}))
    with pytest.raises(ValueError, match="unknown snapshot version"):
        load_state(_world(), state)
