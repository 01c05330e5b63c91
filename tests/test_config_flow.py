"""Tests of the config and options flows, driven through the fake Renault cloud."""

from __future__ import annotations

import copy
from datetime import timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_HOMEASSISTANT_FINAL_WRITE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from renault_api.renault_session import RenaultSession

from custom_components.renault_connect.config_flow import (
    CODE_LIFETIME,
    CONF_CODE,
    CONF_EMAIL_ID,
    CONF_RESEND,
    CONF_VEHICLE,
)
from custom_components.renault_connect.const import (
    CONF_AUTO_ADD,
    CONF_BATTERY_CAPACITY,
    CONF_CHARGER_ENERGY,
    CONF_CHARGER_SWITCH,
    CONF_DEVICE_IDS,
    CONF_HOURLY_BUDGET,
    CONF_HVAC_TEMPERATURE,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_KNOWN_VEHICLES,
    CONF_LOCALE,
    CONF_LOGIN_TOKEN,
    CONF_MAX_PRICE,
    CONF_PRICE_ENTITY,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_VEHICLE_SETTINGS,
    CONF_VEHICLES,
    DOMAIN,
)
from custom_components.renault_connect.labels import vehicle_label
from fake_renault_cloud import FakeRenaultCloud, FakeUser, Fault
from fake_renault_cloud.gigya import (
    LOCKOUT_FOR,
    WRONG_CODES_BEFORE_LOCKOUT,
    obfuscate,
)

from .const import EMAIL, LOCALE, PASSWORD

USER_INPUT = {CONF_LOCALE: LOCALE, CONF_USERNAME: EMAIL, CONF_PASSWORD: PASSWORD}
BACKUP_EMAIL = "camille.backup@example.org"


async def _submit_login(hass: HomeAssistant, **changes: str) -> dict[str, Any]:
    """Open the flow and submit the login form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, **changes}
    )


def _select_options(result: dict[str, Any], field: str) -> list[dict[str, str]]:
    """Return the options a select field of a form offers."""
    options: list[dict[str, str]] = (
        result["data_schema"].schema[field].config["options"]
    )
    return options


def _defaults(result: dict[str, Any]) -> dict[str, Any]:
    """Return the default values of a form's fields."""
    return {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(getattr(key, "default", None))
    }


async def _accept_vehicles(
    hass: HomeAssistant, result: dict[str, Any]
) -> dict[str, Any]:
    """Submit the vehicles form as offered: every vehicle, new ones added."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "vehicles"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], _defaults(result)
    )


async def _login_with_device(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, device_ids: dict[str, str]
) -> None:
    """Log in as a later restart would, from a remembered device."""
    session = RenaultSession(
        websession=async_get_clientsession(hass),
        locale=LOCALE,
        locale_details=fake_cloud.locale_details(LOCALE),
    )
    session.set_device_ids(device_ids)
    await session.login(EMAIL, PASSWORD)


async def test_user_flow_without_two_factor(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, cloud_vins: list[str]
) -> None:
    """A login without two-factor offers every vehicle, preselected, and adds them."""
    result = await _submit_login(hass)
    options = _select_options(result, CONF_VEHICLES)
    assert [option["value"] for option in options] == cloud_vins
    assert [option["label"] for option in options] == [
        f"Renault Zoe ({fake_cloud.vehicles[cloud_vins[0]].registration})",
        f"Renault Megane E-Tech ({fake_cloud.vehicles[cloud_vins[1]].registration})",
    ]
    assert _defaults(result) == {CONF_VEHICLES: cloud_vins, CONF_AUTO_ADD: True}

    result = await _accept_vehicles(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Named by brand and models: never the person (Home Assistant logs titles).
    assert result["title"] == "MyRenault: Zoe, Megane E-Tech"
    entry = result["result"]
    assert entry.unique_id == entry.data[CONF_KAMEREON_ACCOUNT_ID]
    assert entry.data[CONF_LOCALE] == LOCALE
    assert entry.data[CONF_USERNAME] == EMAIL
    assert entry.data[CONF_LOGIN_TOKEN]
    assert entry.options == {
        CONF_VEHICLES: cloud_vins,
        CONF_KNOWN_VEHICLES: sorted(cloud_vins),
        CONF_AUTO_ADD: True,
        CONF_VEHICLE_SETTINGS: {},
    }
    assert fake_cloud.requests.count(endpoint="accounts.login") == 1
    assert entry.state is ConfigEntryState.LOADED


async def test_choose_some_vehicles(hass: HomeAssistant, cloud_vins: list[str]) -> None:
    """At least one vehicle must be chosen; the choice and auto-add are stored."""
    result = await _submit_login(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_VEHICLES: [], CONF_AUTO_ADD: False}
    )
    assert result["errors"] == {CONF_VEHICLES: "no_vehicle_selected"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_VEHICLES: [cloud_vins[1]], CONF_AUTO_ADD: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options[CONF_VEHICLES] == [cloud_vins[1]]
    assert result["result"].options[CONF_AUTO_ADD] is False
    assert list(result["result"].runtime_data.vehicles) == [cloud_vins[1]]


async def test_login_form_suggests_locale(hass: HomeAssistant) -> None:
    """The locale defaults to Home Assistant's language and country."""
    hass.config.language = "fr"
    hass.config.country = "BE"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert _defaults(result)[CONF_LOCALE] == "fr_BE"


@pytest.mark.parametrize(
    ("fault", "changes", "error"),
    [
        (None, {CONF_PASSWORD: "wrong"}, "invalid_auth"),
        (None, {CONF_USERNAME: "nobody@example.com"}, "invalid_auth"),
        (Fault("http_500_html", endpoint="accounts.login"), {}, "cannot_connect"),
        (Fault("malformed_json", endpoint="accounts.login"), {}, "cannot_connect"),
        (Fault("http_502_html", endpoint="accounts.login"), {}, "cannot_connect"),
    ],
)
@pytest.mark.usefixtures("cloud_account")
async def test_login_errors_then_success(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    fault: Fault | None,
    changes: dict[str, str],
    error: str,
) -> None:
    """Each error shows in the form, and a corrected attempt creates the entry."""
    if fault is not None:
        fake_cloud.faults.add(fault)
    result = await _submit_login(hass, **changes)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert CONF_PASSWORD not in _defaults(result)

    fake_cloud.faults.clear()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("cloud_account")
async def test_unexpected_error_then_success(hass: HomeAssistant) -> None:
    """An error the flow does not know shows as unknown, then the user can retry."""
    with patch.object(RenaultSession, "login", side_effect=RuntimeError("boom")):
        result = await _submit_login(hass)
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("cloud_account")
async def test_accounts_unreadable_aborts(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """Logged in, but the accounts cannot be read: the flow ends with the reason."""
    fake_cloud.faults.add(Fault("http_502_html", endpoint="person"))
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_two_factor_with_one_address(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    cloud_account: str,
) -> None:
    """A wrong code can be retried; the right one logs in and remembers the device."""
    cloud_user.tfa_required = True
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tfa_code"
    # The step says where the code went, masked as Gigya masks it.
    masked = result["description_placeholders"]["email"]
    assert masked == obfuscate(EMAIL)
    assert masked != EMAIL
    code = fake_cloud.last_tfa_code(EMAIL)
    assert code

    wrong = "000000" if code != "000000" else "111111"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: wrong}
    )
    assert result["step_id"] == "tfa_code"
    assert result["errors"] == {CONF_CODE: "invalid_code"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: code}
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == cloud_account
    device_ids = result["result"].data[CONF_DEVICE_IDS]
    assert device_ids

    # The device is remembered: the next login from it needs no code.
    fake_cloud.requests.clear()
    await _login_with_device(hass, fake_cloud, device_ids)
    assert fake_cloud.requests.count(endpoint="accounts.tfa.initTFA") == 0


@pytest.mark.usefixtures("cloud_account")
async def test_two_factor_with_two_addresses(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, cloud_user: FakeUser
) -> None:
    """With two addresses, the user picks one (obfuscated) and gets the code there."""
    cloud_user.tfa_required = True
    cloud_user.tfa_emails = [EMAIL, BACKUP_EMAIL]
    result = await _submit_login(hass)
    assert result["step_id"] == "tfa_email"
    options = _select_options(result, CONF_EMAIL_ID)
    assert len(options) == 2
    assert all("***" in option["label"] for option in options)
    assert all(EMAIL not in option["label"] for option in options)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL_ID: options[1]["value"]}
    )
    assert result["step_id"] == "tfa_code"
    assert fake_cloud.last_tfa_code(EMAIL) is None
    code = fake_cloud.last_tfa_code(BACKUP_EMAIL)
    assert code

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: code}
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("cloud_account")
async def test_two_factor_resend_code(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, cloud_user: FakeUser
) -> None:
    """Asking for a new code sends one; an empty code sends one too, and says why."""
    sent = "accounts.tfa.email.sendVerificationCode"
    cloud_user.tfa_required = True
    result = await _submit_login(hass)
    first_code = fake_cloud.last_tfa_code(EMAIL)
    assert fake_cloud.requests.count(endpoint=sent) == 1

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_RESEND: True}
    )
    assert result["step_id"] == "tfa_code"
    assert result["errors"] == {}
    assert fake_cloud.requests.count(endpoint=sent) == 2

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {CONF_CODE: "code_required"}
    assert fake_cloud.requests.count(endpoint=sent) == 3

    code = fake_cloud.last_tfa_code(EMAIL)
    assert code
    if code != first_code:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_CODE: first_code}
        )
        assert result["errors"] == {CONF_CODE: "invalid_code"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: code}
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("cloud_account")
async def test_two_factor_addresses_unreadable(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, cloud_user: FakeUser
) -> None:
    """When the addresses cannot be read, the flow ends with a clear reason."""
    cloud_user.tfa_required = True
    fake_cloud.faults.add(
        Fault("http_500_html", endpoint="accounts.tfa.email.getEmails")
    )
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


@pytest.mark.usefixtures("cloud_account")
async def test_two_factor_without_address(
    hass: HomeAssistant, cloud_user: FakeUser
) -> None:
    """Two-factor required with no address registered cannot be completed here."""
    cloud_user.tfa_required = True
    cloud_user.tfa_emails = []
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_tfa_email"


async def test_choose_between_accounts(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    cloud_account: str,
) -> None:
    """Accounts with vehicles are offered; an account without any is not."""
    dacia = fake_cloud.add_account(cloud_user, account_type="MYDACIA")
    spring = fake_cloud.add_vehicle(dacia, "spring")
    fake_cloud.add_account(cloud_user, account_type="SFDC")

    result = await _submit_login(hass)
    assert result["step_id"] == "account"
    options = _select_options(result, CONF_KAMEREON_ACCOUNT_ID)
    assert [option["value"] for option in options] == [cloud_account, dacia.account_id]
    assert options == [
        {"value": cloud_account, "label": "MyRenault: Zoe, Megane E-Tech"},
        {"value": dacia.account_id, "label": "MyDacia: Spring"},
    ]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_KAMEREON_ACCOUNT_ID: dacia.account_id}
    )
    assert _select_options(result, CONF_VEHICLES)[0]["value"] == spring.vin
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "MyDacia: Spring"
    assert result["result"].unique_id == dacia.account_id


async def test_no_vehicle_aborts(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """A login whose accounts hold no vehicle cannot be added."""
    user = fake_cloud.add_user(EMAIL, PASSWORD)
    fake_cloud.add_account(user)
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_vehicles"


async def test_account_already_configured(
    hass: HomeAssistant, cloud_account: str
) -> None:
    """The same account cannot be added twice."""
    MockConfigEntry(domain=DOMAIN, unique_id=cloud_account).add_to_hass(hass)
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_wrong_then_right_password(
    hass: HomeAssistant, cloud_user: FakeUser, config_entry: MockConfigEntry
) -> None:
    """Reauth asks for the password, shows a refusal, and stores the new login."""
    new_password = "a brand new password"
    cloud_user.password = new_password
    result = await config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"][CONF_USERNAME] == EMAIL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    old_token = config_entry.data[CONF_LOGIN_TOKEN]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: new_password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_PASSWORD] == new_password
    assert config_entry.data[CONF_LOGIN_TOKEN] != old_token
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reauth_with_two_factor(
    hass: HomeAssistant,
    cloud_user: FakeUser,
    fake_cloud: FakeRenaultCloud,
    config_entry: MockConfigEntry,
) -> None:
    """Reauth walks through the code step when the cloud asks for one."""
    cloud_user.tfa_required = True
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["step_id"] == "tfa_code"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: fake_cloud.last_tfa_code(EMAIL)}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_DEVICE_IDS]
    # The entry loads with the new login (no setup left running at the end).
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_login(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    init_integration: MockConfigEntry,
) -> None:
    """The locale and password can change; a wrong password shows first."""
    entry = init_integration
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert _defaults(result)[CONF_LOCALE] == LOCALE
    assert CONF_PASSWORD not in _defaults(result)

    cloud_user.password = "changed"
    new_input = {**USER_INPUT, CONF_LOCALE: "fr_BE", CONF_PASSWORD: PASSWORD}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], new_input
    )
    assert result["errors"] == {"base": "invalid_auth"}

    new_input[CONF_PASSWORD] = "changed"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], new_input
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_LOCALE] == "fr_BE"
    assert entry.data[CONF_PASSWORD] == "changed"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # One refused and one accepted login; the reload after it used the new token.
    assert fake_cloud.requests.count(endpoint="accounts.login") == 2


async def test_reconfigure_to_another_account_aborts(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, init_integration: MockConfigEntry
) -> None:
    """Logging in as somebody without this account changes nothing."""
    other = fake_cloud.add_user("someone@example.net", "other password")
    fake_cloud.add_vehicle(fake_cloud.add_account(other), "spring")
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **USER_INPUT,
            CONF_USERNAME: "someone@example.net",
            CONF_PASSWORD: "other password",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_mismatch"
    assert init_integration.data[CONF_USERNAME] == EMAIL


POLLING = {
    CONF_HOURLY_BUDGET: 15.0,
    CONF_QUIET_START: "23:00:00",
    CONF_QUIET_END: "06:00:00",
}


async def _open_options(
    hass: HomeAssistant, entry: MockConfigEntry, part: str, vin: str | None = None
) -> dict[str, Any]:
    """Open the options and pick a part of the menu (and a car, for its settings)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": part}
    )
    if vin is not None and result["step_id"] == "choose_vehicle":
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_VEHICLE: vin}
        )
    return result


async def test_options_menu_has_each_part_one_step_away(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Configure opens on a menu: vehicles, a car's settings, polling."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["vehicles", "choose_vehicle", "polling"]


async def test_options_choose_vehicles(
    hass: HomeAssistant, init_integration: MockConfigEntry, cloud_vins: list[str]
) -> None:
    """The vehicles part chooses the cars and applies at once; nothing else changes."""
    entry = init_integration
    before = copy.deepcopy(dict(entry.options))
    result = await _open_options(hass, entry, "vehicles")
    assert result["step_id"] == "vehicles"
    assert _defaults(result) == {CONF_VEHICLES: cloud_vins, CONF_AUTO_ADD: True}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VEHICLES: [], CONF_AUTO_ADD: True}
    )
    assert result["errors"] == {CONF_VEHICLES: "no_vehicle_selected"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VEHICLES: [cloud_vins[1]], CONF_AUTO_ADD: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert entry.options == {
        **before,
        CONF_VEHICLES: [cloud_vins[1]],
        CONF_AUTO_ADD: False,
        CONF_KNOWN_VEHICLES: sorted(cloud_vins),
    }
    # Applied without a restart: the entry reloaded with one vehicle.
    assert entry.state is ConfigEntryState.LOADED
    assert list(entry.runtime_data.vehicles) == [cloud_vins[1]]
    result = await _open_options(hass, entry, "vehicles")
    assert _defaults(result) == {CONF_VEHICLES: [cloud_vins[1]], CONF_AUTO_ADD: False}


async def test_options_one_car_settings(
    hass: HomeAssistant, init_integration: MockConfigEntry, cloud_vins: list[str]
) -> None:
    """A car is picked, its settings saved alone; one car needs no picking."""
    entry = init_integration
    result = await _open_options(hass, entry, "choose_vehicle")
    assert result["step_id"] == "choose_vehicle"
    assert [option["value"] for option in _select_options(result, CONF_VEHICLE)] == (
        cloud_vins
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VEHICLE: cloud_vins[1]}
    )
    assert result["step_id"] == "vehicle"
    # The Megane E-Tech's usual battery is offered; the user has a smaller one.
    assert _defaults(result) == {
        CONF_BATTERY_CAPACITY: 60.0,
        CONF_HVAC_TEMPERATURE: 21.0,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_BATTERY_CAPACITY: 40.0, CONF_HVAC_TEMPERATURE: 19.5}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_VEHICLE_SETTINGS] == {
        cloud_vins[1]: {CONF_BATTERY_CAPACITY: 40.0, CONF_HVAC_TEMPERATURE: 19.5}
    }
    assert entry.state is ConfigEntryState.LOADED

    # Opening it again shows what was stored.
    result = await _open_options(hass, entry, "choose_vehicle", cloud_vins[1])
    assert _defaults(result) == {
        CONF_BATTERY_CAPACITY: 40.0,
        CONF_HVAC_TEMPERATURE: 19.5,
    }

    # With one car chosen, its settings open straight away.
    result = await _open_options(hass, entry, "vehicles")
    await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VEHICLES: [cloud_vins[0]], CONF_AUTO_ADD: True}
    )
    await hass.async_block_till_done()
    result = await _open_options(hass, entry, "choose_vehicle")
    assert result["step_id"] == "vehicle"
    assert result["description_placeholders"]["vehicle"] == vehicle_label(
        entry.runtime_data.vehicles[cloud_vins[0]].details
    )


async def test_options_polling(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The account's polling: the budget and the quiet hours, applied at once."""
    entry = init_integration
    result = await _open_options(hass, entry, "polling")
    assert result["step_id"] == "polling"
    assert _defaults(result) == {
        CONF_HOURLY_BUDGET: 15,
        CONF_QUIET_START: "23:00:00",
        CONF_QUIET_END: "06:00:00",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_HOURLY_BUDGET: 30.0,
            CONF_QUIET_START: "22:30:00",
            CONF_QUIET_END: "07:00:00",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert entry.options[CONF_HOURLY_BUDGET] == 30
    assert entry.runtime_data.request_budget.budget == 30
    assert entry.options[CONF_QUIET_START] == "22:30:00"
    assert entry.options[CONF_QUIET_END] == "07:00:00"


async def test_options_link_a_charger_and_prices(
    hass: HomeAssistant, init_integration: MockConfigEntry, cloud_vins: list[str]
) -> None:
    """An electric car's options link a charger and prices; smart charging follows."""
    entry = init_integration
    megane = cloud_vins[1]
    # Without a charger, smart charging drives the Megane through its schedule.
    assert entry.runtime_data.vehicles[megane].smart.hold.drives
    linked = {
        CONF_BATTERY_CAPACITY: 60.0,
        CONF_HVAC_TEMPERATURE: 21.0,
        CONF_CHARGER_SWITCH: "input_boolean.wallbox",
        CONF_CHARGER_ENERGY: "sensor.wallbox_energy",
        CONF_PRICE_ENTITY: "sensor.nordpool",
        CONF_MAX_PRICE: 0.15,
    }
    result = await _open_options(hass, entry, "choose_vehicle", megane)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], linked
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert entry.options[CONF_VEHICLE_SETTINGS] == {megane: linked}
    vehicle = entry.runtime_data.vehicles[megane]
    assert vehicle.charger is not None
    assert vehicle.meter is not None
    assert vehicle.can_charge_smartly
    assert not vehicle.smart.hold.drives

    # Shown again as suggestions; a field emptied is dropped.
    result = await _open_options(hass, entry, "choose_vehicle", megane)
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert suggested[CONF_CHARGER_SWITCH] == "input_boolean.wallbox"
    assert suggested[CONF_PRICE_ENTITY] == "sensor.nordpool"
    unlinked = {CONF_BATTERY_CAPACITY: 60.0, CONF_HVAC_TEMPERATURE: 21.0}
    await hass.config_entries.options.async_configure(result["flow_id"], unlinked)
    await hass.async_block_till_done()
    assert entry.options[CONF_VEHICLE_SETTINGS] == {megane: unlinked}
    assert entry.runtime_data.vehicles[megane].charger is None


async def test_options_for_a_fuel_car_have_no_battery(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, init_integration: MockConfigEntry
) -> None:
    """A fuel car has no battery capacity to set."""
    account = init_integration.runtime_data.account_id
    duster = fake_cloud.add_vehicle(fake_cloud.accounts[account], "duster")
    await init_integration.runtime_data.vehicles_coordinator.async_refresh()
    await hass.async_block_till_done()

    result = await _open_options(hass, init_integration, "choose_vehicle", duster.vin)
    assert result["step_id"] == "vehicle"
    assert _defaults(result) == {CONF_HVAC_TEMPERATURE: 21.0}


async def test_options_need_a_loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Options of an entry that is not running explain why they cannot open."""
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


async def _stored_options(
    hass: HomeAssistant, hass_storage: dict[str, Any], entry: MockConfigEntry
) -> Any:
    """Return the entry's options as written to storage (what a restart reads).

    Pending writes are flushed as Home Assistant does when it stops. None when
    the entry was never written (nothing changed since it was added).
    """
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    if "core.config_entries" not in hass_storage:
        return None
    stored = hass_storage["core.config_entries"]["data"]["entries"]
    return next(
        (item["options"] for item in stored if item["entry_id"] == entry.entry_id),
        None,
    )


async def test_options_one_car_setting_alone_is_stored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """Changing only a car's battery capacity is written, and read after a restart."""
    entry = init_integration
    first = {CONF_BATTERY_CAPACITY: 40.0, CONF_HVAC_TEMPERATURE: 19.5}
    for vin in cloud_vins:
        result = await _open_options(hass, entry, "choose_vehicle", vin)
        await hass.config_entries.options.async_configure(result["flow_id"], first)
        await hass.async_block_till_done()

    # A new battery for the first car: nothing else changes. Home Assistant
    # sees the change (it writes and tells the entry's listeners).
    updates: list[Any] = []

    async def count_update(_: HomeAssistant, changed: Any) -> None:
        updates.append(changed.options[CONF_VEHICLE_SETTINGS])

    entry.add_update_listener(count_update)
    second = {CONF_BATTERY_CAPACITY: 45.0, CONF_HVAC_TEMPERATURE: 19.5}
    result = await _open_options(hass, entry, "choose_vehicle", cloud_vins[0])
    await hass.config_entries.options.async_configure(result["flow_id"], second)
    await hass.async_block_till_done()
    expected = {**dict.fromkeys(cloud_vins, first), cloud_vins[0]: second}
    assert updates[:1] == [expected]

    stored = await _stored_options(hass, hass_storage, entry)
    assert stored[CONF_VEHICLE_SETTINGS] == expected
    # A restart reads it back.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.options[CONF_VEHICLE_SETTINGS] == expected


async def test_options_two_flows_at_once_keep_both_changes(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """Two options dialogs open together (two browsers): each keeps its change."""
    entry = init_integration
    polling = await _open_options(hass, entry, "polling")
    car = await _open_options(hass, entry, "choose_vehicle", cloud_vins[0])
    settings = {CONF_BATTERY_CAPACITY: 45.0, CONF_HVAC_TEMPERATURE: 20.0}
    await hass.config_entries.options.async_configure(car["flow_id"], settings)
    await hass.async_block_till_done()
    await hass.config_entries.options.async_configure(
        polling["flow_id"], {**POLLING, CONF_HOURLY_BUDGET: 25.0}
    )
    await hass.async_block_till_done()

    stored = await _stored_options(hass, hass_storage, entry)
    assert stored[CONF_HOURLY_BUDGET] == 25
    assert stored[CONF_VEHICLE_SETTINGS] == {cloud_vins[0]: settings}


async def test_options_abandoned_change_nothing(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    cloud_vins: list[str],
) -> None:
    """A flow left before its end changes neither the live nor the stored options."""
    entry = init_integration
    live = copy.deepcopy(dict(entry.options))
    stored = await _stored_options(hass, hass_storage, entry)

    for part, vin in (("vehicles", None), ("choose_vehicle", cloud_vins[0])):
        result = await _open_options(hass, entry, part, vin)
        hass.config_entries.options.async_abort(result["flow_id"])
    await hass.async_block_till_done()

    assert dict(entry.options) == live
    assert await _stored_options(hass, hass_storage, entry) == stored


@pytest.mark.usefixtures("cloud_account")
async def test_impossible_login_is_refused_without_a_request(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud
) -> None:
    """An e-mail that is none, or an empty password, is refused here; then it works."""
    result = await _submit_login(hass, **{CONF_USERNAME: "camille.martin"})
    assert result["errors"] == {CONF_USERNAME: "invalid_email"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_PASSWORD: "   "}
    )
    assert result["errors"] == {CONF_PASSWORD: "password_required"}
    assert fake_cloud.requests.filter(kind="gigya") == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("cloud_account")
@pytest.mark.parametrize("on_demand", [False, True], ids=["late", "fault"])
async def test_expired_code_says_so_then_a_new_one_works(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    freezer: FrozenDateTimeFactory,
    on_demand: bool,
) -> None:
    """A code typed too late is called expired (not wrong); a new code logs in."""
    cloud_user.tfa_required = True
    result = await _submit_login(hass)
    code = fake_cloud.last_tfa_code(EMAIL)
    if on_demand:
        fake_cloud.faults.add(Fault("tfa_code_expired", times=1))
    else:
        freezer.tick(CODE_LIFETIME + timedelta(minutes=1))

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: code}
    )
    assert result["errors"] == {CONF_CODE: "code_expired"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_RESEND: True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: fake_cloud.last_tfa_code(EMAIL)}
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("cloud_account")
async def test_locked_out_says_so_then_works_later(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    cloud_user: FakeUser,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Too many wrong codes: the form says to wait; after the wait, a code works."""
    cloud_user.tfa_required = True
    result = await _submit_login(hass)
    code = fake_cloud.last_tfa_code(EMAIL) or ""
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(WRONG_CODES_BEFORE_LOCKOUT):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_CODE: wrong}
        )
    assert result["errors"] == {"base": "locked_out"}

    freezer.tick(LOCKOUT_FOR)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_RESEND: True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CODE: fake_cloud.last_tfa_code(EMAIL)}
    )
    result = await _accept_vehicles(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


def test_every_abort_of_the_login_has_its_text() -> None:
    """The steps that abort on a form error (e-mail choice, accounts) explain it."""
    strings = json.loads(
        (
            Path(__file__).parents[1] / "custom_components/renault_connect/strings.json"
        ).read_text(encoding="utf-8")
    )
    form_errors = {"invalid_auth", "locked_out", "cannot_connect", "unknown"}
    assert form_errors <= set(strings["config"]["abort"])


@pytest.mark.usefixtures("cloud_account")
@pytest.mark.parametrize("kind", ["http_500_html", "gateway_503", "html_200"])
async def test_person_fault_explained_then_setup_works(
    hass: HomeAssistant, fake_cloud: FakeRenaultCloud, kind: str
) -> None:
    """The person (the list of accounts) fails once: a clear stop, then a setup."""
    fault = fake_cloud.faults.add(Fault(kind, endpoint="person", times=1))
    result = await _submit_login(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert fault.hits == 1
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await _accept_vehicles(hass, await _submit_login(hass))
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_countries_in_the_order_of_their_names(
    hass: HomeAssistant, language: str
) -> None:
    """The country list follows the names the user reads, in their language."""
    hass.config.language = language
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    [locale_field] = [
        field
        for key, field in result["data_schema"].schema.items()
        if str(key) == CONF_LOCALE
    ]
    shown = locale_field.config["options"]
    translations = json.loads(
        (
            Path(__file__).parents[1]
            / "custom_components"
            / "renault_connect"
            / "translations"
            / f"{language}.json"
        ).read_text(encoding="utf-8")
    )["selector"]["locale"]["options"]
    names = [translations[code] for code in shown]
    assert names == sorted(names, key=str.casefold)
    assert len(shown) == len(translations)
