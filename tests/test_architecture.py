"""The integration's modules import each other downward only: no circle."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "custom_components" / "renault_connect"
FAKE_CLOUD = ROOT / "fake_renault_cloud"


def _imports(module: Path) -> set[str]:
    """Return the modules of its package a module imports (type-only ones too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return {name for name in names if (module.parent / f"{name}.py").exists()}


@pytest.mark.parametrize("package", [PACKAGE, FAKE_CLOUD], ids=lambda p: p.name)
def test_no_import_circle(package: Path) -> None:
    """Every module can be read knowing only the modules below it."""
    graph = {
        module.stem: _imports(module) - {module.stem}
        for module in package.glob("*.py")
        if module.stem != "__init__"
    }
    circle: list[str] = []
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - only when it fails
        circle, order = error.args[1], []
    assert not circle
    assert set(order) == set(graph)


@pytest.mark.parametrize("package", [PACKAGE, FAKE_CLOUD], ids=lambda p: p.name)
def test_no_type_only_imports(package: Path) -> None:
    """No module hides an import from the circle check behind TYPE_CHECKING."""
    assert not [
        module.name
        for module in package.glob("*.py")
        if "TYPE_CHECKING" in module.read_text(encoding="utf-8")
    ]


def _third_party(module: Path) -> set[str]:
    """Return the top-level packages a module imports from outside the package."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_one_module_knows_renault_api() -> None:
    """Only cloud.py imports renault-api; the rest uses the names it gives."""
    assert [
        module.name
        for module in sorted(PACKAGE.glob("*.py"))
        if "renault_api" in _third_party(module)
    ] == ["cloud.py"]


def test_no_private_attributes_of_other_objects() -> None:
    """No module reaches into another object's private parts (self's are its own).

    Home Assistant's coordinator internals and renault-api's credential store
    are reached through their public API only.
    """
    reached = [
        f"{module.name}:{node.lineno} {node.attr}"
        for module in sorted(PACKAGE.glob("*.py"))
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
    ]
    assert reached == []


# Pure logic: decisions made from numbers and moments, testable without Home
# Assistant running (its exceptions and date helpers are plain Python).
PURE_MODULES = (
    "car_models",
    "charge_estimate",
    "departures",
    "endpoints",
    "energy",
    "errors",
    "read_plan",
    "request_budget",
    "smart_charging",
    "writes",
)
PURE_ALLOWED = {"homeassistant.exceptions", "homeassistant.util", "homeassistant.const"}


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_need_no_hass(name: str) -> None:
    """The request budget, the read plan and the model table take no `hass`."""
    module = PACKAGE / f"{name}.py"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    from_home_assistant = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.level == 0
        and node.module
        and node.module.startswith("homeassistant")
    }
    assert from_home_assistant <= PURE_ALLOWED
    assert "hass" not in {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
    } | {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
