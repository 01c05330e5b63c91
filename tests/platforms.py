"""Set up one vehicle of a profile with a single platform, for platform tests."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform, __short_version__
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.renault_connect.const import CONF_VEHICLE_SETTINGS
from fake_renault_cloud import FakeRenaultCloud

from .common import add_logged_in_entry

if TYPE_CHECKING:
    from syrupy.types import PropertyFilter

# Every fake-cloud vehicle profile the integration is checked against.
ALL_PROFILES = (
    "zoe_40",
    "zoe_50",
    "megane_e_tech",
    "spring",
    "renault_5",
    "alpine_a290",
    "captur_phev",
    "captur_fuel",
    "twingo_3",
    "duster",
    "austral",
)
VIN = "VF1PROFILE0000001"
PLATE = "AA-001-AA"
# Not a word of any message: logs redact it wherever it appears.
PROFILE_PASSWORD = "zoe-Kangoo-2026"
# When the entity snapshots are taken: their timestamps read from it.
SNAPSHOT_TIME = "2026-11-20T08:00:00+00:00"


async def setup_profile(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    profile: str,
    *platforms: Platform,
    expect_loaded: bool = True,
    vehicle_settings: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Add an account with one car of the profile and set up platforms for it.

    `vehicle_settings` are the car's options (as its options step stores them).
    """
    email = f"{profile}@example.com"
    user = fake_cloud.add_user(email, PROFILE_PASSWORD)
    account = fake_cloud.add_account(user, account_id=f"account-{profile}")
    fake_cloud.add_vehicle(account, profile, vin=VIN, registration=PLATE)
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email=email,
        password=PROFILE_PASSWORD,
        account_id=account.account_id,
        vins=[VIN],
    )
    if vehicle_settings is not None:
        hass.config_entries.async_update_entry(
            entry,
            options={**entry.options, CONF_VEHICLE_SETTINGS: {VIN: vehicle_settings}},
        )
    with patch("custom_components.renault_connect.PLATFORMS", list(platforms)):
        assert await hass.config_entries.async_setup(entry.entry_id) is expect_loaded
        await hass.async_block_till_done()
    return entry


class VersionSnapshotExtension(HomeAssistantSnapshotExtension):
    """Keep snapshots in a folder of their own for each Home Assistant version.

    Each version (major.minor) serialises registry entries and states its own
    way (fields, attribute keys), so each keeps exact snapshots, in
    tests/snapshots_ha/<version>/; `--snapshot-update` on one version leaves the
    other's alone. Not under tests/snapshots: syrupy reads that folder with its
    subfolders for the other test files, and another version's snapshots there
    would be reported unused, failing the run.
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return this Home Assistant version's snapshot folder."""
        return str(
            Path(test_location.filepath).parent / "snapshots_ha" / __short_version__
        )


async def snapshot_profile(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    profile: str,
    platform: Platform,
    *,
    without: Collection[str] = (),
    exclude: PropertyFilter | None = None,
) -> None:
    """Compare a profile's entities of a platform with snapshot_platform.

    Entities are enabled by the test (entity_registry_enabled_by_default).
    Profiles in `without` must get no entity of the platform at all.
    """
    freezer.move_to(SNAPSHOT_TIME)
    entry = await setup_profile(hass, fake_cloud, profile, platform)
    if profile in without:
        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        return
    versioned = snapshot.with_defaults(
        extension_class=VersionSnapshotExtension, exclude=exclude
    )
    await snapshot_platform(hass, entity_registry, versioned, entry.entry_id)
    # Which entities exist, listed: an entity that disappears fails here
    # (an unused snapshot of it goes unnoticed when tests run in parallel).
    assert sorted(
        item.entity_id
        for item in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    ) == versioned(name="entity_ids")
