"""Charge plans: charge once, from a start time to a stop time or a battery level."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .car_models import BATTERY, ModelProfile
from .car_states import is_charging
from .charge_control import ChargeControl
from .charge_estimate import ChargingPower, level_after
from .const import LOGGER
from .errors import invalid
from .storage import PlanStore


class PlanRead(Protocol):
    """An endpoint of the car, as a plan reads it."""

    @property
    def data(self) -> Any:
        """Return the endpoint's last answer."""

    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Call back after each answer; return what stops it."""


class PlannedCar(Protocol):
    """A car, as its charge plan drives it."""

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""

    @property
    def vin(self) -> str:
        """Return the vehicle identification number (the plan's key)."""

    @property
    def log_name(self) -> str:
        """Return the car's name in logs (no VIN, no plate)."""

    @property
    def profile(self) -> ModelProfile:
        """Return the car's model profile."""

    @property
    def coordinators(self) -> Mapping[str, PlanRead]:
        """Return the car's endpoints."""

    @property
    def charging_power(self) -> ChargingPower:
        """Return the power the car charges at, or is expected to."""

    @property
    def charge_control(self) -> ChargeControl:
        """Return what starts and stops the car's charge."""

    def async_watch(self, endpoint: str, confirmed: Callable[[Any], bool]) -> None:
        """Re-read an endpoint until the car confirms a command."""

    def async_run_in_background(
        self, work: Coroutine[Any, Any, None], name: str
    ) -> None:
        """Run work of the car's entry without anyone waiting for it."""


# A plan up to a level that started this long ago is over, whatever happened.
LEVEL_PLAN_LIFETIME = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class ChargePlan:
    """One charge: when it starts, and when or at which level it stops."""

    start: datetime
    stop: datetime | None = None
    target_level: int | None = None
    started: datetime | None = None
    """When the start was sent: a plan starts once, whatever restarts come."""
    charged: bool = False
    """The car was seen charging since: once it stops, the plan is over."""

    def as_dict(self) -> dict[str, Any]:
        """Return the plan as stored."""
        return {
            "start": self.start.isoformat(),
            "stop": self.stop.isoformat() if self.stop else None,
            "target_level": self.target_level,
            "started": self.started.isoformat() if self.started else None,
            "charged": self.charged,
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> ChargePlan:
        """Read a stored plan."""
        stop = stored.get("stop")
        started = stored.get("started")
        return cls(
            start=datetime.fromisoformat(stored["start"]),
            stop=datetime.fromisoformat(stop) if stop else None,
            target_level=stored.get("target_level"),
            started=datetime.fromisoformat(started) if started else None,
            charged=bool(stored.get("charged")),
        )

    def is_over(self, now: datetime) -> bool:
        """Tell whether nothing is left to do (nor worth doing late)."""
        if self.started is None:
            # Never started: too late once its stop has passed.
            return self.stop is not None and self.stop <= now
        # Started: a stop time still has its command to send, even late; a
        # level is not waited for forever.
        return self.stop is None and now - self.started >= LEVEL_PLAN_LIFETIME


class ChargePlanner:
    """Carries out a vehicle's charge plan: start, then stop at a time or level."""

    def __init__(self, vehicle: PlannedCar, store: PlanStore) -> None:
        """Plan for one vehicle."""
        self.vehicle = vehicle
        self.store = store
        self.plan: ChargePlan | None = None
        self._timers: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []

    @property
    def can_plan(self) -> bool:
        """Tell whether the car can start and stop a charge remotely.

        Every plan ends (at a time or a level), so a car that cannot stop a
        charge through the cloud gets none, nor the sensors that show one.
        """
        control = self.vehicle.charge_control
        return control.can_start and control.can_stop

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call the listener whenever the plan changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def async_restore(self) -> None:
        """Take back a plan saved before a restart, if something is left to do.

        A plan whose start passed while Home Assistant was stopped starts
        now, once; one that started already never starts again (its stop, if
        it has passed meanwhile, is sent now, once).
        """
        if (stored := self.store.plans.get(self.vehicle.vin)) is None:
            return
        plan = ChargePlan.from_dict(stored)
        if plan.is_over(dt_util.utcnow()):
            await self.store.async_save(self.vehicle.vin, None)
            return
        self._arm(plan)

    async def async_set(
        self,
        start: datetime,
        stop: datetime | None = None,
        target_level: int | None = None,
    ) -> None:
        """Check and replace the vehicle's plan."""
        now = dt_util.utcnow()
        if not self.vehicle.charge_control.can_start:
            raise invalid(translation_key="plan_not_supported")
        if (stop is None) == (target_level is None):
            raise invalid(translation_key="plan_needs_stop_or_level")
        if stop is not None and stop <= max(start, now):
            raise invalid(translation_key="plan_stop_before_start")
        if not self.vehicle.charge_control.can_stop:
            raise invalid(translation_key="plan_needs_charge_stop")
        if target_level is not None and (
            (level := self._battery_level()) is not None and target_level <= level
        ):
            raise invalid(translation_key="plan_level_reached", level=str(level))
        plan = ChargePlan(start=max(start, now), stop=stop, target_level=target_level)
        self.async_cancel_timers()
        await self.store.async_save(self.vehicle.vin, plan.as_dict())
        self._arm(plan)

    async def async_cancel(self) -> None:
        """Drop the plan (a charge already started keeps going)."""
        self.async_cancel_timers()
        self.plan = None
        await self.store.async_save(self.vehicle.vin, None)
        self._notify()

    @callback
    def async_cancel_timers(self) -> None:
        """Stop waiting for the plan's moments (unload, or a new plan)."""
        while self._timers:
            self._timers.pop()()

    def estimated_final_level(self, capacity_kwh: float | None) -> float | None:
        """Estimate the battery level when the plan ends."""
        plan = self.plan
        if plan is None:
            return None
        if plan.target_level is not None:
            return float(plan.target_level)
        level = self._battery_level()
        if level is None or capacity_kwh is None or plan.stop is None:
            return None
        power = self.vehicle.charging_power.kw
        return level_after(level, plan.stop - plan.start, power, capacity_kwh)

    def _battery_level(self) -> float | None:
        """Return the last battery level the car reported."""
        coordinator = self.vehicle.coordinators.get(BATTERY)
        data = coordinator.data if coordinator else None
        level: float | None = getattr(data, "batteryLevel", None)
        return level

    @callback
    def _arm(self, plan: ChargePlan) -> None:
        """Wait for the plan's start, and its stop time or level."""
        self.plan = plan
        hass = self.vehicle.hass
        if plan.started is None:
            self._timers.append(
                async_track_point_in_utc_time(hass, self._async_start, plan.start)
            )
        if plan.stop is not None:
            self._timers.append(
                async_track_point_in_utc_time(hass, self._async_stop, plan.stop)
            )
        if plan.target_level is not None and (
            battery := self.vehicle.coordinators.get(BATTERY)
        ):
            self._timers.append(battery.async_add_listener(self._check_level))
        self._notify()

    async def _async_start(self, _now: datetime) -> None:
        """Start the planned charge, once: it is recorded before it is sent."""
        if (plan := self.plan) is None or plan.started is not None:
            return
        await self._async_keep(replace(plan, started=dt_util.utcnow()))
        LOGGER.info("%s: starting the planned charge", self.vehicle.log_name)
        await self._async_command(charging=True)

    async def _async_keep(self, plan: ChargePlan) -> None:
        """Make the plan's progress the current plan, and store it at once."""
        self.plan = plan
        await self.store.async_save(self.vehicle.vin, plan.as_dict())

    async def _async_stop(self, _now: datetime | None = None) -> None:
        """Stop the planned charge, and forget the plan."""
        LOGGER.info("%s: stopping the planned charge", self.vehicle.log_name)
        await self._async_command(charging=False)
        await self.async_cancel()

    @callback
    def _check_level(self) -> None:
        """Stop once the battery reached the planned level.

        A charge the car ended by itself (its own limit, the cable pulled) ends
        the plan too: nothing is sent again.
        """
        level = self._battery_level()
        plan = self.plan
        data = self.vehicle.coordinators[BATTERY].data
        if plan is None or plan.started is None or level is None or data is None:
            return
        charging = is_charging(data)
        if charging and plan.target_level is not None and level >= plan.target_level:
            self.async_cancel_timers()
            self._async_in_background(self._async_stop(), "planned stop")
        elif charging and not plan.charged:
            self._async_in_background(
                self._async_keep(replace(plan, charged=True)), "plan progress"
            )
        elif not charging and plan.charged and plan.stop is None:
            LOGGER.info(
                "%s: the car ended the planned charge at %s %%",
                self.vehicle.log_name,
                level,
            )
            self.async_cancel_timers()
            self._async_in_background(self.async_cancel(), "plan over")

    @callback
    def _async_in_background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run the plan's work without holding up the read that led to it."""
        self.vehicle.async_run_in_background(work, name)

    async def _async_command(self, *, charging: bool) -> None:
        """Start or stop the charge; a refusal is logged (nobody waits on a timer)."""
        control = self.vehicle.charge_control
        try:
            if charging:
                await control.async_start(prefer_charger=True)
            else:
                await control.async_stop(prefer_charger=True)
        except Exception as err:  # noqa: BLE001 - a timer has nobody to raise to
            action = "start_charge" if charging else "stop_charge"
            LOGGER.warning("%s: %s failed: %s", self.vehicle.log_name, action, err)

    @callback
    def _notify(self) -> None:
        """Tell the listeners the plan changed."""
        for listener in list(self._listeners):
            listener()
