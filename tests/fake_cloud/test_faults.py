"""Fault injection: each kind raises what renault-api raises for the real failure."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.utils import parsedate_to_datetime
import json
import time

import aiohttp
import pytest
from renault_api.exceptions import NotAuthenticatedException
from renault_api.gigya.exceptions import (
    GigyaException,
    InvalidCredentialsException,
    PendingTwoFactorAuthenticationException,
)
from renault_api.kamereon.exceptions import (
    AccessDeniedException,
    ChargeModeInProgressException,
    ForbiddenException,
    InsufficientBatteryLevelException,
    KamereonResponseException,
    NotSupportedException,
    PrivacyModeOnException,
    QuotaLimitException,
    ResourceNotFoundException,
    UnauthorizedException,
)
from renault_api.renault_client import RenaultClient

from fake_renault_cloud import (
    FakeAccount,
    FakeRenaultCloud,
    FakeUser,
    Fault,
    FaultKind,
)

from .common import EMAIL, LOCALE, PASSWORD, CarFactory, ClientFactory


@pytest.mark.parametrize(
    ("kind", "exception", "code"),
    [
        ("quota", QuotaLimitException, "err.func.wired.overloaded"),
        ("access_denied", AccessDeniedException, "err.func.403"),
        ("not_supported", NotSupportedException, "err.tech.501"),
        ("forbidden", ForbiddenException, "err.func.wired.forbidden"),
        ("not_found", ResourceNotFoundException, "err.func.wired.notFound"),
        ("jwt_rejected", UnauthorizedException, "err.func.wired.unauthorized"),
        ("account_gone", ForbiddenException, "err.func.wired.forbidden"),
        ("privacy_mode", PrivacyModeOnException, "err.func.privacy.on"),
        (
            "low_battery",
            InsufficientBatteryLevelException,
            "err.func.wired.low.battery.level",
        ),
        ("action_in_progress", ChargeModeInProgressException, "409001"),
    ],
)
async def test_kamereon_error_faults(
    cloud: FakeRenaultCloud,
    add_car: CarFactory,
    kind: str,
    exception: type[KamereonResponseException],
    code: str,
) -> None:
    """Each Kamereon fault answers its error code (renault-api's exception)."""
    fake, vehicle = await add_car("zoe_50")
    fault = cloud.faults.add(Fault(kind, endpoint="battery-status", times=1))
    with pytest.raises(exception) as raised:
        await vehicle.get_battery_status()
    assert raised.value.error_code == code
    assert fault.hits == 1
    assert len(cloud.faults) == 0
    await vehicle.get_battery_status()
    record = cloud.requests.filter(endpoint="battery-status")[0]
    assert record.fault == kind
    assert record.vin == fake.vin


@pytest.mark.parametrize(
    ("kind", "status"), [("http_500_html", 500), ("http_502_html", 502)]
)
async def test_html_faults(
    cloud: FakeRenaultCloud,
    add_car: CarFactory,
    make_client: ClientFactory,
    kind: str,
    status: int,
) -> None:
    """An HTML page: Kamereon calls raise the HTTP error, Gigya calls GigyaException."""
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(Fault(kind))
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await vehicle.get_cockpit()
    assert raised.value.status == status
    with pytest.raises(GigyaException, match="invalid JSON"):
        await make_client().session.login(EMAIL, PASSWORD)


@pytest.mark.parametrize(
    ("kind", "status", "retry_after"),
    [
        ("gateway_429", 429, None),
        ("gateway_429_retry_after", 429, "90"),
        ("gateway_503", 503, None),
        ("gateway_503_retry_after_date", 503, "date"),
    ],
)
async def test_gateway_faults(
    cloud: FakeRenaultCloud,
    add_car: CarFactory,
    kind: str,
    status: int,
    retry_after: str | None,
) -> None:
    """A gateway's 429 or 503 is not JSON: renault-api raises the HTTP error.

    Its Retry-After, when it sends one, is in seconds or an HTTP date.
    """
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(Fault(kind, endpoint="cockpit", times=1, delay=90))
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await vehicle.get_cockpit()
    assert raised.value.status == status
    headers = raised.value.headers or {}
    record = cloud.requests.last("cockpit")
    assert record is not None
    if retry_after == "date":
        when = parsedate_to_datetime(headers["Retry-After"])
        assert when == (record.time + timedelta(seconds=90)).replace(microsecond=0)
    else:
        assert headers.get("Retry-After") == retry_after
    await vehicle.get_cockpit()  # only the times asked for


async def test_html_with_status_200(
    cloud: FakeRenaultCloud, add_car: CarFactory, make_client: ClientFactory
) -> None:
    """An HTML page with status 200: renault-api raises "Invalid JSON" with it."""
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(Fault("html_200"))
    with pytest.raises(KamereonResponseException) as raised:
        await vehicle.get_cockpit()
    assert raised.value.error_code == "Invalid JSON"
    assert "<html>" in (raised.value.error_details or "")
    with pytest.raises(GigyaException, match="invalid JSON"):
        await make_client().session.login(EMAIL, PASSWORD)


async def test_malformed_json(
    cloud: FakeRenaultCloud, add_car: CarFactory, make_client: ClientFactory
) -> None:
    """Truncated JSON: renault-api lets json's error through for Kamereon."""
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(Fault("malformed_json"))
    with pytest.raises(json.JSONDecodeError):
        await vehicle.get_cockpit()
    with pytest.raises(GigyaException, match="invalid JSON"):
        await make_client().session.login(EMAIL, PASSWORD)


async def test_slow_and_latency(cloud: FakeRenaultCloud, add_car: CarFactory) -> None:
    """Slow answers after its delay; cloud.latency delays every answer."""
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(Fault("slow", endpoint="cockpit", delay=0.2))
    cloud.faults.add(Fault("quota", endpoint="cockpit", times=1))
    started = time.monotonic()
    with pytest.raises(QuotaLimitException):
        await vehicle.get_cockpit()
    assert time.monotonic() - started >= 0.2
    record = cloud.requests.last("cockpit")
    assert record is not None
    assert record.fault == "slow,quota"

    cloud.faults.clear()
    cloud.latency = 0.15
    started = time.monotonic()
    await vehicle.get_cockpit()
    assert time.monotonic() - started >= 0.15


async def test_timeout_holds_until_the_client_gives_up(
    cloud: FakeRenaultCloud, add_car: CarFactory
) -> None:
    """Timeout holds the request; the client times out; stopping ends it."""
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(Fault("timeout", endpoint="cockpit"))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(vehicle.get_cockpit(), timeout=0.3)
    started = time.monotonic()
    await cloud.stop()
    assert time.monotonic() - started < 2


async def test_jwt_rejected_by_gigya(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """On getJWT, jwt_rejected answers 403005: renault-api needs a new login."""
    cloud.add_account(user)
    client = make_client()
    await client.session.login(EMAIL, PASSWORD)
    fault = cloud.faults.add(Fault("jwt_rejected", email=EMAIL))
    with pytest.raises(NotAuthenticatedException):
        await client.get_person()
    assert client.session.login_token is None
    assert fault.hits == 1
    await client.session.login(EMAIL, PASSWORD)  # login is not affected
    assert fault.hits == 1


async def test_invalid_credentials(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """invalid_credentials refuses the password and revokes the tokens."""
    client = make_client()
    await client.session.login(EMAIL, PASSWORD)
    token = client.session.login_token or ""
    cloud.faults.add(Fault("invalid_credentials", email=EMAIL, times=1))
    with pytest.raises(InvalidCredentialsException):
        await make_client().session.login(EMAIL, PASSWORD)
    restored = make_client()
    restored.session.set_login_token(token)
    with pytest.raises(NotAuthenticatedException):
        await restored.get_person()
    await client.session.login(EMAIL, PASSWORD)
    assert user.email == EMAIL


async def test_invalid_credentials_on_token_calls(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """The fault also hits token calls: the revoked token is refused at once."""
    client = make_client()
    await client.session.login(EMAIL, PASSWORD)
    cloud.faults.add(Fault("invalid_credentials", email=user.email))
    with pytest.raises(NotAuthenticatedException):
        await client.get_person()


async def test_tfa_required(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """tfa_required forgets remembered devices; a completed challenge wins."""
    first = make_client().session
    await first.login(EMAIL, PASSWORD)
    cloud.faults.add(Fault("tfa_required", email=EMAIL))
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    assert user.tfa_required
    await session.request_two_factor_auth_code()
    await session.complete_two_factor_auth(cloud.last_tfa_code(EMAIL) or "")
    again = make_client().session
    again.set_device_ids(session.device_ids)
    await again.login(EMAIL, PASSWORD)
    assert again.login_token


async def test_account_gone(
    cloud: FakeRenaultCloud,
    add_car: CarFactory,
    client: RenaultClient,
    user: FakeUser,
    account: FakeAccount,
) -> None:
    """account_gone hides the account from the person and forbids its paths."""
    _, vehicle = await add_car("zoe_50")
    other = cloud.add_account(user, account_type="MYDACIA")
    cloud.faults.add(Fault("account_gone", account_id=account.account_id))
    person = await client.get_person()
    assert [item.accountId for item in person.accounts or []] == [other.account_id]
    with pytest.raises(ForbiddenException):
        await vehicle.get_cockpit()
    await (await client.get_api_account(other.account_id)).get_vehicles()

    cloud.faults.clear()
    cloud.faults.add(Fault("account_gone", email=EMAIL))
    assert (await client.get_person()).accounts == []


async def test_scoping(cloud: FakeRenaultCloud, add_car: CarFactory) -> None:
    """Faults hit only the VIN, endpoint, method and times they name."""
    zoe, zoe_vehicle = await add_car("zoe_50")
    _, spring_vehicle = await add_car("spring")
    cloud.faults.add(Fault("quota", vin=zoe.vin, endpoint="cockpit", times=2))
    cloud.faults.add(Fault("forbidden", endpoint="actions/hvac-start", method="post"))
    cloud.faults.add(Fault("not_found", endpoint="kcm/charge/pause-resume:pause"))
    unused = cloud.faults.add(Fault("not_supported", vin=zoe.vin, endpoint="cockpit"))

    await spring_vehicle.get_cockpit()
    await zoe_vehicle.get_battery_status()
    for _ in range(2):
        with pytest.raises(QuotaLimitException):
            await zoe_vehicle.get_cockpit()
    assert unused.hits == 0  # the quota fault, added first, hit first
    with pytest.raises(NotSupportedException):
        await zoe_vehicle.get_cockpit()
    assert unused.hits == 1

    with pytest.raises(ForbiddenException):
        await spring_vehicle.set_ac_start(21)
    with pytest.raises(ResourceNotFoundException):
        await spring_vehicle.set_charge_stop()
    await spring_vehicle.set_charge_start()
    assert cloud.requests.count(fault="quota") == 2
    assert cloud.requests.count(vin=zoe.vin, endpoint="cockpit") == 3


def test_fault_values() -> None:
    """Faults check their arguments and describe themselves."""
    fault = Fault(FaultKind.SLOW, email="A@Example.com", delay=1.5, method="get")
    assert fault.email == "a@example.com"
    assert fault.method == "GET"
    assert (
        repr(fault) == "Fault('slow', email='a@example.com', method='GET', delay=1.5)"
    )
    assert repr(Fault("quota")) == "Fault('quota')"
    assert fault.as_dict()["kind"] == "slow"
    with pytest.raises(ValueError, match="not a valid FaultKind"):
        Fault("earthquake")
    with pytest.raises(ValueError, match="times"):
        Fault("quota", times=0)


async def test_registry(cloud: FakeRenaultCloud) -> None:
    """Faults are removed by object or id; matching uses the request log."""
    first = cloud.faults.add(Fault("quota"))
    second = cloud.faults.add(Fault("forbidden"))
    assert [fault.fault_id for fault in cloud.faults] == ["fault-1", "fault-2"]
    cloud.faults.remove(first)
    cloud.faults.remove("fault-2")
    assert len(cloud.faults) == 0
    assert second.added_at is not None


async def test_locale_other_than_fr(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, user: FakeUser
) -> None:
    """The country sent follows the locale; the cloud echoes it in lists."""
    account = cloud.add_account(user)
    client = RenaultClient(
        websession=websession,
        locale="de_DE",
        locale_details=cloud.locale_details("de_DE"),
    )
    await client.session.login(EMAIL, PASSWORD)
    vehicles = await (await client.get_api_account(account.account_id)).get_vehicles()
    assert vehicles.country == "DE"
    assert LOCALE == "fr_FR"


async def test_odd_answer(cloud: FakeRenaultCloud, add_car: CarFactory) -> None:
    """An odd answer: the read succeeds with the values the fault puts in it."""
    _, vehicle = await add_car("zoe_50")
    cloud.faults.add(
        Fault(
            "odd_answer",
            endpoint="battery-status",
            times=1,
            attributes={
                "timestamp": "9999-12-31T23:59:59",
                "chargingRemainingTime": 10**12,
                "batteryLevel": None,
            },
        )
    )
    odd = await vehicle.get_battery_status()
    assert odd.timestamp == "9999-12-31T23:59:59"
    assert odd.chargingRemainingTime == 10**12
    assert odd.batteryLevel is None
    normal = await vehicle.get_battery_status()
    assert normal.batteryLevel is not None
    assert cloud.requests.filter(endpoint="battery-status")[0].fault == "odd_answer"


@pytest.mark.parametrize(
    ("kind", "links"),
    [("empty_vehicle_list", 0), ("vehicle_without_details", 1)],
)
async def test_odd_vehicle_list(
    cloud: FakeRenaultCloud,
    account: FakeAccount,
    client: RenaultClient,
    add_car: CarFactory,
    kind: str,
    links: int,
) -> None:
    """The vehicle list comes back empty, or its cars without their details."""
    await add_car("zoe_50")
    fault = cloud.faults.add(Fault(kind, times=1))
    renault_account = await client.get_api_account(account.account_id)
    odd = await renault_account.get_vehicles()
    assert fault.hits == 1
    assert len(odd.vehicleLinks or []) == links
    assert all(link.vehicleDetails is None for link in odd.vehicleLinks or [])
    normal = await renault_account.get_vehicles()
    assert len(normal.vehicleLinks or []) == 1
    assert normal.vehicleLinks[0].vehicleDetails is not None
