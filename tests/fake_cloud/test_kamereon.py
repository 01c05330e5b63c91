"""Kamereon access control, routing, accounts and the vehicle list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from renault_api.kamereon import ACCOUNT_ENDPOINT_ROOT
from renault_api.kamereon.exceptions import (
    ForbiddenException,
    KamereonResponseException,
    ResourceNotFoundException,
    UnauthorizedException,
)
from renault_api.renault_client import RenaultClient

from fake_renault_cloud import FakeAccount, FakeRenaultCloud, FakeUser

from .common import KAMEREON_KEY, CarFactory, ClientFactory


async def _get(
    websession: aiohttp.ClientSession,
    url: str,
    *,
    method: str = "GET",
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Send a raw request; return the status and the JSON body."""
    async with websession.request(
        method, url, params=params, headers=headers
    ) as response:
        return response.status, await response.json()


async def test_person_and_accounts(
    cloud: FakeRenaultCloud, client: RenaultClient, user: FakeUser
) -> None:
    """The person lists the user's accounts with their types."""
    myrenault = cloud.add_account(user)
    sfdc = cloud.add_account(user, account_type="SFDC")
    person = await client.get_person()
    assert [
        (account.accountId, account.accountType, account.accountStatus)
        for account in person.accounts or []
    ] == [
        (myrenault.account_id, "MYRENAULT", "ACTIVE"),
        (sfdc.account_id, "SFDC", "ACTIVE"),
    ]
    assert person.raw_data["emails"][0]["emailValue"] == user.email
    accounts = await client.get_api_accounts()
    assert [account.account_id for account in accounts] == [
        myrenault.account_id,
        sfdc.account_id,
    ]
    vehicles = await accounts[1].get_vehicles()
    assert vehicles.vehicleLinks == []
    assert vehicles.country == "FR"
    assert repr(user) == f"FakeUser({user.email!r})"
    assert repr(myrenault).startswith("FakeAccount(")


async def test_vehicle_list_and_details(
    cloud: FakeRenaultCloud, add_car: CarFactory, account: FakeAccount
) -> None:
    """Vehicle links embed the details; the details endpoint answers them too."""
    zoe, vehicle = await add_car("zoe_50")
    spring, _ = await add_car("spring")
    assert zoe.vin != spring.vin
    assert zoe.registration != spring.registration
    assert len(zoe.vin) == len(spring.vin) == 17
    details = await vehicle.get_details()
    assert details.vin == zoe.vin
    assert details.registrationNumber == zoe.registration
    assert details.get_brand_label() == "RENAULT"
    assert details.get_model_label() == "ZOE"
    assert details.get_picture()

    response = await vehicle.session.get_vehicle_details(account.account_id, spring.vin)
    assert response.get_model_code() == "XBG1VE"
    assert response.get_brand_label() == "DACIA"
    assert cloud.vehicles[spring.vin] is spring


async def test_vehicle_without_details(
    add_car: CarFactory, account: FakeAccount, client: RenaultClient
) -> None:
    """A link can come without details; the details endpoint then finds nothing."""
    fake, _ = await add_car("zoe_50")
    fake.details_missing = True
    renault_account = await client.get_api_account(account.account_id)
    links = (await renault_account.get_vehicles()).vehicleLinks or []
    assert [link.vehicleDetails for link in links] == [None]
    with pytest.raises(ResourceNotFoundException):
        await client.session.get_vehicle_details(account.account_id, fake.vin)


async def test_contracts(add_car: CarFactory) -> None:
    """Contracts come as an array, filtered by the flags renault-api sends."""
    fake, vehicle = await add_car("zoe_50")
    contracts = await vehicle.get_contracts()
    assert {contract.type for contract in contracts} == {
        "WARRANTY_MAINTENANCE_CONTRACTS",
        "CONNECTED_SERVICES",
        "WARRANTY",
    }
    connected = next(item for item in contracts if item.code == "ZECONNECTP")
    assert connected.status == "ACTIVE"
    assert connected.endDate is not None
    fake.contracts = [{"type": "WARRANTY", "code": "X", "endDate": "2030-01-01"}]
    response = await vehicle.session.get_vehicle_contracts(vehicle.account_id, fake.vin)
    assert [item.endDate for item in response.contractList or []] == ["2030-01-01"]


async def test_other_users_are_forbidden(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    add_car: CarFactory,
    make_client: ClientFactory,
    user: FakeUser,
    account: FakeAccount,
) -> None:
    """A JWT only opens its own person, accounts and cars."""
    fake, _ = await add_car("zoe_50")
    stranger = cloud.add_user("stranger@example.com", "pw")
    strangers_account = cloud.add_account(stranger)
    other = make_client()
    await other.session.login("stranger@example.com", "pw")

    with pytest.raises(ForbiddenException):
        await other.session.get_vehicle_details(account.account_id, fake.vin)
    with pytest.raises(ForbiddenException):
        await other.session.get_account_vehicles(account.account_id)
    with pytest.raises(ForbiddenException):
        await other.session.get_vehicle_details(strangers_account.account_id, fake.vin)
    with pytest.raises(ForbiddenException):
        await other.session.get_account_vehicles("no-such-account")
    status, body = await _get(
        websession,
        f"{cloud.kamereon_url}/commerce/v1/persons/{user.person_id}",
        params={"country": "FR"},
        headers={
            "apikey": KAMEREON_KEY,
            "x-gigya-id_token": await other.session._get_jwt(),
        },
    )
    assert status == 403
    assert body["errors"][0]["errorCode"] == "err.func.wired.forbidden"


async def test_removed_account_and_vehicle(
    cloud: FakeRenaultCloud,
    add_car: CarFactory,
    client: RenaultClient,
    user: FakeUser,
    account: FakeAccount,
) -> None:
    """A removed account leaves the person; a removed car leaves its accounts."""
    fake, vehicle = await add_car("zoe_50")
    other = cloud.add_account(user, account_type="MYDACIA")
    cloud.link_vehicle(other, fake)
    cloud.link_vehicle(other, fake)

    cloud.remove_account(account)
    with pytest.raises(ForbiddenException):
        await vehicle.get_battery_status()
    person = await client.get_person()
    assert [item.accountId for item in person.accounts or []] == [other.account_id]
    moved = await (await client.get_api_account(other.account_id)).get_api_vehicles()
    assert [item.vin for item in moved] == [fake.vin]

    cloud.remove_vehicle(fake)
    assert fake.vin not in cloud.vehicles
    with pytest.raises(ForbiddenException):
        await moved[0].get_battery_status()
    with pytest.raises(ValueError, match="already exists"):
        cloud.add_account(user, account_id=other.account_id)


async def test_world_checks(cloud: FakeRenaultCloud, account: FakeAccount) -> None:
    """Profiles must exist, and VINs be unique."""
    with pytest.raises(ValueError, match="unknown profile"):
        cloud.add_vehicle(account, "deloean")
    cloud.add_vehicle(account, "zoe_50", vin="VF1AAAAA555777999", registration="AB")
    with pytest.raises(ValueError, match="already exists"):
        cloud.add_vehicle(account, "zoe_40", vin="VF1AAAAA555777999")


async def test_authentication_checks(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    client: RenaultClient,
    user: FakeUser,
) -> None:
    """API key, country and JWT are checked on every request."""
    token = await client.session._get_jwt()
    url = f"{cloud.kamereon_url}/commerce/v1/persons/{user.person_id}"
    good = {"apikey": KAMEREON_KEY, "x-gigya-id_token": token}

    status, body = await _get(websession, url, params={"country": "FR"}, headers=good)
    assert status == 200
    assert body["personId"] == user.person_id

    status, body = await _get(
        websession, url, params={"country": "FR"}, headers={**good, "apikey": "nope"}
    )
    assert status == 403
    assert body["errors"][0]["errorCode"] == "err.func.wired.forbidden"

    status, body = await _get(websession, url, headers=good)
    assert status == 400
    assert body["errors"][0]["errorCode"] == "err.func.wired.missingRequestParam"

    for headers in ({"apikey": KAMEREON_KEY}, {**good, "x-gigya-id_token": "a.b.c"}):
        status, body = await _get(
            websession, url, params={"country": "FR"}, headers=headers
        )
        assert status == 401
        assert body["errors"][0]["errorCode"] == "err.func.wired.unauthorized"


async def test_expired_jwt_is_unauthorized(
    cloud: FakeRenaultCloud, client: RenaultClient
) -> None:
    """When the cloud's time passes the JWT's exp, Kamereon refuses it.

    Moving only the cloud's clock (not the machine's) leaves renault-api
    trusting its cached JWT, as a client with a slow clock would.
    """
    await client.get_person()
    cloud.clock.advance(timedelta(minutes=16))
    with pytest.raises(UnauthorizedException) as refused:
        await client.get_person()
    assert "expired" in str(refused.value.error_details)


async def test_jwt_of_a_deleted_user(
    cloud: FakeRenaultCloud, client: RenaultClient, user: FakeUser
) -> None:
    """A valid JWT whose user no longer exists is unauthorized."""
    await client.get_person()
    del cloud.users[user.email.lower()]
    with pytest.raises(UnauthorizedException):
        await client.get_person()


@pytest.mark.parametrize(
    ("method", "path", "code", "status"),
    [
        ("GET", "/commerce/v1/nothing", "err.func.wired.not-found", 404),
        (
            "GET",
            "/kca/car-adapter/v1/cars/{vin}/battery-status",
            "err.func.wired.not-found",
            404,
        ),
        (
            "GET",
            "/kca/car-adapter/v1/cars/{vin}/warp-drive",
            "err.func.wired.not-found",
            404,
        ),
        ("GET", "/kcm/v1/vehicles/{vin}/ev/nothing", "err.func.wired.not-found", 404),
        (
            "GET",
            "/kca/car-adapter/v1/cars/{vin}/actions/hvac-start",
            "err.func.wired.methodNotAllowed",
            405,
        ),
        (
            "POST",
            "/kca/car-adapter/v1/cars/{vin}/cockpit",
            "err.func.wired.methodNotAllowed",
            405,
        ),
        (
            "DELETE",
            "/kca/car-adapter/v1/cars/{vin}/cockpit",
            "err.func.wired.methodNotAllowed",
            405,
        ),
        ("POST", "/vehicles", "err.func.wired.methodNotAllowed", 405),
    ],
)
async def test_routing_errors(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    add_car: CarFactory,
    method: str,
    path: str,
    code: str,
    status: int,
) -> None:
    """Unknown paths, wrong versions and wrong methods answer like the gateway."""
    fake, vehicle = await add_car("zoe_50")
    token = await vehicle.session._get_jwt()
    account_root = ACCOUNT_ENDPOINT_ROOT.replace("{account_id}", vehicle.account_id)
    if path == "/vehicles":
        url = f"{cloud.kamereon_url}{account_root.removesuffix('/kamereon')}{path}"
    elif path.startswith("/commerce"):
        url = f"{cloud.kamereon_url}{path}"
    else:
        url = f"{cloud.kamereon_url}{account_root}{path.replace('{vin}', fake.vin)}"
    got_status, body = await _get(
        websession,
        url,
        method=method,
        params={"country": "FR"},
        headers={"apikey": KAMEREON_KEY, "x-gigya-id_token": token},
    )
    assert (got_status, body["errors"][0]["errorCode"]) == (status, code)


async def test_raw_errors_keep_their_class(add_car: CarFactory) -> None:
    """renault-api maps the codes to its exception classes."""
    _, vehicle = await add_car("megane_e_tech")
    with pytest.raises(ResourceNotFoundException):
        await vehicle.http_get(
            ACCOUNT_ENDPOINT_ROOT + "/kca/car-adapter/v1/cars/{vin}/lock-status"
        )
    with pytest.raises(KamereonResponseException) as refused:
        await vehicle.http_get(
            ACCOUNT_ENDPOINT_ROOT + "/kca/car-adapter/v1/cars/{vin}/charge-history"
        )
    assert type(refused.value) is KamereonResponseException
    assert refused.value.error_code == "err.func.wired.not-found"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "err.func.wired.missingRequestParam"),
        ({"type": "week", "start": "20260301", "end": "20260331"}, "err.func.400"),
        ({"type": "day", "start": "2026-03-01", "end": "20260331"}, "err.func.400"),
        ({"type": "month", "start": "202603"}, "err.func.wired.missingRequestParam"),
    ],
)
async def test_history_parameters(
    add_car: CarFactory, params: dict[str, str], code: str
) -> None:
    """charge-history checks its type, start and end."""
    _, vehicle = await add_car("zoe_50")
    with pytest.raises(KamereonResponseException) as refused:
        await vehicle.session.get_vehicle_data(
            vehicle.account_id, vehicle.vin, "charge-history", params=params
        )
    assert refused.value.error_code == code
