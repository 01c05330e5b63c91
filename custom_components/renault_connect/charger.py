"""What a car's options link: its home charger, and price and surplus entities.

The price and power entities are read here, the same way wherever they serve.

Any switch works (an Easee charger's enable switch from its own integration, a
smart plug, an input boolean in tests): on lets the car charge, off pauses it.
Its power sensor, when linked, is fresher than the car's cloud.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    UnitOfEnergy,
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
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    EnergyConverter,
    PowerConverter,
)

from .charge_estimate import (
    LEARNED_EFFICIENCIES,
    MeterSample,
    efficiency_between,
    learned_efficiency,
    meter_at,
)
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


def _in_unit(
    hass: HomeAssistant,
    entity_id: str | None,
    converter: type[BaseUnitConverter],
    units: tuple[str, str],
) -> float | None:
    """Return a sensor's value in `units[1]`; a unit it does not say is `units[0]`."""
    value = state_number(hass, entity_id)
    if value is None or entity_id is None:
        return None
    state = hass.states.get(entity_id)
    unit = state.attributes.get("unit_of_measurement") if state else None
    if unit not in converter.VALID_UNITS:
        unit = units[0]
    return converter.convert(value, unit, units[1])


def power_kw(hass: HomeAssistant, entity_id: str | None) -> float | None:
    """Return a power sensor's value in kW (W when it does not say)."""
    return _in_unit(
        hass,
        entity_id,
        PowerConverter,
        (UnitOfPower.WATT, UnitOfPower.KILO_WATT),
    )


def energy_kwh(hass: HomeAssistant, entity_id: str | None) -> float | None:
    """Return an energy sensor's value in kWh (kWh when it does not say)."""
    return _in_unit(
        hass,
        entity_id,
        EnergyConverter,
        (UnitOfEnergy.KILO_WATT_HOUR, UnitOfEnergy.KILO_WATT_HOUR),
    )


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
    def on_since(self) -> datetime | None:
        """Return when the charger last let the car charge (None: it does not)."""
        state = self.hass.states.get(self.switch)
        return state.last_changed if state and state.state == STATE_ON else None

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


# The meter's values are kept this long (a charge between two reads is shorter).
METER_MEMORY = timedelta(hours=24)


class ChargerMeter:
    """The home charger's energy meter: what it counted since a battery reading.

    Its values are followed in memory; after a restart, the estimate uses the
    power until the next reading. Successive readings of a charge teach the
    share of the metered energy that reaches the battery.
    """

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Follow one energy sensor."""
        self.hass = hass
        self.entity_id = entity_id
        self.samples: list[MeterSample] = []
        self.shares: list[float] = []
        """The share learned from each recent charge, oldest first."""
        self._learned_from: tuple[float, datetime] | None = None
        """The first reading of the charge the last share was learned from."""

    @property
    def kwh(self) -> float | None:
        """Return what the meter shows now."""
        return energy_kwh(self.hass, self.entity_id)

    @property
    def efficiency(self) -> float:
        """Return the share of metered energy that reaches the battery."""
        return learned_efficiency(self.shares)

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Record the meter's value now and at each change."""
        self._async_record()

        @callback
        def changed(_event: Event[EventStateChangedData]) -> None:
            self._async_record()

        return async_track_state_change_event(self.hass, [self.entity_id], changed)

    @callback
    def _async_record(self) -> None:
        """Keep the value shown now (when it moved), and a day of values before."""
        if (kwh := self.kwh) is None:
            return
        if self.samples and self.samples[-1].kwh == kwh:
            return
        now = dt_util.utcnow()
        # The last value before the day stays: it is still the meter's then.
        first_recent = bisect_left(
            self.samples, now - METER_MEMORY, key=lambda sample: sample.at
        )
        del self.samples[: max(first_recent - 1, 0)]
        self.samples.append(MeterSample(now, kwh))

    def gained_since(self, moment: datetime, capacity_kwh: float) -> float | None:
        """Return the battery level (points) the meter counted since a moment.

        None when not known: no value that early, or a meter that went back.
        """
        then, now = meter_at(self.samples, moment), self.kwh
        if then is None or now is None or now < then:
            return None
        return (now - then) * self.efficiency / capacity_kwh * 100

    def learn(
        self,
        first: tuple[float, datetime],
        latest: tuple[float, datetime],
        capacity_kwh: float,
    ) -> None:
        """Learn from the first and latest readings of a charge.

        Readings are often whole numbers: the span from the first reading
        grows with the charge, and so does what its share is worth. One share
        per charge: a later reading of the same charge replaces its share.
        """
        metered = [meter_at(self.samples, at) for _, at in (first, latest)]
        if metered[0] is None or metered[1] is None:
            return
        share = efficiency_between(
            (first[0], latest[0]), metered[1] - metered[0], capacity_kwh
        )
        if share is None:
            return
        kept = self.shares[:-1] if self._learned_from == first else self.shares
        self.shares = [*kept, share][-LEARNED_EFFICIENCIES:]
        self._learned_from = first
