"""Remote commands: send them, say why the cloud refused, and watch for the car."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.event import async_call_later

from .cloud import (
    CarLink,
    CloudError,
    CommandRefusedError,
    NotOfferedError,
    QuotaReachedError,
    UnreachableError,
)
from .const import DOMAIN, LOGGER
from .request_budget import LoginPending

type Command[T] = Callable[[CarLink], Awaitable[T]]
"""A request to the car through its link to the cloud."""

# Seconds between re-reads of an endpoint after a command, until the car confirms.
CONFIRMATION_BACKOFF = (15, 15, 30, 30, 60, 120, 300)


def send_ev_settings(document: dict[str, Any]) -> Command[object]:
    """POST a whole KCM ev/settings document back, as the MyRenault app does."""
    return lambda api: api.post_ev_settings(document)


def action_error(err: CloudError, action: str) -> HomeAssistantError:
    """Explain, in the user's language, why a command did not go through."""
    if isinstance(err, CommandRefusedError):
        refusal = err.reason
    elif isinstance(err, NotOfferedError):
        refusal = "action_not_supported"
    elif isinstance(err, QuotaReachedError):
        refusal = "quota_reached"
    else:
        key = (
            "action_cannot_connect"
            if isinstance(err, UnreachableError)
            else "action_failed"
        )
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"action": action, "error": err.cause},
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=refusal,
        translation_placeholders={"action": action},
    )


class CommandAccount(Protocol):
    """An account, as a command needs it."""

    async def async_call[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Run a request of the library through the account's request budget."""

    def async_ask_for_login(self) -> None:
        """Ask the user to log in again."""


class CommandTarget(Protocol):
    """A car, as a command needs it."""

    @property
    def api(self) -> CarLink:
        """Return the car's link to the cloud."""

    @property
    def hub(self) -> CommandAccount:
        """Return the car's account."""


async def async_send[T](
    vehicle: CommandTarget,
    action: str,
    command: Command[T],
) -> T:
    """Send a command to the car; raise a translated error when it is refused."""
    try:
        return await vehicle.hub.async_call(lambda: command(vehicle.api))
    except (ConfigEntryAuthFailed, LoginPending) as err:
        if isinstance(err, ConfigEntryAuthFailed):
            # Met by this command: no read will tell it.
            LOGGER.error("Authentication failed while sending %s: %s", action, err)
        vehicle.hub.async_ask_for_login()
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="action_needs_login",
            translation_placeholders={"action": action},
        ) from None
    except CloudError as err:
        # Home Assistant logs a failed action with its traceback: the cause
        # (a URL with the account and VIN, a whole HTML page) stays out of it.
        LOGGER.debug("%s failed: %s: %s", action, err.cause, err)
        raise action_error(err, action) from None


class ConfirmedRead(Protocol):
    """The endpoint whose answer confirms a command."""

    @property
    def data(self) -> Any:
        """Return the endpoint's last answer."""

    @property
    def last_update_success(self) -> bool:
        """Tell whether the last read was answered."""

    def read_lately(self) -> bool:
        """Tell whether the endpoint answered a moment ago."""

    async def async_refresh(self) -> None:
        """Read the endpoint now."""


class ConfirmationWatch:
    """Re-reads an endpoint on a back-off after a command, until the car confirms."""

    def __init__(
        self,
        hass: HomeAssistant,
        coordinator: ConfirmedRead,
        confirmed: Callable[[Any], bool],
        on_done: Callable[[bool], None] | None = None,
    ) -> None:
        """Watch the coordinator's data for the expected change."""
        self.hass = hass
        self.coordinator = coordinator
        self.confirmed = confirmed
        self.on_done = on_done
        self._step = 0
        self._unsub: CALLBACK_TYPE | None = None
        self._job = HassJob(self._async_check, "renault_connect confirmation")

    @callback
    def start(self) -> None:
        """Schedule the first re-read."""
        self._schedule()

    @callback
    def cancel(self) -> None:
        """Stop watching (unload, or a newer command on the same endpoint)."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    @callback
    def _schedule(self) -> None:
        """Schedule the next re-read, or give up after the last one."""
        if self._step >= len(CONFIRMATION_BACKOFF):
            self._finish(confirmed=False)
            return
        self._unsub = async_call_later(
            self.hass, CONFIRMATION_BACKOFF[self._step], self._job
        )
        self._step += 1

    async def _async_check(self, _now: Any) -> None:
        """Re-read the endpoint; stop when the car shows the expected state."""
        self._unsub = None
        if not self.coordinator.read_lately():
            await self.coordinator.async_refresh()
        data = self.coordinator.data
        if (
            data is not None
            and self.coordinator.last_update_success
            and self.confirmed(data)
        ):
            self._finish(confirmed=True)
        else:
            self._schedule()

    @callback
    def _finish(self, *, confirmed: bool) -> None:
        """Tell whoever waits how the watch ended."""
        if self.on_done is not None:
            self.on_done(confirmed)
