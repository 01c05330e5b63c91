"""Time: smart charging's departure, and the times of each schedule."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, snapshot_profile

# Cars without schedules to send nor smart charging (fuel and hybrid cars).
WITHOUT_TIME = frozenset({"austral", "captur_fuel", "duster"})


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
    """Cars smart charging can drive get a departure; schedules get their times."""
    await snapshot_profile(
        hass,
        entity_registry,
        fake_cloud,
        freezer,
        snapshot,
        profile,
        Platform.TIME,
        without=WITHOUT_TIME,
    )
