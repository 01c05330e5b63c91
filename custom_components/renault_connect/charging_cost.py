"""What a car's charging cost, at the prices of the price entity of its options.

Each hour's price is kept as the price entity tells it (its list of slots, or
its state for the hour it is in), for 40 days beside the charge sessions; a
session's energy, spread over the hours it ran, is priced hour by hour. A
cost is unknown while any of its hours has no price.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .charged_energy import ChargedEnergy
from .charger import entity_prices
from .energy import charging_cost, energy_by_hour
from .smart_charging import hourly_prices
from .storage import EnergyLog

PER_KWH = "/kWh"
# Sessions listed, with their costs, on the last charge cost sensor.
RECENT_SESSIONS = 10


class ChargingCost:
    """The cost of one car's charging: its last session, and this month."""

    def __init__(
        self,
        hass: HomeAssistant,
        log: EnergyLog,
        vin: str,
        energy: ChargedEnergy,
        price_entity: str,
    ) -> None:
        """Price the car's sessions with the entity's prices."""
        self.hass = hass
        self._log = log
        self._vin = vin
        self._energy = energy
        self.price_entity = price_entity
        self._listeners: list[CALLBACK_TYPE] = []

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` when prices or sessions change."""
        self._listeners.append(update)
        stop_energy = self._energy.async_add_listener(update)

        @callback
        def stop() -> None:
            self._listeners.remove(update)
            stop_energy()

        return stop

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Keep the prices the entity tells now and whenever it changes."""

        @callback
        def changed(_event: Event[EventStateChangedData]) -> None:
            self._async_keep_prices()

        self._async_keep_prices()
        return async_track_state_change_event(self.hass, self.price_entity, changed)

    @callback
    def _async_keep_prices(self) -> None:
        """Keep each hour's price from the entity's slots, or its state."""
        if prices := hourly_prices(entity_prices(self.hass, self.price_entity)):
            self._log.async_keep_prices(self._vin, prices)
            for update in list(self._listeners):
                update()

    @property
    def currency(self) -> str:
        """Return the currency: the price's unit without "/kWh", else the home's."""
        state = self.hass.states.get(self.price_entity)
        unit = str(state.attributes.get("unit_of_measurement") or "") if state else ""
        if unit.endswith(PER_KWH) and len(unit) > len(PER_KWH):
            return unit.removesuffix(PER_KWH)
        return self.hass.config.currency

    @property
    def last_session(self) -> float | None:
        """Return what the last session cost (None: none, or a price unknown)."""
        sessions = self._energy.sessions
        if not sessions:
            return None
        return charging_cost(energy_by_hour(sessions[-1:]), self._log.prices(self._vin))

    def recent_sessions(self, count: int = RECENT_SESSIONS) -> list[dict[str, Any]]:
        """Return the latest sessions, newest first, with costs (None: unknown)."""
        prices = self._log.prices(self._vin)
        return [
            {
                "start": session.start.isoformat(),
                "end": session.end.isoformat(),
                "energy_kwh": round(session.energy_kwh, 2),
                "cost": charging_cost(energy_by_hour([session]), prices),
            }
            for session in reversed(self._energy.sessions[-count:])
        ]

    @property
    def this_month(self) -> float | None:
        """Return what charging cost since the first of this month (local time)."""
        month_start = dt_util.as_utc(dt_util.start_of_local_day().replace(day=1))
        hours = {
            hour: kwh
            for hour, kwh in energy_by_hour(self._energy.sessions).items()
            if hour >= month_start
        }
        return charging_cost(hours, self._log.prices(self._vin))
