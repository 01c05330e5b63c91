"""Fixtures of the fake cloud's own tests: a started cloud, and real clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from renault_api.renault_account import RenaultAccount
from renault_api.renault_client import RenaultClient
from renault_api.renault_vehicle import RenaultVehicle
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.amber import AmberSnapshotExtension

from fake_renault_cloud import FakeAccount, FakeRenaultCloud, FakeUser, FakeVehicle

from .common import EMAIL, LOCALE, PASSWORD, CarFactory, ClientFactory


@pytest.fixture
async def cloud(
    socket_enabled: None,  # noqa: ARG001 - the cloud needs a loopback socket
) -> AsyncIterator[FakeRenaultCloud]:
    """Run an empty fake cloud on a free loopback port."""
    fake = FakeRenaultCloud()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def websession() -> AsyncIterator[aiohttp.ClientSession]:
    """Open an HTTP client session, closed after the test."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def user(cloud: FakeRenaultCloud) -> FakeUser:
    """Create a user without two-factor authentication."""
    return cloud.add_user(EMAIL, PASSWORD, first_name="Dominique", last_name="Petit")


@pytest.fixture
def account(cloud: FakeRenaultCloud, user: FakeUser) -> FakeAccount:
    """Give the user a MYRENAULT account (without cars)."""
    return cloud.add_account(user)


@pytest.fixture
def make_client(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> ClientFactory:
    """Return a factory of renault-api clients pointed at the fake cloud."""

    def factory() -> RenaultClient:
        return RenaultClient(
            websession=websession,
            locale=LOCALE,
            locale_details=cloud.locale_details(LOCALE),
        )

    return factory


@pytest.fixture
async def client(make_client: ClientFactory, user: FakeUser) -> RenaultClient:
    """Return a renault-api client logged in as the user."""
    renault = make_client()
    await renault.session.login(user.email, user.password)
    return renault


@pytest.fixture
def add_car(
    cloud: FakeRenaultCloud, account: FakeAccount, client: RenaultClient
) -> CarFactory:
    """Return a factory of cars: the simulated one and renault-api's proxy."""

    async def factory(profile: str) -> tuple[FakeVehicle, RenaultVehicle]:
        fake = cloud.add_vehicle(account, profile)
        fake.action_delay = 0
        renault_account: RenaultAccount = await client.get_api_account(
            account.account_id
        )
        vehicles = await renault_account.get_api_vehicles()
        proxy = next(vehicle for vehicle in vehicles if vehicle.vin == fake.vin)
        return fake, proxy

    return factory


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use syrupy's own format, whatever the parent folder's conftest chooses."""
    return snapshot.use_extension(AmberSnapshotExtension)
