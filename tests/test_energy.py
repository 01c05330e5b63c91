"""Charged energy, pure: sessions kept once each, spread over the hours they ran."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from custom_components.renault_connect.energy import (
    ChargeSession,
    Consumption,
    charging_cost,
    consumption,
    energy_by_hour,
    finished_sessions,
    last_hour,
    merge_sessions,
    running_totals,
)

NIGHT = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)


def _session(start: datetime, hours: float, kwh: float) -> ChargeSession:
    return ChargeSession(start, start + timedelta(hours=hours), kwh)


def _listed(session: ChargeSession) -> dict[str, object]:
    """Return a session as the charges endpoint lists it."""
    return {
        "chargeStartDate": session.start.isoformat().replace("+00:00", "Z"),
        "chargeEndDate": session.end.isoformat().replace("+00:00", "Z"),
        "chargeEnergyRecovered": session.energy_kwh,
    }


def test_only_finished_believable_sessions() -> None:
    """Running, empty, reversed and impossible sessions are left out."""
    good = _session(NIGHT, 2, 14.8)
    listed = [
        _listed(good),
        {**_listed(good), "chargeEndDate": None},
        {**_listed(good), "chargeEnergyRecovered": 0},
        {**_listed(good), "chargeEnergyRecovered": 900.0},
        {**_listed(good), "chargeEnergyRecovered": "12"},
        {**_listed(good), "chargeEndDate": "2026-11-20T21:00:00Z"},
        {"chargeStartDate": "not a date", "chargeEndDate": "2026-11-21T01:00:00Z"},
    ]
    assert finished_sessions(listed) == [good]


def test_energy_spread_over_the_hours_it_ran() -> None:
    """22:30-00:30 at constant power: a quarter, a half, a quarter."""
    hours = energy_by_hour([_session(NIGHT, 2, 14.8)])
    assert hours == {
        datetime(2026, 11, 20, 22, tzinfo=UTC): pytest.approx(3.7),
        datetime(2026, 11, 20, 23, tzinfo=UTC): pytest.approx(7.4),
        datetime(2026, 11, 21, 0, tzinfo=UTC): pytest.approx(3.7),
    }


def test_a_session_read_again_changes_nothing() -> None:
    """The same session, read on every poll, is kept once."""
    session = _session(NIGHT, 2, 14.8)
    kept, changed = merge_sessions([], [session])
    assert (kept, changed) == ([session], NIGHT)
    assert merge_sessions(kept, [session]) == ([session], None)


def test_a_session_whose_end_moved_replaces_the_first_reading() -> None:
    """A session read while the cloud still counted, then final: counted once."""
    early = _session(NIGHT, 1, 7.0)
    final = _session(NIGHT, 2, 14.8)
    kept, changed = merge_sessions([early], [final])
    assert kept == [final]
    assert changed == NIGHT
    # Its start moved by the cloud's rounding: still the same charge.
    moved = _session(NIGHT + timedelta(minutes=1), 2, 14.9)
    kept, changed = merge_sessions(kept, [moved])
    assert kept == [moved]
    assert changed == NIGHT


def test_sessions_older_than_the_cloud_remembers_stay() -> None:
    """The cloud lists 30 days; sessions seen before stay in the total."""
    old = _session(NIGHT - timedelta(days=40), 3, 20.0)
    new = _session(NIGHT, 2, 14.8)
    kept, changed = merge_sessions([old], [new])
    assert kept == [old, new]
    assert changed == NIGHT


def test_running_totals_cover_every_hour_asked() -> None:
    """Rows from `since` to `until`, hours without charging included."""
    first = _session(NIGHT - timedelta(days=1), 1, 5.0)
    second = _session(NIGHT, 2, 14.8)
    sessions = [first, second]
    assert last_hour(sessions) == datetime(2026, 11, 21, 0, tzinfo=UTC)
    since = datetime(2026, 11, 20, 21, tzinfo=UTC)
    rows = running_totals(sessions, since, datetime(2026, 11, 21, 1, tzinfo=UTC))
    assert [(row.start.hour, row.total_kwh) for row in rows] == [
        (21, 5.0),
        (22, 8.7),
        (23, 16.1),
        (0, 19.8),
        (1, 19.8),
    ]


def test_sessions_stored_and_read_back() -> None:
    """A stored session comes back the same."""
    session = _session(NIGHT, 2, 14.8)
    assert ChargeSession.from_dict(session.as_dict()) == session
    assert last_hour([]) is None


def test_consumption_over_thirty_days() -> None:
    """1,000 km and 150 kWh in 30 days: 15 kWh/100 km, 200 km per charge."""
    today = date(2026, 11, 30)
    mileage = {
        today - timedelta(days=45): 9_000.0,  # before the window
        today - timedelta(days=30): 10_000.0,
        today - timedelta(days=12): 10_600.0,
        today: 11_000.0,
    }
    sessions = [
        _session(datetime(2026, 11, day, 22, tzinfo=UTC), 4, 30.0)
        for day in (3, 9, 15, 21, 27)
    ]
    old = _session(datetime(2026, 10, 20, 22, tzinfo=UTC), 4, 30.0)
    assert consumption([old, *sessions], mileage, today) == Consumption(15.0, 200.0)


def test_no_consumption_from_too_little() -> None:
    """A few days of mileage, no distance, or no charge tell nothing yet."""
    today = date(2026, 11, 30)
    charged = [_session(datetime(2026, 11, 28, 22, tzinfo=UTC), 4, 30.0)]
    unknown = Consumption(None, None)
    three_days = {today - timedelta(days=3): 10_000.0, today: 10_200.0}
    assert consumption(charged, three_days, today) == unknown
    parked = {today - timedelta(days=20): 10_000.0, today: 10_000.0}
    assert consumption(charged, parked, today) == unknown
    assert consumption([], {**parked, today: 10_500.0}, today) == unknown


def test_charging_cost_hour_by_hour() -> None:
    """Each hour's energy at its price; an hour without a price makes it unknown."""
    hours = {NIGHT: 2.0, NIGHT + timedelta(hours=1): 4.0}
    prices = {NIGHT: 0.25, NIGHT + timedelta(hours=1): 0.10}
    assert charging_cost(hours, prices) == 0.9
    assert charging_cost(hours, {NIGHT: 0.25}) is None
