"""Config flow for Renault Connect: login with a two-factor code, account, vehicles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
import re
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_USERNAME,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
    TimeSelector,
)
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from . import redact
from .accounts import PersonAccounts, async_read_accounts
from .car_models import profile_for
from .cloud import (
    LOCALES,
    CarDetails,
    CloudError,
    CloudSession,
    CodeRequiredError,
    LockedOutError,
    WrongCodeError,
    WrongCredentialsError,
    default_locale,
)
from .compat import vol
from .const import (
    CONF_AUTO_ADD,
    CONF_BATTERY_CAPACITY,
    CONF_CHARGER_ENERGY,
    CONF_CHARGER_POWER,
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
    CONF_SURPLUS_ENTITY,
    CONF_SURPLUS_THRESHOLD,
    CONF_VEHICLE_SETTINGS,
    CONF_VEHICLES,
    DEFAULT_HOURLY_BUDGET,
    DEFAULT_HVAC_TEMPERATURE,
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    DEFAULT_SURPLUS_THRESHOLD,
    DOMAIN,
    LOGGER,
    MAX_HOURLY_BUDGET,
    MAX_HVAC_TEMPERATURE,
    MIN_HOURLY_BUDGET,
    MIN_HVAC_TEMPERATURE,
)
from .labels import vehicle_label

CONF_EMAIL_ID = "email_id"
# How long the codes Gigya e-mails last.
CODE_LIFETIME = timedelta(minutes=10)
# An e-mail address, roughly: something, an at sign, a domain with a dot.
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONF_CODE = "code"
CONF_RESEND = "resend"
CONF_VEHICLE = "vehicle"

PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR})
CODE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_CODE): TextSelector(),
        vol.Optional(CONF_RESEND, default=False): BooleanSelector(),
    }
)
BATTERY_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=5,
        max=200,
        step=0.1,
        mode=NumberSelectorMode.BOX,
        unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    )
)
BUDGET_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=MIN_HOURLY_BUDGET,
        max=MAX_HOURLY_BUDGET,
        step=1,
        mode=NumberSelectorMode.SLIDER,
    )
)
TEMPERATURE_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=MIN_HVAC_TEMPERATURE,
        max=MAX_HVAC_TEMPERATURE,
        step=0.5,
        mode=NumberSelectorMode.SLIDER,
        unit_of_measurement=UnitOfTemperature.CELSIUS,
    )
)

POWER_SENSOR_SELECTOR = EntitySelector(
    EntitySelectorConfig(domain="sensor", device_class="power")
)
# What an electric car's options may link: its charger, prices and surplus.
SMART_CHARGING_SELECTORS: dict[str, Any] = {
    CONF_CHARGER_SWITCH: EntitySelector(
        EntitySelectorConfig(domain=["switch", "input_boolean"])
    ),
    CONF_CHARGER_POWER: POWER_SENSOR_SELECTOR,
    CONF_CHARGER_ENERGY: EntitySelector(
        EntitySelectorConfig(domain="sensor", device_class="energy")
    ),
    CONF_PRICE_ENTITY: EntitySelector(
        EntitySelectorConfig(domain=["sensor", "input_number"])
    ),
    CONF_MAX_PRICE: NumberSelector(
        NumberSelectorConfig(mode=NumberSelectorMode.BOX, step="any")
    ),
    CONF_SURPLUS_ENTITY: POWER_SENSOR_SELECTOR,
    CONF_SURPLUS_THRESHOLD: NumberSelector(
        NumberSelectorConfig(
            min=0,
            max=22000,
            step=100,
            mode=NumberSelectorMode.BOX,
            unit_of_measurement=UnitOfPower.WATT,
        )
    ),
}


def _login_schema(locale: str, locales: list[str]) -> vol.Schema:
    """Return the login form, with the locale preselected."""
    return vol.Schema(
        {
            vol.Required(CONF_LOCALE, default=locale): SelectSelector(
                SelectSelectorConfig(
                    options=locales,
                    mode=SelectSelectorMode.DROPDOWN,
                    translation_key=CONF_LOCALE,
                )
            ),
            vol.Required(CONF_USERNAME): TextSelector(
                TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
            ),
            vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
        }
    )


def _vehicles_schema(
    vehicles: Mapping[str, CarDetails],
    selected: list[str],
    *,
    auto_add: bool,
) -> vol.Schema:
    """Return the form that chooses vehicles, and whether new ones are added."""
    options = [
        SelectOptionDict(value=vin, label=vehicle_label(details))
        for vin, details in vehicles.items()
    ]
    return vol.Schema(
        {
            vol.Required(CONF_VEHICLES, default=selected): SelectSelector(
                SelectSelectorConfig(
                    options=options, multiple=True, mode=SelectSelectorMode.LIST
                )
            ),
            vol.Required(CONF_AUTO_ADD, default=auto_add): BooleanSelector(),
        }
    )


def _vehicles_options(
    vehicles: Mapping[str, CarDetails], user_input: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the entry options that a vehicles form submitted."""
    return {
        CONF_VEHICLES: [vin for vin in vehicles if vin in user_input[CONF_VEHICLES]],
        CONF_KNOWN_VEHICLES: sorted(vehicles),
        CONF_AUTO_ADD: user_input[CONF_AUTO_ADD],
    }


def _login_input_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the form errors of an e-mail and password no login could take."""
    errors: dict[str, str] = {}
    if not EMAIL_SHAPE.fullmatch(str(data.get(CONF_USERNAME, "")).strip()):
        errors[CONF_USERNAME] = "invalid_email"
    if not str(data.get(CONF_PASSWORD, "")).strip():
        errors[CONF_PASSWORD] = "password_required"
    return errors


@asynccontextmanager
async def _cloud_errors(errors: dict[str, str]) -> AsyncIterator[None]:
    """Turn cloud failures into form errors; let a two-factor request through."""
    try:
        yield
    except CodeRequiredError:
        raise
    except WrongCredentialsError:
        errors["base"] = "invalid_auth"
    except WrongCodeError as err:
        errors[CONF_CODE] = "code_expired" if err.expired else "invalid_code"
    except LockedOutError:
        errors["base"] = "locked_out"
    except CloudError:
        errors["base"] = "cannot_connect"
    except Exception:  # noqa: BLE001 - the form must show something, never crash
        LOGGER.exception("Unexpected error while talking to the Renault cloud")
        errors["base"] = "unknown"


class RenaultConnectConfigFlow(ConfigFlow, domain=DOMAIN):
    """Log in to the Renault cloud, then pick the account and its vehicles."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        self._data: dict[str, Any] = {}
        self._session: CloudSession | None = None
        self._email_id: str | None = None
        self._email_labels: dict[str, str] = {}
        """The masked addresses Gigya shows for each address id."""
        self._code_sent_at: datetime | None = None
        self._person = PersonAccounts(accounts={})
        self._account_id = ""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> RenaultConnectOptionsFlow:  # noqa: ARG004
        """Return the options flow."""
        return RenaultConnectOptionsFlow()

    @property
    def session(self) -> CloudSession:
        """Return the session opened by the last login attempt."""
        assert self._session is not None  # noqa: S101 - set before any step uses it
        return self._session

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the locale, e-mail and password, and log in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data = dict(user_input)
            if result := await self._async_login(errors):
                return result
        locale = default_locale(self.hass.config.language, self.hass.config.country)
        return await self._async_show_login_form("user", locale, user_input, errors)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start over when the stored login no longer works."""
        self._data = dict(entry_data)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again, and log in (with a code when asked)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data[CONF_PASSWORD] = user_input[CONF_PASSWORD]
            if result := await self._async_login(errors):
                return result
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={CONF_USERNAME: self._data[CONF_USERNAME]},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the locale, e-mail or password of the entry's account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data = {**entry.data, **user_input}
            if result := await self._async_login(errors):
                return result
        return await self._async_show_login_form(
            "reconfigure", entry.data[CONF_LOCALE], user_input or entry.data, errors
        )

    async def _async_show_login_form(
        self,
        step_id: str,
        locale: str,
        suggested: Mapping[str, Any] | None,
        errors: dict[str, str],
    ) -> ConfigFlowResult:
        """Show the login form, never filling the password in."""
        values = {k: v for k, v in (suggested or {}).items() if k != CONF_PASSWORD}
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _login_schema(locale, await self._async_locales_by_name()), values
            ),
            errors=errors,
        )

    async def _async_locales_by_name(self) -> list[str]:
        """Return the locales in the order of the names the user reads."""
        names = await async_get_translations(
            self.hass, self.hass.config.language, "selector", {DOMAIN}
        )
        prefix = f"component.{DOMAIN}.selector.{CONF_LOCALE}.options."
        return sorted(
            LOCALES, key=lambda code: str(names.get(prefix + code) or code).casefold()
        )

    async def _async_login(self, errors: dict[str, str]) -> ConfigFlowResult | None:
        """Log in with the flow's data; return the next step, or None on errors.

        An e-mail that cannot be one, or an empty password, is refused here,
        without asking the cloud (nor counting against the account's tries).
        """
        errors.update(_login_input_errors(self._data))
        if errors:
            return None
        self._session = CloudSession(self.hass, self._data)
        try:
            async with _cloud_errors(errors):
                await self.session.async_login(
                    self._data[CONF_USERNAME], self._data[CONF_PASSWORD]
                )
        except CodeRequiredError:
            return await self.async_step_tfa_email()
        if errors:
            return None
        return await self._async_logged_in()

    async def async_step_tfa_email(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the address that receives the code when several are registered."""
        if user_input is not None:
            self._email_id = user_input[CONF_EMAIL_ID]
            return await self.async_step_tfa_code()
        errors: dict[str, str] = {}
        async with _cloud_errors(errors):
            emails = await self.session.async_tfa_emails()
        if errors:
            return self.async_abort(reason=errors["base"])
        self._email_labels = {email.id: email.label for email in emails}
        options = [
            SelectOptionDict(value=email.id, label=email.label) for email in emails
        ]
        if not options:
            return self.async_abort(reason="no_tfa_email")
        if len(options) == 1:
            self._email_id = options[0]["value"]
            return await self.async_step_tfa_code()
        return self.async_show_form(
            step_id="tfa_email",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_EMAIL_ID): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
        )

    async def async_step_tfa_code(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Send the code, then check the code the user typed (or send another)."""
        errors: dict[str, str] = {}
        code = (user_input or {}).get(CONF_CODE, "").strip()
        if user_input is None or user_input.get(CONF_RESEND) or not code:
            async with _cloud_errors(errors):
                await self.session.async_send_code(self._email_id)
            self._code_sent_at = dt_util.utcnow()
            if user_input is not None and not user_input.get(CONF_RESEND):
                errors.setdefault(CONF_CODE, "code_required")
        else:
            async with _cloud_errors(errors):
                await self.session.async_check_code(code)
            if not errors:
                return await self._async_logged_in()
            if errors.get(CONF_CODE) == "invalid_code" and self._code_is_old():
                errors[CONF_CODE] = "code_expired"
        return self.async_show_form(
            step_id="tfa_code",
            data_schema=CODE_SCHEMA,
            errors=errors,
            # The address as Gigya masks it, so the user knows where to look.
            description_placeholders={
                "email": self._email_labels.get(self._email_id or "", "")
            },
        )

    def _code_is_old(self) -> bool:
        """Tell whether the last code was sent longer ago than codes last."""
        sent = self._code_sent_at
        return sent is not None and dt_util.utcnow() - sent > CODE_LIFETIME

    async def _async_logged_in(self) -> ConfigFlowResult:
        """Go on once logged in: update the entry, or choose what to add."""
        self._data[CONF_LOGIN_TOKEN] = self.session.login_token
        self._data[CONF_DEVICE_IDS] = self.session.device_ids
        redact.SECRETS.add(
            [self.session.login_token, *self.session.device_ids.values()]
        )
        if self.source == SOURCE_REAUTH:
            return self.async_update_reload_and_abort(
                self._get_reauth_entry(), data=self._data
            )
        errors: dict[str, str] = {}
        async with _cloud_errors(errors):
            self._person = await async_read_accounts(self.session)
        if errors:
            return self.async_abort(reason=errors["base"])
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            if entry.data[CONF_KAMEREON_ACCOUNT_ID] not in self._person.accounts:
                return self.async_abort(reason="account_mismatch")
            return self.async_update_reload_and_abort(entry, data=self._data)
        return await self.async_step_account()

    async def async_step_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the Kamereon account when more than one holds vehicles."""
        with_vehicles = {
            account_id: account
            for account_id, account in self._person.accounts.items()
            if account.vehicles
        }
        if user_input is not None:
            account_id = user_input[CONF_KAMEREON_ACCOUNT_ID]
        elif not with_vehicles:
            return self.async_abort(reason="no_vehicles")
        elif len(with_vehicles) == 1:
            account_id = next(iter(with_vehicles))
        else:
            options = [
                SelectOptionDict(value=account_id, label=account.label)
                for account_id, account in with_vehicles.items()
            ]
            return self.async_show_form(
                step_id="account",
                data_schema=vol.Schema(
                    {
                        vol.Required(CONF_KAMEREON_ACCOUNT_ID): SelectSelector(
                            SelectSelectorConfig(options=options)
                        )
                    }
                ),
            )
        await self.async_set_unique_id(account_id)
        self._abort_if_unique_id_configured()
        self._account_id = account_id
        return await self.async_step_vehicles()

    async def async_step_vehicles(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the vehicles to add, and whether new ones are added by themselves."""
        account = self._person.accounts[self._account_id]
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input[CONF_VEHICLES]:
                return self.async_create_entry(
                    title=account.label,
                    data={**self._data, CONF_KAMEREON_ACCOUNT_ID: self._account_id},
                    options={
                        **_vehicles_options(account.vehicles, user_input),
                        CONF_VEHICLE_SETTINGS: {},
                    },
                )
            errors[CONF_VEHICLES] = "no_vehicle_selected"
        return self.async_show_form(
            step_id="vehicles",
            data_schema=_vehicles_schema(
                account.vehicles, list(account.vehicles), auto_add=True
            ),
            errors=errors,
        )


class RenaultConnectOptionsFlow(OptionsFlow):
    """A menu: the vehicles, one car's settings, or the account's polling."""

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._vehicles: dict[str, CarDetails] = {}
        self._vin: str | None = None

    async def async_step_init(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002
    ) -> ConfigFlowResult:
        """Offer each part of the options one step away."""
        entry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        self._vehicles = entry.runtime_data.vehicles_coordinator.data
        return self.async_show_menu(
            step_id="init", menu_options=["vehicles", "choose_vehicle", "polling"]
        )

    def _async_save(self, changes: Mapping[str, Any]) -> ConfigFlowResult:
        """Store these changes over the options as they are now, and reload.

        Only what this step changed is written: another options flow that
        finished meanwhile keeps its own changes.
        """
        options = {**self.config_entry.options, **changes}
        self.hass.config_entries.async_update_entry(self.config_entry, options=options)
        self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)
        return self.async_create_entry(data=options)

    async def async_step_vehicles(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the vehicles and whether new ones are added by themselves."""
        entry = self.config_entry
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input[CONF_VEHICLES]:
                return self._async_save(_vehicles_options(self._vehicles, user_input))
            errors[CONF_VEHICLES] = "no_vehicle_selected"
        return self.async_show_form(
            step_id="vehicles",
            data_schema=_vehicles_schema(
                self._vehicles,
                [vin for vin in entry.options[CONF_VEHICLES] if vin in self._vehicles],
                auto_add=entry.options[CONF_AUTO_ADD],
            ),
            errors=errors,
        )

    async def async_step_choose_vehicle(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the car whose settings to change (no question with one car)."""
        chosen = [
            vin
            for vin in self.config_entry.options[CONF_VEHICLES]
            if vin in self._vehicles
        ]
        if user_input is not None or len(chosen) == 1:
            self._vin = user_input[CONF_VEHICLE] if user_input else chosen[0]
            return await self.async_step_vehicle()
        options = [
            SelectOptionDict(value=vin, label=vehicle_label(self._vehicles[vin]))
            for vin in chosen
        ]
        return self.async_show_form(
            step_id="choose_vehicle",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_VEHICLE, default=chosen[0]): SelectSelector(
                        SelectSelectorConfig(
                            options=options, mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
        )

    async def async_step_polling(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set the account's hourly request budget and quiet hours."""
        if user_input is not None:
            return self._async_save(
                {
                    CONF_HOURLY_BUDGET: int(user_input[CONF_HOURLY_BUDGET]),
                    CONF_QUIET_START: user_input[CONF_QUIET_START],
                    CONF_QUIET_END: user_input[CONF_QUIET_END],
                }
            )
        options = self.config_entry.options
        return self.async_show_form(
            step_id="polling",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_HOURLY_BUDGET,
                        default=options.get(CONF_HOURLY_BUDGET, DEFAULT_HOURLY_BUDGET),
                    ): BUDGET_SELECTOR,
                    vol.Required(
                        CONF_QUIET_START,
                        default=options.get(CONF_QUIET_START, DEFAULT_QUIET_START),
                    ): TimeSelector(),
                    vol.Required(
                        CONF_QUIET_END,
                        default=options.get(CONF_QUIET_END, DEFAULT_QUIET_END),
                    ): TimeSelector(),
                }
            ),
        )

    async def async_step_vehicle(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set one vehicle's battery, charger, smart charging and temperature."""
        vin = self._vin
        assert vin is not None  # noqa: S101 - chosen by the previous step
        # A copy: replacing this car's settings leaves the live options alone.
        settings: dict[str, dict[str, Any]] = dict(
            self.config_entry.options.get(CONF_VEHICLE_SETTINGS, {})
        )
        if user_input is not None:
            settings[vin] = dict(user_input)
            return self._async_save({CONF_VEHICLE_SETTINGS: settings})
        details = self._vehicles[vin]
        current = settings.get(vin, {})
        fields: dict[vol.Marker, Any] = {}
        if details.uses_electricity():
            capacity = current.get(
                CONF_BATTERY_CAPACITY, profile_for(details).battery_kwh
            )
            fields[
                vol.Required(CONF_BATTERY_CAPACITY, default=capacity or vol.UNDEFINED)
            ] = BATTERY_SELECTOR
            for key, selector in SMART_CHARGING_SELECTORS.items():
                suggested = current.get(key)
                if key == CONF_SURPLUS_THRESHOLD and suggested is None:
                    suggested = DEFAULT_SURPLUS_THRESHOLD
                fields[
                    vol.Optional(key, description={"suggested_value": suggested})
                ] = selector
        fields[
            vol.Required(
                CONF_HVAC_TEMPERATURE,
                default=current.get(CONF_HVAC_TEMPERATURE, DEFAULT_HVAC_TEMPERATURE),
            )
        ] = TEMPERATURE_SELECTOR
        return self.async_show_form(
            step_id="vehicle",
            data_schema=vol.Schema(fields),
            description_placeholders={"vehicle": vehicle_label(details)},
        )
