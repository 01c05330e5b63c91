"""The integration's modules import each other downward only: no circle."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "custom_components" / "renault_connect"


def _imports(module: Path) -> set[str]:
    """Return the package's modules a module imports (type-only imports too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return {name for name in names if (PACKAGE / f"{name}.py").exists()}


def test_no_import_circle() -> None:
    """Every module can be read knowing only the modules below it."""
    graph = {
        module.stem: _imports(module) - {module.stem}
        for module in PACKAGE.glob("*.py")
        if module.stem != "__init__"
    }
    circle: list[str] = []
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - only when it fails
        circle, order = error.args[1], []
    assert not circle
    assert set(order) == set(graph)


def test_no_type_only_imports() -> None:
    """No module hides an import from the circle check behind TYPE_CHECKING."""
    assert not [
        module.name
        for module in PACKAGE.glob("*.py")
        if "TYPE_CHECKING" in module.read_text(encoding="utf-8")
    ]
