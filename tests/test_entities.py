"""Entities of every platform, as users get them: which start disabled.

Each platform's entities are snapshotted in its own file (tests/test_<platform>.py),
all enabled; this checks what those snapshots cannot, for every vehicle profile.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.renault_connect import PLATFORMS
from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, setup_profile


@pytest.mark.parametrize("profile", ALL_PROFILES)
async def test_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Update times and values a model gets wrong start disabled; nothing else."""
    entry = await setup_profile(hass, fake_cloud, profile, *PLATFORMS)
    disabled = {
        registered.entity_id: registered.disabled_by
        for registered in er.async_entries_for_config_entry(
            entity_registry, entry.entry_id
        )
        if registered.disabled_by is not None
    }
    assert dict(sorted(disabled.items())) == snapshot
