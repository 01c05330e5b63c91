"""What a car's options link: its home charger, and price and surplus entities.

The price and power entities are read here, the same way wherever they serve.

Any switch works (an Easee charger's enable switch from its own integration, a
smart plug, an input boolean in tests): on lets the car charge, off pauses it.
Its power sensor, when linked, is fresher than the car's cloud.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    UnitOfPower,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import PowerConverter

from .const import CONF_CHARGER_POWER, CONF_CHARGER_SWITCH, DOMAIN
from .energy import HOUR, hour_of
from .smart_charging import PriceSlot, price_slots


def state_number(hass: HomeAssistant, entity_id: str | None) -> float | None:
    """Return an entity's state as a number (None: missing, unknown, not a number)."""
    if entity_id is None or (state := hass.states.get(entity_id)) is None:
        return None
    try:
        return float(state.state)
    except ValueError:
        return None


def power_kw(hass: HomeAssistant, entity_id: str | None) -> float | None:
    """Return a power sensor's value in kW, whatever unit it reports in."""
    value = state_number(hass, entity_id)
    if value is None or entity_id is None:
        return None
    state = hass.states.get(entity_id)
    unit = state.attributes.get("unit_of_measurement") if state else None
    if unit not in PowerConverter.VALID_UNITS:
        unit = UnitOfPower.WATT
    return PowerConverter.convert(value, unit, UnitOfPower.KILO_WATT)


def entity_prices(hass: HomeAssistant, entity_id: str | None) -> list[PriceSlot]:
    """Return a price entity's slots: its list, else its state for this hour."""
    if entity_id is None or (state := hass.states.get(entity_id)) is None:
        return []
    if slots := price_slots(state.attributes):
        return slots
    if (price := state_number(hass, entity_id)) is None:
        return []
    hour = hour_of(dt_util.utcnow())
    return [PriceSlot(hour, hour + HOUR, price)]


@dataclass(frozen=True)
class LinkedCharger:
    """The charger linked to a car in its options."""

    hass: HomeAssistant
    switch: str
    power: str | None = None

    @classmethod
    def from_settings(
        cls, hass: HomeAssistant, settings: Mapping[str, Any]
    ) -> LinkedCharger | None:
        """Return the car's charger, if its options link one."""
        if not (switch := settings.get(CONF_CHARGER_SWITCH)):
            return None
        return cls(hass, switch, settings.get(CONF_CHARGER_POWER))

    @property
    def is_on(self) -> bool | None:
        """Tell whether the charger lets the car charge (None: it does not say)."""
        state = self.hass.states.get(self.switch)
        if state is None or state.state not in (STATE_ON, STATE_OFF):
            return None
        return state.state == STATE_ON

    @property
    def power_kw(self) -> float | None:
        """Return the power the charger delivers now, if it has a power sensor."""
        return power_kw(self.hass, self.power)

    @callback
    def async_follow(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` when the switch or the power sensor changes."""
        entities = [entity for entity in (self.switch, self.power) if entity]

        @callback
        def changed(_event: Event[EventStateChangedData]) -> None:
            update()

        return async_track_state_change_event(self.hass, entities, changed)

    async def async_allow(self, *, charging: bool) -> None:
        """Let the car charge, or pause it; a charger that does not answer says so."""
        if self.is_on is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="charger_unavailable",
                translation_placeholders={"charger": self.switch},
            )
        if self.is_on is charging:
            return
        domain = self.switch.split(".", 1)[0]
        try:
            await self.hass.services.async_call(
                domain,
                SERVICE_TURN_ON if charging else SERVICE_TURN_OFF,
                {ATTR_ENTITY_ID: self.switch},
                blocking=True,
            )
        except HomeAssistantError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="charger_failed",
                translation_placeholders={"charger": self.switch, "error": str(err)},
            ) from err
