"""The car's position."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, snapshot_profile

# The profiles that get no device tracker entity.
WITHOUT_DEVICE_TRACKER = frozenset({"zoe_40"})


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ALL_PROFILES)
async def test_device_tracker(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Cars that report their position get a tracker; the Zoe phase 1 does not."""
    await snapshot_profile(
        hass,
        entity_registry,
        fake_cloud,
        freezer,
        snapshot,
        profile,
        Platform.DEVICE_TRACKER,
        without=WITHOUT_DEVICE_TRACKER,
    )
