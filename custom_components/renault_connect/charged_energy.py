"""A car's charged energy in Home Assistant's long-term statistics.

Each car gets one external statistic, `renault_connect:charged_energy_<key>`
(the key is random: a statistic id is shown in the interface, a VIN must not
be), in kWh with a running sum, one row per hour: the form the Energy
dashboard takes for an individual device. Rows are rewritten from the first
hour a new or changed session touches, so a session read twice, or whose end
moved, is never counted twice, and a restart adds only the hours it missed
unless the recorder lacks what the sessions say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any, cast

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .energy import (
    HOUR,
    ChargeSession,
    Consumption,
    consumption,
    finished_sessions,
    hour_of,
    last_hour,
    merge_sessions,
    running_totals,
)
from .storage import EnergyLog

# Home Assistant 2025.11 and newer name the unit's class in the metadata.
_NAMES_UNIT_CLASS = "unit_class" in (
    StatisticMetaData.__required_keys__ | StatisticMetaData.__optional_keys__
)


class ChargedEnergy:
    """The charge sessions of one car, and the statistic built from them.

    The Energy dashboard reads a period's energy as the running sum at its
    end minus the one in the hour before it: every hour needs its row, so the
    rows go on each hour, charged or not, up to the last hour over.
    """

    def __init__(
        self, hass: HomeAssistant, log: EnergyLog, vin: str, name: str
    ) -> None:
        """Follow one car's sessions; nothing is read before async_setup."""
        self.hass = hass
        self._log = log
        self._vin = vin
        self._name = name
        self._sessions: list[ChargeSession] = []
        self._written_until: datetime | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def statistic_id(self) -> str:
        """Return the id of the car's statistic."""
        return f"{DOMAIN}:charged_energy_{self._log.statistic_key(self._vin)}"

    @property
    def sessions(self) -> list[ChargeSession]:
        """Return every session seen, by start."""
        return list(self._sessions)

    @property
    def total_kwh(self) -> float | None:
        """Return the energy of every session seen (None: none yet)."""
        if not self._sessions:
            return None
        return round(sum(session.energy_kwh for session in self._sessions), 3)

    async def async_setup(self) -> CALLBACK_TYPE:
        """Read the kept sessions and catch the statistic up; return its stop.

        Rows missing since the last run are added; all are written again if
        the recorder's total differs from the sessions' (a lost write).
        """
        self._sessions = self._log.sessions(self._vin)
        if not self._recording:
            return lambda: None
        if self._sessions:
            last = await get_instance(self.hass).async_add_executor_job(
                partial(
                    get_last_statistics,
                    self.hass,
                    1,
                    self.statistic_id,
                    convert_units=False,
                    types={"sum"},
                )
            )
            [row] = last.get(self.statistic_id) or [{}]
            since = self._sessions[0].start
            if row.get("sum") == self.total_kwh and "start" in row:
                since = dt_util.utc_from_timestamp(row["start"])
            else:
                LOGGER.debug("Writing a car's charged energy statistic again")
            self._async_write(since)
        return async_track_utc_time_change(
            self.hass, self._async_on_hour, minute=0, second=30
        )

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` when the sessions change."""
        self._listeners.append(update)
        return lambda: self._listeners.remove(update)

    @callback
    def async_on_charges(self, listed: Iterable[Mapping[str, Any]]) -> None:
        """Take the sessions of a charges answer; write what they change."""
        sessions, changed_from = merge_sessions(
            self._sessions, finished_sessions(listed)
        )
        if changed_from is None:
            return
        self._sessions = sessions
        self._log.async_keep(self._vin, sessions)
        self._async_write(changed_from)
        self._async_notify()

    @callback
    def async_on_mileage(self, km: float | None) -> None:
        """Keep today's mileage (for the consumption)."""
        if km is None or km <= 0:
            return
        self._log.async_keep_mileage(self._vin, dt_util.now().date(), km)
        self._async_notify()

    @property
    def consumption(self) -> Consumption:
        """Return what the car used over the last 30 days."""
        return consumption(
            self._sessions, self._log.mileage(self._vin), dt_util.now().date()
        )

    @callback
    def _async_notify(self) -> None:
        """Tell the sensors."""
        for update in list(self._listeners):
            update()

    @property
    def _recording(self) -> bool:
        """Tell whether Home Assistant keeps statistics here."""
        return "recorder" in self.hass.config.components

    @callback
    def _async_on_hour(self, now: datetime) -> None:
        """Add the row of the hour just over."""
        if self._written_until is not None:
            self._async_write(min(self._written_until + HOUR, hour_of(now) - HOUR))

    @callback
    def _async_write(self, since: datetime) -> None:
        """Write the rows from `since` to the last hour over (or charged in)."""
        if not self._sessions or not self._recording:
            return
        until = max(
            hour_of(dt_util.utcnow()) - HOUR,
            last_hour(self._sessions) or since,
            self._written_until or since,
        )
        metadata: dict[str, Any] = {
            "mean_type": StatisticMeanType.NONE,
            "has_sum": True,
            "name": self._name,
            "source": DOMAIN,
            "statistic_id": self.statistic_id,
            "unit_of_measurement": UnitOfEnergy.KILO_WATT_HOUR,
        }
        if _NAMES_UNIT_CLASS:  # pragma: no cover - Home Assistant 2025.11 and newer
            metadata["unit_class"] = "energy"
        async_add_external_statistics(
            self.hass,
            cast("StatisticMetaData", metadata),
            [
                StatisticData(start=row.start, state=row.total_kwh, sum=row.total_kwh)
                for row in running_totals(self._sessions, hour_of(since), until)
            ],
        )
        self._written_until = until
