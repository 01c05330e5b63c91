"""The example dashboard: built-in cards only, and entities the demo car has.

The dashboard targets the demo ZOE of `scripts/develop`. Its entity ids are
checked against the integration set up with a car of the same profile and
plate as the demo's, on the fake cloud.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import re
from typing import Any

from homeassistant.components.lovelace import CONFIG_SCHEMA as LOVELACE_SCHEMA
from homeassistant.components.lovelace.dashboard import LovelaceYAML
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import yaml as yaml_util
import pytest

from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, build_demo_cloud

from .common import add_logged_in_entry

ROOT = Path(__file__).parent.parent
DASHBOARD = ROOT / "examples" / "dashboard.yaml"
README = ROOT / "README.md"
DEMO_PROFILE = "zoe_50"

# Home Assistant's own cards (no custom card, nothing to install).
BUILT_IN_CARDS = frozenset(
    {
        "alarm-panel",
        "area",
        "button",
        "calendar",
        "conditional",
        "entities",
        "entity",
        "entity-filter",
        "gauge",
        "glance",
        "grid",
        "heading",
        "history-graph",
        "horizontal-stack",
        "logbook",
        "map",
        "markdown",
        "picture",
        "picture-entity",
        "picture-glance",
        "sensor",
        "statistic",
        "statistics-graph",
        "thermostat",
        "tile",
        "vertical-stack",
    }
)
# The cards the dashboard promises (see the README).
REQUIRED_CARDS = {
    ("gauge", "sensor.hd_237_gb_battery"),
    ("tile", "sensor.hd_237_gb_range"),
    ("tile", "sensor.hd_237_gb_charge_state"),
    ("map", "device_tracker.hd_237_gb_location"),
    ("thermostat", "climate.hd_237_gb_preconditioning"),
    ("entities", "select.hd_237_gb_charge_mode"),
    ("entities", "switch.hd_237_gb_charge_schedule_1"),
    ("entities", "switch.hd_237_gb_climate_schedule_1"),
}
ENTITY_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


def load_dashboard() -> dict[str, Any]:
    """Parse the dashboard with Home Assistant's YAML loader."""
    return yaml_util.load_yaml_dict(DASHBOARD)


def cards_of(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield every card of a view, section or card, nested ones included."""
    for section in node.get("sections", []):
        yield from cards_of(section)
    for card in node.get("cards", []):
        yield card
        yield from cards_of(card)
    if isinstance(node.get("card"), dict):  # conditional, entity-filter
        yield node["card"]
        yield from cards_of(node["card"])


def entities_of(card: dict[str, Any]) -> set[str]:
    """Return the entity ids a card shows (its own rows, not nested cards')."""
    found = set()
    if isinstance(card.get("entity"), str):
        found.add(card["entity"])
    for row in card.get("entities", []):
        entity = row if isinstance(row, str) else row.get("entity")
        if entity is not None:
            found.add(entity)
    return found


def all_cards() -> list[dict[str, Any]]:
    """Return every card of every view."""
    return [card for view in load_dashboard()["views"] for card in cards_of(view)]


def test_structure() -> None:
    """Views with a title and path, sections of cards, built-in cards only."""
    dashboard = load_dashboard()
    assert set(dashboard) <= {"title", "views"}
    assert dashboard["views"]
    for view in dashboard["views"]:
        assert view["title"]
        assert re.fullmatch(r"[a-z0-9-]+", view["path"])
        if view.get("type") == "sections":
            assert "cards" not in view
            assert view["sections"]
            for section in view["sections"]:
                assert section["type"] == "grid"
                assert section["cards"]
        else:
            assert view["cards"]
    cards = all_cards()
    assert {card["type"] for card in cards} <= BUILT_IN_CARDS
    shown = {(card["type"], entity) for card in cards for entity in entities_of(card)}
    assert shown >= REQUIRED_CARDS
    for _, entity in shown:
        assert ENTITY_ID.match(entity), entity


def test_readme_snippet() -> None:
    """The README's configuration of the dashboard is valid."""
    snippet = next(
        block
        for block in re.findall(r"```yaml\n(.*?)```", README.read_text(), re.DOTALL)
        if block.startswith("lovelace:")
    )
    config = LOVELACE_SCHEMA(yaml_util.parse_yaml(snippet))
    ((url_path, dashboard),) = config["lovelace"]["dashboards"].items()
    assert "-" in url_path
    assert dashboard["mode"] == "yaml"
    assert dashboard["filename"] == "dashboards/renault_connect.yaml"


async def test_lovelace_loads_the_file(hass: HomeAssistant) -> None:
    """Home Assistant's YAML dashboard reads the file as it is."""
    dashboard = LovelaceYAML(
        hass,
        "renault-connect",
        {"mode": "yaml", "title": "My car", "filename": str(DASHBOARD)},
    )
    assert await dashboard.async_load(force=True) == load_dashboard()


def demo_car() -> FakeVehicle:
    """Return the demo's car the dashboard shows."""
    demo = build_demo_cloud()
    return next(
        vehicle
        for vehicle in demo.vehicles.values()
        if vehicle.profile.name == DEMO_PROFILE
    )


@pytest.fixture
async def demo_zoe(hass: HomeAssistant, fake_cloud: FakeRenaultCloud) -> None:
    """Set up the integration with a car like the demo ZOE (same plate)."""
    car = demo_car()
    user = fake_cloud.add_user("dashboard@example.com", "password")
    account = fake_cloud.add_account(user)
    fake_cloud.add_vehicle(
        account, DEMO_PROFILE, vin=car.vin, registration=car.registration
    )
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email="dashboard@example.com",
        password="password",
        account_id=account.account_id,
        vins=[car.vin],
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("demo_zoe")
async def test_entities_exist(hass: HomeAssistant) -> None:
    """Every entity on the dashboard exists, is enabled and has a value."""
    assert demo_car().registration == "HD-237-GB"
    shown = {entity for card in all_cards() for entity in entities_of(card)}
    states = {entity: hass.states.get(entity) for entity in shown}
    assert sorted(entity for entity, state in states.items() if state is None) == []
    unavailable = sorted(
        entity
        for entity, state in states.items()
        if state is not None and state.state == STATE_UNAVAILABLE
    )
    assert unavailable == []
