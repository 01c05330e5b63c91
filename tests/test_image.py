"""The vehicle's picture."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.renault_connect.image import picture_url
from fake_renault_cloud import FakeRenaultCloud

from .platforms import ALL_PROFILES, setup_profile, snapshot_profile

_SMALL = {"resolutionType": "ONE_MYRENAULT_SMALL", "url": "https://pictures/small"}
_LARGE = {"resolutionType": "ONE_MYRENAULT_LARGE", "url": "https://pictures/large"}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ALL_PROFILES)
async def test_image(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Every model gets its picture, dated from when it was read."""
    await snapshot_profile(
        hass,
        entity_registry,
        fake_cloud,
        freezer,
        snapshot,
        profile,
        Platform.IMAGE,
        # The picture's access token is new every run.
        exclude=props("access_token", "entity_picture"),
    )


async def test_picture_is_shown(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    fake_cloud: FakeRenaultCloud,
) -> None:
    """Home Assistant fetches the large picture the vehicle details point at."""
    fake_cloud.serve_pictures = True
    await setup_profile(hass, fake_cloud, "megane_e_tech", Platform.IMAGE)
    (entity_id,) = hass.states.async_entity_ids(Platform.IMAGE)
    state = hass.states.get(entity_id)
    assert state is not None

    client = await hass_client()
    response = await client.get(state.attributes["entity_picture"])
    assert response.status == 200
    assert response.content_type == "image/svg+xml"
    drawing = await response.text()
    assert 'width="480"' in drawing
    assert "Renault Megane E-Tech" in drawing


@pytest.mark.parametrize(
    ("assets", "url"),
    [
        (None, None),
        ([], None),
        ([{"assetType": "PICTURE", "renditions": [_SMALL]}], None),
        ([{"assetType": "PICTURE"}], None),
        (
            [
                {"assetType": "PDF", "renditions": [_LARGE]},
                {"assetType": "PICTURE", "renditions": [_SMALL, _LARGE]},
            ],
            "https://pictures/large",
        ),
    ],
)
def test_picture_url(assets: list[dict[str, Any]] | None, url: str | None) -> None:
    """Only the large rendition of a picture is taken; other assets are skipped."""
    vehicle = SimpleNamespace(details=SimpleNamespace(assets=assets))
    assert picture_url(vehicle) == url  # type: ignore[arg-type]
