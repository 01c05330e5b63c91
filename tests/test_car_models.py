"""The table of model truth: what each car offers, accepts and reports."""

from __future__ import annotations

import logging

import pytest

from custom_components.renault_connect.car_models import (
    BATTERY,
    CHARGE_SCHEDULE,
    HVAC_STATUS,
    LOCATION,
    MODELS,
    CarCommand,
    Field,
    ModelProfile,
    profile_for,
)
from fake_renault_cloud.profiles import PROFILES

from .common import vehicle_details


def _profile(model: str, energy: str = "ELEC") -> ModelProfile:
    """Return the profile of a car of the model."""
    return profile_for(vehicle_details(model=model, engineEnergyType=energy))


def test_every_fake_car_is_in_the_table() -> None:
    """Each model the fake cloud plays has its row (adding a model is one row)."""
    assert {profile.model_code for profile in PROFILES.values()} <= set(MODELS)


@pytest.mark.parametrize(
    ("model", "accepted", "refused"),
    [
        # Zoe phase 2: "cancel" has no effect, so no stop is offered.
        (
            "X102VE",
            {CarCommand.CHARGE_START, CarCommand.CHARGE_STOP, CarCommand.HVAC_START},
            {CarCommand.HVAC_STOP, CarCommand.HORN, CarCommand.LIGHTS},
        ),
        # Zoe phase 1: "cancel" works.
        ("X101VE", {CarCommand.HVAC_START, CarCommand.HVAC_STOP}, set()),
        # Renault 5: stopped with "stop"; no charge stop through the cloud.
        (
            "R5E1VE",
            {CarCommand.HVAC_STOP, CarCommand.CHARGE_START},
            {CarCommand.CHARGE_STOP, CarCommand.SET_CHARGE_MODE},
        ),
        # Megane E-Tech: a start but no stop, so neither is a pair.
        ("XCB1VE", {CarCommand.CHARGE_START}, {CarCommand.CHARGE_STOP}),
    ],
)
def test_commands_each_model_acts_on(
    model: str, accepted: set[CarCommand], refused: set[CarCommand]
) -> None:
    """A car is offered only the commands it acts on."""
    profile = _profile(model)
    assert {command for command in accepted if profile.accepts(command)} == accepted
    assert not {command for command in refused if profile.accepts(command)}


def test_fuel_car_has_no_charging() -> None:
    """A petrol car neither reads charging endpoints nor accepts charge commands."""
    profile = _profile("XJB1SU", energy="OTHER")
    assert profile.fuel
    assert not profile.electric
    assert not profile.offers(BATTERY)
    assert not profile.accepts(CarCommand.CHARGE_START)
    assert profile.battery_kwh is None
    assert profile.heartbeats == (LOCATION, "cockpit")


@pytest.mark.parametrize(
    ("model", "untrusted"),
    [
        ("X101VE", {Field.HVAC_STATUS}),
        ("X102VE", {Field.BATTERY_TEMPERATURE, Field.CHARGING_POWER}),
        ("XCB1VE", set()),
    ],
)
def test_values_the_notes_call_wrong(model: str, untrusted: set[Field]) -> None:
    """renault-api's notes on wrong values are in the table."""
    profile = _profile(model)
    assert {field for field in Field if not profile.trusts(field)} == untrusted


def test_units_and_documents() -> None:
    """Power units and where the charge settings live come from the profile."""
    zoe_1, zoe_2, renault_5 = (
        _profile(code) for code in ("X101VE", "X102VE", "R5E1VE")
    )
    assert zoe_1.charging_power_kw(7400) == 7.4
    assert zoe_2.charging_power_kw(7.4) == 7.4
    assert zoe_2.charging_power_kw(None) is None
    assert zoe_2.charging_power_kw(7400) == 7.4  # no car charges at 7400 kW
    assert renault_5.charge_settings_document
    assert renault_5.offers(CHARGE_SCHEDULE)
    assert not zoe_1.charge_settings_document
    assert zoe_1.heartbeats == (BATTERY, "cockpit")
    assert zoe_2.charge_mode_spelling("always") == "always_charging"
    assert renault_5.charge_mode_spelling("scheduled") == "scheduled"
    assert zoe_1.offers(HVAC_STATUS)


def test_battery_capacity_only_for_plug_in_cars() -> None:
    """Fuel cars have no battery capacity; unknown models have no default."""
    assert _profile("XCB1VE").battery_kwh == 60.0
    assert _profile("XJB1SU", energy="OTHER").battery_kwh is None
    assert _profile("NEW1VE").battery_kwh is None


def test_unknown_model_falls_back_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A model the table does not know keeps renault-api's defaults, logged once."""
    with caplog.at_level(logging.INFO, logger="custom_components.renault_connect"):
        first = _profile("NEW2VE")
        second = _profile("NEW2VE")
    assert not first.known
    assert first.accepts(CarCommand.CHARGE_START)
    assert first.offers(BATTERY)
    assert second == first
    ours = [
        record
        for record in caplog.records
        if record.name == "custom_components.renault_connect"
    ]
    assert len(ours) == 1
    assert "NEW2VE" in ours[0].getMessage()


@pytest.mark.parametrize(
    ("model", "session", "minutes"),
    [
        # renault-api's Megane E-Tech capture: 11:12 to 12:49, reported as 97.
        (
            "XCB1VE",
            {
                "chargeStartDate": "2024-01-01T11:12:00Z",
                "chargeEndDate": "2024-01-01T12:49:00Z",
                "chargeDuration": 97,
            },
            97.0,
        ),
        # A Zoe phase 2 session of 8 hours, reported in seconds.
        (
            "X102VE",
            {
                "chargeStartDate": "2020-11-11T00:30:00Z",
                "chargeEndDate": "2020-11-11T08:30:00Z",
                "chargeDuration": 28800,
            },
            480.0,
        ),
        # Without dates, the model's known unit decides.
        ("X101VE", {"chargeDuration": 479}, 479.0),
        ("X102VE", {"chargeDuration": 600}, 10.0),
        ("X102VE", {}, None),
    ],
)
def test_charge_session_minutes(
    model: str, session: dict[str, object], minutes: float | None
) -> None:
    """Session durations come out in minutes whatever unit the car used."""
    assert _profile(model).session_minutes(session) == minutes
