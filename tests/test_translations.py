"""Every language says everything strings.json says, with the same placeholders."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
import json
from pathlib import Path
import re
from typing import Any

import pytest

INTEGRATION = Path(__file__).parents[1] / "custom_components" / "renault_connect"
TRANSLATIONS = INTEGRATION / "translations"
LANGUAGES = sorted(path.stem for path in TRANSLATIONS.glob("*.json"))
PLACEHOLDER = re.compile(r"{(\w+)}")


def _texts(document: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, str]]:
    """Yield every text of a translation document with its dotted key."""
    for key, value in document.items():
        if isinstance(value, Mapping):
            yield from _texts(value, f"{path}{key}.")
        else:
            yield f"{path}{key}", value


def _load(path: Path) -> dict[str, str]:
    """Return the texts of a translation file, by dotted key."""
    return dict(_texts(json.loads(path.read_text(encoding="utf-8"))))


STRINGS = _load(INTEGRATION / "strings.json")


def test_english_is_strings_json() -> None:
    """translations/en.json is what strings.json says (no reference left)."""
    assert _load(TRANSLATIONS / "en.json") == STRINGS
    assert not [key for key, text in STRINGS.items() if "[%key:" in text]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_translated(language: str) -> None:
    """Each language has every key, no other, and none empty."""
    texts = _load(TRANSLATIONS / f"{language}.json")
    assert sorted(set(STRINGS) - set(texts)) == []
    assert sorted(set(texts) - set(STRINGS)) == []
    assert [key for key, text in texts.items() if not text.strip()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_kept(language: str) -> None:
    """A translation names the same placeholders as the English text."""
    texts = _load(TRANSLATIONS / f"{language}.json")
    assert [
        key
        for key, text in STRINGS.items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(texts[key]))
    ] == []
