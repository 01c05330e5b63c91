"""Everything Renault Connect keeps across restarts, per config entry.

Three stores, one file each in Home Assistant's .storage folder:
- `renault_connect.<entry>.last_answers` (ReadCache): the vehicles' details,
  each endpoint's last answer, and which cars the vehicle list lately missed,
  so that a restart shows every entity at once and costs only the reads the
  plan asks for;
- `renault_connect.<entry>.capabilities` (CapabilityMemory): the endpoints a car
  refused, and when, so that they are not asked again for a day;
- `renault_connect.<entry>.charge_plans` (PlanStore): the charge plans the user
  set, written at once (a restart never loses nor repeats one);
- `renault_connect.<entry>.energy` (EnergyLog): every charge session seen,
  beyond the cloud's 30 days, the name of each car's energy statistic, each
  day's mileage for the consumption, and each hour's electricity price for
  the cost (the statistics are built from them);
- `renault_connect.<entry>.smart_charging` (SmartChargingStore): each car's
  smart-charging settings (mode, departure, levels) and the last start or
  stop it sent, written at once (a restart neither loses a setting nor sends
  a command again).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
import secrets
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .cloud import CarDetails, restore_details
from .const import DOMAIN
from .departures import Absence
from .energy import ChargeSession

STORAGE_VERSION = 1
# The last answers are written once for many, this long after the first.
SAVE_DELAY = timedelta(seconds=30)
# Daily mileages are kept this long (the consumption looks 30 days back).
MILEAGE_DAYS = 40
# Charge sessions are written this soon (seconds), once for a burst of reads.
SESSIONS_SAVE_DELAY = 1
# An endpoint the car refused is not asked again before this much time.
RETIRED_FOR = timedelta(days=1)
_VEHICLES = "vehicles"
_ENDPOINTS = "endpoints"
_ABSENCES = "absences"
_REQUESTS = "requests"

type RetiredEndpoints = dict[str, dict[str, str]]
type StoredPlans = dict[str, dict[str, Any]]
type StoredSessions = dict[str, dict[str, Any]]


def _store[T: Mapping[str, Any]](
    hass: HomeAssistant, entry_id: str, name: str
) -> Store[T]:
    """Return one of an entry's stores."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.{name}")


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
        self._store: Store[dict[str, Any]] = _store(hass, entry_id, "last_answers")
        self._data: dict[str, Any] = {_VEHICLES: {}, _ENDPOINTS: {}, _ABSENCES: {}}

    async def async_load(self) -> None:
        """Read what the last run kept."""
        if stored := await self._store.async_load():
            self._data = {_ABSENCES: {}, **stored}

    def vehicles(self) -> dict[str, CarDetails]:
        """Return the account's vehicles as last read, by VIN."""
        return restore_details(self._data[_VEHICLES])

    def requests(self) -> dict[str, Any]:
        """Return the requests the account sent lately (as its budget kept them)."""
        requests: dict[str, Any] = self._data.get(_REQUESTS, {})
        return requests

    @callback
    def async_keep_requests(self, requests: dict[str, Any]) -> None:
        """Keep the requests sent lately, written with the answers."""
        self._data[_REQUESTS] = requests
        self._async_save()

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


class CapabilityMemory:
    """Remembers, per car, the endpoints the cloud refused and when."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the memory of one config entry."""
        self._store: Store[RetiredEndpoints] = _store(hass, entry_id, "capabilities")
        self._retired: RetiredEndpoints = {}

    async def async_load(self) -> None:
        """Read what earlier runs learned."""
        self._retired = await self._store.async_load() or {}

    async def async_remove(self) -> None:
        """Forget everything (the entry is removed)."""
        await self._store.async_remove()

    def retired_at(self, vin: str, endpoint: str) -> datetime | None:
        """Return when the car refused the endpoint, if that is still recent."""
        if (when := self._retired.get(vin, {}).get(endpoint)) is None:
            return None
        retired_at = dt_util.parse_datetime(when)
        if retired_at is None or dt_util.utcnow() - retired_at > RETIRED_FOR:
            return None
        return retired_at

    async def async_retire(self, vin: str, endpoint: str) -> None:
        """Record, at once, that the car refused the endpoint (this is rare)."""
        self._retired.setdefault(vin, {})[endpoint] = dt_util.utcnow().isoformat()
        await self._store.async_save(self._retired)


class PlanStore:
    """The charge plans of an entry's vehicles, by VIN, as the planner wrote them."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the store of one entry."""
        self._store: Store[StoredPlans] = _store(hass, entry_id, "charge_plans")
        self.plans: StoredPlans = {}

    async def async_load(self) -> None:
        """Read the plans."""
        self.plans = await self._store.async_load() or {}

    async def async_save(self, vin: str, plan: dict[str, Any] | None) -> None:
        """Record (or forget) a vehicle's plan at once."""
        if plan is None:
            self.plans.pop(vin, None)
        else:
            self.plans[vin] = plan
        await self._store.async_save(self.plans)

    async def async_remove(self) -> None:
        """Forget every plan (the entry is removed)."""
        await self._store.async_remove()


class SmartChargingStore:
    """Per car of an entry, by VIN: smart-charging settings and the last order."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the store of one entry."""
        self._store: Store[StoredPlans] = _store(hass, entry_id, "smart_charging")
        self.cars: StoredPlans = {}

    async def async_load(self) -> None:
        """Read the settings."""
        self.cars = await self._store.async_load() or {}

    async def async_save(self, vin: str, car: dict[str, Any]) -> None:
        """Record a car's settings and last order at once."""
        self.cars[vin] = car
        await self._store.async_save(self.cars)

    async def async_remove(self) -> None:
        """Forget every car's settings (the entry is removed)."""
        await self._store.async_remove()


class EnergyLog:
    """Per car of an entry, by VIN: its charge sessions, statistic key and mileages."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the log of one entry."""
        self._store: Store[StoredSessions] = _store(hass, entry_id, "energy")
        self._cars: StoredSessions = {}

    async def async_load(self) -> None:
        """Read the sessions."""
        self._cars = await self._store.async_load() or {}

    def sessions(self, vin: str) -> list[ChargeSession]:
        """Return a car's sessions, by start."""
        stored = self._cars.get(vin, {}).get("sessions", [])
        return [ChargeSession.from_dict(session) for session in stored]

    def statistic_key(self, vin: str) -> str:
        """Return the key naming the car's statistic (random: never the VIN).

        A new key is kept with the car's sessions, the next time they are.
        """
        key: str = self._cars.setdefault(vin, {}).setdefault(
            "statistic", secrets.token_hex(5)
        )
        return key

    def mileage(self, vin: str) -> dict[date, float]:
        """Return the mileage of each day kept (the last one read that day)."""
        stored: dict[str, float] = self._cars.get(vin, {}).get("mileage", {})
        return {date.fromisoformat(day): km for day, km in stored.items()}

    @callback
    def async_keep_mileage(self, vin: str, day: date, km: float) -> None:
        """Keep a day's mileage, forgetting the days no consumption looks at."""
        car = self._cars.setdefault(vin, {})
        oldest = day - timedelta(days=MILEAGE_DAYS)
        car["mileage"] = {
            **{
                kept: value
                for kept, value in car.get("mileage", {}).items()
                if date.fromisoformat(kept) >= oldest
            },
            day.isoformat(): km,
        }
        self._store.async_delay_save(lambda: self._cars, SESSIONS_SAVE_DELAY)

    def prices(self, vin: str) -> dict[datetime, float]:
        """Return the price of each hour kept (what the price entity said)."""
        stored: dict[str, float] = self._cars.get(vin, {}).get("prices", {})
        return {datetime.fromisoformat(hour): price for hour, price in stored.items()}

    @callback
    def async_keep_prices(self, vin: str, prices: Mapping[datetime, float]) -> None:
        """Keep hourly prices, forgetting those older than any cost looks at."""
        car = self._cars.setdefault(vin, {})
        oldest = dt_util.utcnow() - timedelta(days=MILEAGE_DAYS)
        car["prices"] = {
            **{
                hour: price
                for hour, price in car.get("prices", {}).items()
                if datetime.fromisoformat(hour) >= oldest
            },
            **{hour.isoformat(): price for hour, price in prices.items()},
        }
        self._store.async_delay_save(lambda: self._cars, SESSIONS_SAVE_DELAY)

    @callback
    def async_keep(self, vin: str, sessions: list[ChargeSession]) -> None:
        """Record a car's sessions (written within a second)."""
        car = self._cars.setdefault(vin, {})
        car["sessions"] = [session.as_dict() for session in sessions]
        self._store.async_delay_save(lambda: self._cars, SESSIONS_SAVE_DELAY)

    async def async_save(self) -> None:
        """Write now (the entry unloads)."""
        await self._store.async_save(self._cars)

    async def async_remove(self) -> None:
        """Forget every session (the entry is removed)."""
        await self._store.async_remove()


async def async_remove_entry_storage(hass: HomeAssistant, entry_id: str) -> None:
    """Forget everything a removed entry kept."""
    await CapabilityMemory(hass, entry_id).async_remove()
    await PlanStore(hass, entry_id).async_remove()
    await ReadCache(hass, entry_id).async_remove()
    await EnergyLog(hass, entry_id).async_remove()
    await SmartChargingStore(hass, entry_id).async_remove()
