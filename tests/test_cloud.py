"""Tests of the cloud seam: which Renault cloud a session talks to, and how."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from renault_api.const import AVAILABLE_LOCALES

from custom_components.renault_connect.cloud import (
    MAX_PARALLEL_REQUESTS,
    default_locale,
    locale_details,
)
from custom_components.renault_connect.const import CLOUD_URL_ENV
from fake_renault_cloud import FakeRenaultCloud

from .common import add_logged_in_entry


@pytest.mark.parametrize(
    ("language", "country", "locale"),
    [
        ("fr", "FR", "fr_FR"),
        ("fr", "BE", "fr_BE"),
        ("nl", "BE", "nl_BE"),
        ("en", "GB", "en_GB"),
        ("de", "LU", "fr_LU"),
        ("pt-BR", None, "pt_PT"),
        ("ja", "JP", "fr_FR"),
    ],
)
def test_default_locale(language: str, country: str | None, locale: str) -> None:
    """The default locale follows the country first, then the language."""
    assert default_locale(language, country) == locale


async def test_production_cloud_by_default(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the variable, sessions talk to Renault's servers."""
    monkeypatch.delenv(CLOUD_URL_ENV, raising=False)
    assert locale_details(hass, "fr_FR") == AVAILABLE_LOCALES["fr_FR"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:8765/"])
async def test_local_cloud_replaces_root_urls_only(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """A loopback cloud replaces the root URLs, and keeps the locale's keys."""
    monkeypatch.setenv(CLOUD_URL_ENV, url)
    details = locale_details(hass, "es_MX")
    root = url.rstrip("/")
    assert details["gigya-root-url"] == f"{root}/gigya"
    assert details["kamereon-root-url"] == f"{root}/kamereon"
    assert details["gigya-api-key"] == AVAILABLE_LOCALES["es_MX"]["gigya-api-key"]

    # Read once: changing the environment later changes nothing.
    monkeypatch.setenv(CLOUD_URL_ENV, "http://127.0.0.2:1")
    assert locale_details(hass, "es_MX") == details


@pytest.mark.parametrize(
    "url", ["http://192.168.1.20:8765", "https://example.com", "http://[fe80::1]:80"]
)
async def test_remote_cloud_is_refused(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    url: str,
) -> None:
    """Only a cloud on this machine can replace Renault's servers."""
    monkeypatch.setenv(CLOUD_URL_ENV, url)
    assert locale_details(hass, "fr_FR") == AVAILABLE_LOCALES["fr_FR"]
    assert "only a cloud on this machine" in caplog.text


async def test_a_fleet_is_read_in_parallel_within_a_limit(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """Ten cars' first reads go out together, never more than the limit at once."""
    user = fake_cloud.add_user("fleet@example.com", "fleet-secret-10")
    account = fake_cloud.add_account(user)
    vins = [fake_cloud.add_vehicle(account, "zoe_50").vin for _ in range(10)]
    entry = await add_logged_in_entry(
        hass,
        fake_cloud,
        email="fleet@example.com",
        password="fleet-secret-10",
        account_id=account.account_id,
        vins=vins,
    )
    # Long enough answers that the reads of the ten cars overlap.
    fake_cloud.latency = 0.2

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    reads = fake_cloud.requests.count(kind="kamereon")
    assert reads > MAX_PARALLEL_REQUESTS
    # Near the limit (a busy machine may start one a little late), never above.
    assert fake_cloud.most_in_flight >= MAX_PARALLEL_REQUESTS * 3 / 4
    assert fake_cloud.most_in_flight <= MAX_PARALLEL_REQUESTS
    await hass.config_entries.async_unload(entry.entry_id)
