"""Captured payloads of the real cloud, used as templates (see data/README.md)."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
import json
from typing import Any


@cache
def _read(path: str) -> str:
    """Read a file of the data folder once."""
    return (resources.files(__package__) / "data" / path).read_text(encoding="utf-8")


def text(path: str) -> str:
    """Return a data file as text, e.g. ``kamereon/error/bad_gateway.html``."""
    return _read(path)


@cache
def _parsed(path: str) -> Any:
    """Parse a JSON data file once."""
    return json.loads(_read(path))


def template(path: str) -> Any:
    """Return a fresh, freely mutable copy of a JSON data file."""
    return copy.deepcopy(_parsed(path))
