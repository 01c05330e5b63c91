"""Smart charging, pure: price slots in every form, cheapest hours, solar surplus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from homeassistant.util import dt as dt_util
import pytest

from custom_components.renault_connect.smart_charging import (
    CarNow,
    ChargeNeed,
    ChargeWindow,
    PriceSlot,
    SmartInputs,
    SmartMode,
    SmartSettings,
    charge_on_surplus,
    decide,
    hourly_prices,
    next_departure,
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


# A ZOE at 50 %: 52 kWh at 7.4 kW, 2.1 hours to 80 %.
ZOE_AT_50 = CarNow(level=50.0, power_kw=7.4, capacity_kwh=52.0)
CHEAPEST = SmartSettings(
    mode=SmartMode.CHEAPEST_HOURS, departure=time(7), target_level=80, minimum_level=0
)


@pytest.fixture(autouse=True)
def utc_home() -> Iterator[None]:
    """Home Assistant's clock shows UTC in these tests."""
    zone = dt_util.get_default_time_zone()
    dt_util.set_default_time_zone(UTC)
    yield
    dt_util.set_default_time_zone(zone)


def test_settings_stored_and_read_back() -> None:
    """Settings survive their stored form; unreadable parts keep their defaults."""
    assert SmartSettings.from_dict(CHEAPEST.as_dict()) == CHEAPEST
    assert SmartSettings.from_dict({"mode": "boost", "departure": "soon"}) == (
        SmartSettings()
    )


def test_next_departure_is_today_or_tomorrow() -> None:
    """The next departure is today's if still to come, else tomorrow's."""
    assert next_departure(EVENING, time(19)) == _at(1)
    assert next_departure(EVENING, time(7)) == _at(13)
    assert next_departure(EVENING, time(18)) == _at(24)


def test_decide_in_the_cheapest_hours() -> None:
    """Waits for the cheapest hours, then charges in them."""
    inputs = SmartInputs(slots=_expected())
    waiting = decide(CHEAPEST, EVENING, ZOE_AT_50, inputs)
    assert not waiting.charge_now
    assert waiting.next_start == _at(7)
    assert waiting.next_stop == _at(10)
    assert waiting.reaches_target
    assert decide(CHEAPEST, _at(7), ZOE_AT_50, inputs).charge_now


def test_a_started_window_is_charged_to_its_end() -> None:
    """Committed to 01:00-04:00, a charge is not cut when the need shrinks."""
    inputs = SmartInputs(slots=_expected())
    later = CarNow(level=60.0, power_kw=7.4, capacity_kwh=52.0)
    free = decide(CHEAPEST, _at(7) + timedelta(minutes=30), later, inputs)
    assert not free.charge_now
    kept = decide(
        CHEAPEST, _at(7) + timedelta(minutes=30), later, inputs, committed_until=_at(10)
    )
    assert kept.charge_now
    assert kept.next_stop == _at(10)


def test_target_reached_stops() -> None:
    """Within half a minute of the target, the charge stops."""
    full = CarNow(level=79.99, power_kw=7.4, capacity_kwh=52.0)
    decision = decide(CHEAPEST, _at(8), full, SmartInputs(slots=_expected()))
    assert not decision.charge_now
    assert decision.windows == []


def test_without_prices_charges_now() -> None:
    """No price to choose from: charge at once, as the car would."""
    decision = decide(CHEAPEST, EVENING, ZOE_AT_50, SmartInputs())
    assert decision.charge_now
    assert not decision.has_prices
    assert decision.windows == [ChargeWindow(EVENING, decision.windows[0].end)]


def test_solar_counts_what_the_car_draws() -> None:
    """The car's own draw is added back to the surplus it lowers."""
    solar = SmartSettings(mode=SmartMode.SOLAR, departure=time(7), minimum_level=60)
    drawing = CarNow(level=50.0, power_kw=7.4, capacity_kwh=52.0, charging_w=7400)
    low = SmartInputs(surplus_w=-5000, threshold_w=1400)
    assert decide(solar, EVENING, drawing, low).charge_now
    assert not decide(solar, EVENING, ZOE_AT_50, low).charge_now
    assert decide(solar, EVENING, ZOE_AT_50, SmartInputs()).windows[0].end == _at(13)


def test_hourly_prices_average_quarters() -> None:
    """Quarter-hour prices make the hour's price, weighted by time."""
    quarters = [
        PriceSlot(EVENING + index * HOUR / 4, EVENING + (index + 1) * HOUR / 4, price)
        for index, price in enumerate([0.1, 0.2, 0.3, 0.4, 0.5])
    ]
    assert hourly_prices(quarters) == {
        EVENING: pytest.approx(0.25),
        _at(1): pytest.approx(0.5),
    }
