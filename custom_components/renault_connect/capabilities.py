"""What the cloud told about each car's endpoints, kept across restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN

STORAGE_VERSION = 1
# An endpoint the car refused is not asked again before this much time.
RETIRED_FOR = timedelta(days=1)

type RetiredEndpoints = dict[str, dict[str, str]]


class CapabilityMemory:
    """Remembers, per car, the endpoints the cloud refused and when."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the memory of one config entry."""
        self._store: Store[RetiredEndpoints] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.capabilities"
        )
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
