"""Tests of the hub: labels, and one silent login for many failed requests."""

from __future__ import annotations

import asyncio

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from renault_api.kamereon.models import KamereonVehicleDetails
from renault_api.kamereon.schemas import KamereonVehicleDetailsResponseSchema

from custom_components.renault_connect.labels import display_label, vehicle_label
from custom_components.renault_connect.vehicle_specs import (
    default_battery_capacity,
    session_minutes,
)
from fake_renault_cloud import FakeRenaultCloud, Fault


def _details(**fields: str) -> KamereonVehicleDetails:
    """Parse vehicle details the way the library does; groups take a label."""
    raw: dict[str, object] = {
        key: {"code": value, "label": value}
        if key in {"brand", "model", "energy"}
        else value
        for key, value in fields.items()
    }
    details: KamereonVehicleDetails = KamereonVehicleDetailsResponseSchema.load(raw)
    return details


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
        _details(brand="DACIA", model="SPRING", registrationNumber="AB-123-CD")
    ) == ("Dacia Spring (AB-123-CD)")
    assert vehicle_label(_details(brand="ALPINE", model="A290")) == "Alpine A290"
    assert vehicle_label(_details(registrationNumber="AB-123-CD")) == "AB-123-CD"
    assert vehicle_label(_details(vin="VF1AAAA")) == "VF1AAAA"


def test_battery_capacity_only_for_plug_in_cars() -> None:
    """Fuel cars have no battery capacity; unknown models have no default."""
    assert (
        default_battery_capacity(_details(model="XCB1VE", engineEnergyType="ELEC"))
        == 60.0
    )
    assert (
        default_battery_capacity(_details(model="XJB1SU", engineEnergyType="OTHER"))
        is None
    )
    assert (
        default_battery_capacity(_details(model="NEW1VE", engineEnergyType="ELEC"))
        is None
    )


async def test_dead_token_logs_in_once_for_many_requests(
    fake_cloud: FakeRenaultCloud, init_integration: MockConfigEntry
) -> None:
    """Requests failing together on a dead token lead to a single login."""
    hub = init_integration.runtime_data
    hub.session._credentials.clear_keys(["gigya_jwt"])
    fake_cloud.faults.add(Fault("jwt_rejected", endpoint="accounts.getJWT", times=1))
    fake_cloud.requests.clear()

    await asyncio.gather(*(hub.async_call(hub.account.get_vehicles) for _ in range(3)))

    assert fake_cloud.requests.count(endpoint="accounts.login") == 1


@pytest.mark.parametrize(
    ("model", "session", "minutes"),
    [
        # renault-api's Megane E-Tech capture: 11:12 to 12:49, reported as 97.
        (
            "XCB1VE",
            {
                "chargeStartDate": "2024-01-01T11:12:00Z",
                "chargeEndDate": "2024-01-01T12:49:00Z",
                "chargeDuration": 97,
            },
            97.0,
        ),
        # A Zoe phase 2 session of 8 hours, reported in seconds.
        (
            "X102VE",
            {
                "chargeStartDate": "2020-11-11T00:30:00Z",
                "chargeEndDate": "2020-11-11T08:30:00Z",
                "chargeDuration": 28800,
            },
            480.0,
        ),
        # Without dates, the model's known unit decides.
        ("X101VE", {"chargeDuration": 479}, 479.0),
        ("X102VE", {"chargeDuration": 600}, 10.0),
        ("X102VE", {}, None),
    ],
)
def test_charge_session_minutes(
    model: str, session: dict[str, object], minutes: float | None
) -> None:
    """Session durations come out in minutes whatever unit the car used."""
    details = _details(model=model, engineEnergyType="ELEC")
    assert session_minutes(details, session) == minutes
