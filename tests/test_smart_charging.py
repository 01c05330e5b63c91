"""Smart charging, pure: price slots in every form, cheapest hours, solar surplus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.util import dt as dt_util
import pytest

from custom_components.renault_connect.smart_charging import (
    ChargeNeed,
    ChargeWindow,
    PriceSlot,
    charge_on_surplus,
    plan_by_price,
    price_slots,
)

EVENING = datetime(2026, 11, 20, 18, tzinfo=UTC)
HOUR = timedelta(hours=1)
# A night of prices from 18:00: dear in the evening, cheap from 01:00 to 05:00.
PRICES = [0.30, 0.28, 0.25, 0.20, 0.18, 0.15, 0.12, 0.08, 0.07, 0.07, 0.09, 0.14]


def _at(hour: int) -> datetime:
    return EVENING + hour * HOUR


def _expected() -> list[PriceSlot]:
    return [PriceSlot(_at(h), _at(h + 1), price) for h, price in enumerate(PRICES)]


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param(
            {
                "raw_today": [
                    {"start": _at(h), "end": _at(h + 1), "value": p}
                    for h, p in enumerate(PRICES[:6])
                ],
                "raw_tomorrow": [
                    {"start": _at(h), "end": _at(h + 1), "value": p}
                    for h, p in enumerate(PRICES)
                    if h >= 6
                ],
            },
            id="nord_pool",
        ),
        pytest.param(
            {
                "prices_today": [
                    {"time": _at(h).isoformat(), "price": p}
                    for h, p in enumerate(PRICES[:6])
                ],
                "prices_tomorrow": [
                    {"time": _at(h).isoformat(), "price": p}
                    for h, p in enumerate(PRICES)
                    if h >= 6
                ],
            },
            id="entso_e",
        ),
        pytest.param(
            {
                "prices": [
                    {"start": _at(h).isoformat(), "price": p}
                    for h, p in enumerate(PRICES)
                ]
            },
            id="generic",
        ),
    ],
)
def test_price_slots_in_each_form(attributes: dict[str, Any]) -> None:
    """Nord Pool, ENTSO-e and the generic form give the same slots."""
    assert price_slots(attributes) == _expected()


def test_quarter_hours_and_odd_items() -> None:
    """15-minute slots are read as they are; items without a time or price skipped."""
    quarters = [
        {"start": (EVENING + timedelta(minutes=15 * q)).isoformat(), "price": q / 10}
        for q in range(4)
    ]
    odd = [
        {"start": "never", "price": 1},
        {"start": EVENING.isoformat()},
        {"start": EVENING.isoformat(), "price": True},
        # Overlapping the first quarter: the first one stays.
        {"start": EVENING.isoformat(), "end": _at(1).isoformat(), "price": 9.0},
        "x",
    ]
    slots = price_slots({"prices": [*quarters, *odd]})
    assert [slot.end - slot.start for slot in slots] == [timedelta(minutes=15)] * 4
    assert [slot.price for slot in slots] == [0.0, 0.1, 0.2, 0.3]
    # A time without its zone is Home Assistant's local time.
    [naive] = price_slots({"prices": [{"start": "2026-11-20 19:00", "price": 1}]})
    assert naive.start == dt_util.as_utc(
        datetime(2026, 11, 20, 19, tzinfo=dt_util.get_default_time_zone())
    )
    assert price_slots({"state": 0.2}) == []


def test_cheapest_hours_before_departure() -> None:
    """Three hours of charging by hour 13 go in the three cheapest, hours 7-9."""
    plan = plan_by_price(
        _expected(), EVENING, ChargeNeed(_at(13), timedelta(), 3 * HOUR)
    )
    assert plan.windows == [ChargeWindow(_at(7), _at(10))]
    assert plan.reaches_target
    assert plan.next_start == _at(7)


def test_price_limit_and_minimum_whatever_the_price() -> None:
    """Under 0.10 only, but one hour whatever the price: the minimum goes first."""
    plan = plan_by_price(
        _expected(),
        EVENING + timedelta(minutes=30),
        ChargeNeed(_at(10), HOUR, 5 * HOUR, max_price=0.10),
    )
    # The minimum takes the cheapest hour (8); hours 7 and 9 are under 0.10.
    assert plan.windows == [ChargeWindow(_at(7), _at(10))]
    assert not plan.reaches_target


def test_not_enough_time_charges_every_slot_left() -> None:
    """Departure too close: every slot left, and the plan says it falls short."""
    now = _at(11) + timedelta(minutes=20)
    plan = plan_by_price(_expected(), now, ChargeNeed(_at(12), HOUR, HOUR))
    assert plan.windows == [ChargeWindow(now, _at(12))]
    assert not plan.reaches_target


def test_solar_surplus_with_a_minimum_guaranteed() -> None:
    """Charge on surplus; without it, only once waiting would miss the minimum."""
    departure = _at(14)
    common: dict[str, Any] = {"threshold_w": 1400, "departure": departure}
    assert charge_on_surplus(now=_at(0), surplus_w=2000, to_minimum=2 * HOUR, **common)
    assert not charge_on_surplus(
        now=_at(0), surplus_w=300, to_minimum=2 * HOUR, **common
    )
    assert not charge_on_surplus(
        now=_at(0), surplus_w=None, to_minimum=2 * HOUR, **common
    )
    assert charge_on_surplus(now=_at(12), surplus_w=0, to_minimum=2 * HOUR, **common)
    assert not charge_on_surplus(
        now=_at(13), surplus_w=0, to_minimum=timedelta(), **common
    )
