"""The last answers of the cloud, kept across restarts.

A restart then shows every entity at once with what the car last uploaded
(each value keeps its own timestamp), and costs the account's quota only the
reads the polling plan asks for: the heartbeat finds out whether the car
uploaded while Home Assistant was down, and the rest follows as usual.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .cloud import CarDetails, restore_details
from .const import DOMAIN
from .departures import Absence

STORAGE_VERSION = 1
SAVE_DELAY = timedelta(seconds=30)
_VEHICLES = "vehicles"
_ENDPOINTS = "endpoints"
_ABSENCES = "absences"


def raw_answer(data: Any) -> Any:
    """Return an answer as the cloud sent it (JSON-friendly)."""
    if isinstance(data, list):
        return [raw_answer(item) for item in data]
    return getattr(data, "raw_data", data)


class ReadCache:
    """Stores the vehicles' details and each endpoint's last answer, by VIN.

    It also keeps which cars the account's vehicle list lately missed, so that
    a restart neither forgets an absence nor turns a glitch into a departure.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the entry's store; nothing is read before async_load."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.last_answers"
        )
        self._data: dict[str, Any] = {_VEHICLES: {}, _ENDPOINTS: {}, _ABSENCES: {}}

    async def async_load(self) -> None:
        """Read what the last run kept."""
        if stored := await self._store.async_load():
            self._data = {_ABSENCES: {}, **stored}

    def vehicles(self) -> dict[str, CarDetails]:
        """Return the account's vehicles as last read, by VIN."""
        return restore_details(self._data[_VEHICLES])

    def absences(self) -> dict[str, Absence]:
        """Return the cars the vehicle list lately missed, by VIN."""
        return {
            vin: absence
            for vin, stored in self._data[_ABSENCES].items()
            if (absence := Absence.from_dict(stored)) is not None
        }

    @callback
    def async_keep_absences(self, absences: dict[str, Absence]) -> None:
        """Keep the cars the vehicle list lately missed."""
        self._data[_ABSENCES] = {
            vin: absence.as_dict() for vin, absence in absences.items()
        }
        self._async_save()

    def answer(self, vin: str, endpoint: str) -> tuple[Any, datetime] | None:
        """Return an endpoint's last answer (raw) and when it came."""
        if (kept := self._data[_ENDPOINTS].get(vin, {}).get(endpoint)) is None:
            return None
        read_at = dt_util.parse_datetime(kept["read_at"])
        if read_at is None:
            return None
        return kept["raw"], read_at

    @callback
    def async_keep_vehicles(self, vehicles: dict[str, CarDetails]) -> None:
        """Keep the account's vehicles."""
        self._data[_VEHICLES] = {
            vin: details.raw_data for vin, details in vehicles.items()
        }
        self._data[_ENDPOINTS] = {
            vin: answers
            for vin, answers in self._data[_ENDPOINTS].items()
            if vin in vehicles
        }
        self._async_save()

    @callback
    def async_keep_answer(
        self, vin: str, endpoint: str, data: Any, read_at: datetime
    ) -> None:
        """Keep an endpoint's answer."""
        self._data[_ENDPOINTS].setdefault(vin, {})[endpoint] = {
            "raw": raw_answer(data),
            "read_at": read_at.isoformat(),
        }
        self._async_save()

    async def async_save(self) -> None:
        """Write now (the entry unloads)."""
        await self._store.async_save(self._data)

    async def async_remove(self) -> None:
        """Forget everything (the entry is removed)."""
        await self._store.async_remove()

    @callback
    def _async_save(self) -> None:
        """Write soon, once for many answers."""
        self._store.async_delay_save(lambda: self._data, SAVE_DELAY.total_seconds())
