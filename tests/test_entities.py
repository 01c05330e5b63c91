"""Snapshots of every platform's entities, for every vehicle profile."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from fake_renault_cloud import FakeRenaultCloud

from .common import entities_of
from .platforms import ALL_PROFILES, setup_profile


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ALL_PROFILES)
@pytest.mark.parametrize(
    "platform",
    [
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.CLIMATE,
        Platform.DEVICE_TRACKER,
        Platform.IMAGE,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
    ],
)
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    platform: Platform,
    profile: str,
) -> None:
    """Each model gets the entities its data supports, with units and states."""
    freezer.move_to("2026-11-20T08:00:00+00:00")
    entry = await setup_profile(hass, fake_cloud, profile, platform)
    # The picture's access token is new every run.
    assert entities_of(hass, entity_registry, entry.entry_id) == snapshot(
        exclude=props("access_token", "entity_picture")
    )
