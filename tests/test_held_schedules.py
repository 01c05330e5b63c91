"""Smart charging through the car's own schedule, pure: what is written and restored."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from custom_components.renault_connect.held_schedules import (
    HeldState,
    HoldKind,
    charge_program,
    has_charge_program,
    kca_schedules,
    kcm_fields,
    kcm_restored,
    kcm_window,
    rounded_windows,
    same_windows,
    trimmed,
)
from custom_components.renault_connect.smart_charging import ChargeWindow

NIGHT = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # a Saturday, 01:00 in Paris
PARIS = ZoneInfo("Europe/Paris")


def _window(start_minutes: float, end_minutes: float) -> ChargeWindow:
    return ChargeWindow(
        NIGHT + timedelta(minutes=start_minutes), NIGHT + timedelta(minutes=end_minutes)
    )


def test_windows_cut_at_the_target_and_put_on_the_cars_steps() -> None:
    """Three hours of cheap slots for 2 h 7 min: cut, then rounded out to 15 min."""
    slots = [_window(0, 180)]
    cut = trimmed(slots, timedelta(minutes=127))
    assert cut == [_window(0, 127)]
    assert rounded_windows(cut, 15, 5) == [_window(0, 135)]
    # Split slots are used in order until the need is met.
    assert trimmed([_window(120, 180), _window(0, 60)], timedelta(minutes=90)) == [
        _window(0, 60),
        _window(120, 150),
    ]
    assert trimmed(slots, timedelta()) == []


def test_rounded_windows_join_what_touches_and_the_closest() -> None:
    """Starts go down, ends up; touching windows are one; at most `most` are kept."""
    windows = [_window(2, 20), _window(25, 40), _window(120, 130), _window(300, 310)]
    assert rounded_windows(windows, 15, 5) == [
        _window(0, 45),
        _window(120, 135),
        _window(300, 315),
    ]
    # Two at most: the closest two are joined, the gap charged too.
    assert rounded_windows(windows, 15, 2) == [_window(0, 135), _window(300, 315)]


def test_same_windows() -> None:
    """Small moves of an end are no change; a running window is kept unless cut."""
    written = [_window(60, 180)]
    before = NIGHT
    assert same_windows(written, [_window(60, 190)], before)
    assert not same_windows(written, [_window(60, 200)], before)
    assert not same_windows(written, [_window(75, 180)], before)
    assert not same_windows(written, [], before)
    running = NIGHT + timedelta(minutes=90)
    # Running: any start now, a later end (a lagging read) keeps it.
    assert same_windows(written, [_window(90, 240)], running)
    # Ended sooner by the plan, stopped (target reached), or moved away.
    assert not same_windows(written, [_window(90, 150)], running)
    assert not same_windows(written, [], running)
    assert not same_windows(written, [_window(120, 180)], running)


def test_kca_schedules_charge_only_in_the_windows() -> None:
    """A schedule per window on its UTC day; the user's others switched off, kept."""
    own = [
        {
            "id": 1,
            "activated": True,
            "monday": {"startTime": "T22:00Z", "duration": 60},
        },
        {
            "id": 2,
            "activated": True,
            "friday": {"startTime": "T01:00Z", "duration": 15},
        },
        {"id": 3, "activated": False, "sunday": None},
    ]
    held = kca_schedules([_window(-30, 120), _window(240, 270)], own)
    assert held[0]["id"] == 1
    assert held[0]["friday"] == {"startTime": "T23:30Z", "duration": 150}
    assert held[0]["monday"] is None
    assert held[1]["saturday"] == {"startTime": "T04:00Z", "duration": 30}
    assert held[2] == {**own[2], "activated": False}
    assert [schedule["activated"] for schedule in held] == [True, True, False]
    # Nothing to charge: every schedule of the user's switched off.
    assert [schedule["activated"] for schedule in kca_schedules([], own)] == [
        False,
        False,
        False,
    ]


def test_kcm_fields_and_an_idle_window() -> None:
    """One daily window in the car's local time; idle, one that has just ended."""
    assert kcm_fields(kcm_window(_window(0, 130), NIGHT), PARIS) == {
        "chargeModeRq": "SCHEDULED",
        "chargeTimeStart": "01:00",
        "chargeDuration": 130,
    }
    now = NIGHT + timedelta(minutes=7, seconds=12)
    idle = kcm_window(None, now)
    assert idle == _window(0, 5)
    assert idle.end <= now
    # Never a whole day, which would mean "no end".
    long = kcm_window(_window(0, 24 * 60), NIGHT)
    assert long.end - long.start == timedelta(hours=23, minutes=55)


def test_kcm_restored_keeps_the_users_programs() -> None:
    """The three fields back, the added program gone, the user's own untouched."""
    added = charge_program(time(7, 0))
    own = {"programActivationStatus": True, "programType": "PRECONDITIONING"}
    document = {
        "chargeModeRq": "SCHEDULED",
        "chargeTimeStart": "01:00",
        "chargeDuration": 130,
        "other": 1,
        "programs": [own, added],
    }
    saved = {
        "chargeModeRq": "ALWAYS",
        "chargeTimeStart": "01:55",
        "chargeDuration": None,
    }
    assert kcm_restored(document, saved, added) == {
        "chargeModeRq": "ALWAYS",
        "chargeTimeStart": "01:55",
        "chargeDuration": 130,
        "other": 1,
        "programs": [own],
    }
    assert not has_charge_program([own])
    assert has_charge_program([own, added])
    assert has_charge_program(
        [{"programActivationStatus": True, "programType": "charge_and_preconditioning"}]
    )


def test_state_stored_and_read_back() -> None:
    """What a hold keeps survives the store's JSON."""
    state = HeldState(
        kind=HoldKind.KCM,
        saved={"chargeModeRq": "ALWAYS"},
        added_program=charge_program(time(6, 30)),
        written=[_window(0, 130)],
        written_at=NIGHT,
    )
    assert HeldState.from_dict(state.as_dict()) == state
