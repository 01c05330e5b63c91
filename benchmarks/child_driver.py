"""One integration in a Home Assistant test instance, driven by the benchmark.

``benchmarks/child.py`` runs this module with pytest (and the
pytest-homeassistant-custom-component harness) in a child process; the single
test serves the parent's commands (see ``Driver``) until told to stop. Time is
frozen: the parent moves it in steps, except while a setup is measured, when
it follows the real time. Only public Home Assistant APIs are used: config
flows, config entries, the entity and device registries, states and services.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from importlib import metadata
import platform
import threading
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun import api as freezegun_api
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntry
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_UNAVAILABLE,
    Platform,
    __version__ as HA_VERSION,  # noqa: N812 - the constant's own name
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_fire_time_changed_exact,
)

from benchmarks.protocol import Channel, Message

TICK_SECONDS = 0.02  # how often the frozen time catches up with the real time
SETTLE_SECONDS = 15.0  # setup is over when no entity came up for this long
SETUP_LIMIT_SECONDS = 180.0


def real_seconds() -> float:
    """Return a real monotonic time, whatever freezegun froze."""
    return freezegun_api.real_monotonic()


def _battery_sensor(entry: er.RegistryEntry) -> bool:
    return entry.domain == "sensor" and entry.original_device_class == "battery"


def _charging_sensor(entry: er.RegistryEntry) -> bool:
    return (
        entry.domain == "binary_sensor"
        and entry.original_device_class == "battery_charging"
    )


def _start_charge_button(entry: er.RegistryEntry) -> bool:
    return entry.domain == "button" and (
        entry.translation_key == "start_charge"
        or entry.unique_id.lower().endswith("start_charge")
    )


# What the benchmark follows on each car: kind -> how to recognise the entity.
TRACKED: dict[str, Callable[[er.RegistryEntry], bool]] = {
    "battery": _battery_sensor,
    "charging": _charging_sensor,
    "start_charge": _start_charge_button,
}


class Ticker:
    """Let the frozen time follow the real time, from a helper thread."""

    def __init__(self, driver: Driver) -> None:
        """Tick ``driver`` until stopped."""
        self._driver = driver
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start following the real time from the driver's current time."""
        loop = asyncio.get_running_loop()
        origin, since = self._driver.now, real_seconds()
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(TICK_SECONDS):
                when = origin + timedelta(seconds=real_seconds() - since)
                loop.call_soon_threadsafe(self._driver.move_to, when)

        self._thread = threading.Thread(target=run, name="bench-ticker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop following the real time."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


class Driver:
    """Serve the parent's commands in one Home Assistant instance."""

    def __init__(
        self, hass: HomeAssistant, freezer: FrozenDateTimeFactory, channel: Channel
    ) -> None:
        """Drive ``hass``, whose time ``freezer`` holds."""
        self.hass = hass
        self.freezer = freezer
        self.channel = channel
        self.now = dt_util.utcnow()
        self.entry: ConfigEntry | None = None
        self.tracked: dict[str, tuple[str, str]] = {}  # entity_id -> (vin, kind)
        self.buttons: dict[str, str] = {}  # vin -> start charge button
        self.changes: list[list[str | None]] = []
        self._ticker = Ticker(self)
        self._commands: dict[str, Callable[[Message], Awaitable[Message]]] = {
            "init": self.init,
            "add_entry": self.add_entry,
            "setup": self.setup,
            "step": self.step,
            "press": self.press,
            "stop": self.stop,
        }

    async def serve(self) -> None:
        """Answer commands until ``stop``."""
        hass = self.hass
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._state_changed)
        while True:
            message = await self.channel.receive()
            command = message["op"]
            try:
                answer = await self._commands[command](message)
            except Exception as exc:  # noqa: BLE001 - reported to the parent
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            self.channel.send({"op": command, **answer})
            if command == "stop":
                return

    @callback
    def move_to(self, when: datetime) -> None:
        """Move the frozen time forward to ``when`` and fire what is due."""
        if when <= self.now:
            return
        self.now = when
        self.freezer.move_to(when)
        async_fire_time_changed_exact(self.hass, when)

    @callback
    def _state_changed(self, event: Event[Any]) -> None:
        """Record the states of the entities the benchmark follows."""
        entity_id = event.data["entity_id"]
        if (owner := self.tracked.get(entity_id)) is None:
            return
        new_state = event.data.get("new_state")
        self.changes.append(
            [
                dt_util.utcnow().isoformat(),
                owner[0],
                owner[1],
                new_state.state if new_state is not None else None,
            ]
        )

    # -- Commands -----------------------------------------------------------

    async def init(self, message: Message) -> Message:
        """Set the time, the time zone and (for the core integration) the URLs."""
        self.freezer.move_to(datetime.fromisoformat(message["time"]))
        self.now = dt_util.utcnow()
        await self.hass.config.async_set_time_zone(message["time_zone"])
        if overrides := message.get("locale_details"):
            # Built-in integration only: renault-api reads the root URLs and keys
            # of a locale from this table when no locale details are given.
            from renault_api.const import AVAILABLE_LOCALES  # noqa: PLC0415

            for locale, details in overrides.items():
                AVAILABLE_LOCALES[locale].update(details)
        import renault_api  # noqa: PLC0415

        return {
            "home_assistant": HA_VERSION,
            "renault_api": metadata.version("renault-api"),
            "renault_api_path": renault_api.__file__,
            "python": platform.python_version(),
        }

    async def add_entry(self, message: Message) -> Message:
        """Add an entry through the config flow, without setting it up."""
        domain: str = message["domain"]
        answers: dict[str, dict[str, Any]] = message["answers"]
        await self._load_code(domain)
        flow = self.hass.config_entries.flow
        with patch.object(
            self.hass.config_entries, "async_setup", AsyncMock(return_value=True)
        ):
            result = await flow.async_init(domain, context={"source": SOURCE_USER})
            while result["type"] is FlowResultType.FORM:
                if result.get("errors"):
                    return {"error": f"config flow: {result['errors']}"}
                step = result["step_id"]
                result = await flow.async_configure(
                    result["flow_id"], answers.get(step, {})
                )
        if result["type"] is not FlowResultType.CREATE_ENTRY:
            return {"error": f"config flow ended with {result}"}
        self.entry = result["result"]
        return {
            "entry_id": self.entry.entry_id,
            "title": self.entry.title,
            "options": dict(self.entry.options),
        }

    async def _load_code(self, domain: str) -> None:
        """Import the integration and its platforms, as a running instance has."""
        integration = await async_get_integration(self.hass, domain)
        await integration.async_get_component()
        await integration.async_get_platforms(
            integration.platforms_exists([platform.value for platform in Platform])
        )

    async def setup(self, _message: Message) -> Message:
        """Set the entry up, in real time, until every entity is available."""
        entry = self._entry()
        self._ticker.start()
        try:
            started = real_seconds()
            loaded = await self.hass.config_entries.async_setup(entry.entry_id)
            last_gain, unavailable, total = await self._wait_available(started)
        finally:
            self._ticker.stop()
        await self.hass.async_block_till_done()
        self._track()
        return {
            "loaded": loaded,
            "state": str(entry.state),
            "seconds": last_gain - started,
            "entities": total,
            "unavailable": unavailable,
            "time": self.now.isoformat(),
            "vehicles": sorted({vin for vin, _ in self.tracked.values()}),
            "buttons": self.buttons,
        }

    async def _wait_available(self, started: float) -> tuple[float, list[str], int]:
        """Wait until every entity is available, or none came up for a while."""
        available = -1
        last_gain = real_seconds()
        while True:
            unavailable, total = self._unavailable()
            if total - len(unavailable) > available:
                available = total - len(unavailable)
                last_gain = real_seconds()
            now = real_seconds()
            if total and not unavailable:
                return last_gain, unavailable, total
            if now - last_gain > SETTLE_SECONDS or now - started > SETUP_LIMIT_SECONDS:
                return last_gain, unavailable, total
            await asyncio.sleep(TICK_SECONDS)

    def _unavailable(self) -> tuple[list[str], int]:
        """Return the enabled entities of the entry that are not available."""
        registry = er.async_get(self.hass)
        entries = [
            item
            for item in er.async_entries_for_config_entry(
                registry, self._entry().entry_id
            )
            if item.disabled_by is None
        ]
        unavailable = [
            item.entity_id
            for item in entries
            if (state := self.hass.states.get(item.entity_id)) is None
            or state.state == STATE_UNAVAILABLE
        ]
        return unavailable, len(entries)

    def _track(self) -> None:
        """Find each car's battery, charging and start-charge entities."""
        entry = self._entry()
        devices = dr.async_get(self.hass)
        for item in er.async_entries_for_config_entry(
            er.async_get(self.hass), entry.entry_id
        ):
            device = devices.async_get(item.device_id) if item.device_id else None
            vin = next(
                (
                    identifier
                    for domain, identifier in (device.identifiers if device else ())
                    if domain == entry.domain
                ),
                None,
            )
            kind = next((k for k, test in TRACKED.items() if test(item)), None)
            if vin is None or kind is None:
                continue
            if kind == "start_charge":
                self.buttons[vin] = item.entity_id
                continue
            self.tracked[item.entity_id] = (vin, kind)
            state = self.hass.states.get(item.entity_id)
            self.changes.append(
                [self.now.isoformat(), vin, kind, state.state if state else None]
            )

    async def step(self, message: Message) -> Message:
        """Move to the given time, let everything due run, and report."""
        self.move_to(datetime.fromisoformat(message["time"]))
        await self.hass.async_block_till_done()
        changes, self.changes = self.changes, []
        return {"changes": changes, "next": self._next_timer()}

    def _next_timer(self) -> str | None:
        """Return when the next timer of the event loop is due (simulated)."""
        loop = self.hass.loop
        handles = [
            handle.when()
            for handle in get_scheduled_timer_handles(loop)
            if not handle.cancelled()
        ]
        if not handles:
            return None
        ahead = max(0.0, min(handles) - loop.time())
        return (self.now + timedelta(seconds=ahead)).isoformat()

    async def press(self, message: Message) -> Message:
        """Press a car's start-charge button."""
        entity_id = self.buttons.get(message["vin"])
        if entity_id is None:
            return {"error": f"no start-charge button for {message['vin']}"}
        try:
            await self.hass.services.async_call(
                "button", "press", {"entity_id": entity_id}, blocking=True
            )
        except HomeAssistantError as exc:
            return {"entity_id": entity_id, "failure": str(exc)}
        return {"entity_id": entity_id, "time": self.now.isoformat()}

    async def stop(self, _message: Message) -> Message:
        """Unload the entry."""
        if self.entry is not None:
            await self.hass.config_entries.async_unload(self.entry.entry_id)
        return {}

    def _entry(self) -> ConfigEntry:
        """Return the entry added by ``add_entry``."""
        if self.entry is None:
            msg = "add_entry first"
            raise RuntimeError(msg)
        return self.entry


async def test_serve(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,  # noqa: ARG001 - the fake cloud is on loopback
    enable_custom_integrations: None,  # noqa: ARG001 - our integration is one
) -> None:
    """Serve the benchmark's commands (the only test of the child)."""
    channel = await Channel.from_environment()
    try:
        await Driver(hass, freezer, channel).serve()
    finally:
        channel.close()
