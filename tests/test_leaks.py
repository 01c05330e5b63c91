"""No secret where Home Assistant itself shows or logs what the integration raised.

A failed action reaches the websocket's error log with its traceback (the
chained cause included), and repair issues are part of the entry's
diagnostics on newer Home Assistant versions.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.renault_connect.const import CONF_DEVICE_IDS, CONF_LOGIN_TOKEN
from custom_components.renault_connect.redact import RENAULT_API_LOGGERS
from fake_renault_cloud import FakeRenaultCloud, Fault

from .platforms import PLATE, VIN, setup_profile

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
INTEGRATION_LOGGER = "custom_components.renault_connect"


def debug_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    """Capture every record, renault-api's and ours at debug level included."""
    caplog.set_level(logging.DEBUG)
    for name in (*RENAULT_API_LOGGERS, INTEGRATION_LOGGER):
        caplog.set_level(logging.DEBUG, logger=name)


def entry_secrets(entry: MockConfigEntry) -> list[str]:
    """Return what identifies the person, the account and the car of an entry."""
    return [
        entry.data["username"],
        entry.data["password"],
        entry.data[CONF_LOGIN_TOKEN],
        *entry.data[CONF_DEVICE_IDS].values(),
        entry.unique_id or "",
        VIN,
        PLATE,
    ]


def assert_clean(text: str, secrets: list[str]) -> None:
    """Fail when any secret, or any JWT, shows in the text."""
    for secret in secrets:
        assert secret
        assert secret not in text, secret
    assert not JWT.search(text)


@pytest.mark.parametrize(
    "kind", ["http_500_html", "html_200", "malformed_json", "gateway_503"]
)
async def test_failed_action_over_websocket_leaks_nothing(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    hass_ws_client: WebSocketGenerator,
    hass_access_token: str,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """A button press the cloud fails: the error and every log line stay clean.

    Home Assistant logs the failed call's traceback; its chained cause would
    carry the URL (account and VIN) or the whole page the cloud answered.
    """
    entry = await setup_profile(hass, fake_cloud, "twingo_3", Platform.BUTTON)
    client = await hass_ws_client(hass)
    debug_everywhere(caplog)
    fake_cloud.faults.add(Fault(kind, endpoint="actions/horn-start"))

    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": BUTTON_DOMAIN,
            "service": SERVICE_PRESS,
            "target": {ATTR_ENTITY_ID: "button.aa_001_aa_sound_the_horn"},
        }
    )
    answer: dict[str, Any] = await client.receive_json()

    assert not answer["success"]
    error = answer["error"]
    assert error["translation_key"] in {"action_failed", "quota_reached"}
    assert "Received Kamereon response" in caplog.text  # debug logging ran
    websocket_records = [
        record for record in caplog.records if "websocket_api" in record.name
    ]
    assert websocket_records  # Home Assistant logged the failed call
    secrets = entry_secrets(entry)
    assert_clean(str(error), secrets)
    # Home Assistant's own access token is a JWT too: only ours are secrets here.
    assert_clean(caplog.text.replace(hass_access_token, ""), secrets)
    for record in websocket_records:
        # Neither the cause's URL nor the page the cloud answered.
        logged = record.getMessage()
        if record.exc_info:
            logged += logging.Formatter().formatException(record.exc_info)
        assert "/kamereon/" not in logged
        assert "<html>" not in logged
