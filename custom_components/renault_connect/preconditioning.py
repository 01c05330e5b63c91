"""Preconditioning: the temperatures the cloud takes, and whether it runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .car_models import HVAC_SESSIONS, HVAC_STATUS, Field, ModelProfile
from .car_states import HVAC_STATES, enum_state
from .const import MAX_HVAC_TEMPERATURE, MIN_HVAC_TEMPERATURE
from .errors import invalid
from .request_budget import Priority, Timing


class PreconditioningRead(Protocol):
    """An endpoint of the car, as preconditioning uses it."""

    def async_update_listeners(self) -> None:
        """Show the endpoint's entities again."""

    def async_read_soon(self, timing: Timing) -> None:
        """Book a read outside the usual rhythm."""


class PreconditionedCar(Protocol):
    """A car, as preconditioning follows it."""

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""

    @property
    def profile(self) -> ModelProfile:
        """Return the car's model profile."""

    @property
    def coordinators(self) -> Mapping[str, PreconditioningRead]:
        """Return the car's endpoints."""

    def async_watch(
        self,
        endpoint: str,
        confirmed: Callable[[Any], bool],
        on_done: Callable[[bool], None] | None = None,
    ) -> None:
        """Re-read an endpoint until the car confirms a command."""


# The car's record of a preconditioning is read this long after it ended.
SESSIONS_AFTER_END = Timing(timedelta(minutes=5), Priority.BACKGROUND)
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


class PreconditioningState:
    """Whether a car preconditions: its own word, or what was sent to it.

    Most cars say it in hvac-status, and a command is followed by re-reads
    until they do. Where the model's status is known to be wrong (the Zoe
    phase 1 always says off), re-reading is useless: preconditioning is taken
    to run from the start sent for the model's duration, or until a stop sent.
    """

    def __init__(self, vehicle: PreconditionedCar) -> None:
        """Follow one car."""
        self.vehicle = vehicle
        self._trusted = vehicle.profile.trusts(Field.HVAC_STATUS)
        self._runs: tuple[datetime, datetime] | None = None
        self._seen_running = False
        self._unsub_start: CALLBACK_TYPE | None = None
        self._unsub_end: CALLBACK_TYPE | None = None
        self.pending: bool | None = None
        """A start (True) or stop (False) sent, that the car has not shown yet."""
        self.target_temperature: float | None = None
        """The temperature last asked for (an action, or the climate entity)."""

    def is_running(self, data: Any) -> bool | None:
        """Tell whether preconditioning runs now (None: the car does not say)."""
        if self._trusted:
            if self.pending is not None:
                # The command shows at once; the car confirms in about 30 s.
                return self.pending
            return enum_state(
                HVAC_STATES, getattr(data, "hvacStatus", None), "climate state"
            )
        if self._runs is None:
            return False
        start, end = self._runs
        return start <= dt_util.utcnow() < end

    @callback
    def async_sent(
        self,
        *,
        running: bool,
        start: datetime | None = None,
        temperature: float | None = None,
    ) -> None:
        """Follow a start (now or at ``start``) or a stop the cloud accepted."""
        if temperature is not None:
            self.target_temperature = temperature
        if self._trusted:
            if start is None:
                expected = "on" if running else "off"
                self.pending = running
                self.vehicle.async_watch(
                    HVAC_STATUS,
                    lambda data: data.hvacStatus == expected,
                    self._async_settled,
                )
            self._async_changed(None)
            return
        self.async_cancel()
        if running:
            begin = start or dt_util.utcnow()
            end = begin + self.vehicle.profile.row.preconditioning_duration
            self._runs = (begin, end)
            hass = self.vehicle.hass
            self._unsub_end = async_track_point_in_utc_time(
                hass, self._async_ended, end
            )
            if start is not None:
                self._unsub_start = async_track_point_in_utc_time(
                    hass, self._async_changed, start
                )
        self._async_changed(None)

    @callback
    def _async_settled(self, _confirmed: bool) -> None:  # noqa: FBT001 - a watch's callback
        """Show the car's own word again: it confirmed the command, or never did."""
        self.pending = None
        self._async_changed(None)

    @callback
    def async_on_status(self, data: Any) -> None:
        """Read the car's record soon after a preconditioning it reported ended."""
        running = self.is_running(data) is True
        if self._trusted and self._seen_running and not running:
            self._async_read_sessions()
        self._seen_running = running

    @callback
    def _async_ended(self, now: datetime) -> None:
        """End a preconditioning known from what was sent, and read its record."""
        self._async_changed(now)
        self._async_read_sessions()

    @callback
    def _async_read_sessions(self) -> None:
        """Read the preconditioning sessions a little after one ended."""
        if (sessions := self.vehicle.coordinators.get(HVAC_SESSIONS)) is not None:
            sessions.async_read_soon(SESSIONS_AFTER_END)

    @callback
    def _async_changed(self, _now: datetime | None) -> None:
        """Show the change on the entities that read hvac-status."""
        if (coordinator := self.vehicle.coordinators.get(HVAC_STATUS)) is not None:
            coordinator.async_update_listeners()

    @callback
    def async_cancel(self) -> None:
        """Forget the estimate and its timers (a stop, or the entry unloads)."""
        self._runs = None
        for unsub in (self._unsub_end, self._unsub_start):
            if unsub is not None:
                unsub()
        self._unsub_end = self._unsub_start = None
