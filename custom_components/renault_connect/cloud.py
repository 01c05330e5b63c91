"""The Renault cloud: the one module that knows renault-api.

Everything the integration asks the cloud goes through here: where the cloud
is (locales, a loopback fake for development), the login with its two-factor
code, the requests with their timeout, the silent re-login, and what each
failure means in this integration's words (the errors below). The rest of the
integration sees renault-api's data through the names given here and never
imports the library.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
import ipaddress
import os
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from marshmallow import ValidationError
from renault_api.const import AVAILABLE_LOCALES, CONF_GIGYA_URL, CONF_KAMEREON_URL
from renault_api.credential import CLOCK_SKEW_MARGIN, Credential, JWTCredential
from renault_api.credential_store import CredentialStore
from renault_api.exceptions import (
    EndpointNotAvailableError,
    NotAuthenticatedException,
    RenaultException,
)
from renault_api.gigya import GIGYA_JWT
from renault_api.gigya.exceptions import (
    GigyaResponseException,
    InvalidCredentialsException,
    InvalidVerificationCodeException,
    PendingTwoFactorAuthenticationException,
)
from renault_api.kamereon import models, schemas
from renault_api.kamereon.exceptions import (
    AccessDeniedException,
    ChargeModeInProgressException,
    ForbiddenException,
    InsufficientBatteryLevelException,
    InvalidInputException,
    NotSupportedException,
    PrivacyModeOnException,
    QuotaLimitException,
    ResourceNotFoundException,
    UnauthorizedException,
)
from renault_api.renault_account import RenaultAccount
from renault_api.renault_client import RenaultClient
from renault_api.renault_session import RenaultSession
from renault_api.renault_vehicle import RenaultVehicle

from . import redact
from .const import (
    CLOUD_URL_ENV,
    CONF_DEVICE_IDS,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_LOCALE,
    CONF_LOGIN_TOKEN,
    LOGGER,
    REQUEST_TIMEOUT,
)

LOCALES: tuple[str, ...] = tuple(sorted(AVAILABLE_LOCALES))

# -- renault-api's data, by the names the integration uses ---------------------

CarDetails = models.KamereonVehicleDetails
"""A car's details as the vehicle list gives them (model, brand, plate...)."""
Contract = models.KamereonVehicleContract
"""One of a car's service or warranty contracts."""
ChargeSchedule = models.ChargeSchedule
ChargeDaySchedule = models.ChargeDaySchedule
HvacSchedule = models.HvacSchedule
HvacDaySchedule = models.HvacDaySchedule
EndpointDefinition = models.EndpointDefinition

# What each endpoint answers.
BatteryStatus = models.KamereonVehicleBatteryStatusData
Cockpit = models.KamereonVehicleCockpitData
Location = models.KamereonVehicleLocationData
HvacStatus = models.KamereonVehicleHvacStatusData
ChargeModeStatus = models.KamereonVehicleChargeModeData
LockStatus = models.KamereonVehicleLockStatusData
TyrePressure = models.KamereonVehicleTyrePressureData
ResState = models.KamereonVehicleResStateData
SocLevels = models.KamereonVehicleBatterySocData
ChargingSettings = models.KamereonVehicleChargingSettingsData
type EvSettings = dict[str, Any]
"""The KCM ev/settings document, as the cloud sends it."""
HvacSettings = models.KamereonVehicleHvacSettingsData
Charges = models.KamereonVehicleChargesData
HvacSessions = models.KamereonVehicleHvacSessionsData
type Contracts = list[Contract]


def model_endpoints(details: CarDetails) -> dict[str, EndpointDefinition | None]:
    """Return renault-api's endpoints for the car's model, defaults included.

    A key the model's map leaves out takes the default, as renault-api does
    (without its warning for each key).
    """
    return {**models.get_model_endpoints(None), **details.get_endpoints()}


def restore_details(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, CarDetails]:
    """Rebuild cars' details, by VIN, from their raw answers."""
    links = [{"vin": vin, "vehicleDetails": details} for vin, details in raw.items()]
    response = schemas.KamereonVehiclesResponseSchema.load({"vehicleLinks": links})
    return {
        link.vin: link.vehicleDetails
        for link in response.vehicleLinks or []
        if link.vin and link.vehicleDetails is not None
    }


# -- What can go wrong, in the integration's words ------------------------------


class CloudError(Exception):
    """A request to the Renault cloud failed.

    `cause` names what failed (renault-api's or aiohttp's error), for logs and
    messages; the message is the cause's.
    """

    def __init__(self, cause: BaseException | str) -> None:
        """Describe the failure by its cause."""
        super().__init__(str(cause))
        self.cause = cause if isinstance(cause, str) else type(cause).__name__


class UnreachableError(CloudError):
    """No answer: the connection failed or the request timed out."""


class BadAnswerError(CloudError):
    """An answer that is not the cloud's JSON (an HTTP error page, a cut body)."""


class QuotaReachedError(CloudError):
    """The account sent too much: the cloud (or its gateway) asks for a pause."""

    def __init__(self, cause: BaseException, pause: timedelta | None = None) -> None:
        """Keep the pause the answer asked for (None: the usual one)."""
        super().__init__(cause)
        self.pause = pause


class NotOfferedError(CloudError):
    """The car, or the account, is not offered this endpoint or command."""


class NotFoundError(NotOfferedError):
    """The cloud does not know the account, or refuses it to this login."""


class CommandRefusedError(CloudError):
    """The car cannot carry the command out now; `reason` is a translation key."""

    def __init__(self, cause: BaseException, reason: str) -> None:
        """Keep why the command was refused."""
        super().__init__(cause)
        self.reason = reason


class LoginExpiredError(CloudError):
    """The session's login no longer works: log in again with the password."""


class TokenRefusedError(CloudError):
    """The cloud refused the access token: mint another from the login."""


class LoginRefusedError(CloudError):
    """The cloud refused the login itself; `reason` is a translation key."""

    reason = "invalid_auth"


class WrongCredentialsError(LoginRefusedError):
    """The e-mail or the password is wrong."""


class CodeRequiredError(LoginRefusedError):
    """The cloud wants a two-factor code sent by e-mail."""

    reason = "two_factor_required"


class WrongCodeError(CloudError):
    """The two-factor code is wrong, or expired (`expired`)."""

    def __init__(self, cause: InvalidVerificationCodeException) -> None:
        """Tell an expired code from a wrong one."""
        super().__init__(cause)
        self.expired = "expired" in (cause.error_details or "").lower()


class LockedOutError(CloudError):
    """Too many failed logins: the cloud locked the account for a while."""


# Gigya's code for an account locked after too many failed logins.
GIGYA_LOCKED_OUT = 403120

# What a command is refused with, by renault-api's error.
_REFUSALS: tuple[tuple[type[Exception], str], ...] = (
    (InsufficientBatteryLevelException, "battery_too_low"),
    (ChargeModeInProgressException, "action_in_progress"),
    (PrivacyModeOnException, "privacy_mode_on"),
    (InvalidInputException, "action_invalid"),
)

# What a failed exchange with the cloud raises: no answer, an error answer, or an
# answer that is not what the library expects (a broken JSON body escapes it).
_LIBRARY_ERRORS = (
    TimeoutError,
    aiohttp.ClientError,
    RenaultException,
    ValueError,
    ValidationError,
)

# What a gateway in front of the cloud answers, not in JSON, when the cloud is
# overloaded or the account sends too much: the quota's back-off applies.
OVERLOADED_STATUSES = frozenset({429, 503})
# The wait a gateway's Retry-After may impose: long enough to let it recover,
# short enough that a wrong date never stops the reads for long.
RETRY_AFTER_RANGE = (timedelta(minutes=1), timedelta(hours=2))

_CLOUD_OVERRIDE: HassKey[str | None] = HassKey("renault_connect_cloud_override")


def _translate(err: Exception) -> CloudError:  # noqa: PLR0911 - one answer per kind
    """Say what a library or transport error means here."""
    if isinstance(err, QuotaLimitException):
        return QuotaReachedError(err)
    if isinstance(err, aiohttp.ClientResponseError) and (
        err.status in OVERLOADED_STATUSES
    ):
        return QuotaReachedError(err, retry_after(err, dt_util.utcnow()))
    if isinstance(err, ForbiddenException | ResourceNotFoundException):
        return NotFoundError(err)
    if isinstance(
        err, AccessDeniedException | EndpointNotAvailableError | NotSupportedException
    ):
        return NotOfferedError(err)
    for kind, reason in _REFUSALS:
        if isinstance(err, kind):
            return CommandRefusedError(err, reason)
    if isinstance(err, UnauthorizedException):
        return TokenRefusedError(err)
    if isinstance(err, NotAuthenticatedException):
        return LoginExpiredError(err)
    if isinstance(err, GigyaResponseException):
        return _translate_login(err)
    if isinstance(err, TimeoutError | OSError):
        return UnreachableError(err)
    if isinstance(err, aiohttp.ClientError):
        return BadAnswerError(err)
    return CloudError(err)


def _translate_login(err: GigyaResponseException) -> CloudError:
    """Say what Gigya's refusal of a login step means."""
    if isinstance(err, PendingTwoFactorAuthenticationException):
        return CodeRequiredError(err)
    if isinstance(err, InvalidCredentialsException):
        return WrongCredentialsError(err)
    if isinstance(err, InvalidVerificationCodeException):
        return WrongCodeError(err)
    if err.error_code == GIGYA_LOCKED_OUT:
        return LockedOutError(err)
    return CloudError(err)


@asynccontextmanager
async def _exchange() -> AsyncIterator[None]:
    """Bound one exchange with the cloud in time, and say what its failure means."""
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            yield
    except _LIBRARY_ERRORS as err:
        raise _translate(err) from err


def retry_after(err: aiohttp.ClientResponseError, now: datetime) -> timedelta | None:
    """Return the wait the answer's Retry-After asks for, within the sane range.

    The header holds seconds or an HTTP date; None when it is absent or
    unreadable.
    """
    value = err.headers.get("Retry-After", "").strip() if err.headers else ""
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    shortest, longest = (bound.total_seconds() for bound in RETRY_AFTER_RANGE)
    return timedelta(seconds=min(max(seconds, shortest), longest))


# -- Where the cloud is ---------------------------------------------------------


def default_locale(language: str, country: str | None) -> str:
    """Return the locale that best matches Home Assistant's language and country."""
    language = language.split("-", maxsplit=1)[0].lower()
    country = (country or "").upper()
    preferences = (
        f"{language}_{country}",
        *(locale for locale in LOCALES if locale.endswith(f"_{country}")),
        *(locale for locale in LOCALES if locale.startswith(f"{language}_")),
        "fr_FR",
    )
    return next(locale for locale in preferences if locale in AVAILABLE_LOCALES)


def _is_loopback_url(url: str) -> bool:
    """Tell whether the URL points at this machine."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _cloud_override(hass: HomeAssistant) -> str | None:
    """Return the local cloud URL from the environment, read once per instance.

    Only a loopback URL is honoured, so that the variable cannot send
    credentials anywhere but to a fake cloud running on this machine.
    """
    if _CLOUD_OVERRIDE in hass.data:
        return hass.data[_CLOUD_OVERRIDE]
    url = os.environ.get(CLOUD_URL_ENV, "").rstrip("/") or None
    if url is not None and not _is_loopback_url(url):
        LOGGER.error(
            "Ignoring %s: only a cloud on this machine (loopback) may replace "
            "Renault's servers",
            CLOUD_URL_ENV,
        )
        url = None
    elif url is not None:
        LOGGER.warning("Using the Renault cloud at %s instead of Renault's", url)
    hass.data[_CLOUD_OVERRIDE] = url
    return url


def locale_details(hass: HomeAssistant, locale: str) -> dict[str, str]:
    """Return the Gigya and Kamereon URLs and keys of a locale."""
    details = dict(AVAILABLE_LOCALES[locale])
    if url := _cloud_override(hass):
        details[CONF_GIGYA_URL] = f"{url}/gigya"
        details[CONF_KAMEREON_URL] = f"{url}/kamereon"
    return details


# -- The login's tokens -----------------------------------------------------------


class TokenWatch(CredentialStore):
    """A session's credentials: tells when the library fetches or drops a token.

    Each token it fetches is one request to the cloud; `on_token` hears when the
    new token stops serving (None when the token is dropped).
    """

    def __init__(self) -> None:
        """Start with no token and nobody listening."""
        super().__init__()
        self.on_token: Callable[[datetime | None], None] | None = None
        self._token: Credential | None = None

    def _write(self) -> None:
        """Tell the listener when the access token changed.

        renault-api calls this after each change to the store (its own file
        store writes itself here); the token is read through the public API.
        """
        token = self.get(GIGYA_JWT)
        if token is self._token:
            return
        self._token = token
        if self.on_token is None:
            return
        if isinstance(token, JWTCredential):
            # The library renews the token this early.
            self.on_token(dt_util.utc_from_timestamp(token.expiry - CLOCK_SKEW_MARGIN))
        else:
            self.on_token(None)


# -- A car, and how each of its endpoints is read ------------------------------------

# Charge and preconditioning sessions are read over this many past days.
HISTORY_DAYS = 30
# Where renault-api finds the KCM ev/settings document (charge mode, programs).
_EV_SETTINGS = "charge-schedule"


class CarLink(RenaultVehicle):
    """renault-api's vehicle, with the few requests this integration adds."""

    async def get_contracts_afresh(self) -> list[Contract]:
        """Read the vehicle's contracts afresh (the library caches them forever)."""
        response = await self.session.get_vehicle_contracts(self.account_id, self.vin)
        return response.contractList or []

    async def get_recent_charges(self) -> Charges:
        """Read the charge sessions of the last days."""
        end = dt_util.utcnow()
        return await self.get_charges(start=end - timedelta(days=HISTORY_DAYS), end=end)

    async def get_recent_hvac_sessions(self) -> HvacSessions:
        """Read the preconditionings of the last days."""
        end = dt_util.utcnow()
        return await self.get_hvac_sessions(
            start=end - timedelta(days=HISTORY_DAYS), end=end
        )

    async def post_ev_settings(self, document: dict[str, Any]) -> Any:
        """POST a whole KCM ev/settings document back, as the MyRenault app does."""
        return await self.http_post(
            await self.get_full_endpoint(_EV_SETTINGS), document
        )


def _restore_contracts(raw: list[dict[str, Any]]) -> list[Contract]:
    """Rebuild the contracts from their raw answers."""
    response = schemas.KamereonVehicleContractsResponseSchema.load(
        {"contractList": raw}
    )
    return response.contractList or []


@dataclass(frozen=True)
class EndpointRead[T]:
    """How one of a car's endpoints is read, and rebuilt from its kept answer."""

    fetch: Callable[[CarLink], Awaitable[T]]
    restore: Callable[[Any], T]


BATTERY_STATUS: EndpointRead[BatteryStatus] = EndpointRead(
    lambda car: car.get_battery_status(),
    schemas.KamereonVehicleBatteryStatusDataSchema.load,
)
COCKPIT: EndpointRead[Cockpit] = EndpointRead(
    lambda car: car.get_cockpit(), schemas.KamereonVehicleCockpitDataSchema.load
)
LOCATION: EndpointRead[Location] = EndpointRead(
    lambda car: car.get_location(), schemas.KamereonVehicleLocationDataSchema.load
)
HVAC_STATUS: EndpointRead[HvacStatus] = EndpointRead(
    lambda car: car.get_hvac_status(), schemas.KamereonVehicleHvacStatusDataSchema.load
)
CHARGE_MODE: EndpointRead[ChargeModeStatus] = EndpointRead(
    lambda car: car.get_charge_mode(), schemas.KamereonVehicleChargeModeDataSchema.load
)
LOCK_STATUS: EndpointRead[LockStatus] = EndpointRead(
    lambda car: car.get_lock_status(), schemas.KamereonVehicleLockStatusDataSchema.load
)
TYRE_PRESSURE: EndpointRead[TyrePressure] = EndpointRead(
    lambda car: car.get_tyre_pressure(),
    schemas.KamereonVehicleTyrePressureDataSchema.load,
)
RES_STATE: EndpointRead[ResState] = EndpointRead(
    lambda car: car.get_res_state(), schemas.KamereonVehicleResStateDataSchema.load
)
SOC_LEVELS: EndpointRead[SocLevels] = EndpointRead(
    lambda car: car.get_battery_soc(), schemas.KamereonVehicleBatterySocDataSchema.load
)
CHARGING_SETTINGS: EndpointRead[ChargingSettings] = EndpointRead(
    lambda car: car.get_charging_settings(),
    schemas.KamereonVehicleChargingSettingsDataSchema.load,
)
EV_SETTINGS: EndpointRead[EvSettings] = EndpointRead(
    lambda car: car.get_charge_schedule(), dict
)
HVAC_SETTINGS: EndpointRead[HvacSettings] = EndpointRead(
    lambda car: car.get_hvac_settings(),
    schemas.KamereonVehicleHvacSettingsDataSchema.load,
)
CHARGES: EndpointRead[Charges] = EndpointRead(
    lambda car: car.get_recent_charges(), schemas.KamereonVehicleChargesDataSchema.load
)
HVAC_SESSIONS: EndpointRead[HvacSessions] = EndpointRead(
    lambda car: car.get_recent_hvac_sessions(),
    schemas.KamereonVehicleHvacSessionsDataSchema.load,
)
CONTRACTS: EndpointRead[Contracts] = EndpointRead(
    lambda car: car.get_contracts_afresh(), _restore_contracts
)


# -- A session on the cloud -----------------------------------------------------------


class SessionListener(Protocol):
    """Who counts a session's requests and keeps its login."""

    def async_on_token(self, valid_until: datetime | None) -> None:
        """Count the request that fetched an access token (None: token dropped)."""

    def async_on_login_request(self) -> None:
        """Count a login request going out."""

    def async_on_login(self, login_token: str | None) -> None:
        """Keep the login token of a silent re-login."""


@dataclass(frozen=True)
class TfaEmail:
    """An address that can receive the two-factor code, masked for display."""

    id: str
    label: str


# Requests in flight at once: a setup reads a whole fleet quickly (the hundred
# first reads of ten cars in about four rounds); timed reads are spaced by the
# request budget anyway. The count is the quota's concern, not the burst.
MAX_PARALLEL_REQUESTS = 32


class CloudSession:
    """A login on the Renault cloud: every request of an entry goes through it.

    Its secrets are taught to the log filter first, so that neither this
    integration nor renault-api ever logs them; they belong to `owner` (the
    entry's id), which forgets them when it unloads.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        data: Mapping[str, Any],
        *,
        owner: str = redact.UNSCOPED,
        listener: SessionListener | None = None,
    ) -> None:
        """Open a session for a config entry's data, restoring what it stored."""
        redact.install()
        redact.SECRETS.add(
            [
                data.get(CONF_USERNAME),
                data.get(CONF_PASSWORD),
                data.get(CONF_LOGIN_TOKEN),
                data.get(CONF_KAMEREON_ACCOUNT_ID),
                *(data.get(CONF_DEVICE_IDS) or {}).values(),
            ],
            owner,
        )
        self._data = data
        self._owner = owner
        self._listener = listener
        self._tokens = TokenWatch()
        if listener is not None:
            self._tokens.on_token = listener.async_on_token
        locale: str = data[CONF_LOCALE]
        self.session = RenaultSession(
            websession=async_get_clientsession(hass),
            locale=locale,
            locale_details=locale_details(hass, locale),
            credential_store=self._tokens,
        )
        if device_ids := data.get(CONF_DEVICE_IDS):
            self.session.set_device_ids(device_ids)
        if login_token := data.get(CONF_LOGIN_TOKEN):
            self.session.set_login_token(login_token)
        self._login_lock = asyncio.Lock()
        self._refused: LoginRefusedError | None = None
        self._in_flight = asyncio.Semaphore(MAX_PARALLEL_REQUESTS)

    @property
    def login_token(self) -> str | None:
        """Return the login token (what restarts need instead of the password)."""
        return self.session.login_token

    @property
    def device_ids(self) -> dict[str, str]:
        """Return the ids of the trusted device the two-factor login created."""
        return self.session.device_ids

    # The login, step by step (config flow).

    async def async_login(self, username: str, password: str) -> None:
        """Log in; raises CodeRequiredError when the cloud wants a two-factor code."""
        async with _exchange():
            await self.session.login(username, password)

    async def async_tfa_emails(self) -> list[TfaEmail]:
        """Return the addresses that can receive the code."""
        async with _exchange():
            emails = await self.session.get_two_factor_auth_emails()
        return [
            TfaEmail(id=email.id, label=email.obfuscated or email.id)
            for email in emails
            if email.id
        ]

    async def async_send_code(self, email_id: str | None) -> None:
        """Have the cloud e-mail a two-factor code."""
        async with _exchange():
            await self.session.request_two_factor_auth_code(email_id)

    async def async_check_code(self, code: str) -> None:
        """Finish the login with the code the user typed."""
        async with _exchange():
            await self.session.complete_two_factor_auth(code)

    # Requests.

    async def async_person_accounts(self) -> dict[str, str | None]:
        """Return the person's Kamereon accounts: their type, by account id."""
        person = await RenaultClient(session=self.session).get_person()
        return {
            account.accountId: account.accountType
            for account in person.accounts or []
            if account.accountId
        }

    async def async_list_vehicles(
        self, account_id: str
    ) -> dict[str, CarDetails | None]:
        """Return an account's vehicles by VIN, with their details when listed."""
        response = await RenaultAccount(account_id, session=self.session).get_vehicles()
        return {
            link.vin: link.vehicleDetails
            for link in response.vehicleLinks or []
            if link.vin
        }

    def car(self, account_id: str, vin: str, details: CarDetails) -> CarLink:
        """Return the link to one of the account's cars."""
        return CarLink(account_id, vin, session=self.session, vehicle_details=details)

    def drop_access_token(self) -> None:
        """Forget the access token: the next request fetches a new one."""
        if token := self.session.login_token:
            self.session.set_login_token(token)

    async def async_call[T](
        self,
        request: Callable[[], Awaitable[T]],
        on_send: Callable[[], None] = lambda: None,
    ) -> T:
        """Send a request (`on_send` hears each try), keeping the login alive.

        A refused access token is replaced once; a dead login logs in again
        once with the stored password. Raises CloudError and its kinds;
        LoginRefusedError until the entry reloads once the password was refused.
        """
        if self._refused is not None:
            raise self._refused
        token = self.session.login_token
        try:
            return await self._async_send(request, on_send)
        except TokenRefusedError:
            if token:
                self.session.set_login_token(token)
            try:
                return await self._async_send(request, on_send)
            except LoginExpiredError:
                await self._async_login_again(token)
        except LoginExpiredError:
            await self._async_login_again(token)
        return await self._async_send(request, on_send)

    async def _async_send[T](
        self, request: Callable[[], Awaitable[T]], on_send: Callable[[], None]
    ) -> T:
        """Send one request."""
        on_send()
        async with self._in_flight, _exchange():
            return await request()

    async def _async_login_again(self, dead_token: str | None) -> None:
        """Log in with the stored password, once for requests that failed together.

        The others find the new token, or the refusal; no other login is tried
        after a refusal.
        """
        async with self._login_lock:
            if self._refused is not None:
                raise self._refused
            if self.session.login_token not in (None, dead_token):
                return
            if self._listener is not None:
                self._listener.async_on_login_request()
            try:
                await self.async_login(
                    self._data[CONF_USERNAME], self._data[CONF_PASSWORD]
                )
            except LoginRefusedError as err:
                self._refused = err
                raise
            redact.SECRETS.add([self.session.login_token], self._owner)
            LOGGER.info("Logged in to the Renault cloud again")
            if self._listener is not None:
                self._listener.async_on_login(self.session.login_token)
