"""How cloud labels are shown to people."""

from __future__ import annotations

from .cloud import CarDetails

ROMAN_NUMERALS = frozenset({"II", "III", "IV", "V", "VI"})


def _display_word(word: str) -> str:
    """Capitalise one word of a label, keeping roman numerals upper case."""
    if word in ROMAN_NUMERALS:
        return word
    return "-".join(part.capitalize() for part in word.split("-"))


def display_label(label: str | None) -> str | None:
    """Turn a cloud label such as "MEGANE E-TECH" into "Megane E-Tech"."""
    if not label:
        return None
    return " ".join(_display_word(word) for word in label.split())


def vehicle_label(details: CarDetails) -> str:
    """Describe a vehicle for people: brand, model and plate."""
    name = " ".join(
        part
        for part in (
            display_label(details.get_brand_label()),
            display_label(details.get_model_label()),
        )
        if part
    )
    if details.registrationNumber:
        return (
            f"{name} ({details.registrationNumber})"
            if name
            else details.registrationNumber
        )
    return name or (details.vin or "")
