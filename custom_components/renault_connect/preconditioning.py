"""The preconditioning temperatures the cloud takes: one rule for every path."""

from __future__ import annotations

from .const import MAX_HVAC_TEMPERATURE, MIN_HVAC_TEMPERATURE
from .schedules import invalid

# The cloud takes preconditioning temperatures in half degrees.
TEMPERATURE_STEP = 0.5


def check_hvac_temperature(temperature: float) -> None:
    """Refuse a preconditioning temperature the cloud would not take.

    The climate entity and the start_preconditioning action both ask here, so
    that neither accepts what the other refuses.
    """
    if (
        not MIN_HVAC_TEMPERATURE <= temperature <= MAX_HVAC_TEMPERATURE
        or temperature % TEMPERATURE_STEP
    ):
        raise invalid(
            translation_key="service_temperature_invalid",
            temperature=f"{temperature:g}",
            min=f"{MIN_HVAC_TEMPERATURE:g}",
            max=f"{MAX_HVAC_TEMPERATURE:g}",
        )
