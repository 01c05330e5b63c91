"""A simulated car: its physical state, the snapshots it uploads, and events.

The car is evaluated lazily: every request (and every Python helper) first
advances the simulation to the clock's time, applying the scheduled events in
time order and integrating charging and driving between them. The cloud only
ever shows what the car uploaded, and the car uploads only on events, as real
cars do: end of a drive, plug and unplug, charge start, stop and every
``upload_interval_charging`` while charging, HVAC start and stop, lock
changes, and requested location refreshes.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
import heapq
import itertools
import math
from typing import Any

from . import payloads, schedules
from .clock import Clock
from .profiles import ChargePolicy, Settings, VehicleProfile

DOORS = ("driver", "passenger", "rear_left", "rear_right", "hatch")
TYRES = ("front_left", "front_right", "rear_left", "rear_right")

CHARGE_IN_PROGRESS = 1.0
WAITING_FOR_A_PLANNED_CHARGE = 0.1
CHARGE_ENDED = 0.2

WAITING_FOR_CURRENT_CHARGE = 0.3
HVAC_POWER_KW = 1.5
_EPSILON = 1e-9
# A charge runs at full power up to this level, then tapers linearly...
TAPER_FROM = 92.0
# ...to this share of it at 100 %, as a battery's management does near full.
TAPER_END_SHARE = 0.3
# Charging is integrated in steps of this much battery level.
_LEVEL_STEP = 0.05
_MINUTES_PER_DAY = 24 * 60


class Channel(StrEnum):
    """A group of data the car uploads together."""

    BATTERY = "battery"
    COCKPIT = "cockpit"
    LOCATION = "location"
    HVAC = "hvac"
    LOCK = "lock"
    PRESSURE = "pressure"
    RES = "res"


@dataclass
class VehicleState:
    """The physical truth about a car at one moment."""

    battery_level: float = 0.0
    battery_temperature: float = 20.0
    charge_target: float = 100.0
    plugged: bool = False
    charging: bool = False
    charging_status: float = 0.0
    charge_power_kw: float = 0.0
    mileage_km: float = 0.0
    fuel_litres: float = 0.0
    latitude: float = 48.8566
    longitude: float = 2.3522
    heading: float = 90.0
    """Degrees clockwise from north, as the last drive left the car."""
    driving: bool = False
    hvac_on: bool = False
    next_hvac_start: datetime | None = None
    internal_temperature: float = 15.0
    external_temperature: float = 12.0
    locked: bool = True
    doors_open: dict[str, bool] = field(
        default_factory=lambda: dict.fromkeys(DOORS, False)
    )
    tyre_pressures_mbar: dict[str, int] = field(
        default_factory=lambda: dict(zip(TYRES, (2460, 2730, 2790, 2790), strict=True))
    )
    privacy_mode: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the state as JSON-friendly values."""
        values = asdict(self)
        if self.next_hvac_start is not None:
            values["next_hvac_start"] = self.next_hvac_start.isoformat()
        return values


# Fields the simulation keeps consistent itself; change them through events.
_MANAGED_FIELDS = frozenset(
    {
        "plugged",
        "charging",
        "charging_status",
        "charge_power_kw",
        "charge_target",
        "driving",
        "hvac_on",
        "next_hvac_start",
    }
)


@dataclass(frozen=True)
class Upload:
    """A snapshot the car sent to the cloud."""

    time: datetime
    state: VehicleState


@dataclass(frozen=True)
class ChargeSession:
    """One finished charge."""

    start: datetime
    end: datetime
    start_level: float
    end_level: float
    energy_kwh: float
    power_kw: float
    end_status: str = "ok"

    @property
    def duration(self) -> timedelta:
        """Return how long the charge lasted."""
        return self.end - self.start


@dataclass(frozen=True)
class HvacSession:
    """One preconditioning the car ran: when it was asked for, when it started."""

    requested: datetime
    start: datetime
    end_status: str = "ok"


@dataclass
class VehicleSettings:
    """The settings the car acknowledged (they change after ``action_delay``)."""

    charge_policy: ChargePolicy
    charge_mode: str | None
    charge_schedules: list[dict[str, Any]]
    hvac_schedules: list[dict[str, Any]]
    ev_settings: dict[str, Any]
    soc_min: int
    soc_target: int
    updated_at: datetime


@dataclass(order=True)
class _Event:
    """Something that happens to the car at a given time."""

    at: datetime
    seq: int
    name: str = field(compare=False)
    apply: Callable[[datetime], None] = field(compare=False)


@dataclass
class _Charge:
    """The charge in progress."""

    start: datetime
    start_level: float
    forced: bool
    window_end: datetime | None = None
    """The end of the schedule window a planned charge runs in."""


@dataclass
class _Drive:
    """The drive in progress, interpolated linearly between its two ends."""

    start: datetime
    end: datetime
    origin: tuple[float, float]
    destination: tuple[float, float]
    start_mileage: float
    km: float
    start_level: float
    level_used: float
    start_fuel: float
    fuel_used: float

    def fraction(self, when: datetime) -> float:
        """Return how much of the drive is done at ``when``."""
        total = (self.end - self.start).total_seconds()
        if total <= 0:
            return 1.0
        return min(1.0, max(0.0, (when - self.start).total_seconds() / total))


@dataclass(frozen=True)
class Commute:
    """The trips of a scripted day (see ``FakeVehicle.run_day``)."""

    km: float = 25.0
    minutes: float = 35.0
    work: tuple[float, float] | None = None  # default: about 25 km from home
    back_after: timedelta = timedelta(hours=10)
    plug_in_after: timedelta = timedelta(minutes=10)


def _default_contracts(today: date) -> list[dict[str, Any]]:
    """Return the contracts of a car delivered a year ago (from the captures)."""
    contracts: list[dict[str, Any]] = payloads.template(
        "kamereon/vehicle_contract/fr_FR.1.json"
    )
    start = today - timedelta(days=365)
    end = start + timedelta(days=3 * 365)
    for contract in contracts:
        if contract.get("code") == "ZECONNECTP":
            contract.update(
                startDate=start.isoformat(),
                endDate=end.isoformat(),
                status="ACTIVE",
                statusLabel="Actif",
            )
            contract["conditions"] = [
                {"startDate": start.isoformat(), "endDate": end.isoformat()}
            ]
    return contracts


class FakeVehicle:
    """One simulated car, its uploads and its scheduled events."""

    def __init__(
        self,
        profile: VehicleProfile,
        *,
        vin: str,
        registration: str,
        clock: Clock,
        position: tuple[float, float] = (48.8566, 2.3522),
    ) -> None:
        """Create the car in its profile's initial state, and upload everything."""
        self.profile = profile
        self.vin = vin
        self.registration = registration
        self._clock = clock
        now = clock.now()
        self.action_delay: float = 30.0
        self.upload_interval_charging = timedelta(minutes=10)
        self.hvac_duration = timedelta(minutes=15)
        self.details_missing = False
        self.contracts = _default_contracts(now.date())
        self.alerts: list[dict[str, Any]] = []
        self._charge_sessions: list[ChargeSession] = []
        self._hvac_sessions: list[HvacSession] = []
        self._horn_lights: list[tuple[datetime, str]] = []
        self.settings = self._initial_settings(now)
        self._state = self._initial_state(position)
        self._time = now
        self._queue: list[_Event] = []
        self._sequence = itertools.count()
        self._charge: _Charge | None = None
        self._supply = True
        self._supply_kw: float | None = None
        """Whether the home charger lets current through (tests link a switch)."""
        self._drive: _Drive | None = None
        self._planning = 0
        self.zone: tzinfo = UTC
        """The car's own clock, which KCM ``HH:MM`` times are in."""
        self._hvac_generation = 0
        self._hvac_started: datetime | None = None
        self._hvac_target = 21.0
        self._charge_mode_pending_until: datetime | None = None
        self._uploads: dict[Channel, Upload] = {}
        self._history: dict[Channel, list[Upload]] = {
            channel: [] for channel in Channel
        }
        self._upload(now, *Channel)

    def __repr__(self) -> str:
        """Name the car by profile and VIN."""
        return f"FakeVehicle({self.profile.name!r}, vin={self.vin!r})"

    def _initial_settings(self, now: datetime) -> VehicleSettings:
        """Return the settings of a new car, from the captured payloads."""
        charging: dict[str, Any] = payloads.template(
            "kamereon/vehicle_data/charging-settings.single.json"
        )
        hvac: dict[str, Any] = payloads.template(
            "kamereon/vehicle_data/hvac-settings.json"
        )
        soc: dict[str, Any] = payloads.template(
            "kamereon/vehicle_kcm_data/ev-soc-levels.json"
        )
        ev_settings: dict[str, Any] = payloads.template(
            "kamereon/vehicle_kcm_data/ev-settings.single.inactive.json"
        )
        ev_settings["lastSettingsUpdateTimestamp"] = timestamp(now)
        modes = [
            mode
            for mode, policy in self.profile.charge_modes.items()
            if policy is ChargePolicy.ALWAYS
        ]
        return VehicleSettings(
            charge_policy=ChargePolicy.ALWAYS,
            charge_mode=modes[0] if modes else None,
            charge_schedules=[
                schedules.charge_schedule(item)
                for item in charging["data"]["attributes"]["schedules"]
            ],
            hvac_schedules=[
                schedules.hvac_schedule(item)
                for item in hvac["data"]["attributes"]["schedules"]
            ],
            ev_settings=ev_settings,
            soc_min=soc["socMin"],
            soc_target=soc["socTarget"],
            updated_at=now,
        )

    def _initial_state(self, position: tuple[float, float]) -> VehicleState:
        """Return the physical state of a new car."""
        initial = self.profile.initial
        return VehicleState(
            battery_level=float(initial.battery_level),
            charge_target=float(
                self.settings.soc_target if self.profile.uses_soc_levels else 100
            ),
            charging_status=self.profile.idle_charging_status,
            mileage_km=float(initial.mileage_km),
            fuel_litres=float(initial.fuel_litres),
            latitude=position[0],
            longitude=position[1],
            external_temperature=initial.external_temperature,
            internal_temperature=initial.external_temperature,
        )

    # -- Simulation ---------------------------------------------------------

    def simulate(self) -> None:
        """Advance the simulation to the clock's time."""
        now = self._clock.now()
        while self._queue and self._queue[0].at <= now:
            event = heapq.heappop(self._queue)
            self._integrate(event.at)
            event.apply(event.at)
        self._integrate(now)

    @property
    def state(self) -> VehicleState:
        """Return the physical state now (the truth, not what the cloud shows)."""
        self.simulate()
        return self._state

    @property
    def pending_events(self) -> list[tuple[datetime, str]]:
        """Return the events still to come, in time order."""
        self.simulate()
        return [(event.at, event.name) for event in sorted(self._queue)]

    @property
    def charge_sessions(self) -> list[ChargeSession]:
        """Return the finished charges, oldest first."""
        self.simulate()
        return list(self._charge_sessions)

    def add_charge_session(self, session: ChargeSession) -> None:
        """Record a charge that ended before the simulation began (a history)."""
        self._charge_sessions.append(session)
        self._charge_sessions.sort(key=lambda kept: kept.start)

    @property
    def hvac_sessions(self) -> list[HvacSession]:
        """Return the preconditionings that started, oldest first."""
        self.simulate()
        return list(self._hvac_sessions)

    @property
    def horn_lights(self) -> list[tuple[datetime, str]]:
        """Return when the horn sounded and the lights flashed (horn/lights)."""
        self.simulate()
        return list(self._horn_lights)

    def uploaded(self, channel: Channel) -> Upload:
        """Return the last snapshot of ``channel`` the cloud received."""
        self.simulate()
        return self._uploads[channel]

    def upload(self, *channels: Channel) -> None:
        """Make the car upload now (all channels when none is given)."""
        self.simulate()
        self._upload(self._time, *(channels or tuple(Channel)))

    def snapshot(self) -> dict[str, Any]:
        """Return what the car keeps across a restart of the demo, as JSON values."""
        self.simulate()
        settings = asdict(self.settings)
        settings["charge_policy"] = self.settings.charge_policy.value
        settings["updated_at"] = self.settings.updated_at.isoformat()
        return {
            "settings": settings,
            "state": self._state.as_dict(),
            "charge_sessions": [
                {
                    **asdict(item),
                    "start": item.start.isoformat(),
                    "end": item.end.isoformat(),
                }
                for item in self._charge_sessions
            ],
            "hvac_sessions": [
                {
                    **asdict(item),
                    "requested": item.requested.isoformat(),
                    "start": item.start.isoformat(),
                }
                for item in self._hvac_sessions
            ],
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Take back what :meth:`snapshot` returned, then upload it.

        A charge in progress when the demo stopped does not go on: the car
        is left plugged in (if it was) and not charging.
        """
        self.simulate()
        settings = dict(snapshot["settings"])
        settings["charge_policy"] = ChargePolicy(settings["charge_policy"])
        settings["updated_at"] = datetime.fromisoformat(settings["updated_at"])
        self.settings = VehicleSettings(**settings)
        state = dict(snapshot["state"])
        if state["next_hvac_start"] is not None:
            state["next_hvac_start"] = datetime.fromisoformat(state["next_hvac_start"])
        self._state = VehicleState(**state)
        self._state.charging = False
        self._state.charge_power_kw = 0.0
        self._charge = None
        self._charge_sessions = [
            ChargeSession(
                **{
                    **item,
                    "start": datetime.fromisoformat(item["start"]),
                    "end": datetime.fromisoformat(item["end"]),
                }
            )
            for item in snapshot["charge_sessions"]
        ]
        self._hvac_sessions = [
            HvacSession(
                **{
                    **item,
                    "requested": datetime.fromisoformat(item["requested"]),
                    "start": datetime.fromisoformat(item["start"]),
                }
            )
            for item in snapshot["hvac_sessions"]
        ]
        self._upload(self._time, *Channel)

    def set_state(self, *, upload: bool = True, **changes: Any) -> None:
        """Change physical values directly, then upload them (unless told not to)."""
        self.simulate()
        known = {item.name for item in fields(VehicleState)}
        for name in changes:
            if name not in known:
                msg = f"unknown vehicle state field: {name}"
                raise ValueError(msg)
            if name in _MANAGED_FIELDS:
                msg = f"{name} changes through events (plug_in, drive, ...)"
                raise ValueError(msg)
        for name, value in changes.items():
            setattr(self._state, name, value)
        if upload:
            self._upload(self._time, *Channel)

    def _upload(self, when: datetime, *channels: Channel) -> None:
        """Send a snapshot of the current state for ``channels``."""
        snapshot = Upload(when, copy.deepcopy(self._state))
        for channel in channels:
            self._uploads[channel] = snapshot
            self._history[channel].append(snapshot)

    def upload_history(self, channel: Channel) -> list[Upload]:
        """Return every snapshot of ``channel`` the cloud received, oldest first."""
        self.simulate()
        return list(self._history[channel])

    def _schedule(
        self, at: datetime | None, name: str, apply: Callable[[datetime], None]
    ) -> datetime:
        """Schedule ``apply`` at ``at`` (now when None); return the time."""
        when = max(at or self._clock.now(), self._time)
        heapq.heappush(self._queue, _Event(when, next(self._sequence), name, apply))
        return when

    def _integrate(self, until: datetime) -> None:
        """Integrate charging and driving up to ``until``."""
        while self._charge is not None:
            full_at = self._charge_full_at()
            if full_at > until:
                break
            self._progress(full_at)
            self._state.battery_level = self._state.charge_target
            self._finish_charge(full_at, reached_target=True)
        self._progress(until)

    def _progress(self, until: datetime) -> None:
        """Move the continuous processes forward to ``until``."""
        if until <= self._time:
            return
        state = self._state
        if self._charge is not None:
            hours = (until - self._time).total_seconds() / 3600
            state.battery_level = self._level_after(
                state.battery_level, hours, state.charge_target
            )
            state.charge_power_kw = self.charge_power_at(state.battery_level)
        if self._drive is not None:
            self._place_on_drive(self._drive, until)
        self._time = until

    # -- Charging -----------------------------------------------------------

    def charge_power_at(self, level: float) -> float:
        """Return the power (kW) the car charges at, at a battery level."""
        full = self.profile.powertrain.charge_kw
        if self._supply_kw is not None:
            full = min(full, self._supply_kw)
        if level <= TAPER_FROM:
            return full
        done = min(1.0, (level - TAPER_FROM) / (100.0 - TAPER_FROM))
        return full * (1.0 - (1.0 - TAPER_END_SHARE) * done)

    def _charge_rate(self, level: float) -> float:
        """Return the charge speed in battery percent per hour, at a level."""
        return self.charge_power_at(level) / self.profile.powertrain.battery_kwh * 100

    def _hours_to(self, level: float, target: float) -> float:
        """Return how long charging from ``level`` to ``target`` takes."""
        hours = 0.0
        while level < target - _EPSILON:
            step = min(_LEVEL_STEP, target - level)
            hours += step / self._charge_rate(level + step / 2)
            level += step
        return hours

    def _level_after(self, level: float, hours: float, target: float) -> float:
        """Return the level after charging for ``hours`` (never past the target)."""
        while hours > 0 and level < target - _EPSILON:
            step = min(_LEVEL_STEP, target - level)
            needed = step / self._charge_rate(level + step / 2)
            if needed > hours:
                return level + step * hours / needed
            hours -= needed
            level += step
        return min(level, target)

    def _charge_full_at(self) -> datetime:
        """Return when the charge in progress reaches the target."""
        state = self._state
        hours = self._hours_to(state.battery_level, state.charge_target)
        return self._time + timedelta(hours=hours)

    def charge_policy(self) -> ChargePolicy:
        """Return whether the plugged-in car charges at once or on schedule."""
        if self.profile.settings is Settings.KCA:
            return self.settings.charge_policy
        if self.profile.settings is Settings.KCM:
            ev_settings = self.settings.ev_settings
            planned = any(
                program.get("programActivationStatus")
                and "CHARGE" in str(program.get("programType", ""))
                for program in ev_settings.get("programs") or []
            )
            if ev_settings.get("chargeModeRq") == "SCHEDULED" and planned:
                return ChargePolicy.SCHEDULED
        return ChargePolicy.ALWAYS

    def _next_window(self, after: datetime) -> tuple[datetime, datetime | None] | None:
        """Return the next (or current) planned charge window (open end: to target).

        KCM cars charge daily from chargeTimeStart for chargeDuration minutes
        (a day or more: until the target).
        """
        if self.profile.settings is Settings.KCM:
            ev_settings = self.settings.ev_settings
            start = schedules.parse_clock_time(
                ev_settings.get("chargeTimeStart", "00:00")
            )
            minutes = ev_settings.get("chargeDuration")
            if not isinstance(minutes, int) or minutes >= _MINUTES_PER_DAY:
                return schedules.next_daily_start(start, after, self.zone), None
            return schedules.next_daily_window(start, minutes, after, self.zone)
        return schedules.next_charge_window(self.settings.charge_schedules, after)

    def _plan_charge(self, when: datetime, *, forced: bool = False) -> None:
        """Decide what a plugged-in car that is not charging does now."""
        state = self._state
        if not state.plugged or state.charging:
            return
        self._planning += 1
        if forced or self.charge_policy() is ChargePolicy.ALWAYS:
            self._start_charge(when, forced=forced)
        elif state.battery_level >= state.charge_target - _EPSILON:
            state.charging_status = CHARGE_ENDED
        else:
            state.charging_status = WAITING_FOR_A_PLANNED_CHARGE
            window = self._next_window(when)
            if window is not None:
                self._schedule_planned_charge(*window)

    def _schedule_planned_charge(self, start: datetime, end: datetime | None) -> None:
        """Start charging at ``start`` (until ``end``) if nothing changed meanwhile."""
        planning = self._planning

        def begin(when: datetime) -> None:
            if planning != self._planning or self._state.charging:
                return
            if self._start_charge(when, forced=False) and end is not None:
                self._end_window_at(end)

        self._schedule(start, "planned charge starts", begin)

    def _end_window_at(self, end: datetime) -> None:
        """Stop the planned charge in progress at the end of its window."""
        charge = self._charge
        if charge is None:
            return
        charge.window_end = end

        def ends(when: datetime) -> None:
            if self._charge is charge and charge.window_end == end:
                self._window_ends(when)

        self._schedule(end, "planned charge ends", ends)

    def _window_ends(self, when: datetime) -> None:
        """Stop a planned charge at the end of its window."""
        if self._charge is not None and not self._charge.forced:
            self._finish_charge(when, reached_target=False)
            self._plan_charge(when)

    def _start_charge(self, when: datetime, *, forced: bool) -> bool:
        """Start charging now, unless the battery is already at its target."""
        state = self._state
        if state.battery_level >= state.charge_target - _EPSILON:
            state.charging_status = CHARGE_ENDED
            self._upload(when, Channel.BATTERY)
            return False
        if not self._supply:
            # The home charger holds the current back.
            state.charging_status = WAITING_FOR_CURRENT_CHARGE
            self._upload(when, Channel.BATTERY)
            return False
        state.charging = True
        state.charging_status = CHARGE_IN_PROGRESS
        state.charge_power_kw = self.charge_power_at(state.battery_level)
        charge = _Charge(when, state.battery_level, forced)
        self._charge = charge
        self._upload(when, Channel.BATTERY)

        def report(at: datetime) -> None:
            if self._charge is charge:
                self._upload(at, Channel.BATTERY)
                self._schedule(
                    at + self.upload_interval_charging, "charging upload", report
                )

        self._schedule(when + self.upload_interval_charging, "charging upload", report)
        return True

    def _finish_charge(self, when: datetime, *, reached_target: bool) -> None:
        """End the charge in progress and record it."""
        charge = self._charge
        if charge is None:
            return
        state = self._state
        energy_kwh = (
            (state.battery_level - charge.start_level)
            / 100
            * self.profile.powertrain.battery_kwh
        )
        hours = (when - charge.start).total_seconds() / 3600
        self._charge_sessions.append(
            ChargeSession(
                start=charge.start,
                end=when,
                start_level=charge.start_level,
                end_level=state.battery_level,
                energy_kwh=energy_kwh,
                power_kw=round(energy_kwh / hours, 2) if hours else 0.0,
            )
        )
        self._charge = None
        state.charging = False
        state.charge_power_kw = 0.0
        state.charging_status = (
            CHARGE_ENDED if reached_target else self.profile.idle_charging_status
        )
        self._upload(when, Channel.BATTERY)

    def _set_charge_target(self, when: datetime, target: float) -> None:
        """Apply a new charge target to a car that may be charging."""
        state = self._state
        state.charge_target = target
        if self._charge is not None and state.battery_level >= target - _EPSILON:
            self._finish_charge(when, reached_target=True)
        elif self._charge is None and state.plugged:
            state.charging_status = self.profile.idle_charging_status
            self._plan_charge(when)
            self._upload(when, Channel.BATTERY)

    # -- Physical events ----------------------------------------------------

    def _require_plug(self) -> None:
        """Refuse plug events on cars without a plug."""
        if not self.profile.energy.has_plug:
            msg = f"a {self.profile.name} has no charging plug"
            raise ValueError(msg)

    def plug_in(self, at: datetime | None = None) -> datetime:
        """Plug the charging cable in (now or ``at``)."""
        self._require_plug()
        when = self._schedule(at, "plug in", self._plug_in)
        self.simulate()
        return when

    def _plug_in(self, when: datetime) -> None:
        """Apply a plug-in."""
        state = self._state
        if state.plugged:
            return
        if self._drive is not None:
            self._finish_drive(self._drive, when)
        state.plugged = True
        state.charging_status = self.profile.idle_charging_status
        self._plan_charge(when)
        self._upload(when, Channel.BATTERY)

    def set_supply(self, *, available: bool, at: datetime | None = None) -> datetime:
        """Let the home charger deliver current, or hold it back (now or ``at``)."""

        def apply(when: datetime) -> None:
            if self._supply is available:
                return
            self._supply = available
            if not available and self._charge is not None:
                self._finish_charge(when, reached_target=False)
                self._state.charging_status = WAITING_FOR_CURRENT_CHARGE
                self._upload(when, Channel.BATTERY)
            elif available and self._state.plugged:
                self._plan_charge(when)

        when = self._schedule(at, "charger supply", apply)
        self.simulate()
        return when

    def limit_supply(self, kw: float | None) -> None:
        """Let the home charger deliver at most ``kw`` from now (None: no limit)."""
        self.simulate()
        self._supply_kw = kw
        if self._charge is not None:
            state = self._state
            state.charge_power_kw = self.charge_power_at(state.battery_level)

    def unplug(self, at: datetime | None = None) -> datetime:
        """Pull the charging cable out (now or ``at``)."""
        self._require_plug()
        when = self._schedule(at, "unplug", self._unplug)
        self.simulate()
        return when

    def _unplug(self, when: datetime) -> None:
        """Apply an unplug."""
        state = self._state
        if not state.plugged:
            return
        self._finish_charge(when, reached_target=False)
        self._planning += 1
        state.plugged = False
        state.charging_status = self.profile.idle_charging_status
        self._upload(when, Channel.BATTERY)

    def drive(
        self,
        km: float,
        minutes: float,
        to: tuple[float, float] | None = None,
        at: datetime | None = None,
    ) -> datetime:
        """Drive ``km`` in ``minutes`` (to ``to``), starting now or at ``at``.

        Return the arrival time; the car uploads everything when it arrives.
        """
        if km < 0 or minutes < 0:
            msg = "a drive needs a positive distance and duration"
            raise ValueError(msg)

        def start(when: datetime) -> None:
            self._start_drive(when, km, timedelta(minutes=minutes), to)

        begin = self._schedule(at, "drive starts", start)
        self.simulate()
        return begin + timedelta(minutes=minutes)

    def _start_drive(
        self,
        when: datetime,
        km: float,
        duration: timedelta,
        destination: tuple[float, float] | None,
    ) -> None:
        """Apply the start of a drive."""
        if self._drive is not None:
            self._finish_drive(self._drive, when)
        state = self._state
        if state.plugged:
            self._unplug(when)
        powertrain = self.profile.powertrain
        level_used = 0.0
        electric_km = 0.0
        if self.profile.energy.has_plug:
            available_kwh = state.battery_level / 100 * powertrain.battery_kwh
            needed_kwh = km * powertrain.kwh_per_100km / 100
            used_kwh = min(available_kwh, needed_kwh)
            level_used = used_kwh / powertrain.battery_kwh * 100
            electric_km = used_kwh / powertrain.kwh_per_100km * 100
        fuel_used = min(
            state.fuel_litres, (km - electric_km) * powertrain.litres_per_100km / 100
        )
        origin = (state.latitude, state.longitude)
        drive = _Drive(
            start=when,
            end=when + duration,
            origin=origin,
            destination=destination or (origin[0] + km / 185, origin[1] + km / 140),
            start_mileage=state.mileage_km,
            km=km,
            start_level=state.battery_level,
            level_used=level_used,
            start_fuel=state.fuel_litres,
            fuel_used=fuel_used,
        )
        self._drive = drive
        state.driving = True
        state.locked = False
        self._schedule(drive.end, "drive ends", self._drive_ends(drive))

    def _drive_ends(self, drive: _Drive) -> Callable[[datetime], None]:
        """Return the event that ends ``drive`` (unless it already ended)."""

        def end(when: datetime) -> None:
            if self._drive is drive:
                self._finish_drive(drive, when)

        return end

    def _place_on_drive(self, drive: _Drive, when: datetime) -> None:
        """Set mileage, position, battery and fuel along the drive."""
        done = drive.fraction(when)
        state = self._state
        state.mileage_km = drive.start_mileage + drive.km * done
        state.latitude = (
            drive.origin[0] + (drive.destination[0] - drive.origin[0]) * done
        )
        state.longitude = (
            drive.origin[1] + (drive.destination[1] - drive.origin[1]) * done
        )
        north = drive.destination[0] - drive.origin[0]
        east = (drive.destination[1] - drive.origin[1]) * math.cos(
            math.radians(drive.origin[0])
        )
        if north or east:
            state.heading = round(math.degrees(math.atan2(east, north)) % 360, 1)
        state.battery_level = drive.start_level - drive.level_used * done
        state.fuel_litres = drive.start_fuel - drive.fuel_used * done

    def _finish_drive(self, drive: _Drive, when: datetime) -> None:
        """Apply the end of a drive: ignition off, everything is uploaded."""
        self._place_on_drive(drive, when)
        self._drive = None
        self._state.driving = False
        self._upload(when, *Channel)

    def lock(self, at: datetime | None = None) -> datetime:
        """Lock the doors (now or ``at``)."""
        return self._lock_event(at, locked=True)

    def unlock(self, at: datetime | None = None) -> datetime:
        """Unlock the doors (now or ``at``)."""
        return self._lock_event(at, locked=False)

    def _lock_event(self, at: datetime | None, *, locked: bool) -> datetime:
        """Schedule a lock change."""

        def apply(when: datetime) -> None:
            self._state.locked = locked
            self._upload(when, Channel.LOCK)

        when = self._schedule(at, "lock" if locked else "unlock", apply)
        self.simulate()
        return when

    def open_door(self, door: str = "driver", at: datetime | None = None) -> datetime:
        """Open a door: driver, passenger, rear_left, rear_right or hatch."""
        return self._door_event(door, at, is_open=True)

    def close_door(self, door: str = "driver", at: datetime | None = None) -> datetime:
        """Close a door."""
        return self._door_event(door, at, is_open=False)

    def _door_event(self, door: str, at: datetime | None, *, is_open: bool) -> datetime:
        """Schedule a door change."""
        if door not in DOORS:
            msg = f"unknown door {door!r}; doors are {', '.join(DOORS)}"
            raise ValueError(msg)

        def apply(when: datetime) -> None:
            self._state.doors_open[door] = is_open
            if is_open:
                self._state.locked = False
            self._upload(when, Channel.LOCK)

        when = self._schedule(at, f"{door} {'opens' if is_open else 'closes'}", apply)
        self.simulate()
        return when

    def run_day(
        self, start: datetime | None = None, commute: Commute | None = None
    ) -> list[tuple[datetime, str]]:
        """Schedule a commuting day leaving home at ``start`` (default: now).

        The car is unplugged and unlocked, drives to work, is locked there,
        drives back later, is locked at home and (if it has a plug) plugged
        in, then charges to its target. With the default ``Commute``, leaving
        at 07:45 means arriving at work at 08:20, leaving work at 17:45 and
        being plugged in at 18:30. Return the planned events.
        """
        self.simulate()
        commute = commute or Commute()
        departure = start or self._clock.now()
        home = (self._state.latitude, self._state.longitude)
        work = commute.work or (home[0] + 0.12, home[1] + 0.16)
        trip = timedelta(minutes=commute.minutes)
        minute = timedelta(minutes=1)
        evening = departure + commute.back_after
        plug = self.profile.energy.has_plug
        plan: list[tuple[datetime, str]] = []
        if plug:
            plan.append((self.unplug(at=departure - 2 * minute), "unplug"))
        plan += [
            (self.unlock(at=departure - minute), "unlock"),
            (self.drive(commute.km, commute.minutes, work, departure), "at work"),
            (self.lock(at=departure + trip + minute), "lock"),
            (self.unlock(at=evening - minute), "unlock"),
            (self.drive(commute.km, commute.minutes, home, evening), "at home"),
            (self.lock(at=evening + trip + minute), "lock"),
        ]
        if plug:
            plan.append(
                (self.plug_in(at=evening + trip + commute.plug_in_after), "plug in")
            )
        return plan

    # -- Remote commands (applied after action_delay) -------------------------

    def _after_delay(self, name: str, apply: Callable[[datetime], None]) -> datetime:
        """Schedule a remote command's effect ``action_delay`` seconds from now."""
        self.simulate()
        at = self._clock.now() + timedelta(seconds=self.action_delay)
        when = self._schedule(at, name, apply)
        self.simulate()
        return when

    def remote_charge_start(self, at: datetime | None = None) -> None:
        """Start charging (at ``at``, for a delayed charge) if plugged in."""

        def apply(when: datetime) -> None:
            if at is not None and at > when:
                self._planning += 1
                planning = self._planning
                self._state.charging_status = WAITING_FOR_A_PLANNED_CHARGE
                self._upload(when, Channel.BATTERY)

                def delayed(start: datetime) -> None:
                    if planning == self._planning:
                        self._plan_charge(start, forced=True)

                self._schedule(at, "delayed charge starts", delayed)
                return
            self._plan_charge(when, forced=True)

        self._after_delay("remote charge start", apply)

    def remote_charge_stop(self) -> None:
        """Stop the charge in progress."""

        def apply(when: datetime) -> None:
            self._planning += 1
            if self._charge is not None:
                self._finish_charge(when, reached_target=False)

        self._after_delay("remote charge stop", apply)

    def remote_hvac_start(self, temperature: float, at: datetime | None = None) -> None:
        """Start the HVAC for ``hvac_duration`` (now, or at ``at``)."""

        def apply(when: datetime) -> None:
            if at is not None and at > when:
                self._hvac_generation += 1
                generation = self._hvac_generation
                self._state.next_hvac_start = at
                self._upload(when, Channel.HVAC)

                def start(moment: datetime) -> None:
                    if generation == self._hvac_generation:
                        self._hvac_on(moment, temperature, requested=when)

                self._schedule(at, "planned hvac starts", start)
                return
            self._hvac_on(when, temperature, requested=when)

        self._after_delay("remote hvac start", apply)

    def remote_hvac_stop(self, action: str) -> None:
        """Stop (or cancel) the HVAC; some cars accept ``cancel`` but ignore it."""
        if action == "cancel" and self.profile.hvac_cancel_ignored:
            return
        self._after_delay("remote hvac stop", self._hvac_off)

    def _hvac_on(
        self, when: datetime, temperature: float, *, requested: datetime
    ) -> None:
        """Turn the HVAC on, and off again after ``hvac_duration``."""
        self._hvac_sessions.append(HvacSession(requested=requested, start=when))
        self._hvac_generation += 1
        generation = self._hvac_generation
        state = self._state
        state.hvac_on = True
        state.next_hvac_start = None
        self._hvac_started = when
        self._hvac_target = temperature
        self._upload(when, Channel.HVAC)

        def off(moment: datetime) -> None:
            if generation == self._hvac_generation:
                self._hvac_off(moment)

        self._schedule(when + self.hvac_duration, "hvac stops", off)

    def _hvac_off(self, when: datetime) -> None:
        """Turn the HVAC off (and forget a planned start)."""
        state = self._state
        self._hvac_generation += 1
        if not state.hvac_on and state.next_hvac_start is None:
            return
        if state.hvac_on and self._hvac_started is not None:
            state.internal_temperature = self._hvac_target
            hours = (when - self._hvac_started).total_seconds() / 3600
            battery_kwh = self.profile.powertrain.battery_kwh
            if battery_kwh and not state.plugged:
                used = HVAC_POWER_KW * hours / battery_kwh * 100
                state.battery_level = max(0.0, state.battery_level - used)
        state.hvac_on = False
        state.next_hvac_start = None
        self._upload(when, Channel.HVAC)

    def charge_mode_pending(self) -> bool:
        """Tell whether a charge-mode change is still on its way to the car."""
        self.simulate()
        pending = self._charge_mode_pending_until
        return pending is not None and pending > self._clock.now()

    def remote_charge_mode(self, mode: str) -> None:
        """Switch the charge mode (one of the profile's ``charge_modes``)."""
        policy = self.profile.charge_modes[mode]

        def apply(when: datetime) -> None:
            self.settings.charge_mode = mode
            self.settings.charge_policy = policy
            self._settings_changed(when)

        self._charge_mode_pending_until = self._after_delay("charge mode", apply)

    def remote_charge_schedules(self, items: list[dict[str, Any]]) -> None:
        """Replace the charge schedules."""

        def apply(when: datetime) -> None:
            self.settings.charge_schedules = items
            self._settings_changed(when)

        self._after_delay("charge schedules", apply)

    def remote_hvac_schedules(self, items: list[dict[str, Any]]) -> None:
        """Replace the HVAC schedules."""

        def apply(when: datetime) -> None:
            self.settings.hvac_schedules = items
            self.settings.updated_at = when

        self._after_delay("hvac schedules", apply)

    def remote_soc_levels(self, soc_min: int, soc_target: int) -> None:
        """Set the minimum and target state of charge."""

        def apply(when: datetime) -> None:
            self.settings.soc_min = soc_min
            self.settings.soc_target = soc_target
            self.settings.updated_at = when
            self._set_charge_target(when, float(soc_target))

        self._after_delay("soc levels", apply)

    def remote_ev_settings(self, document: dict[str, Any]) -> None:
        """Store an ev/settings document; with no active program, charge at once."""

        def apply(when: datetime) -> None:
            self.settings.ev_settings.update(document)
            self.settings.ev_settings["lastSettingsUpdateTimestamp"] = timestamp(when)
            self._settings_changed(when)

        self._after_delay("ev settings", apply)

    def _settings_changed(self, when: datetime) -> None:
        """Re-plan charging after the charge settings changed.

        A planned charge goes on while the new schedule has a window now (to
        that window's end); otherwise it stops.
        """
        self.settings.updated_at = when
        state = self._state
        charge = self._charge
        if (
            charge is not None
            and not charge.forced
            and self.charge_policy() is ChargePolicy.SCHEDULED
        ):
            window = self._next_window(when)
            if window is not None and window[0] <= when:
                if window[1] is not None:
                    self._end_window_at(window[1])
                else:
                    charge.window_end = None
            else:
                self._finish_charge(when, reached_target=False)
        if state.plugged and not state.charging:
            self._plan_charge(when)
            self._upload(when, Channel.BATTERY)

    def remote_refresh_location(self) -> None:
        """Make the car upload its position."""

        def apply(when: datetime) -> None:
            if not self._state.privacy_mode:
                self._upload(when, Channel.LOCATION)

        self._after_delay("location refresh", apply)

    def remote_horn_lights(self, target: str) -> None:
        """Sound the horn or flash the lights."""

        def apply(when: datetime) -> None:
            self._horn_lights.append((when, target))

        self._after_delay(target, apply)


def timestamp(when: datetime) -> str:
    """Format a time the way the cloud does (UTC, seconds, Z)."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
