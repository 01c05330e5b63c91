"""Coordinators polling the Renault cloud."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol, Self

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .cloud import (
    BadAnswerError,
    CarDetails,
    CarLink,
    CloudError,
    CloudSession,
    NotFoundError,
    NotOfferedError,
    QuotaReachedError,
    UnreachableError,
)
from .const import CONF_KNOWN_VEHICLES, DOMAIN, LOGGER
from .departures import Roll, call_the_roll
from .endpoints import EndpointDescription
from .read_plan import ReadPlan
from .request_budget import (
    LoginPending,
    Priority,
    ReadDeferred,
    RequestBudget,
    Timing,
)
from .storage import CapabilityMemory, ReadCache

# The vehicles of an account change rarely: four reads a day find new ones.
VEHICLES_INTERVAL = timedelta(hours=6)
# The shortest wait before a timed read.
MIN_WAIT = timedelta(seconds=1)
# A failed read is tried again after at most this long.
RETRY_AFTER_FAILURE = timedelta(minutes=5)
# The first timed read after a restart that showed the kept answers.
AFTER_RESTART = timedelta(seconds=30)
# A background read the budget puts off this long past its wanted moment
# becomes routine, so that the heartbeats of a busy account never starve it.
ESCALATE_AFTER = timedelta(hours=1)
# An answer this recent serves a command's check without asking again.
FRESH_ENOUGH = timedelta(seconds=10)


class ReadingAccount(Protocol):
    """An account, as its reads use it."""

    @property
    def entry(self) -> ConfigEntry[Any]:
        """Return the account's config entry."""

    @property
    def account_id(self) -> str:
        """Return the Kamereon account's id."""

    @property
    def cloud(self) -> CloudSession:
        """Return the account's session on the cloud."""

    @property
    def request_budget(self) -> RequestBudget:
        """Return the account's request budget."""

    @property
    def cache(self) -> ReadCache:
        """Return the answers kept across restarts."""

    @property
    def login_refused(self) -> bool:
        """Tell whether the cloud refused the stored login (reads wait for it)."""

    async def async_call[T](
        self,
        request: Callable[[], Awaitable[T]],
        *,
        priority: Priority = ...,
        owner: object | None = ...,
    ) -> T:
        """Run a request of the library through the request budget."""


class ReadingCar(Protocol):
    """A car, as its reads use it."""

    @property
    def api(self) -> CarLink:
        """Return the car's link to the cloud."""

    @property
    def vin(self) -> str:
        """Return the vehicle identification number."""

    @property
    def log_name(self) -> str:
        """Return the car's name in logs (no VIN, no plate)."""

    @property
    def read_plan(self) -> ReadPlan:
        """Return when the car's endpoints are read."""

    @property
    def heartbeat(self) -> EndpointCoordinator[Self, Any] | None:
        """Return the read that tells when the car uploads."""

    def async_on_read(
        self, coordinator: EndpointCoordinator[Self, Any], data: object
    ) -> None:
        """Follow an answer of one of the car's endpoints."""


def cloud_failure(err: Exception) -> UpdateFailed:
    """Describe a failed read for the log and the entities."""
    if isinstance(err, QuotaReachedError | ReadDeferred):
        return UpdateFailed(translation_domain=DOMAIN, translation_key="quota_reached")
    if isinstance(err, UnreachableError | BadAnswerError):
        return UpdateFailed(translation_domain=DOMAIN, translation_key="cannot_connect")
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="cloud_error",
        translation_placeholders={
            "error": err.cause if isinstance(err, CloudError) else type(err).__name__
        },
    )


class AccountGoneError(UpdateFailed):
    """The Kamereon account of the entry no longer answers for this login."""


class VehiclesCoordinator(DataUpdateCoordinator[dict[str, CarDetails]]):
    """Reads the vehicles of the account, by VIN, with their details."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], hub: ReadingAccount
    ) -> None:
        """Poll the account's vehicle list."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name="vehicles",
            update_interval=VEHICLES_INTERVAL,
        )
        self.hub = hub
        self.departed: frozenset[str] = frozenset()
        """The cars the last list proved gone from the account."""

    async def _async_update_data(self) -> dict[str, CarDetails]:
        """Return the account's vehicles, by VIN, with their details.

        A car leaves only once the lists have missed it for a day (see
        departures.py); meanwhile it stays, with the details it had.
        """
        try:
            listed = await self.hub.async_call(
                partial(self.hub.cloud.async_list_vehicles, self.hub.account_id)
            )
        except LoginPending as err:
            if self.data is None:
                raise err.refusal from err
            return self.data
        except NotFoundError as err:
            raise AccountGoneError(
                translation_domain=DOMAIN, translation_key="account_gone"
            ) from err
        except CloudError as err:
            raise cloud_failure(err) from err
        previous = self.data or {}
        roll = call_the_roll(
            {*previous, *self.hub.entry.options.get(CONF_KNOWN_VEHICLES, ())},
            listed,
            self.hub.cache.absences(),
            dt_util.utcnow(),
        )
        self._async_log_roll(roll)
        self.departed = roll.departed
        self.hub.cache.async_keep_absences(roll.absences)
        # A car listed without its details, or missing but not yet departed,
        # keeps the details it had: its entities stay as they are.
        vehicles: dict[str, CarDetails] = {}
        for vin in dict.fromkeys([*previous, *listed]):
            if vin not in listed and vin not in roll.absences:
                continue
            if (details := listed.get(vin) or previous.get(vin)) is not None:
                vehicles[vin] = details
            else:
                LOGGER.warning("Skipping a vehicle of the account that has no details")
        self.hub.cache.async_keep_vehicles(vehicles)
        return vehicles

    @callback
    def _async_log_roll(self, roll: Roll) -> None:
        """Tell once when cars go missing from the list, and when they leave."""
        missing = [absence for absence in roll.absences.values() if absence.missed == 1]
        if missing:
            LOGGER.info(
                "%d vehicle(s) missing from the account's vehicle list; kept until "
                "the list has missed them for a day",
                len(missing),
            )
        if roll.departed:
            LOGGER.info(
                "%d vehicle(s) left the account (missing for a day)", len(roll.departed)
            )


class EndpointCoordinator[CarT: ReadingCar, DataT](DataUpdateCoordinator[DataT]):
    """Reads one data endpoint of one vehicle, when its polling plan says."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub: ReadingAccount,
        vehicle: CarT,
        description: EndpointDescription[DataT],
        memory: CapabilityMemory,
    ) -> None:
        """Poll one endpoint; the name avoids the VIN and plate, which stay private."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=hub.entry,
            name=f"{vehicle.log_name} {description.key}",
            update_interval=None,
        )
        self.hub = hub
        self._vehicle = vehicle
        self.description = description
        self.memory = memory
        self.retired = False
        self.read_at: datetime | None = None
        self.next_read_at: datetime | None = None
        self.read_interval: timedelta | None = None
        """The wait booked for the next timed read (None: none is booked)."""
        self._unsub_timed_read: CALLBACK_TYPE | None = None
        self._followers = 0
        self._on_demand = False
        # The priority the plan gave the next read, and the one it goes with.
        self._planned_priority = self._priority = Priority.ROUTINE
        self._reading: asyncio.Future[None] | None = None
        self._held_back = False
        # When the read being waited for was first wanted.
        self._wanted_at: datetime | None = None

    @property
    def vehicle(self) -> CarT:
        """Return the car the endpoint belongs to."""
        return self._vehicle

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Follow the endpoint; timed reads run while someone follows it."""
        remove = super().async_add_listener(update_callback, context)
        self._followers += 1
        if self._followers == 1:
            self._async_arm()

        @callback
        def remove_listener() -> None:
            remove()
            self._followers -= 1
            if not self._followers:
                self._async_disarm()

        return remove_listener

    async def async_shutdown(self) -> None:
        """Stop the timed reads with the rest (the entry unloads)."""
        self._async_disarm()
        await super().async_shutdown()

    @callback
    def async_stop_timed_reads(self) -> None:
        """Book no more timed reads (the login was refused; reads wait for it)."""
        self._async_disarm()
        self.read_interval = None
        self.next_read_at = None

    async def async_refresh(self) -> None:
        """Read now, outside the plan: setup, a command's check, a user's request.

        A read already under way serves instead of a second request.
        """
        if (reading := self._reading) is not None:
            await asyncio.shield(reading)
            return
        self._on_demand = True
        try:
            await super().async_refresh()
        finally:
            self._on_demand = False

    def read_lately(self) -> bool:
        """Tell whether the endpoint answered a moment ago (no need to ask again)."""
        return (
            self.read_at is not None
            and self.last_update_success
            and dt_util.utcnow() - self.read_at < FRESH_ENOUGH
        )

    @callback
    def async_read_soon(self, timing: Timing) -> None:
        """Plan a timed read outside the usual rhythm (the car has just uploaded)."""
        self._async_book(timing)

    async def _async_update_data(self) -> DataT:
        """Read the endpoint, then plan the next read."""
        reading = self._reading = self.hass.loop.create_future()
        self._held_back = False
        failed = True
        try:
            data = await self._async_read()
            failed = False
            if data is not self.data:
                self.read_at = dt_util.utcnow()
                self.hub.cache.async_keep_answer(
                    self.vehicle.vin, self.description.key, data, self.read_at
                )
            self.vehicle.async_on_read(self, data)
        finally:
            # Released first: whatever planning meets, no read waits forever.
            self._reading = None
            reading.set_result(None)
            self._async_plan_next(failed=failed)
        return data

    @callback
    def async_restore(self, raw: Any, read_at: datetime) -> None:
        """Show the answer kept from before the restart, and plan the next read.

        The heartbeat is read soon, to learn whether the car uploaded since;
        the others when their plan says, counted from the kept answer.
        """
        self.data = self.description.read.restore(raw)
        self.read_at = read_at
        self.vehicle.async_on_read(self, self.data)
        timing = self.vehicle.read_plan.next_read(
            self.description.role, self.description.key
        )
        if timing is None:
            return
        if self is self.vehicle.heartbeat:
            self._async_book(replace(timing, delay=AFTER_RESTART))
        else:
            elapsed = dt_util.utcnow() - read_at
            delay = max(timing.delay - elapsed, AFTER_RESTART)
            self._async_book(replace(timing, delay=delay))

    async def _async_read(self) -> DataT:
        """Read the endpoint; keep the last values while the quota holds reads back.

        An endpoint the car never offered is retired.
        """
        priority = Priority.ON_DEMAND if self._on_demand else self._priority
        try:
            return await self.hub.async_call(
                lambda: self.description.read.fetch(self.vehicle.api),
                priority=priority,
                owner=self,
            )
        except (ReadDeferred, QuotaReachedError) as err:
            self._held_back = True
            if self.data is not None:
                return self.data
            if isinstance(err, LoginPending):
                raise err.refusal from err
            raise cloud_failure(err) from err
        except NotOfferedError as err:
            if self.data is None:
                await self._async_retire()
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="endpoint_unsupported",
                    translation_placeholders={"endpoint": self.description.key},
                ) from err
            raise cloud_failure(err) from err
        except CloudError as err:
            raise cloud_failure(err) from err

    @callback
    def _async_plan_next(self, *, failed: bool = False) -> None:
        """Set the next timed read from the vehicle's polling plan.

        A read held back by the budget or the quota is booked again at the
        first moment they allow; a failed one is tried again soon.
        """
        timing = self.vehicle.read_plan.next_read(
            self.description.role, self.description.key
        )
        priority = timing.priority if timing else self._planned_priority
        if self._held_back:
            # Not read: the request budget finds the first moment the budget allows.
            timing = Timing(MIN_WAIT, priority)
        else:
            self._wanted_at = None
            if failed:
                planned = timing.delay if timing else RETRY_AFTER_FAILURE
                timing = Timing(min(planned, RETRY_AFTER_FAILURE), priority)
        if self.retired or timing is None or self.hub.login_refused:
            self.hub.request_budget.async_cancel(self)
            self.async_stop_timed_reads()
            return
        self._async_book(timing)

    @callback
    def _async_book(self, timing: Timing) -> None:
        """Book a moment with the request budget and wait until then."""
        now = dt_util.utcnow()
        request_budget = self.hub.request_budget
        self._planned_priority = self._priority = timing.priority
        desired = now + timing.delay
        moment = request_budget.async_reserve(
            self,
            desired,
            timing.priority,
            earlier=timing.earlier,
            later=timing.later,
        )
        if moment > desired + timing.later and self is self.vehicle.heartbeat:
            # Held back: still read just after one of the car's uploads.
            aligned = self.vehicle.read_plan.just_after_upload(moment)
            moment = request_budget.async_reserve(self, aligned, timing.priority)
        if self._wanted_at is None or desired < self._wanted_at:
            self._wanted_at = desired
        deadline = self._wanted_at + ESCALATE_AFTER
        if moment > deadline and timing.priority is Priority.BACKGROUND:
            # Held back too long: the read goes with the car's routine reads
            # (never before those that follow a charge: they matter more).
            self._priority = Priority.ROUTINE
            moment = request_budget.async_reserve(
                self, max(deadline, now), self._priority
            )
        self.read_interval = max(moment - now, MIN_WAIT)
        self.next_read_at = now + self.read_interval
        self._async_arm()

    @callback
    def _async_arm(self) -> None:
        """Wait for the booked read, while someone follows the endpoint."""
        self._async_disarm()
        if self.next_read_at is None or not self._followers:
            return
        self._unsub_timed_read = async_track_point_in_utc_time(
            self.hass, self._async_timed_read, self.next_read_at
        )

    @callback
    def _async_disarm(self) -> None:
        """Stop waiting for the booked read."""
        if self._unsub_timed_read is not None:
            self._unsub_timed_read()
            self._unsub_timed_read = None

    @callback
    def _async_timed_read(self, _now: datetime) -> None:
        """Read at the booked moment (a read under way books the next itself).

        The read runs in the background, as Home Assistant's own timed
        refreshes do: nothing waits for a car that answers slowly.
        """
        self._unsub_timed_read = None
        if self._reading is None:
            self.hub.entry.async_create_background_task(
                self.hass,
                DataUpdateCoordinator.async_refresh(self),
                name=f"{self.name} timed read",
            )

    async def _async_retire(self) -> None:
        """Stop reading an endpoint the car does not offer, and remember it."""
        LOGGER.info(
            "%s does not offer %s; not asking again for a day",
            self.vehicle.log_name,
            self.description.key,
        )
        self.retired = True
        await self.memory.async_retire(self.vehicle.vin, self.description.key)
