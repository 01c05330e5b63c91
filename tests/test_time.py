"""Time: smart charging's departure, on the cars it can drive."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, snapshot_profile

# Smart charging drives the cars the cloud can start and stop charging.
WITH_TIME = frozenset({"zoe_40", "zoe_50", "spring", "twingo_3"})


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ALL_PROFILES)
async def test_times(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Only cars smart charging can drive get a departure time."""
    await snapshot_profile(
        hass,
        entity_registry,
        fake_cloud,
        freezer,
        snapshot,
        profile,
        Platform.TIME,
        without=frozenset(ALL_PROFILES) - WITH_TIME,
    )
