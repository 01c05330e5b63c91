"""Smart charging of one car: decide each minute, and send only what changes.

The decision (smart_charging.decide) is worked out again on every battery
answer, each minute in between, and whenever the price, surplus or charger
entities change. A start or stop is sent only when the decision changes, or
when the car (or its charger) still disagrees a quarter of an hour after the
last one; what was sent is stored at once, so a restart sends nothing again.
A one-shot charge plan, while set, has the car to itself.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .car_states import is_charging, is_unplugged
from .charge_plan import PlannedCar
from .charger import LinkedCharger, entity_prices, power_kw
from .cloud_time import cloud_time
from .const import (
    CONF_MAX_PRICE,
    CONF_PRICE_ENTITY,
    CONF_SURPLUS_ENTITY,
    CONF_SURPLUS_THRESHOLD,
    DEFAULT_SURPLUS_THRESHOLD,
    LOGGER,
)
from .errors import invalid
from .schedule_hold import HeldCar, ScheduleHold
from .smart_charging import (
    CarNow,
    SmartDecision,
    SmartInputs,
    SmartMode,
    SmartSettings,
    decide,
)
from .storage import SmartChargingStore

# A car (or charger) that still disagrees this long after an order gets it again.
RESEND_AFTER = timedelta(minutes=15)
# ...at most this many times for one decision.
MOST_ORDERS = 3


def _moment(stored: str | None) -> datetime | None:
    """Read a stored moment."""
    return dt_util.parse_datetime(stored) if stored else None


class SmartCar(PlannedCar, HeldCar, Protocol):
    """A car, as smart charging drives it (and as its plan does)."""

    @property
    def charger(self) -> LinkedCharger | None:
        """Return the charger linked in the car's options."""

    @property
    def settings(self) -> Mapping[str, Any]:
        """Return the car's options."""

    @property
    def battery_capacity(self) -> float | None:
        """Return the usable battery size (kWh)."""

    @property
    def has_plan(self) -> bool:
        """Tell whether a one-shot charge plan is set."""

    def battery_data(self) -> Any:
        """Return the battery's last answer."""

    def battery_level_now(self) -> float | None:
        """Return the battery level now: the estimate while charging."""

    def async_follow_charge(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call back on each battery answer and each minute."""


class SmartCharger:
    """Drives one car's charge from its smart-charging settings."""

    def __init__(self, car: SmartCar, store: SmartChargingStore) -> None:
        """Drive the car; its settings are read in async_start."""
        self.car = car
        self.store = store
        self.settings = SmartSettings()
        self.decision: SmartDecision | None = None
        self._order: bool | None = None
        self._sent_at: datetime | None = None
        self._committed_until: datetime | None = None
        """The end of the window smart charging started a charge for."""
        self._orders = 0
        self._sending = False
        self._listeners: list[CALLBACK_TYPE] = []
        self.hold = ScheduleHold(car, self._async_save)
        """The car's own schedule, for cars only it can stop."""

    @property
    def has_stored_hold(self) -> bool:
        """Tell whether the car's schedule is held (stored before a restart)."""
        return bool(self.store.cars.get(self.car.vin, {}).get("hold"))

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call the listener after each decision."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Read the stored settings and follow everything the decision reads."""
        stored = self.store.cars.get(self.car.vin, {})
        self.settings = SmartSettings.from_dict(stored.get("settings", {}))
        self._order = stored.get("order")
        self._sent_at = _moment(stored.get("sent_at"))
        self._committed_until = _moment(stored.get("committed_until"))
        self.hold.restore(stored.get("hold"))
        unsubs = [self.car.async_follow_charge(self.async_update)]
        if charger := self.car.charger:
            unsubs.append(charger.async_follow(self.async_update))
        watched = [
            entity
            for entity in (
                self.car.settings.get(CONF_PRICE_ENTITY),
                self.car.settings.get(CONF_SURPLUS_ENTITY),
            )
            if entity
        ]
        if watched:

            @callback
            def changed(_event: Event[EventStateChangedData]) -> None:
                self.async_update()

            unsubs.append(
                async_track_state_change_event(self.car.hass, watched, changed)
            )
        self.async_update()

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()

        return stop

    async def async_set(self, **changes: Any) -> None:
        """Change settings (mode, departure, levels), store them, and decide again."""
        settings = replace(self.settings, **changes)
        if settings.mode is SmartMode.SOLAR and self.hold.drives:
            raise invalid(translation_key="solar_needs_stop")
        if settings.minimum_level > settings.target_level:
            raise invalid(
                translation_key="minimum_above_target",
                minimum=settings.minimum_level,
                target=settings.target_level,
            )
        previous, self.settings = self.settings, settings
        if settings.mode is SmartMode.OFF and previous.mode is not SmartMode.OFF:
            await self._async_hand_back()
        await self._async_save()
        self.async_update()

    async def _async_hand_back(self) -> None:
        """Smart charging is off: a charger it paused lets the car charge again.

        A schedule it holds is given back by the next update, in the background.
        """
        charger = self.car.charger
        paused_by_us = self._order is False
        self._order, self._sent_at, self._orders = None, None, 0
        if charger is not None and paused_by_us and charger.is_on is False:
            await charger.async_allow(charging=True)

    async def _async_save(self) -> None:
        """Store the settings and the last order at once."""
        await self.store.async_save(
            self.car.vin,
            {
                "settings": self.settings.as_dict(),
                "order": self._order,
                "sent_at": self._sent_at.isoformat() if self._sent_at else None,
                "committed_until": (
                    self._committed_until.isoformat() if self._committed_until else None
                ),
                "hold": self.hold.as_dict(),
            },
        )

    def _inputs(self) -> SmartInputs:
        """Read the price and surplus entities named in the car's options."""
        hass, settings = self.car.hass, self.car.settings
        surplus = power_kw(hass, settings.get(CONF_SURPLUS_ENTITY))
        max_price = settings.get(CONF_MAX_PRICE)
        return SmartInputs(
            slots=entity_prices(hass, settings.get(CONF_PRICE_ENTITY)),
            max_price=None if max_price is None else float(max_price),
            surplus_w=None if surplus is None else surplus * 1000,
            threshold_w=float(
                settings.get(CONF_SURPLUS_THRESHOLD, DEFAULT_SURPLUS_THRESHOLD)
            ),
        )

    def _observed(self) -> tuple[bool | None, datetime | None]:
        """Return whether the car charges (or its charger allows it), and since when."""
        if (charger := self.car.charger) is not None:
            return charger.is_on, dt_util.utcnow()
        data = self.car.battery_data()
        if data is None:
            return None, None
        return is_charging(data), cloud_time(data.timestamp, dt_util.utcnow())

    @callback
    def async_update(self) -> None:
        """Decide again; send a start or stop, or a schedule, if the decision asks."""
        self.decision = self._decide()
        for listener in list(self._listeners):
            listener()
        if self._sending or self.car.has_plan:
            return
        now = dt_util.utcnow()
        if self.hold.state is not None and (
            self.settings.mode is SmartMode.OFF or not self.hold.drives
        ):
            if self.hold.due(now):
                self._send(self.hold.async_release(), "smart charging hands back")
            return
        data = self.car.battery_data()
        if self.decision is None or data is None:
            return
        if is_unplugged(data):
            # Nothing to drive: the next plug-in is decided afresh.
            self._order, self._orders = None, 0
            return
        if self.hold.drives:
            if self.hold.needs_write(self.decision, now):
                self._send(
                    self.hold.async_follow(self.decision, self.settings.departure, now),
                    "smart charging",
                )
            return
        want = self.decision.charge_now
        if self._needs_order(want):
            self._send(self._async_order(want), "smart charging")

    def _send(self, work: Coroutine[Any, Any, object], name: str) -> None:
        """Run a write in the background, one at a time."""
        self._sending = True

        async def run() -> None:
            try:
                await work
            finally:
                self._sending = False

        self.car.async_run_in_background(run(), name)

    def _needs_order(self, want: bool) -> bool:  # noqa: FBT001 - the decision
        """Tell whether the car (or charger) must be told to start or stop."""
        observed, seen_at = self._observed()
        if want != self._order:
            self._orders = 0
            if observed is want:
                # Already as wanted: remember it, send nothing.
                self._order = want
                return False
            return True
        if observed is None or observed is want or self._orders >= MOST_ORDERS:
            return False
        if self._sent_at is None:
            return True
        return (
            dt_util.utcnow() - self._sent_at >= RESEND_AFTER
            and seen_at is not None
            and seen_at > self._sent_at
        )

    def _decide(self) -> SmartDecision | None:
        """Work out the decision (None: smart charging is off or lacks a figure)."""
        if self.settings.mode is SmartMode.OFF:
            return None
        level = self.car.battery_level_now()
        capacity = self.car.battery_capacity
        if level is None or capacity is None:
            return None
        observed, _ = self._observed()
        power = self.car.charging_power.kw
        car = CarNow(
            level=level,
            power_kw=power,
            capacity_kwh=capacity,
            charging_w=power * 1000 if observed and self._order else 0.0,
        )
        now = dt_util.utcnow()
        return decide(self.settings, now, car, self._inputs(), self._committed(now))

    def _committed(self, now: datetime) -> datetime | None:
        """Return the end of the window a running charge was started for."""
        if self.hold.drives:
            return self.hold.running_until(now)
        return self._committed_until if self._order else None

    async def _async_order(self, charging: bool) -> None:  # noqa: FBT001
        """Start or stop the charge, and record it before anything else happens."""
        self._order, self._sent_at = charging, dt_util.utcnow()
        self._orders += 1
        decision = self.decision
        self._committed_until = (
            decision.next_stop if charging and decision is not None else None
        )
        try:
            await self._async_save()
            control = self.car.charge_control
            LOGGER.info(
                "%s: smart charging %s the charge",
                self.car.log_name,
                "starts" if charging else "stops",
            )
            if charging:
                await control.async_start(prefer_charger=True)
            else:
                await control.async_stop(prefer_charger=True)
        except HomeAssistantError as err:
            LOGGER.warning("%s: smart charging: %s", self.car.log_name, err)

    @property
    def control(self) -> str | None:
        """Return how smart charging starts and stops the car (None: it cannot)."""
        if self.car.charger is not None:
            return "charger"
        if self.hold.drives:
            return "car_schedule"
        control = self.car.charge_control
        return "car_commands" if control.can_start and control.can_stop else None

    @property
    def attributes(self) -> dict[str, Any]:
        """Return the plan's details for the next-start sensor."""
        decision = self.decision
        if decision is None:
            return {}
        return {
            "control": self.control,
            "departure": decision.departure.isoformat(),
            "reaches_target": decision.reaches_target,
            "uses_prices": decision.has_prices,
            "slots": [
                {"start": window.start.isoformat(), "end": window.end.isoformat()}
                for window in decision.windows
            ],
        }
