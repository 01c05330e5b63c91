"""Tests of setting up and unloading a config entry against the fake cloud."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from renault_api.renault_account import RenaultAccount
from renault_api.renault_session import RenaultSession
from syrupy.assertion import SnapshotAssertion

from custom_components.renault_connect import async_remove_config_entry_device, cloud
from custom_components.renault_connect.const import (
    CONF_AUTO_ADD,
    CONF_DEVICE_IDS,
    CONF_KNOWN_VEHICLES,
    CONF_LOGIN_TOKEN,
    CONF_VEHICLES,
    DOMAIN,
)
from fake_renault_cloud import FakeRenaultCloud, FakeUser, Fault

from .common import vehicle_device
from .const import EMAIL, LOCALE, PASSWORD

GIGYA_LOGIN_STEPS = (
    "accounts.login",
    "accounts.webSdkBootstrap",
    "accounts.tfa.initTFA",
    "accounts.tfa.email.getEmails",
    "accounts.tfa.email.sendVerificationCode",
    "accounts.tfa.email.completeVerification",
    "accounts.tfa.finalizeTFA",
)


def _login_steps(fake_cloud: FakeRenaultCloud) -> int:
    """Count the login and two-factor requests the cloud received."""
    return sum(fake_cloud.requests.count(endpoint=step) for step in GIGYA_LOGIN_STEPS)


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The entry loads with its account's vehicles, and unloads cleanly."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert len(entry.runtime_data.vehicles) == 2

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_vehicles_become_devices(
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Each vehicle is a device named by its plate, with brand, model and model code."""
    devices = dr.async_entries_for_config_entry(
        device_registry, init_integration.entry_id
    )
    assert (
        sorted(
            (
                device.manufacturer,
                device.model,
                device.model_id,
                device.name is not None,
            )
            for device in devices
        )
        == snapshot
    )


async def test_restart_needs_no_login(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, config_entry: MockConfigEntry
) -> None:
    """A stored entry sets up from its login token: no login, no code."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert _login_steps(fake_cloud) == 0
    assert fake_cloud.requests.count(endpoint="accounts.getJWT") == 1


async def test_restart_after_two_factor_needs_no_code(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    config_entry: MockConfigEntry,
) -> None:
    """An account with two-factor restarts without a login nor a code request."""
    cloud_user.tfa_required = True
    session = RenaultSession(
        websession=async_get_clientsession(hass),
        locale=LOCALE,
        locale_details=fake_cloud.locale_details(LOCALE),
    )
    with pytest.raises(Exception, match="Two") as pending:
        await session.login(EMAIL, PASSWORD)
    assert pending.type.__name__ == "PendingTwoFactorAuthenticationException"
    await session.request_two_factor_auth_code()
    await session.complete_two_factor_auth(fake_cloud.last_tfa_code(EMAIL) or "")
    hass.config_entries.async_update_entry(
        config_entry,
        data={
            **config_entry.data,
            CONF_LOGIN_TOKEN: session.login_token,
            CONF_DEVICE_IDS: session.device_ids,
        },
    )
    fake_cloud.requests.clear()

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert _login_steps(fake_cloud) == 0


async def test_dead_token_logs_in_again_silently(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, config_entry: MockConfigEntry
) -> None:
    """A rejected login token leads to one silent login, and the new token is kept."""
    old_token = config_entry.data[CONF_LOGIN_TOKEN]
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT", times=1))

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert fake_cloud.requests.count(endpoint="accounts.login") == 1
    assert config_entry.data[CONF_LOGIN_TOKEN] != old_token


@pytest.mark.parametrize("kind", ["invalid_credentials", "tfa_required"])
async def test_failed_silent_login_starts_reauth(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    config_entry: MockConfigEntry,
    kind: str,
) -> None:
    """When the password or a code is needed, setup stops and reauth starts."""
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT", times=1))
    fake_cloud.faults.add(Fault(kind, email=EMAIL))

    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize(
    "fault",
    [
        Fault("http_500_html", endpoint="vehicles"),
        Fault("http_502_html", endpoint="vehicles"),
        Fault("malformed_json", endpoint="vehicles"),
        Fault("quota", endpoint="vehicles"),
        Fault("http_500_html", endpoint="accounts.getJWT"),
        Fault("timeout", endpoint="vehicles"),
    ],
    ids=lambda fault: f"{fault.kind}-{fault.endpoint}",
)
async def test_cloud_failure_retries_setup(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    """A cloud that fails or hangs makes setup retry later, and recovery follows."""
    monkeypatch.setattr(cloud, "REQUEST_TIMEOUT", 0.5)
    fake_cloud.faults.add(fault)

    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY

    fake_cloud.faults.clear()
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_cloud_unreachable_retries_setup(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, config_entry: MockConfigEntry
) -> None:
    """A cloud that refuses connections makes setup retry later."""
    await fake_cloud.stop()

    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_vehicle_without_details_is_skipped(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A vehicle link without details is left out with a warning."""
    read_vehicles = RenaultAccount.get_vehicles

    async def without_first_details(account: RenaultAccount) -> Any:
        """Read the vehicles, as a cloud that lost one car's details would send them."""
        response = await read_vehicles(account)
        response.vehicleLinks[0].vehicleDetails = None
        return response

    # The fake cloud always sends details: reach this branch through the library.
    with patch.object(RenaultAccount, "get_vehicles", without_first_details):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()

    assert len(config_entry.runtime_data.vehicles) == 1
    assert "has no details" in caplog.text


async def _refresh_vehicles(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the account's vehicles now, as the six-hourly poll would."""
    await entry.runtime_data.vehicles_coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_new_vehicle_added_automatically(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
) -> None:
    """With auto-add on, a car added to the account becomes a device by itself."""
    entry = init_integration
    account = fake_cloud.accounts[entry.runtime_data.account_id]
    spring = fake_cloud.add_vehicle(account, "spring")

    await _refresh_vehicles(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert spring.vin in entry.runtime_data.vehicles
    assert spring.vin in entry.options[CONF_VEHICLES]
    assert vehicle_device(device_registry, entry, spring.vin)


async def test_new_vehicle_ignored_without_auto_add(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
) -> None:
    """With auto-add off, a new car is only remembered as known."""
    entry = init_integration
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_AUTO_ADD: False}
    )
    account = fake_cloud.accounts[entry.runtime_data.account_id]
    spring = fake_cloud.add_vehicle(account, "spring")

    await _refresh_vehicles(hass, entry)

    assert spring.vin not in entry.runtime_data.vehicles
    assert spring.vin in entry.options[CONF_KNOWN_VEHICLES]
    assert not vehicle_device(device_registry, entry, spring.vin)


async def test_only_stale_devices_can_be_deleted(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """A device whose car is still on the account cannot be deleted; a stale one can."""
    entry = init_integration
    live = vehicle_device(device_registry, entry, cloud_vins[0])
    stale = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "VF1STALE000000000")}
    )
    assert live is not None

    assert not await async_remove_config_entry_device(hass, entry, live)
    assert await async_remove_config_entry_device(hass, entry, stale)
