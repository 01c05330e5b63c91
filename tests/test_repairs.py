"""Tests of the repair that moves an entry to the account now holding its vehicles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from http import HTTPStatus
import json
from typing import Any

from homeassistant.components.repairs import DOMAIN as REPAIRS_DOMAIN
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.renault_connect.const import CONF_KAMEREON_ACCOUNT_ID, DOMAIN
from custom_components.renault_connect.contracts import EXPIRED, EXPIRING, issue_id
from custom_components.renault_connect.repairs import account_gone_issue_id
from fake_renault_cloud import FakeRenaultCloud, FakeUser, FakeVehicle, Fault

from .const import EMAIL


async def _start_fix(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Start the fix flow of the entry's account issue, as the repairs panel does."""
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    manager = hass.data[REPAIRS_DOMAIN]["flow_manager"]
    result: dict[str, Any] = await manager.async_init(
        DOMAIN, data={"issue_id": account_gone_issue_id(entry.entry_id)}
    )
    return result


async def _configure_fix(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any]
) -> dict[str, Any]:
    """Submit a step of the fix flow."""
    manager = hass.data[REPAIRS_DOMAIN]["flow_manager"]
    result: dict[str, Any] = await manager.async_configure(flow_id, user_input)
    return result


def _move_vehicles(
    fake_cloud: FakeRenaultCloud, user: FakeUser, account_id: str
) -> str:
    """Do what Renault sometimes does: a new account takes over the vehicles."""
    new_account = fake_cloud.add_account(user)
    old_account = fake_cloud.accounts[account_id]
    for vehicle in old_account.vehicles:
        fake_cloud.link_vehicle(new_account, vehicle)
    fake_cloud.remove_account(old_account)
    return new_account.account_id


async def test_account_gone_at_setup_then_fixed(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    config_entry: MockConfigEntry,
) -> None:
    """A vanished account raises a fixable issue; picking the new one fixes it."""
    new_account = _move_vehicles(fake_cloud, cloud_user, config_entry.unique_id or "")
    # An account without vehicles is not offered.
    fake_cloud.add_account(cloud_user, account_id="empty-account")

    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    issue_id = account_gone_issue_id(config_entry.entry_id)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable

    result = await _start_fix(hass, config_entry)
    assert result["step_id"] == "choose"
    options = result["data_schema"].schema[CONF_KAMEREON_ACCOUNT_ID].config["options"]
    assert options == [{"value": new_account, "label": "MyRenault: Zoe, Megane E-Tech"}]

    result = await _configure_fix(
        hass, result["flow_id"], {CONF_KAMEREON_ACCOUNT_ID: new_account}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert config_entry.unique_id == new_account
    assert config_entry.data[CONF_KAMEREON_ACCOUNT_ID] == new_account
    assert config_entry.state is ConfigEntryState.LOADED
    assert not issue_registry.async_get_issue(DOMAIN, issue_id)


async def test_account_gone_while_running(
    issue_registry: ir.IssueRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
) -> None:
    """An account that disappears at runtime raises the issue; its return clears it."""
    entry = init_integration
    issue_id = account_gone_issue_id(entry.entry_id)
    fake_cloud.faults.add(Fault("account_gone", account_id=entry.unique_id))
    await entry.runtime_data.vehicles_coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id)

    fake_cloud.faults.clear()
    await entry.runtime_data.vehicles_coordinator.async_refresh()
    assert not issue_registry.async_get_issue(DOMAIN, issue_id)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault("http_502_html", endpoint="person"), "cannot_connect"),
        (Fault("jwt_rejected", endpoint="accounts.getJWT"), "reauth_required"),
    ],
)
async def test_fix_cannot_read_accounts(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    config_entry: MockConfigEntry,
    fault: Fault,
    reason: str,
) -> None:
    """When the accounts cannot be read, the fix flow says why."""
    _move_vehicles(fake_cloud, cloud_user, config_entry.unique_id or "")
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    fake_cloud.faults.add(fault)

    result = await _start_fix(hass, config_entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_fix_without_account_holding_vehicles(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    config_entry: MockConfigEntry,
) -> None:
    """When no account holds the vehicles any more, the fix flow says so."""
    fake_cloud.remove_account(fake_cloud.accounts[config_entry.unique_id or ""])
    assert not await hass.config_entries.async_setup(config_entry.entry_id)

    result = await _start_fix(hass, config_entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_account_with_vehicles"


async def test_fix_to_an_account_already_added(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    config_entry: MockConfigEntry,
) -> None:
    """The new account cannot be one that another entry already holds."""
    new_account = _move_vehicles(fake_cloud, cloud_user, config_entry.unique_id or "")
    MockConfigEntry(
        domain=DOMAIN, unique_id=new_account, disabled_by=ConfigEntryDisabler.USER
    ).add_to_hass(hass)
    assert not await hass.config_entries.async_setup(config_entry.entry_id)

    result = await _start_fix(hass, config_entry)
    result = await _configure_fix(
        hass, result["flow_id"], {CONF_KAMEREON_ACCOUNT_ID: new_account}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_issue_removed_with_its_entry(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    fake_cloud: FakeRenaultCloud,
    config_entry: MockConfigEntry,
) -> None:
    """Removing the entry removes its issue."""
    fake_cloud.remove_account(fake_cloud.accounts[config_entry.unique_id or ""])
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    assert not issue_registry.async_get_issue(
        DOMAIN, account_gone_issue_id(config_entry.entry_id)
    )


async def _full_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    """Return the whole diagnostics download of an entry, as the user gets it.

    From Home Assistant 2025.8 on, it holds the entry's repair issues.
    """
    assert await async_setup_component(hass, "diagnostics", {})
    # Diagnostics finds the integration's platform in the background.
    await hass.async_block_till_done()
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == HTTPStatus.OK
    return await response.text()


def _personal_values(fake_cloud: FakeRenaultCloud, entry: MockConfigEntry) -> list[str]:
    """Return what identifies the person and the cars of an entry."""
    user = fake_cloud.users[EMAIL]
    values = [EMAIL, entry.title, user.first_name, user.last_name]
    for car in fake_cloud.accounts[entry.unique_id or ""].vehicles:
        values += [car.vin, car.registration]
    return values


def _assert_anonymous(
    placeholders: Mapping[str, str] | None, personal: list[str]
) -> None:
    """Fail when an issue's placeholders name the person or a car's plate or VIN."""
    shown = json.dumps(placeholders)
    for value in personal:
        assert value not in shown, value


def _set_services(car: FakeVehicle, *contracts: tuple[str, str, date]) -> None:
    """Give the car these connected-services contracts: (code, status, end)."""
    car.contracts = [
        contract
        for contract in car.contracts
        if contract["type"] != "CONNECTED_SERVICES"
    ] + [
        {
            "type": "CONNECTED_SERVICES",
            "code": code,
            "status": status,
            "description": code,
            "startDate": (end - timedelta(days=365)).isoformat(),
            "endDate": end.isoformat(),
        }
        for code, status, end in contracts
    ]


async def test_account_gone_issue_names_nobody(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
) -> None:
    """The issue names the account by its cars' models, not the person's name."""
    entry = init_integration
    fake_cloud.faults.add(Fault("account_gone", account_id=entry.unique_id))
    await entry.runtime_data.vehicles_coordinator.async_refresh()
    issue = issue_registry.async_get_issue(
        DOMAIN, account_gone_issue_id(entry.entry_id)
    )
    assert issue is not None

    assert issue.translation_placeholders == {"vehicles": "Megane E-Tech, Zoe"}
    personal = _personal_values(fake_cloud, entry)
    _assert_anonymous(issue.translation_placeholders, personal)
    dump = await _full_diagnostics(hass, hass_client, entry)
    for value in personal:
        assert value not in dump, value


async def test_contract_issue_names_the_model_not_the_plate(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
) -> None:
    """The connected-services issue names the car's model, not its plate or VIN."""
    entry = init_integration
    vehicle = next(
        vehicle
        for vehicle in entry.runtime_data.vehicles.values()
        if vehicle.model == "Zoe"
    )
    end = dt_util.now().date() + timedelta(days=10)
    _set_services(fake_cloud.vehicles[vehicle.vin], ("ZECONNECTP", "ACTIVE", end))
    await vehicle.coordinators["contracts"].async_refresh()
    issue = issue_registry.async_get_issue(
        DOMAIN, issue_id(entry.entry_id, vehicle.device_id, EXPIRING)
    )
    assert issue is not None

    assert issue.translation_placeholders == {"vehicle": "Zoe", "end": end.isoformat()}
    personal = _personal_values(fake_cloud, entry)
    _assert_anonymous(issue.translation_placeholders, personal)
    dump = await _full_diagnostics(hass, hass_client, entry)
    for value in personal:
        assert value not in dump, value


@pytest.mark.parametrize(
    ("contracts", "shown", "verdict"),
    [
        # A renewal runs on after the contract it renews: nothing ends soon.
        ((("ZECONNECTP", "ACTIVE", 10), ("RENEWAL", "ACTIVE", 400)), 400, None),
        # No active contract: the services stopped when the last one ended.
        ((("ZECONNECTP", "ENDED", -20), ("GBA", "REJECTED", 300)), -20, EXPIRED),
        # A cancelled renewal never covered the car.
        ((("ZECONNECTP", "ACTIVE", 10), ("RENEWAL", "CANCELLED", 400)), 10, EXPIRING),
    ],
)
async def test_sensor_and_issue_agree_on_the_services_end(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    issue_registry: ir.IssueRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
    contracts: tuple[tuple[str, str, int], ...],
    shown: int,
    verdict: str | None,
) -> None:
    """The sensor shows the end the repair issue warns of: one rule for both."""
    entry = init_integration
    vehicle = next(iter(entry.runtime_data.vehicles.values()))
    today = dt_util.now().date()
    _set_services(
        fake_cloud.vehicles[vehicle.vin],
        *(
            (code, status, today + timedelta(days=days))
            for code, status, days in contracts
        ),
    )
    await vehicle.coordinators["contracts"].async_refresh()
    await hass.async_block_till_done()

    end = (today + timedelta(days=shown)).isoformat()
    sensor = entity_registry.async_get_entity_id(
        "sensor", DOMAIN, f"{vehicle.vin}_connected_services_end".lower()
    )
    assert sensor is not None
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == end
    issues = {
        kind: issue_registry.async_get_issue(
            DOMAIN, issue_id(entry.entry_id, vehicle.device_id, kind)
        )
        for kind in (EXPIRING, EXPIRED)
    }
    assert {kind for kind, issue in issues.items() if issue} == (
        {verdict} if verdict else set()
    )
    if verdict:
        placeholders = issues[verdict].translation_placeholders  # type: ignore[union-attr]
        assert placeholders["end"] == end
