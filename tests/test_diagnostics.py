"""Tests of the diagnostics: useful, and with nothing personal left in them."""

from __future__ import annotations

from collections.abc import Callable
import json
import re
from typing import Any

from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.renault_connect.const import (
    CONF_DEVICE_IDS,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_LOGIN_TOKEN,
)
from fake_renault_cloud import FakeRenaultCloud

from .common import vehicle_device
from .const import EMAIL, PASSWORD

# The contract the fake cloud dates from today.
CONNECTED_SERVICES_CONTRACT = "ZECONNECTP"
# Values that change from run to run.
VOLATILE = props("entry_id", "created_at", "modified_at")
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"
)


def _clock_values_replaced(fake_cloud: FakeRenaultCloud) -> Callable[..., Any]:
    """Return a matcher replacing what follows the clock by markers.

    The cloud's upload times follow the clock, and so do the dates of the
    connected-services contract of a car delivered a year before today.
    """
    contract_dates = {
        contract[field]: f"<connected services {field}>"
        for vehicle in fake_cloud.vehicles.values()
        for contract in vehicle.contracts
        if contract.get("code") == CONNECTED_SERVICES_CONTRACT
        for field in ("startDate", "endDate")
    }

    def replace(data: Any, path: Any) -> Any:  # noqa: ARG001 - syrupy passes it
        if isinstance(data, str) and TIMESTAMP.fullmatch(data):
            return "<timestamp>"
        if isinstance(data, str) and data in contract_dates:
            return contract_dates[data]
        return data

    return replace


def _secrets(fake_cloud: FakeRenaultCloud, entry: MockConfigEntry) -> list[str]:
    """Return every personal value the diagnostics must not show."""
    values = [
        EMAIL,
        PASSWORD,
        entry.data[CONF_LOGIN_TOKEN],
        entry.data[CONF_KAMEREON_ACCOUNT_ID],
        *entry.data[CONF_DEVICE_IDS].values(),
        "Camille",
        "Martin",
    ]
    for vehicle in fake_cloud.vehicles.values():
        values += [
            vehicle.vin,
            vehicle.registration,
            str(vehicle.state.latitude),
            str(vehicle.state.longitude),
        ]
    return values


async def test_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Entry diagnostics show the models and settings, with secrets redacted."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics == snapshot(
        exclude=VOLATILE, matcher=_clock_values_replaced(fake_cloud)
    )
    assert diagnostics["entry"]["data"][CONF_PASSWORD] == "**REDACTED**"
    dump = json.dumps(diagnostics)
    for secret in _secrets(fake_cloud, init_integration):
        assert secret not in dump


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    device_registry: dr.DeviceRegistry,
    fake_cloud: FakeRenaultCloud,
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
    snapshot: SnapshotAssertion,
) -> None:
    """Device diagnostics show one vehicle, with secrets redacted."""
    device = vehicle_device(device_registry, init_integration, cloud_vins[0])
    assert device is not None
    diagnostics = await get_diagnostics_for_device(
        hass, hass_client, init_integration, device
    )

    assert diagnostics == snapshot(matcher=_clock_values_replaced(fake_cloud))
    dump = json.dumps(diagnostics)
    for secret in _secrets(fake_cloud, init_integration):
        assert secret not in dump


async def test_account_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """The account's device shows the polling: budget, counts, quota, watchdog."""
    account_id = init_integration.runtime_data.account_id
    device = vehicle_device(device_registry, init_integration, account_id)
    assert device is not None
    diagnostics = await get_diagnostics_for_device(
        hass, hass_client, init_integration, device
    )

    assert diagnostics["hourly_budget"] == 15
    assert diagnostics["requests_last_hour"] >= diagnostics["timed_requests_last_hour"]
    assert diagnostics["quota_state"] == "ok"
    assert diagnostics["stalled"] is False
    assert account_id not in json.dumps(diagnostics)
