"""A gateway's 429 or 503 (not JSON) backs off like the quota, as long as it asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from multidict import CIMultiDict, CIMultiDictProxy
import pytest

from custom_components.renault_connect.cloud import RETRY_AFTER_RANGE, retry_after
from fake_renault_cloud import FakeRenaultCloud, Fault

from .common import wait
from .platforms import setup_profile

DAYTIME = "2026-11-18T09:00:00+00:00"
BATTERY_LEVEL = "sensor.aa_001_aa_battery"
QUOTA = "sensor.camille_martin_myrenault_cloud_quota"


@pytest.fixture(autouse=True)
async def paris(hass: HomeAssistant) -> None:
    """Run in Paris time, so that the test's morning is out of quiet hours."""
    await hass.config.async_set_time_zone("Europe/Paris")


async def _minutes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int
) -> None:
    """Let minutes pass, one at a time."""
    for _ in range(minutes):
        await wait(hass, freezer, 60)


@pytest.mark.parametrize(
    ("kind", "pause"),
    [
        # No Retry-After: the quota's first back-off step.
        ("gateway_429", 15),
        ("gateway_503", 15),
        # The wait it asks for, in seconds or as an HTTP date.
        ("gateway_429_retry_after", 40),
        ("gateway_503_retry_after_date", 40),
    ],
)
async def test_gateway_overload_pauses_reads(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    pause: int,
) -> None:
    """Reads pause as long as asked (or the back-off), keep values, then resume."""
    freezer.move_to(DAYTIME)
    await setup_profile(hass, fake_cloud, "zoe_50", Platform.SENSOR)
    level = hass.states.get(BATTERY_LEVEL).state
    fake_cloud.requests.clear()
    fake_cloud.faults.add(Fault(kind, endpoint="battery-status", delay=40 * 60))

    await _minutes(hass, freezer, 6)
    refused = fake_cloud.requests.filter(endpoint="battery-status")
    assert len(refused) == 1
    fake_cloud.faults.clear()
    assert hass.states.get(BATTERY_LEVEL).state == level
    assert hass.states.get(QUOTA).state == "throttled"

    for _ in range(pause + 15):
        await wait(hass, freezer, 60)
        if len(reads := fake_cloud.requests.filter(endpoint="battery-status")) > 1:
            break
    gap = reads[1].time - refused[0].time
    assert timedelta(minutes=pause) <= gap <= timedelta(minutes=pause + 2), gap
    assert hass.states.get(QUOTA).state == "ok"
    assert hass.states.get(BATTERY_LEVEL).state == level
    assert caplog.text.count("request quota is reached") == 1


def _answer(value: str | None) -> aiohttp.ClientResponseError:
    """Return a gateway's 503, with this Retry-After."""
    headers = CIMultiDict({"Retry-After": value} if value is not None else {})
    return aiohttp.ClientResponseError(
        None,  # type: ignore[arg-type]
        (),
        status=503,
        headers=CIMultiDictProxy(headers),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("soon", None),
        ("120", timedelta(minutes=2)),
        # Too short, or absurdly long, is clamped to a sane range.
        ("0", RETRY_AFTER_RANGE[0]),
        ("9" * 40, RETRY_AFTER_RANGE[1]),
        ("Wed, 18 Nov 2026 09:30:00 GMT", timedelta(minutes=30)),
        ("Wed, 18 Nov 2026 08:00:00 GMT", RETRY_AFTER_RANGE[0]),
        ("Fri, 31 Dec 9999 23:59:59 GMT", RETRY_AFTER_RANGE[1]),
    ],
)
def test_retry_after(value: str | None, expected: timedelta | None) -> None:
    """Retry-After in seconds or as an HTTP date, kept within a sane range."""
    now = datetime(2026, 11, 18, 9, tzinfo=UTC)
    assert retry_after(_answer(value), now) == expected
