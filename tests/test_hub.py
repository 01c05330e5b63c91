"""Tests of the hub: labels, and one silent login for many failed requests."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.labels import display_label, vehicle_label
from fake_renault_cloud import FakeRenaultCloud, Fault

from .common import vehicle_details


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("MEGANE E-TECH", "Megane E-Tech"),
        ("CAPTUR II", "Captur II"),
        ("RENAULT 5", "Renault 5"),
        ("TWINGO III", "Twingo III"),
        ("", None),
        (None, None),
    ],
)
def test_display_label(label: str | None, shown: str | None) -> None:
    """Cloud labels are shown the way people write them."""
    assert display_label(label) == shown


def test_vehicle_label() -> None:
    """A vehicle is described by brand, model and plate, whatever is known."""
    assert vehicle_label(
        vehicle_details(brand="DACIA", model="SPRING", registrationNumber="AB-123-CD")
    ) == ("Dacia Spring (AB-123-CD)")
    assert vehicle_label(vehicle_details(brand="ALPINE", model="A290")) == "Alpine A290"
    assert vehicle_label(vehicle_details(registrationNumber="AB-123-CD")) == "AB-123-CD"
    assert vehicle_label(vehicle_details(vin="VF1AAAA")) == "VF1AAAA"


async def test_dead_token_logs_in_once_for_many_requests(
    fake_cloud: FakeRenaultCloud, init_integration: MockConfigEntry
) -> None:
    """Requests failing together on a dead token lead to a single login."""
    hub = init_integration.runtime_data
    hub.cloud.session._credentials.clear_keys(["gigya_jwt"])
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT", times=1))
    fake_cloud.requests.clear()

    list_vehicles = partial(hub.cloud.async_list_vehicles, hub.account_id)
    await asyncio.gather(*(hub.async_call(list_vehicles) for _ in range(3)))

    assert fake_cloud.requests.count(endpoint="accounts.login") == 1
