"""The Kamereon account of a config entry: its session, vehicles and devices."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, time
from functools import partial
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
)
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from . import redact
from .cloud import CloudSession, LoginRefusedError, QuotaReachedError
from .const import (
    CONF_HOURLY_BUDGET,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_LOGIN_TOKEN,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_VEHICLES,
    DEFAULT_HOURLY_BUDGET,
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    DOMAIN,
    LOGGER,
)
from .coordinator import AccountGoneError, VehiclesCoordinator
from .devices import async_follow_account, async_register_devices
from .read_plan import ReadPlan
from .repairs import async_clear_account_gone, async_report_account_gone
from .request_budget import LoginPending, Priority, ReadDeferred, RequestBudget
from .storage import (
    CapabilityMemory,
    EnergyLog,
    PlanStore,
    ReadCache,
    SmartChargingStore,
)
from .vehicle import RenaultConnectVehicle
from .watchdog import Watchdog

type RenaultConnectConfigEntry = ConfigEntry[RenaultHub]
"""A config entry of Renault Connect: its runtime data is the account's hub."""


class RenaultHub:
    """Session, account and vehicles of one config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: RenaultConnectConfigEntry,
    ) -> None:
        """Prepare the hub; nothing is requested before async_setup."""
        self.hass = hass
        self.entry = entry
        self.account_id: str = entry.data[CONF_KAMEREON_ACCOUNT_ID]
        self.vehicles: dict[str, RenaultConnectVehicle] = {}
        self.vehicles_coordinator = VehiclesCoordinator(hass, entry, self)
        self.memory = CapabilityMemory(hass, entry.entry_id)
        self.plans: PlanStore = PlanStore(hass, entry.entry_id)
        self.energy_log = EnergyLog(hass, entry.entry_id)
        self.smart_charging = SmartChargingStore(hass, entry.entry_id)
        self.cache = ReadCache(hass, entry.entry_id)
        self._login_refused: ConfigEntryAuthFailed | None = None
        self.request_budget = RequestBudget(
            entry.options.get(CONF_HOURLY_BUDGET, DEFAULT_HOURLY_BUDGET)
        )
        self._unsub_budget_change: CALLBACK_TYPE | None = None
        self.cloud = CloudSession(hass, entry.data, owner=entry.entry_id, listener=self)
        self.watchdog = Watchdog(self)

    async def async_setup(self) -> None:
        """Read the account's vehicles, register the chosen ones, and follow changes.

        Raises ConfigEntryNotReady when the cloud cannot be reached,
        ConfigEntryAuthFailed when the user has to log in again, and
        ConfigEntryError (with a repair issue) when the account is gone.
        """
        self.entry.async_on_unload(
            self.request_budget.async_add_listener(self._async_follow_budget)
        )
        self.entry.async_on_unload(self._async_stop_following_budget)
        self.entry.async_on_unload(partial(redact.SECRETS.forget, self.entry.entry_id))
        await self.cache.async_load()
        self.entry.async_on_unload(self.cache.async_save)
        # The cloud's quota counts what was sent before a reload or restart too.
        self.request_budget.restore(self.cache.requests())
        self.entry.async_on_unload(
            lambda: self.cache.async_keep_requests(self.request_budget.as_dict())
        )
        coordinator = self.vehicles_coordinator
        if kept := self.cache.vehicles():
            # Known from the last run: read the list again in the background.
            coordinator.async_set_updated_data(kept)
            self.entry.async_create_background_task(
                self.hass, coordinator.async_refresh(), name="renault_connect vehicles"
            )
        else:
            await self._async_first_vehicles_read()
        self._async_follow_account()
        await self.memory.async_load()
        await self.plans.async_load()
        await self.energy_log.async_load()
        await self.smart_charging.async_load()
        self.entry.async_on_unload(self.energy_log.async_save)
        chosen = [
            (vin, details)
            for vin, details in coordinator.data.items()
            if vin in self.entry.options[CONF_VEHICLES]
        ]
        for number, (vin, details) in enumerate(chosen, start=1):
            api = self.cloud.car(self.account_id, vin, details)
            vehicle = RenaultConnectVehicle(self, api, details, number)
            self.vehicles[vin] = vehicle
            self.entry.async_on_unload(vehicle.async_cancel_watches)
            self.entry.async_on_unload(vehicle.planner.async_cancel_timers)
        redact.SECRETS.add(
            (
                value
                for details in coordinator.data.values()
                for value in (
                    details.vin,
                    details.registrationNumber,
                    details.radioCode,
                )
            ),
            self.entry.entry_id,
        )
        async_register_devices(
            self.hass,
            self.entry,
            [
                self.device_info,
                *(vehicle.device_info for vehicle in self.vehicles.values()),
            ],
        )
        await asyncio.gather(
            *(vehicle.async_setup(self.memory) for vehicle in self.vehicles.values())
        )
        for vehicle in self.vehicles.values():
            await vehicle.planner.async_restore()
            if vehicle.can_charge_smartly or vehicle.smart.has_stored_hold:
                # A schedule held before the restart is given back if need be.
                self.entry.async_on_unload(vehicle.smart.async_start())
        self.entry.async_on_unload(
            coordinator.async_add_listener(self._async_on_vehicles)
        )
        self.entry.async_on_unload(self.watchdog.async_start())

    async def _async_first_vehicles_read(self) -> None:
        """Read the account's vehicles before anything else can be set up."""
        coordinator = self.vehicles_coordinator
        try:
            await coordinator.async_config_entry_first_refresh()
        except ConfigEntryNotReady as err:
            if not isinstance(coordinator.last_exception, AccountGoneError):
                raise
            async_report_account_gone(self.hass, self.entry)
            raise ConfigEntryError(
                translation_domain=DOMAIN, translation_key="account_gone"
            ) from err

    @callback
    def _async_on_vehicles(self) -> None:
        """Reload when the account's vehicles changed what this entry shows."""
        coordinator = self.vehicles_coordinator
        if not coordinator.last_update_success:
            if isinstance(coordinator.last_exception, AccountGoneError):
                async_report_account_gone(self.hass, self.entry)
            return
        self._async_follow_account()
        shown = set(self.entry.options[CONF_VEHICLES]) & set(coordinator.data)
        if shown != set(self.vehicles):
            LOGGER.info("The vehicles of the account changed; reloading")
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)

    @callback
    def _async_follow_account(self) -> None:
        """Keep the entry's options and the repair issue in step with the list."""
        async_clear_account_gone(self.hass, self.entry)
        coordinator = self.vehicles_coordinator
        async_follow_account(
            self.hass, self.entry, set(coordinator.data), coordinator.departed
        )

    @callback
    def _async_follow_budget(self) -> None:
        """Wake the budget's followers when its count changes by itself."""
        self._async_stop_following_budget()
        if (moment := self.request_budget.next_change) is not None:
            self._unsub_budget_change = async_track_point_in_utc_time(
                self.hass, self._async_budget_changed, moment
            )

    @callback
    def _async_budget_changed(self, _now: datetime) -> None:
        """Let the request budget catch up with the time (it tells its followers)."""
        self._unsub_budget_change = None
        self.request_budget.async_catch_up()

    @callback
    def _async_stop_following_budget(self) -> None:
        """Stop waiting for the budget's next change."""
        if self._unsub_budget_change is not None:
            self._unsub_budget_change()
            self._unsub_budget_change = None

    @callback
    def _async_refuse_login(self, reason: str) -> ConfigEntryAuthFailed:
        """Hold every request back until the user logs in again.

        The request that met the refusal raises it (Home Assistant logs it once
        and asks for the login); the entities show unavailable meanwhile.
        """
        self._login_refused = ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key=reason
        )
        # No read goes out until the user logs in again (the entry reloads).
        self.vehicles_coordinator.update_interval = None
        for vehicle in self.vehicles.values():
            for endpoint in vehicle.coordinators.values():
                endpoint.async_stop_timed_reads()
        for coordinator in self.coordinators:
            coordinator.async_update_listeners()
        return self._login_refused

    @property
    def device_info(self) -> DeviceInfo:
        """Return the account's service device (quota and data-flow entities)."""
        return DeviceInfo(
            identifiers={(DOMAIN, self.account_id)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Renault",
            model="Connected services account",
            name=self.entry.title,
        )

    @property
    def hourly_budget(self) -> int:
        """Return the account's hourly request budget (for the read plans)."""
        return self.request_budget.budget

    @property
    def read_plans(self) -> list[ReadPlan]:
        """Return the read plans of the account's cars."""
        return [vehicle.read_plan for vehicle in self.vehicles.values()]

    @property
    def quiet_hours(self) -> tuple[time, time] | None:
        """Return the quiet hours of the options (local start and end)."""
        options = self.entry.options
        start = dt_util.parse_time(options.get(CONF_QUIET_START, DEFAULT_QUIET_START))
        end = dt_util.parse_time(options.get(CONF_QUIET_END, DEFAULT_QUIET_END))
        return None if start is None or end is None else (start, end)

    @callback
    def async_ask_for_login(self) -> None:
        """Ask the user to log in again (a command met a refused login)."""
        self.entry.async_start_reauth(self.hass)

    @property
    def login_refused(self) -> bool:
        """Tell whether the cloud refused the stored login (reauth pending)."""
        return self._login_refused is not None

    @callback
    def async_rebuild_session(self) -> None:
        """Drop the session's access token and read each car's heartbeat afresh."""
        self.cloud.drop_access_token()
        for vehicle in self.vehicles.values():
            if heartbeat := vehicle.heartbeat:
                self.entry.async_create_background_task(
                    self.hass,
                    heartbeat.async_refresh(),
                    name=f"{heartbeat.name} watchdog read",
                )

    @property
    def coordinators(self) -> list[DataUpdateCoordinator[Any]]:
        """Return every coordinator of the entry."""
        return [
            self.vehicles_coordinator,
            *(
                coordinator
                for vehicle in self.vehicles.values()
                for coordinator in vehicle.coordinators.values()
            ),
        ]

    async def async_call[T](
        self,
        request: Callable[[], Awaitable[T]],
        *,
        priority: Priority = Priority.ON_DEMAND,
        owner: object | None = None,
    ) -> T:
        """Send a request to the cloud through the request budget.

        Raises ReadDeferred when the request budget holds a timed read back,
        ConfigEntryAuthFailed when the cloud refuses the stored login, then
        LoginPending until the user logs in again, and the cloud's errors
        (cloud.py) otherwise.
        """
        if self._login_refused is not None:
            raise LoginPending(self._login_refused)
        if not self.request_budget.admits(priority, owner):
            raise ReadDeferred
        try:
            result = await self.cloud.async_call(
                request,
                partial(self.request_budget.async_record_request, priority, owner),
            )
        except QuotaReachedError as err:
            # The quota's pause, or the one a gateway's 429 or 503 asks for.
            self.request_budget.async_report_quota(err.pause)
            raise
        except LoginRefusedError as err:
            if self._login_refused is not None:
                # Sent before the refusal came back: held back like the others.
                raise LoginPending(self._login_refused) from err
            raise self._async_refuse_login(err.reason) from err
        self.request_budget.async_report_success()
        self.watchdog.async_fresh_data()
        return result

    @callback
    def async_on_token(self, valid_until: datetime | None) -> None:
        """Count the request that fetched an access token."""
        self.request_budget.async_on_token(valid_until)

    @callback
    def async_on_login_request(self) -> None:
        """Count a silent re-login."""
        self.request_budget.async_record_request(Priority.ON_DEMAND)

    @callback
    def async_on_login(self, login_token: str | None) -> None:
        """Keep the login token of a silent re-login for the next start."""
        self.hass.config_entries.async_update_entry(
            self.entry, data={**self.entry.data, CONF_LOGIN_TOKEN: login_token}
        )
