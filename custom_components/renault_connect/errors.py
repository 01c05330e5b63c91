"""Translated errors for input the car would not take."""

from __future__ import annotations

from datetime import datetime

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

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


def local_moment(moment: datetime) -> str:
    """Write a moment as the user reads a clock: local date, hours and minutes."""
    return f"{dt_util.as_local(moment):%Y-%m-%d %H:%M}"
