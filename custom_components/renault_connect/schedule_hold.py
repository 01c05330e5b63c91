"""Smart charging through the car's own schedule: take it, follow plans, give it back.

For a car the cloud cannot stop and without a linked charger, smart charging
writes its windows as the car's charge schedule (see held_schedules). The
user's own charge settings are read afresh and stored before anything is
written; they are written back, exactly, when smart charging is turned off or
a charger takes over. While smart charging holds them, the user's changes to
what it holds are refused with a translated error (a KCM car's programs stay
the user's to change). What it wrote and the user's settings survive a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta, tzinfo
from typing import Any, Protocol

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .car_models import CHARGE_SCHEDULE, CHARGING_SETTINGS, CarCommand, ModelProfile
from .car_schedules import (
    KCA_CHARGE_SCHEDULES,
    KCA_TIME_STEP,
    KCM_TIME_STEP,
    MAX_SCHEDULES,
    Schedule,
    charge_mode_command,
    kcm_document,
)
from .car_states import CHARGE_MODES
from .charge_control import ChargeControl
from .charger import LinkedCharger
from .commands import CommandTarget, async_send, send_ev_settings
from .const import DOMAIN, LOGGER
from .errors import invalid
from .held_schedules import (
    KCM_FIELDS,
    KCM_IDLE_RENEW,
    HeldState,
    HoldKind,
    charge_program,
    has_charge_program,
    kca_saved,
    kca_schedules,
    kcm_fields,
    kcm_known_fields,
    kcm_restored,
    kcm_saved,
    kcm_window,
    kcm_with_program,
    rounded_windows,
    same_windows,
    trimmed,
)
from .smart_charging import ChargeWindow, SmartDecision
from .writes import CarWriter, Overlay, Write

# The action named in errors and logs.
ACTION = "smart_charging"
# A write the cloud refused is tried again after this long.
RETRY_AFTER = timedelta(minutes=15)
# The user's settings are read at most this many times for two answers to agree.
SETTLING_READS = 3


class HeldCar(CommandTarget, Protocol):
    """A car, as smart charging holds its schedule."""

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""

    @property
    def log_name(self) -> str:
        """Return the car's name in logs (no VIN, no plate)."""

    @property
    def profile(self) -> ModelProfile:
        """Return the car's model profile."""

    @property
    def coordinators(self) -> Mapping[str, Any]:
        """Return the car's endpoints."""

    @property
    def writer(self) -> CarWriter:
        """Return the car's write path."""

    @property
    def charger(self) -> LinkedCharger | None:
        """Return the charger linked in the car's options."""

    @property
    def charge_control(self) -> ChargeControl:
        """Return what starts and stops the car's charge."""


def _mode(state: HeldState) -> str | None:
    """Return the user's car-adapter charge mode, as kept."""
    return CHARGE_MODES.get(state.saved.get("mode") or "")


def _kcm_confirmed(data: Any, payload: Mapping[str, Any]) -> bool:
    """Tell whether ev/settings shows the fields and programs sent."""
    return all(data.get(key) == payload.get(key) for key in (*KCM_FIELDS, "programs"))


class ScheduleHold:
    """Holds one car's charge schedule for smart charging, and hands it back."""

    def __init__(self, car: HeldCar, save: Callable[[], Awaitable[None]]) -> None:
        """Hold the car's schedule; `save` stores the smart-charging state at once."""
        self.car = car
        self._save = save
        self.state: HeldState | None = None
        self._failed_at: datetime | None = None

    @property
    def kind(self) -> HoldKind | None:
        """Return where the car keeps a schedule smart charging can write."""
        car = self.car
        if car.profile.charge_settings_document and CHARGE_SCHEDULE in car.coordinators:
            return HoldKind.KCM
        if (
            CHARGING_SETTINGS in car.coordinators
            and car.profile.accepts(CarCommand.SET_CHARGE_SCHEDULE)
            and car.profile.accepts(CarCommand.SET_CHARGE_MODE)
        ):
            return HoldKind.KCA
        return None

    @property
    def drives(self) -> bool:
        """Tell whether smart charging drives the car through its schedule."""
        car = self.car
        return (
            car.charger is None
            and not car.charge_control.can_stop
            and self.kind is not None
        )

    def restore(self, stored: Mapping[str, Any] | None) -> None:
        """Read the state stored before a restart."""
        self.state = HeldState.from_dict(stored) if stored else None

    def as_dict(self) -> dict[str, Any] | None:
        """Return the state to store."""
        return self.state.as_dict() if self.state else None

    def check_free(self, *, programs: bool = False) -> None:
        """Refuse a change of charge settings smart charging holds.

        `programs`: the change is to KCM programs, which stay the user's.
        """
        if self.state is None or (programs and self.state.kind == HoldKind.KCM):
            return
        raise invalid(translation_key="charge_settings_held")

    def wanted(self, decision: SmartDecision) -> list[ChargeWindow]:
        """Return the windows the schedule gives: cut at the target, on its steps."""
        windows = trimmed(decision.windows, decision.charge_time)
        if self.kind == HoldKind.KCM:
            return rounded_windows(windows, KCM_TIME_STEP, MAX_SCHEDULES)[:1]
        return rounded_windows(windows, KCA_TIME_STEP, MAX_SCHEDULES)

    def running_until(self, now: datetime) -> datetime | None:
        """Return the end of the written window the car charges in now, if any."""
        if self.state is None or not self.state.written:
            return None
        window = self.state.written[0]
        return window.end if window.start <= now < window.end else None

    def due(self, now: datetime) -> bool:
        """Tell whether a write may be tried (not soon after one that failed)."""
        return self._failed_at is None or now - self._failed_at >= RETRY_AFTER

    def needs_write(self, decision: SmartDecision, now: datetime) -> bool:
        """Tell whether the car's schedule must change to give the windows."""
        if not self.due(now):
            return False
        state = self.state
        if state is None or state.written_at is None:
            return True
        wanted = self.wanted(decision)
        if not same_windows(state.written, wanted, now):
            return True
        # A KCM car's idle window comes round again a day after it is written.
        return (
            state.kind == HoldKind.KCM
            and not wanted
            and now - state.written_at >= KCM_IDLE_RENEW
        )

    async def async_follow(
        self, decision: SmartDecision, departure: time, now: datetime
    ) -> None:
        """Write the decision's windows as the car's schedule, taking it first."""
        wanted = self.wanted(decision)
        try:
            state = self.state or await self._async_take(departure)
            if state.kind == HoldKind.KCM:
                await self._async_write_kcm(state, wanted, now)
            else:
                await self._async_write_kca(state, wanted)
        except HomeAssistantError as err:
            self._report(err, now)
            return
        self._recovered()
        self.state = replace(state, written=wanted, written_at=now)
        await self._save()

    async def async_release(self) -> None:
        """Write the user's own charge settings back."""
        if (state := self.state) is None:
            return
        try:
            if state.kind == HoldKind.KCM:
                await self._async_restore_kcm(state)
            else:
                await self._async_restore_kca(state)
        except HomeAssistantError as err:
            self._report(err, dt_util.utcnow())
            return
        self._recovered()
        LOGGER.info("%s: smart charging gave the schedule back", self.car.log_name)
        self.state = None
        await self._save()

    def _report(self, err: HomeAssistantError, now: datetime) -> None:
        """Log a failed write once; it is tried again later."""
        if self._failed_at is None:
            LOGGER.warning(
                "%s: smart charging could not write the charge schedule "
                "(tried again in %s): %s",
                self.car.log_name,
                RETRY_AFTER,
                err,
            )
        self._failed_at = now

    def _recovered(self) -> None:
        """Say once that writes go through again."""
        if self._failed_at is not None:
            LOGGER.info("%s: smart charging writes again", self.car.log_name)
        self._failed_at = None

    async def _async_fetch(self, endpoint: str) -> Any:
        """Read a document afresh and show it."""
        coordinator = self.car.coordinators[endpoint]
        data = await async_send(self.car, ACTION, coordinator.description.read.fetch)
        coordinator.async_set_updated_data(data)
        return data

    async def _async_take(self, departure: time) -> HeldState:
        """Read the user's charge settings (with changes on their way); keep them."""
        if self.kind == HoldKind.KCM:
            state = await self._async_settled(
                CHARGE_SCHEDULE, lambda data: self._kcm_kept(data, departure)
            )
        else:
            state = await self._async_settled(CHARGING_SETTINGS, self._kca_kept)
        # Kept before anything is written: a restart now loses nothing.
        self.state = state
        await self._save()
        LOGGER.info("%s: smart charging takes the charge schedule", self.car.log_name)
        return state

    async def _async_settled(
        self, endpoint: str, keep: Callable[[Any], HeldState]
    ) -> HeldState:
        """Read the user's settings until two answers agree.

        One odd answer is never kept: the last answer known counts as the
        first, so a settled car costs one read.
        """
        known = self.car.coordinators[endpoint].data
        seen = keep(known) if known is not None else None
        for _ in range(SETTLING_READS):
            fresh = keep(await self._async_fetch(endpoint))
            if fresh == seen:
                return fresh
            seen = fresh
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="charge_settings_unsettled"
        )

    def _kcm_kept(self, data: Any, departure: time) -> HeldState:
        """Return what a KCM car's document keeps of the user's settings."""
        pending = self.car.writer.pending(CHARGE_SCHEDULE).overlay(dt_util.utcnow())
        document = kcm_document(data, pending)
        added = (
            None
            if has_charge_program(document.get("programs") or [])
            else charge_program(departure)
        )
        return HeldState(
            kind=HoldKind.KCM, saved=kcm_saved(document), added_program=added
        )

    def _kca_kept(self, data: Any) -> HeldState:
        """Return what a car-adapter car's charging settings keep of the user's."""
        pending = self.car.writer.pending(CHARGING_SETTINGS).overlay(dt_util.utcnow())
        schedules = KCA_CHARGE_SCHEDULES.payload(data, pending.schedules)
        return HeldState(kind=HoldKind.KCA, saved=kca_saved(data.mode, schedules))

    async def _async_write_kca_schedules(self, schedules: list[Schedule]) -> None:
        """Send a whole set of charge schedules through the car's write path."""
        store = KCA_CHARGE_SCHEDULES
        await self.car.writer.async_write(
            Write(
                endpoint=store.endpoint,
                action=ACTION,
                change=Overlay(
                    schedules={schedule["id"]: schedule for schedule in schedules}
                ),
                build=lambda _current, _overlay: schedules,
                command=store.command,
                confirmed=store.confirmed,
            )
        )

    async def _async_set_mode(self, mode: str) -> None:
        """Set the car-adapter charge mode (the schedule write after it watches)."""
        await async_send(self.car, ACTION, charge_mode_command(self.car.profile, mode))

    async def _async_write_kca(
        self, state: HeldState, windows: list[ChargeWindow]
    ) -> None:
        """Charge in the windows: the mode "scheduled" (once), then the schedules."""
        if state.written_at is None and _mode(state) != "scheduled":
            await self._async_set_mode("scheduled")
        await self._async_write_kca_schedules(
            kca_schedules(windows, state.saved["schedules"])
        )

    async def _async_restore_kca(self, state: HeldState) -> None:
        """Write the user's mode back, then their schedules."""
        if _mode(state) == "always":
            await self._async_set_mode("always")
        await self._async_write_kca_schedules(list(state.saved["schedules"]))

    async def _async_write_kcm(
        self, state: HeldState, windows: list[ChargeWindow], now: datetime
    ) -> None:
        """Charge in the first window (or none): three fields, a program if needed."""
        zone: tzinfo = dt_util.get_default_time_zone()
        fields = kcm_fields(kcm_window(windows[0] if windows else None, now), zone)
        await self._async_write_document(
            fields, lambda document: kcm_with_program(document, state.added_program)
        )

    async def _async_restore_kcm(self, state: HeldState) -> None:
        """Write the user's three fields back and take the added program away."""
        await self._async_write_document(
            kcm_known_fields(state.saved),
            lambda document: kcm_restored(document, state.saved, state.added_program),
        )

    async def _async_write_document(
        self,
        fields: dict[str, Any],
        finish: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> None:
        """Send ev/settings with the fields, finished, through the car's write path."""
        await self.car.writer.async_write(
            Write(
                endpoint=CHARGE_SCHEDULE,
                action=ACTION,
                change=Overlay(fields=fields),
                build=lambda current, overlay: finish(kcm_document(current, overlay)),
                command=send_ev_settings,
                confirmed=_kcm_confirmed,
            )
        )
