"""Tests that no secret reaches the logs, at any level, renault-api's included."""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
import pkgutil
import re
import sys

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import ATTR_ENTITY_ID, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import renault_api
from renault_api.kamereon import models

from custom_components.renault_connect.config_flow import CONF_CODE
from custom_components.renault_connect.const import (
    CONF_DEVICE_IDS,
    CONF_LOCALE,
    CONF_LOGIN_TOKEN,
    DOMAIN,
)
from custom_components.renault_connect.redact import (
    MODEL_MAP_LOGGER,
    REDACTED,
    RENAULT_API_LOGGERS,
    SECRETS,
    UNDOCUMENTED_MODELS,
    SecretFilter,
    install,
)
from fake_renault_cloud import FakeRenaultCloud, FakeUser

from .const import EMAIL, LOCALE, PASSWORD

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
INTEGRATION_LOGGER = "custom_components.renault_connect"


async def test_full_session_logs_no_secret(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    cloud_account: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Login with a code, setup, every read and a command log no secret.

    Every logger of renault-api and of the integration logs at debug level;
    nothing the person endpoint tells about the user shows.
    """
    caplog.set_level(logging.DEBUG)
    for name in (*RENAULT_API_LOGGERS, INTEGRATION_LOGGER):
        caplog.set_level(logging.DEBUG, logger=name)
    cloud_user.tfa_required = True
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_LOCALE: LOCALE, CONF_USERNAME: EMAIL, CONF_PASSWORD: PASSWORD},
    )
    code = fake_cloud.last_tfa_code(EMAIL)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: code}
    )
    defaults = {str(key): key.default() for key in result["data_schema"].schema}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], defaults)
    entry = result["result"]
    await hass.async_block_till_done()
    hub = entry.runtime_data
    for vehicle in hub.vehicles.values():
        for coordinator in vehicle.coordinators.values():
            await coordinator.async_refresh()
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {
            ATTR_ENTITY_ID: next(
                state.entity_id
                for state in hass.states.async_all(BUTTON_DOMAIN)
                if state.entity_id.endswith("start_preconditioning")
            )
        },
        blocking=True,
    )
    await hass.async_block_till_done()

    logs = caplog.text
    assert "Received Kamereon response" in logs  # renault-api's debug logging ran
    assert "/commerce/v1/persons/" in logs  # so did the person's
    secrets = [
        EMAIL,
        PASSWORD,
        code,
        entry.data[CONF_LOGIN_TOKEN],
        *entry.data[CONF_DEVICE_IDS].values(),
        cloud_account,
        cloud_user.person_id,
        cloud_user.uid,
        cloud_user.party_id,
        cloud_user.mdm_id,
        cloud_user.first_name,
        cloud_user.last_name,
        cloud_user.phone,
        cloud_user.street,
        cloud_user.postal_code,
        cloud_user.city,
    ]
    for car in fake_cloud.accounts[cloud_account].vehicles:
        secrets += [
            car.vin,
            car.registration,
            f"{car.state.latitude}",
            f"{car.state.longitude}",
        ]
    for secret in secrets:
        assert secret
        assert secret not in logs, secret
    assert not JWT.search(logs)


def test_filter_redacts_messages_and_tracebacks() -> None:
    """Known secrets, JWTs, e-mails and positions are replaced in a record."""
    SECRETS.add(["VF1SECRETVIN00001", "", None, "abc"])
    record = logging.LogRecord(
        "renault_api",
        logging.DEBUG,
        __file__,
        1,
        "%s at %s",
        ("VF1SECRETVIN00001", '{"gpsLatitude": 48.85, "gpsLongitude":-2.5}'),
        None,
    )
    message = "mail me@example.com with eyJa.eyJb.sig"
    try:
        raise ValueError(message)  # noqa: TRY301
    except ValueError:
        record.exc_info = sys.exc_info()

    assert SECRETS.filter(record)
    message = record.getMessage()
    assert "VF1SECRETVIN00001" not in message
    assert "48.85" not in message
    assert "-2.5" not in message
    # Too short to be searched for: it would redact ordinary words.
    assert SECRETS.redact("abc") == "abc"
    assert SECRETS.redact("GET /accounts/a1b2c3/vehicles") == (
        "GET /accounts/**REDACTED**/vehicles"
    )
    assert record.exc_text is not None
    assert "me@example.com" not in record.exc_text
    assert "eyJa.eyJb.sig" not in record.exc_text


def test_filter_redacts_person_fields_and_escaped_json() -> None:
    """Fields naming or placing a person, or a car, go, even in escaped JSON."""
    person = json.dumps(
        {
            "partyId": "PTY-4411",
            "mdmId": "MDM-8822",
            "idp": {"idpId": "b9f1c0de", "login": "someone"},
            "phones": [{"phoneValue": "0698765432", "areaCode": "33"}],
            "addresses": [
                {
                    "addressLine1": "3 impasse Verte",
                    "postalCode": "69100",
                    "city": "Lyon",
                }
            ],
            "firstName": "Dominique",
            "lastName": "Durand",
        }
    )
    error = json.dumps({"errorMessage": json.dumps({"vin": "VF1ESCAPED0000001"})})
    assert '\\"vin\\"' in error  # the VIN sits in JSON inside a JSON string

    redacted = SecretFilter().redact(f"{person} {error}")

    for value in (
        "PTY-4411",
        "MDM-8822",
        "b9f1c0de",
        "someone",
        "0698765432",
        "3 impasse Verte",
        "69100",
        "Lyon",
        "Dominique",
        "Durand",
        "VF1ESCAPED0000001",
    ):
        assert value not in redacted, value


def test_password_is_replaced_as_one_whole_value() -> None:
    """A password of dictionary words leaves no trace of where it matched.

    Only the whole value goes: the words of it elsewhere, or inside longer
    words, stay as they are, and a longer secret wins over one it contains.
    """
    secrets = SecretFilter()
    secrets.add([PASSWORD, "horse battery staple and more"], "entry")
    text = (
        f"login with {PASSWORD}; an incorrect horse battery stapler; "
        "correctly stapled; horse battery staple and more"
    )

    assert secrets.redact(text) == (
        f"login with {REDACTED}; an incorrect horse battery stapler; "
        f"correctly stapled; {REDACTED}"
    )


async def test_secrets_are_forgotten_with_their_entry(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """An entry's secrets leave the filter when it unloads, and come back with it."""
    entry_secrets = {*cloud_vins, init_integration.data[CONF_LOGIN_TOKEN]}
    assert entry_secrets <= SECRETS.secrets

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert not entry_secrets & SECRETS.secrets
    assert SECRETS.redact(cloud_vins[0]) == cloud_vins[0]

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert entry_secrets <= SECRETS.secrets


def test_filter_covers_every_renault_api_logger() -> None:
    """Every renault-api module that logs is filtered (the list follows the library)."""
    logging_modules = {
        module.name
        for module in pkgutil.walk_packages(renault_api.__path__, prefix="renault_api.")
        if "cli" not in module.name
        and "getLogger(__name__)"
        in Path(importlib.util.find_spec(module.name).origin or "").read_text()
    }
    assert logging_modules <= set(RENAULT_API_LOGGERS)


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (logging.INFO, []),
        (
            logging.DEBUG,
            [
                ("DEBUG", "Model XNEW00 is not documented"),
                ("DEBUG", "Endpoint charges for model X102VE is not documented"),
            ],
        ),
    ],
)
def test_undocumented_model_warnings_are_debug(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    level: int,
    expected: list[tuple[str, str]],
) -> None:
    """renault-api's requests for model documentation only show when debugging."""
    # renault-api warns once per process: forget what it warned before.
    monkeypatch.setattr(models, "_ALREADY_WARNED_VEHICLE", set())
    monkeypatch.setattr(models, "_ALREADY_WARNED_VEHICLE_ENDPOINT", set())
    install()
    caplog.set_level(level, logger=MODEL_MAP_LOGGER)
    models.get_model_endpoints("XNEW00")
    models.get_model_endpoint("X102VE", "charges")
    assert [
        (record.levelname, record.getMessage().split(",")[0])
        for record in caplog.records
    ] == expected


def test_model_map_keeps_other_records() -> None:
    """Other records of renault-api's model map pass unchanged."""
    record = logging.LogRecord(
        MODEL_MAP_LOGGER, logging.WARNING, __file__, 1, "Other", None, None
    )
    assert UNDOCUMENTED_MODELS.filter(record)
    assert record.levelno == logging.WARNING
