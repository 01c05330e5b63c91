"""A vehicle of the account: what the cloud told about it, and its coordinators."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .car_models import (
    BATTERY,
    CHARGES,
    COCKPIT,
    CONTRACTS,
    HVAC_STATUS,
    SOC_LEVELS,
    Field,
    profile_for,
)
from .car_schedules import KCM_PROGRAMS, ScheduleStore, charge_schedules
from .car_states import is_charging, is_unplugged
from .charge_control import ChargeControl
from .charge_estimate import (
    FULL,
    ChargeForecast,
    ChargingPower,
    forecast,
    learned_power,
    power_from_reads,
)
from .charge_plan import ChargePlanner
from .charged_energy import ChargedEnergy
from .charger import ChargerMeter, LinkedCharger
from .charging_cost import ChargingCost
from .cloud import CarDetails, CarLink
from .cloud_time import cloud_time
from .commands import CommandAccount, ConfirmationWatch
from .const import (
    CONF_BATTERY_CAPACITY,
    CONF_CHARGER_ENERGY,
    CONF_HVAC_TEMPERATURE,
    CONF_PRICE_ENTITY,
    CONF_VEHICLE_SETTINGS,
    DEFAULT_HVAC_TEMPERATURE,
    DOMAIN,
)
from .contracts import async_check_contracts
from .coordinator import EndpointCoordinator, ReadingAccount
from .endpoints import ENDPOINTS
from .labels import display_label
from .preconditioning import PreconditioningState
from .read_plan import AFTER_UPLOAD, Fleet, ReadPlan
from .request_budget import Priority, Timing
from .smart_charger import SmartCharger
from .smart_charging import SmartMode
from .storage import CapabilityMemory, EnergyLog, PlanStore, SmartChargingStore
from .writes import CarWriter


class CarAccount(ReadingAccount, Fleet, CommandAccount, Protocol):
    """The account of a car, as the car uses it."""

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""

    @property
    def plans(self) -> PlanStore:
        """Return the charge plans kept across restarts."""

    @property
    def smart_charging(self) -> SmartChargingStore:
        """Return the smart-charging settings kept across restarts."""

    @property
    def energy_log(self) -> EnergyLog:
        """Return the charge sessions and mileages kept across restarts."""

    @property
    def vehicles(self) -> Mapping[str, RenaultConnectVehicle]:
        """Return the account's cars."""


# A linked charger delivering less than this (kW) is not charging the car.
CHARGER_IDLE_KW = 0.1
# A running charge's forecast is worked out again this often between reads.
FORECAST_INTERVAL = timedelta(minutes=1)

type CarCoordinator = EndpointCoordinator[RenaultConnectVehicle, Any]
"""The coordinator of one endpoint of one car."""


class RenaultConnectVehicle:
    """A vehicle of the account, with a coordinator per endpoint it offers."""

    def __init__(
        self,
        hub: CarAccount,
        api: CarLink,
        details: CarDetails,
        number: int,
    ) -> None:
        """Describe the vehicle; number tells it apart in logs without the VIN."""
        self.hub = hub
        self.hass: HomeAssistant = hub.hass
        self.api = api
        self.details = details
        self.profile = profile_for(details)
        self.model = display_label(details.get_model_label())
        self.log_name = f"Vehicle {number} ({self.model or details.get_model_code()})"
        self.coordinators: dict[str, CarCoordinator] = {}
        self._watches: dict[str, ConfirmationWatch] = {}
        self.charger = LinkedCharger.from_settings(self.hass, self.settings)
        self.meter = (
            ChargerMeter(self.hass, meter)
            if (meter := self.settings.get(CONF_CHARGER_ENERGY))
            else None
        )
        self.charge_control = ChargeControl(self)
        self.planner = ChargePlanner(self, hub.plans)
        self.smart = SmartCharger(self, hub.smart_charging)
        self.read_plan = ReadPlan(hub)
        self.writer = CarWriter(self)
        self.preconditioning = PreconditioningState(self)
        self.energy = ChargedEnergy(self.hass, hub.energy_log, self.vin, self.name)
        self.cost = (
            ChargingCost(self.hass, hub.energy_log, self.vin, self.energy, price)
            if (price := self.settings.get(CONF_PRICE_ENTITY))
            else None
        )
        self._charge_reads: tuple[tuple[float, datetime], tuple[float, datetime]] | None
        self._charge_reads = None
        """The first and the latest reading of the running charge."""
        self._last_estimate: tuple[float, datetime] | None = None
        """The last level estimated while charging, and when."""
        self.notification_settings: dict[str, Any] | None = None
        """The cloud's last answer to get_notification_settings (diagnostics)."""

    @property
    def vin(self) -> str:
        """Return the vehicle identification number."""
        return self.api.vin

    @property
    def device_info(self) -> DeviceInfo:
        """Return the device registry description of the vehicle."""
        return DeviceInfo(
            identifiers={(DOMAIN, self.vin)},
            manufacturer=display_label(self.details.get_brand_label()),
            model=self.model,
            model_id=self.details.get_model_code(),
            name=self.name,
        )

    @property
    def settings(self) -> dict[str, Any]:
        """Return the vehicle's options."""
        settings: dict[str, Any] = self.hub.entry.options.get(
            CONF_VEHICLE_SETTINGS, {}
        ).get(self.vin, {})
        return settings

    @property
    def hvac_temperature(self) -> float:
        """Return the preconditioning temperature chosen in the options."""
        temperature: float = self.settings.get(
            CONF_HVAC_TEMPERATURE, DEFAULT_HVAC_TEMPERATURE
        )
        return temperature

    @property
    def battery_capacity(self) -> float | None:
        """Return the usable battery capacity (kWh) from the options or the model."""
        capacity: float | None = self.settings.get(
            CONF_BATTERY_CAPACITY, self.profile.battery_kwh
        )
        return capacity

    @property
    def charging_power(self) -> ChargingPower:
        """Return the power the car charges at now, or is expected to.

        The car's reading while it charges (where the model's is right), else
        what its recent sessions averaged, else a typical wall box. The
        linked charger's power sensor, when it reads some, comes first.
        """
        reading = self.charger.power_kw if self.charger else None
        data = self.battery_data()
        if (
            not reading
            and data is not None
            and is_charging(data)
            and self.profile.trusts(Field.CHARGING_POWER)
        ):
            reading = self.profile.charging_power_kw(data.chargingInstantaneousPower)
        reads, capacity = self._charge_reads, self.battery_capacity
        sessions = self.energy.sessions
        from_reads = (
            power_from_reads(*reads, capacity, over_sessions=bool(sessions))
            if reads and capacity
            else None
        )
        return learned_power(reading, sessions, from_reads)

    def battery_data(self) -> Any:
        """Return the battery's last answer (None: not read, or not offered)."""
        battery = self.coordinators.get(BATTERY)
        return battery.data if battery else None

    async def async_read_battery(self) -> Any:
        """Read the battery now; return its answer."""
        battery = self.coordinators.get(BATTERY)
        if battery is None:
            return None
        await battery.async_refresh()
        return battery.data

    def battery_level_now(self) -> float | None:
        """Return the battery level now: estimated while charging, else as read."""
        if (estimate := self.charge_forecast()) is not None:
            return estimate.level
        data = self.battery_data()
        if data is None or data.batteryLevel is None:
            return None
        level = float(data.batteryLevel)
        if self._last_estimate is not None:
            # The charge just stopped: the car's reading may predate its end.
            estimated, at = self._last_estimate
            read_at = cloud_time(data.timestamp, dt_util.utcnow())
            if read_at is None or read_at < at:
                return max(level, estimated)
        return level

    @property
    def has_plan(self) -> bool:
        """Tell whether a one-shot charge plan is set (it has the car to itself)."""
        return self.planner.plan is not None

    @property
    def can_charge_smartly(self) -> bool:
        """Tell whether smart charging can drive the car.

        It starts and stops it (or writes its schedule), and knows its level
        and battery size.
        """
        control = self.charge_control
        return (
            ((control.can_start and control.can_stop) or self.smart.hold.drives)
            and BATTERY in self.coordinators
            and self.battery_capacity is not None
        )

    def check_charge_settings_free(self, store: ScheduleStore | None = None) -> None:
        """Refuse a change smart charging holds.

        The charge mode (no store), or the charge schedules in `store`;
        climate schedules are always free.
        """
        if store is None or store is charge_schedules(self):
            self.smart.hold.check_free(programs=store is KCM_PROGRAMS)

    def charge_forecast(self) -> ChargeForecast | None:
        """Forecast the running charge: level now, target, when it is reached.

        None when the car is not charging, or its battery size is unknown.
        The target is the car's charge limit, or the plan's level if lower.
        """
        data = self.battery_data()
        capacity = self.battery_capacity
        if data is None or capacity is None or data.batteryLevel is None:
            return None
        if not self.charging_now(data):
            return None
        now = dt_util.utcnow()
        read_at = cloud_time(data.timestamp, now) or now
        if not is_charging(data) and (resumed := self._resumed_since(data)):
            # Paused when read, charging since the charger let it.
            read_at = resumed
        reading = (float(data.batteryLevel), read_at)
        target = self._charge_target(reading[0])
        if self.meter is not None and (
            (gained := self.meter.gained_since(read_at, capacity)) is not None
        ):
            # What the charger's meter counted since the reading, as of now.
            level = reading[0]
            reading = (min(max(target, level), level + gained), now)
        estimate = forecast(reading, now, self.charging_power, capacity, target)
        self._last_estimate = (estimate.level, now)
        return estimate

    def charging_now(self, data: Any) -> bool:
        """Tell whether the car charges: its linked charger knows first.

        The charger switched off, or drawing nothing, is seen at once; the
        car's cloud says so only at its next upload, minutes later.
        """
        if (charger := self.charger) is None:
            return is_charging(data)
        if charger.is_on is False:
            return False
        if (power := charger.power_kw) is not None:
            return power > CHARGER_IDLE_KW
        return is_charging(data) or self._resumed_since(data) is not None

    def _resumed_since(self, data: Any) -> datetime | None:
        """Return when the charger let a plugged-in car charge after its reading.

        The car says so at its next upload; the charger's switch, at once.
        """
        charger = self.charger
        on_since = charger.on_since if charger else None
        read_at = cloud_time(data.timestamp, dt_util.utcnow())
        if on_since is None or read_at is None or on_since <= read_at:
            return None
        if is_unplugged(data) or data.batteryLevel is None:
            return None
        return on_since

    def _charge_target(self, level: float) -> float:
        """Return the level the running charge stops at.

        The car's own limit counts while the car is below it: a car charging
        past it has a newer limit than the one last read.
        """
        targets = [FULL]
        soc_levels = self.coordinators.get(SOC_LEVELS)
        limit = soc_levels.data.socTarget if soc_levels and soc_levels.data else None
        if limit and float(limit) > level:
            targets.append(float(limit))
        if (plan := self.planner.plan) and plan.target_level is not None:
            targets.append(float(plan.target_level))
        if self.smart.settings.mode is not SmartMode.OFF:
            targets.append(float(self.smart.settings.target_level))
        return min(targets)

    @callback
    def async_follow_charge(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` on each battery answer, and each minute in between."""

        @callback
        def tick(_now: datetime) -> None:
            update()

        unsubs = [async_track_time_interval(self.hass, tick, FORECAST_INTERVAL)]
        if (battery := self.coordinators.get(BATTERY)) is not None:
            unsubs.append(battery.async_add_listener(update))

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()

        return stop

    async def async_setup(self, memory: CapabilityMemory) -> None:
        """Create the coordinators of the endpoints the car offers, and fill them.

        Endpoints the model map rules out, or that the car refused lately, get
        none; an endpoint the car refuses now is dropped too. Answers kept from
        before a restart are shown at once; the others are read now.
        """
        self.hub.entry.async_on_unload(await self.energy.async_setup())
        if self.meter is not None:
            self.hub.entry.async_on_unload(self.meter.async_start())
        if self.cost is not None:
            self.hub.entry.async_on_unload(self.cost.async_start())
        for description in ENDPOINTS:
            if description.is_supported(self.profile) and not memory.retired_at(
                self.vin, description.key
            ):
                self.coordinators[description.key] = EndpointCoordinator(
                    self.hass, self.hub, self, description, memory
                )
        self._async_choose_heartbeat()
        for key, coordinator in self.coordinators.items():
            if (kept := self.hub.cache.answer(self.vin, key)) is not None:
                coordinator.async_restore(*kept)
        await asyncio.gather(
            *(
                coordinator.async_refresh()
                for coordinator in self.coordinators.values()
                if coordinator.data is None
            )
        )
        for key, coordinator in list(self.coordinators.items()):
            if isinstance(coordinator.last_exception, ConfigEntryAuthFailed):
                raise coordinator.last_exception
            if coordinator.retired:
                del self.coordinators[key]
        if self.read_plan.heartbeat_key not in self.coordinators:
            self._async_choose_heartbeat()
            if heartbeat := self.heartbeat:
                heartbeat.async_read_soon(Timing(AFTER_UPLOAD, Priority.ROUTINE))

    @property
    def heartbeat(self) -> CarCoordinator | None:
        """Return the coordinator whose reads tell when the car uploads."""
        if self.read_plan.heartbeat_key is None:
            return None
        return self.coordinators.get(self.read_plan.heartbeat_key)

    @callback
    def _async_choose_heartbeat(self) -> None:
        """Pick the heartbeat among the endpoints the car offers."""
        self.read_plan.choose_heartbeat(
            list(self.coordinators), self.profile.heartbeats
        )

    @property
    def anonymous_name(self) -> str:
        """Name the car by its model, numbered when the entry has two alike.

        Never by its plate (the device's name) or VIN: Home Assistant shows
        repair issues in the entry's diagnostics.
        """
        alike = [
            other for other in self.hub.vehicles.values() if other.model == self.model
        ]
        if self.model and len(alike) <= 1:
            return self.model
        return self.log_name

    @property
    def name(self) -> str:
        """Return the vehicle's device name (its plate, or its model)."""
        return self.details.registrationNumber or self.model or self.vin

    @property
    def device_id(self) -> str:
        """Return the id of the vehicle's device in the registry."""
        registry = dr.async_get(self.hass)
        return next(
            (
                device.id
                for device in dr.async_entries_for_config_entry(
                    registry, self.hub.entry.entry_id
                )
                if (DOMAIN, self.vin) in device.identifiers
            ),
            self.vin,
        )

    @callback
    def async_on_read(self, coordinator: CarCoordinator, data: Any) -> None:
        """Check contracts and preconditioning; after an upload, read what changed."""
        if coordinator.description.key == CONTRACTS:
            async_check_contracts(
                self.hass,
                (self.hub.entry.entry_id, self.device_id),
                self.anonymous_name,
                data,
            )
        if coordinator.description.key == HVAC_STATUS:
            self.preconditioning.async_on_status(data)
        if coordinator.description.key == BATTERY:
            self._async_follow_reads(data)
        if coordinator.description.key == CHARGES:
            self.energy.async_on_charges(data.raw_data.get("charges") or [])
        if coordinator.description.key == COCKPIT:
            self.energy.async_on_mileage(data.totalMileage)
        if coordinator is not self.heartbeat:
            return
        roles = self.read_plan.on_heartbeat(data)
        for other in self.coordinators.values():
            if other is not coordinator and other.description.role in roles:
                other.async_read_soon(
                    self.read_plan.after_upload(other.description.role)
                )

    @callback
    def _async_follow_reads(self, data: Any) -> None:
        """Keep the first and latest reading of the running charge.

        They tell its power, and teach the charger's meter what share of its
        energy reaches the battery.
        """
        read_at = cloud_time(data.timestamp, dt_util.utcnow())
        if not is_charging(data) or data.batteryLevel is None or read_at is None:
            self._charge_reads = None
            return
        latest = (float(data.batteryLevel), read_at)
        reads = self._charge_reads
        if reads is None or latest[0] < reads[1][0] or read_at < reads[1][1]:
            reads = (latest, latest)
        elif read_at > reads[1][1]:
            reads = (reads[0], latest)
        self._charge_reads = reads
        if self.meter is not None and (capacity := self.battery_capacity):
            self.meter.learn(*reads, capacity)

    @callback
    def async_watch(
        self,
        endpoint: str,
        confirmed: Callable[[Any], bool],
        on_done: Callable[[bool], None] | None = None,
    ) -> None:
        """Re-read an endpoint after a command until the car confirms it.

        A newer command on the same endpoint replaces the earlier watch.
        """
        if (coordinator := self.coordinators.get(endpoint)) is None:
            return
        if (earlier := self._watches.pop(endpoint, None)) is not None:
            earlier.cancel()
        watch = ConfirmationWatch(self.hass, coordinator, confirmed, on_done)
        self._watches[endpoint] = watch
        watch.start()

    @callback
    def async_run_in_background(
        self, work: Coroutine[Any, Any, None], name: str
    ) -> None:
        """Run work of the car's entry without anyone waiting for it."""
        self.hub.entry.async_create_background_task(
            self.hass, work, f"renault_connect {name}"
        )

    @callback
    def async_cancel_watches(self) -> None:
        """Stop every watch (the entry unloads)."""
        for watch in self._watches.values():
            watch.cancel()
        self._watches.clear()
        self.preconditioning.async_cancel()
