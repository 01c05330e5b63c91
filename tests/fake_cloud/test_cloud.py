"""The cloud's life cycle, the demo world, custom profiles and the runner."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys

import aiohttp
import pytest
from renault_api.gigya.exceptions import PendingTwoFactorAuthenticationException
from renault_api.kamereon import ACCOUNT_ENDPOINT_ROOT
from renault_api.renault_client import RenaultClient

from fake_renault_cloud import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    PROFILES,
    FakeAccount,
    FakeRenaultCloud,
    build_demo_cloud,
)
from fake_renault_cloud.operations import Op

from .common import LOCALE


@pytest.mark.usefixtures("socket_enabled")
async def test_life_cycle() -> None:
    """Start on loopback only, once; stop as often as wanted; restart."""
    cloud = FakeRenaultCloud(latency=0.01)
    with pytest.raises(RuntimeError, match="not started"):
        _ = cloud.url
    for host in ("0.0.0.0", "example.com"):  # noqa: S104
        with pytest.raises(ValueError, match="loopback"):
            await cloud.start(host=host)
    async with cloud:
        assert cloud.url.startswith("http://127.0.0.1:")
        with pytest.raises(RuntimeError, match="already started"):
            await cloud.start()
    await cloud.stop()
    await cloud.start(host="localhost")
    assert cloud.kamereon_url.endswith("/kamereon")
    await cloud.stop()


@pytest.mark.usefixtures("socket_enabled")
async def test_demo_cloud(websession: aiohttp.ClientSession) -> None:
    """The demo user needs a code; its accounts hold four cars and none."""
    async with build_demo_cloud() as cloud:
        client = RenaultClient(
            websession=websession,
            locale=LOCALE,
            locale_details=cloud.locale_details(LOCALE),
        )
        with pytest.raises(PendingTwoFactorAuthenticationException):
            await client.session.login(DEMO_EMAIL, DEMO_PASSWORD)
        await client.session.request_two_factor_auth_code()
        await client.session.complete_two_factor_auth(
            cloud.last_tfa_code(DEMO_EMAIL) or ""
        )
        person = await client.get_person()
        assert [account.accountType for account in person.accounts or []] == [
            "MYRENAULT",
            "SFDC",
        ]
        accounts = await client.get_api_accounts()
        vehicles = await accounts[0].get_api_vehicles()
        models = [
            (await vehicle.get_details()).get_model_code() for vehicle in vehicles
        ]
        assert models == ["X102VE", "XCB1VE", "XBG1VE", "XJB1SU"]
        assert await accounts[1].get_api_vehicles() == []


async def test_custom_profile(
    cloud: FakeRenaultCloud, account: FakeAccount, client: RenaultClient
) -> None:
    """A profile object can be given: here a ZOE with more sensors."""
    zoe = PROFILES["zoe_50"]
    custom = dataclasses.replace(
        zoe, name="zoe_50_res", served=zoe.served | {Op.RES_STATE, Op.LOCK_STATUS}
    )
    fake = cloud.add_vehicle(account, custom)
    pressures = {**fake.state.tyre_pressures_mbar, "rear_left": 1200}
    fake.set_state(tyre_pressures_mbar=pressures)
    fake.open_door("rear_right")
    vehicles = await (
        await client.get_api_account(account.account_id)
    ).get_api_vehicles()
    (vehicle,) = vehicles
    root = ACCOUNT_ENDPOINT_ROOT + "/kca/car-adapter/v1/cars/{vin}/"

    res_state = await vehicle.http_get(root + "res-state")
    assert res_state.raw_data["data"]["attributes"] == {
        "details": "Stopped, ready for RES",
        "code": "10",
    }
    lock = (await vehicle.http_get(root + "lock-status")).raw_data["data"]
    assert lock["attributes"]["doorStatusRearRight"] == "open"
    assert lock["attributes"]["lockStatus"] == "unlocked"
    tyres = (await vehicle.get_tyre_pressure()).raw_data
    assert (tyres["rlPressure"], tyres["rlStatus"], tyres["flStatus"]) == (1200, 1, 0)


def test_runner_refuses_other_hosts() -> None:
    """Python -m fake_renault_cloud only listens on loopback."""
    result = subprocess.run(
        [sys.executable, "-m", "fake_renault_cloud", "--host", "192.168.1.20"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "loopback" in result.stderr


def test_runner_demo() -> None:
    """The runner prints the URL, the demo login and how to read the code.

    It stops on SIGINT even when started with SIGINT ignored, as a process
    started from a background job is.
    """
    runner = subprocess.Popen(
        [sys.executable, "-m", "fake_renault_cloud", "--demo", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509
    )
    try:
        assert runner.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = runner.stdout.readline()
            assert line, f"the runner ended early: {''.join(lines)}"
            lines.append(line)
        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=30) == 0
    finally:
        runner.kill()
        runner.wait(timeout=30)
        assert runner.stdout is not None
        runner.stdout.close()
    output = "".join(lines)
    assert "Fake Renault cloud on http://127.0.0.1:" in output
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in output
    assert "/admin/tfa-code?email=" in output
