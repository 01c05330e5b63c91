"""The admin HTTP API, and the request log it exposes."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from fake_renault_cloud import FakeAccount, FakeRenaultCloud, FakeUser

from .common import EMAIL, ClientFactory


async def _call(
    websession: aiohttp.ClientSession,
    cloud: FakeRenaultCloud,
    method: str,
    path: str,
    body: Any = None,
    **params: str,
) -> tuple[int, Any]:
    """Call the admin API; return the status and the JSON answer."""
    data = body if isinstance(body, str) else None
    async with websession.request(
        method,
        f"{cloud.url}/admin/{path}",
        json=None if data is not None else body,
        data=data,
        params=params,
    ) as response:
        return response.status, await response.json()


async def test_tfa_code(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    make_client: ClientFactory,
    user: FakeUser,
) -> None:
    """The last code e-mailed to an address can be read back."""
    assert (await _call(websession, cloud, "GET", "tfa-code"))[0] == 400
    assert (await _call(websession, cloud, "GET", "tfa-code", email=EMAIL))[0] == 404

    heard: list[tuple[str, str]] = []
    cloud.on_tfa_code = lambda address, code: heard.append((address, code))
    assert cloud.on_tfa_code is not None
    user.tfa_required = True
    session = make_client().session
    with pytest.raises(Exception, match="Two"):
        await session.login(EMAIL, user.password)
    await session.request_two_factor_auth_code()
    status, body = await _call(websession, cloud, "GET", "tfa-code", email=EMAIL)
    assert status == 200
    assert body == {"email": EMAIL, "code": cloud.last_tfa_code(EMAIL)}
    assert heard == [(EMAIL, body["code"])]


async def test_faults(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """Faults are listed, added, removed and cleared over HTTP."""
    status, body = await _call(
        websession, cloud, "POST", "faults", {"kind": "quota", "vin": "VF1", "times": 2}
    )
    assert status == 201
    assert body["kind"] == "quota"
    assert body["times"] == 2
    assert body["hits"] == 0
    fault_id = body["id"]
    await _call(websession, cloud, "POST", "faults", {"kind": "slow", "delay": 1})

    status, body = await _call(websession, cloud, "GET", "faults")
    assert [fault["kind"] for fault in body["faults"]] == ["quota", "slow"]

    assert (await _call(websession, cloud, "DELETE", f"faults/{fault_id}")) == (
        200,
        {"removed": 1},
    )
    assert (await _call(websession, cloud, "DELETE", "faults/nope"))[0] == 404
    assert await _call(websession, cloud, "DELETE", "faults") == (200, {"removed": 1})
    assert len(cloud.faults) == 0

    for bad in ({"kind": "earthquake"}, {"kind": "quota", "colour": "red"}, [1], "{"):
        status, body = await _call(websession, cloud, "POST", "faults", bad)
        assert status == 400
        assert body["error"]


async def test_requests(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    make_client: ClientFactory,
    user: FakeUser,
) -> None:
    """The request log is summarised, and cleared, over HTTP."""
    await make_client().session.login(EMAIL, user.password)
    status, body = await _call(websession, cloud, "GET", "requests")
    assert status == 200
    assert body["total"] == 1
    assert body["by_kind"] == {"gigya": 1}
    assert body["by_endpoint"] == {"accounts.login": 1}
    assert body["recent"][0]["email"] == EMAIL
    assert body["recent"][0]["status"] == 200

    assert await _call(websession, cloud, "DELETE", "requests") == (200, {"total": 0})
    assert cloud.requests.by_kind() == {"admin": 1}
    assert cloud.requests.count(kind="admin", endpoint="admin/requests") == 1


async def test_clock(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """The simulated time moves forward on request."""
    before = cloud.clock.now()
    status, body = await _call(
        websession, cloud, "POST", "clock", {"advance_seconds": 3600}
    )
    assert status == 200
    assert (cloud.clock.now() - before).total_seconds() >= 3600
    status, body = await _call(websession, cloud, "GET", "clock")
    assert body["now"].startswith(cloud.clock.now().date().isoformat())
    for bad in (
        {"advance_seconds": "soon"},
        {"advance_seconds": True},
        {"advance_seconds": -5},
    ):
        assert (await _call(websession, cloud, "POST", "clock", bad))[0] == 400


async def test_vehicles(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, account: FakeAccount
) -> None:
    """Cars are listed with their state, and driven through events."""
    zoe = cloud.add_vehicle(account, "zoe_50")
    cloud.add_vehicle(account, "duster")
    status, body = await _call(websession, cloud, "GET", "vehicles")
    assert status == 200
    assert [(car["profile"], car["model_code"]) for car in body["vehicles"]] == [
        ("zoe_50", "X102VE"),
        ("duster", "DU31SU"),
    ]
    assert body["vehicles"][0]["accounts"] == [account.account_id]

    vin = zoe.vin
    status, body = await _call(websession, cloud, "POST", f"vehicles/{vin}/plug_in")
    assert status == 200
    assert body["state"]["charging"]
    for event, arguments in (
        ("unplug", {}),
        ("drive", {"km": 12.5, "minutes": 0, "lat": 48.7, "lon": 2.2}),
        ("unlock", {}),
        ("open_door", {"door": "passenger"}),
        ("close_door", {"door": "passenger"}),
        ("lock", {}),
        ("set_state", {"battery_level": 33}),
        ("upload", {}),
    ):
        status, body = await _call(
            websession, cloud, "POST", f"vehicles/{vin}/{event}", arguments
        )
        assert status == 200, (event, body)
    state = body["state"]
    assert state["battery_level"] == 33
    assert state["mileage_km"] == pytest.approx(5785.75 + 12.5)
    assert (state["latitude"], state["longitude"]) == (48.7, 2.2)
    assert state["locked"]

    zoe.remote_hvac_start(21, cloud.clock.now().replace(year=2100))
    status, body = await _call(websession, cloud, "GET", "vehicles")
    assert body["vehicles"][0]["pending_events"][0]["event"] == "remote hvac start"
    # What the car keeps of its charge settings, as a client set them.
    settings = body["vehicles"][0]["charge_settings"]
    assert set(settings) == {"charge_mode", "charge_schedules", "ev_settings"}


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("vehicles/NOPE/plug_in", {}, 404),
        ("vehicles/{vin}/teleport", {}, 400),
        ("vehicles/{vin}/open_door", {"door": "roof"}, 400),
        ("vehicles/{vin}/set_state", {"charging": True}, 400),
        ("vehicles/{vin}/drive", {"km": "far"}, 400),
        ("vehicles/{vin}/day", {"start": "yesterday"}, 400),
        ("vehicles/{vin}/day", {"start": "2026-03-02T07:45:00"}, 400),
    ],
)
async def test_vehicle_errors(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    account: FakeAccount,
    path: str,
    body: dict[str, Any],
    status: int,
) -> None:
    """Wrong events and arguments are refused."""
    car = cloud.add_vehicle(account, "zoe_50")
    got, answer = await _call(
        websession, cloud, "POST", path.replace("{vin}", car.vin), body
    )
    assert got == status
    assert answer["error"]


async def test_day(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, account: FakeAccount
) -> None:
    """A scripted day starts over HTTP; its plan is returned."""
    car = cloud.add_vehicle(account, "spring")
    status, body = await _call(
        websession,
        cloud,
        "POST",
        f"vehicles/{car.vin}/day",
        {"start": "2100-03-02T07:45:00+00:00"},
    )
    assert status == 200
    assert body["plan"][-1] == {"at": "2100-03-02T18:30:00+00:00", "event": "plug in"}
    status, body = await _call(websession, cloud, "POST", f"vehicles/{car.vin}/day")
    assert status == 200
    assert len(body["plan"]) == 8


async def test_admin_is_not_under_the_apis(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """/gigya/admin and /kamereon/admin are not the admin API."""
    async with websession.get(f"{cloud.url}/kamereon/admin/vehicles") as response:
        body = await response.json()
    assert body["errors"][0]["errorCode"] == "err.func.wired.forbidden"
    async with websession.get(f"{cloud.url}/gigya/admin") as response:
        body = await response.json()
    assert body["errorCode"] == 400093
    async with websession.get(f"{cloud.url}/nothing/here") as response:
        assert response.status == 404
    assert cloud.requests.count(kind="other") == 1


def test_request_log_helpers() -> None:
    """Filtering needs known criteria; last() finds the latest request."""
    cloud = FakeRenaultCloud()
    assert cloud.requests.last() is None
    with pytest.raises(TypeError, match="colour"):
        cloud.requests.count(colour="red")  # type: ignore[call-arg]
