"""Sensors: battery, charge, fuel, tyres, contracts, schedules and update times."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, snapshot_profile


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ALL_PROFILES)
async def test_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Each model gets the sensors its data supports, with units and states."""
    await snapshot_profile(
        hass,
        entity_registry,
        fake_cloud,
        freezer,
        snapshot,
        profile,
        Platform.SENSOR,
    )
