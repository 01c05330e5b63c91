"""Numbers: the minimum and target charge levels, smart charging's levels."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, snapshot_profile

# The profiles that get no number entity.
WITHOUT_NUMBER = frozenset({"austral", "captur_fuel", "duster"})


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ALL_PROFILES)
async def test_numbers(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Only models that take charge levels get numbers, with their ranges."""
    await snapshot_profile(
        hass,
        entity_registry,
        fake_cloud,
        freezer,
        snapshot,
        profile,
        Platform.NUMBER,
        without=WITHOUT_NUMBER,
    )
