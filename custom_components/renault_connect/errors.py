"""Translated errors for input the car would not take."""

from __future__ import annotations

from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN


def invalid(*, translation_key: str, **placeholders: object) -> ServiceValidationError:
    """Return the translated error of an action the car would not take."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders={
            name: str(value) for name, value in placeholders.items()
        },
    )
