"""Smart charging, pure: read price slots, and pick the hours a car charges in.

Prices come from an entity the user already has, in one of three forms:
- the Nord Pool custom component: `raw_today` / `raw_tomorrow`, lists of
  `{"start", "end", "value"}`;
- ENTSO-e: `prices_today` / `prices_tomorrow` (or `prices`), lists of
  `{"time", "price"}`, each slot lasting until the next one;
- the generic form (for a template sensor): `prices`, a list of
  `{"start", "price"}` with an optional `"end"`.
Slots of an hour or of a quarter of an hour are both read as they come.

A plan reaches a target level by a departure: the energy up to the minimum
level goes in the cheapest slots whatever their price; the rest goes in the
cheapest slots at or under the price limit, if one is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.util import dt as dt_util

from .charge_estimate import time_to_level

# The first attribute found names the form; each maps to (start, end, price) keys.
_FORMS: tuple[tuple[tuple[str, ...], tuple[str, str | None, str]], ...] = (
    (("raw_today", "raw_tomorrow"), ("start", "end", "value")),
    (("prices_today", "prices_tomorrow"), ("time", None, "price")),
    (("prices",), ("start", "end", "price")),
)
# Decisions come each minute: a charge this close to its target stops now
# rather than a minute late, so it ends within half a minute's charge of it.
TARGET_MARGIN = timedelta(seconds=30)
# A slot with no end, and no slot after it, lasts as long as the one before.
_DEFAULT_SLOT = timedelta(hours=1)


@dataclass(frozen=True)
class PriceSlot:
    """A span of time at one price."""

    start: datetime
    end: datetime
    price: float


def _moment(value: Any) -> datetime | None:
    """Return an attribute's date and time, aware and in UTC."""
    if isinstance(value, datetime):
        moment: datetime | None = value
    else:
        moment = dt_util.parse_datetime(str(value))
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(moment)


def price_slots(attributes: Mapping[str, Any]) -> list[PriceSlot]:
    """Return the price slots a price entity offers, by start (none: unknown form).

    Items without a time or a number are skipped; overlapping items keep the
    first one.
    """
    for names, (start_key, end_key, price_key) in _FORMS:
        if not any(isinstance(attributes.get(name), list) for name in names):
            continue
        items = [
            item
            for name in names
            for item in attributes.get(name) or []
            if isinstance(item, Mapping)
        ]
        return _slots(items, start_key, end_key, price_key)
    return []


def _slots(
    items: Iterable[Mapping[str, Any]],
    start_key: str,
    end_key: str | None,
    price_key: str,
) -> list[PriceSlot]:
    """Build slots from items; an item without an end lasts until the next one."""
    read: list[tuple[datetime, datetime | None, float]] = []
    for item in items:
        start = _moment(item.get(start_key))
        price = item.get(price_key)
        if start is None or not isinstance(price, int | float):
            continue
        if isinstance(price, bool):
            continue
        end = _moment(item[end_key]) if end_key and item.get(end_key) else None
        read.append((start, end, float(price)))
    read.sort(key=lambda slot: slot[0])
    slots: list[PriceSlot] = []
    for index, (start, given_end, price) in enumerate(read):
        end = given_end or _implied_end(read, index, slots)
        if end <= start or (slots and start < slots[-1].end):
            continue
        slots.append(PriceSlot(start, end, price))
    return slots


def hourly_prices(slots: Iterable[PriceSlot]) -> dict[datetime, float]:
    """Return the price of each hour the slots cover (quarters averaged by time)."""
    weighted: dict[datetime, tuple[float, float]] = {}
    for slot in slots:
        start = slot.start
        while start < slot.end:
            hour = start.replace(minute=0, second=0, microsecond=0)
            end = min(slot.end, hour + timedelta(hours=1))
            seconds = (end - start).total_seconds()
            total, length = weighted.get(hour, (0.0, 0.0))
            weighted[hour] = (total + slot.price * seconds, length + seconds)
            start = end
    return {hour: total / length for hour, (total, length) in weighted.items()}


def _implied_end(
    read: Sequence[tuple[datetime, datetime | None, float]],
    index: int,
    slots: Sequence[PriceSlot],
) -> datetime:
    """Return the end of a slot given without one: the next start, or as long."""
    start = read[index][0]
    if later := [other for other, _, _ in read[index + 1 :] if other > start]:
        return later[0]
    length = slots[-1].end - slots[-1].start if slots else _DEFAULT_SLOT
    return start + length


@dataclass(frozen=True)
class ChargeWindow:
    """A span the car charges in."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class PricePlan:
    """The windows picked, and whether they reach the target by the departure."""

    windows: list[ChargeWindow]
    reaches_target: bool

    @property
    def next_start(self) -> datetime | None:
        """Return when the first window starts."""
        return self.windows[0].start if self.windows else None


def _usable(slot: PriceSlot, now: datetime, departure: datetime) -> PriceSlot | None:
    """Return the part of a slot between now and the departure."""
    start, end = max(slot.start, now), min(slot.end, departure)
    return PriceSlot(start, end, slot.price) if start < end else None


def _cheapest(
    slots: Sequence[PriceSlot], needed: timedelta, taken: set[PriceSlot]
) -> timedelta:
    """Take the cheapest free slots until `needed` is covered; return what is not."""
    for slot in sorted(slots, key=lambda slot: (slot.price, slot.start)):
        if needed <= timedelta():
            break
        if slot in taken:
            continue
        taken.add(slot)
        needed -= slot.end - slot.start
    return max(needed, timedelta())


@dataclass(frozen=True)
class ChargeNeed:
    """What a plan must give by the departure, in charging time at the car's power.

    `to_minimum`: up to the level wanted whatever the price; `to_target`: up
    to the target level, in slots at or under `max_price` when one is set.
    """

    departure: datetime
    to_minimum: timedelta
    to_target: timedelta
    max_price: float | None = None


def plan_by_price(
    slots: Iterable[PriceSlot], now: datetime, need: ChargeNeed
) -> PricePlan:
    """Pick the slots to charge in before the departure.

    Adjacent slots picked make one window.
    """
    usable = [
        part
        for slot in slots
        if (part := _usable(slot, now, need.departure)) is not None
    ]
    taken: set[PriceSlot] = set()
    missing_minimum = _cheapest(usable, need.to_minimum, taken)
    affordable = [
        slot
        for slot in usable
        if need.max_price is None or slot.price <= need.max_price
    ]
    missing = _cheapest(affordable, need.to_target - need.to_minimum, taken)
    windows = _merged(ChargeWindow(slot.start, slot.end) for slot in taken)
    return PricePlan(windows, reaches_target=missing_minimum + missing == timedelta())


def _merged(windows: Iterable[ChargeWindow]) -> list[ChargeWindow]:
    """Return windows by start, those that touch made one."""
    merged: list[ChargeWindow] = []
    for window in sorted(windows, key=lambda window: window.start):
        if merged and merged[-1].end >= window.start:
            end = max(merged[-1].end, window.end)
            merged[-1] = ChargeWindow(merged[-1].start, end)
        else:
            merged.append(window)
    return merged


def charge_on_surplus(
    *,
    now: datetime,
    surplus_w: float | None,
    threshold_w: float,
    departure: datetime,
    to_minimum: timedelta,
) -> bool:
    """Tell whether to charge now on solar surplus, minimum level guaranteed.

    Above the threshold the car charges; otherwise it waits, unless waiting
    longer would miss the minimum level by the departure.
    """
    if now >= departure - to_minimum and to_minimum > timedelta():
        return True
    return surplus_w is not None and surplus_w >= threshold_w


class SmartMode(StrEnum):
    """How a car's charge is driven between plug-in and departure."""

    OFF = "off"
    CHEAPEST_HOURS = "cheapest_hours"
    SOLAR = "solar"


@dataclass(frozen=True, kw_only=True)
class SmartSettings:
    """What the user asked of smart charging, per car."""

    mode: SmartMode = SmartMode.OFF
    departure: time = time(7, 0)
    target_level: int = 80
    minimum_level: int = 20

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as stored."""
        return {
            "mode": self.mode.value,
            "departure": self.departure.isoformat(),
            "target_level": self.target_level,
            "minimum_level": self.minimum_level,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> SmartSettings:
        """Read stored settings; what is missing or unreadable keeps its default."""
        default = cls()
        try:
            mode = SmartMode(stored.get("mode", default.mode))
        except ValueError:
            mode = default.mode
        departure = dt_util.parse_time(str(stored.get("departure", "")))
        return cls(
            mode=mode,
            departure=departure or default.departure,
            target_level=int(stored.get("target_level", default.target_level)),
            minimum_level=int(stored.get("minimum_level", default.minimum_level)),
        )


def next_departure(now: datetime, departure: time) -> datetime:
    """Return the next moment (UTC) the local clock shows the departure time."""
    local_now = dt_util.as_local(now)
    day = local_now.date()
    zone = dt_util.get_default_time_zone()
    moment = datetime.combine(day, departure, tzinfo=zone)
    if moment <= local_now:
        moment = datetime.combine(day + timedelta(days=1), departure, tzinfo=zone)
    return dt_util.as_utc(moment)


@dataclass(frozen=True, kw_only=True)
class CarNow:
    """What a plan knows of the car: level, power, battery size, power drawn."""

    level: float
    power_kw: float
    capacity_kwh: float
    charging_w: float = 0.0
    """The power the car draws now (added back to a surplus it lowers)."""


@dataclass(frozen=True, kw_only=True)
class SmartInputs:
    """What smart charging reads from other entities."""

    slots: Sequence[PriceSlot] = ()
    max_price: float | None = None
    surplus_w: float | None = None
    threshold_w: float = 1400.0


@dataclass(frozen=True, kw_only=True)
class SmartDecision:
    """Whether the car charges now, and the windows planned up to the departure."""

    charge_now: bool
    departure: datetime
    windows: list[ChargeWindow] = field(default_factory=list)
    reaches_target: bool = True
    has_prices: bool = True
    charge_time: timedelta = timedelta()
    """How long the car charges from now to the target, at its power."""

    @property
    def next_start(self) -> datetime | None:
        """Return when charging next starts (now, if it is charging)."""
        return self.windows[0].start if self.windows else None

    @property
    def next_stop(self) -> datetime | None:
        """Return when the first window ends."""
        return self.windows[0].end if self.windows else None


def decide(
    settings: SmartSettings,
    now: datetime,
    car: CarNow,
    inputs: SmartInputs,
    committed_until: datetime | None = None,
) -> SmartDecision:
    """Decide whether the car charges now, in the cheapest slots or on surplus.

    The target is never charged past; the minimum level is reached by the
    departure whatever the price or the sun. `committed_until`: the end of
    the window a charge was started for.
    """
    departure = next_departure(now, settings.departure)
    target = float(settings.target_level)
    minimum = float(min(settings.minimum_level, settings.target_level))

    def duration(level: float) -> timedelta:
        return time_to_level(car.level, level, car.power_kw, car.capacity_kwh)

    to_target, to_minimum = duration(target), duration(minimum)
    if to_target <= TARGET_MARGIN:
        return SmartDecision(charge_now=False, departure=departure)
    if settings.mode is SmartMode.SOLAR:
        latest = departure - to_minimum
        windows = [ChargeWindow(latest, departure)] if to_minimum else []
        available = (
            None if inputs.surplus_w is None else inputs.surplus_w + car.charging_w
        )
        charge_now = charge_on_surplus(
            now=now,
            surplus_w=available,
            threshold_w=inputs.threshold_w,
            departure=departure,
            to_minimum=to_minimum,
        )
        return SmartDecision(
            charge_now=charge_now, departure=departure, windows=windows
        )
    if not inputs.slots:
        # No prices to choose from: charge now, as the car would.
        window = ChargeWindow(now, now + to_target)
        return SmartDecision(
            charge_now=True,
            departure=departure,
            windows=[window],
            reaches_target=window.end <= departure,
            has_prices=False,
            charge_time=to_target,
        )
    # A window started is charged to its end (or the target): the cheapest
    # slots for what is left come after it, so a charge is never cut into
    # pieces as the need shrinks.
    charge_time = to_target
    committed: list[ChargeWindow] = []
    if committed_until is not None and now < committed_until:
        committed = [ChargeWindow(now, min(committed_until, departure))]
        span = committed[0].end - committed[0].start
        to_minimum = max(to_minimum - span, timedelta())
        to_target = max(to_target - span, timedelta())
    plan = plan_by_price(
        inputs.slots,
        committed[0].end if committed else now,
        ChargeNeed(departure, to_minimum, to_target, inputs.max_price),
    )
    windows = _merged([*committed, *plan.windows])
    charge_now = any(window.start <= now < window.end for window in windows)
    return SmartDecision(
        charge_now=charge_now,
        departure=departure,
        windows=windows,
        reaches_target=plan.reaches_target,
        charge_time=charge_time,
    )
