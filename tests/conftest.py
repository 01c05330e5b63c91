"""Fixtures shared by the tests: the fake Renault cloud on loopback, and entries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# The integration must be imported before Home Assistant starts, or the test
# harness's own custom_components folder wins.
from custom_components.renault_connect.const import (
    CLOUD_URL_ENV,
)
from fake_renault_cloud import FakeRenaultCloud, FakeUser

from .common import add_logged_in_entry
from .const import EMAIL, PASSWORD, PROFILES


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom integrations in every test that starts it."""
    if "recorder_mock" in request.fixturenames:
        # The recorder's database comes before Home Assistant starts.
        request.getfixturevalue("recorder_mock")
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Compare with snapshots the way Home Assistant's own tests do."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
async def fake_cloud(
    socket_enabled: None,  # noqa: ARG001 - the test harness blocks sockets otherwise
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[FakeRenaultCloud]:
    """Run the fake Renault cloud on loopback and point the integration at it."""
    cloud = FakeRenaultCloud()
    await cloud.start()
    monkeypatch.setenv(CLOUD_URL_ENV, cloud.url)
    yield cloud
    await cloud.stop()


@pytest.fixture
def cloud_user(fake_cloud: FakeRenaultCloud) -> FakeUser:
    """Create the test driver, without two-factor authentication."""
    return fake_cloud.add_user(
        EMAIL, PASSWORD, first_name="Camille", last_name="Martin"
    )


@pytest.fixture
def cloud_account(fake_cloud: FakeRenaultCloud, cloud_user: FakeUser) -> str:
    """Give the test driver one account holding the test vehicles."""
    account = fake_cloud.add_account(cloud_user)
    for profile in PROFILES:
        fake_cloud.add_vehicle(account, profile)
    return account.account_id


@pytest.fixture
def cloud_vins(fake_cloud: FakeRenaultCloud, cloud_account: str) -> list[str]:
    """Return the VINs of the test account's vehicles, as the cloud lists them."""
    return [vehicle.vin for vehicle in fake_cloud.accounts[cloud_account].vehicles]


@pytest.fixture
async def config_entry(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_account: str,
    cloud_vins: list[str],
) -> MockConfigEntry:
    """Return an entry as the config flow stores it, with a real login token."""
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email=EMAIL,
        password=PASSWORD,
        account_id=cloud_account,
        vins=cloud_vins,
    )
    fake_cloud.requests.clear()
    return entry


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, including those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the integration with the test entry."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
