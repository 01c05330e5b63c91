"""Where the Renault cloud is, and how to open a session on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
import ipaddress
import os
from typing import Any
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
from renault_api.exceptions import RenaultException
from renault_api.gigya import GIGYA_JWT
from renault_api.renault_session import RenaultSession

from . import redact
from .const import (
    CLOUD_URL_ENV,
    CONF_DEVICE_IDS,
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_LOCALE,
    CONF_LOGIN_TOKEN,
    LOGGER,
)

LOCALES: tuple[str, ...] = tuple(sorted(AVAILABLE_LOCALES))

# What a failed exchange with the cloud raises: no answer, an error answer, or an
# answer that is not what the library expects (a broken JSON body escapes it).
CLOUD_ERRORS = (
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


def is_overloaded(err: BaseException) -> bool:
    """Tell whether a failed request was a gateway's "too many" or "overloaded"."""
    return (
        isinstance(err, aiohttp.ClientResponseError)
        and err.status in OVERLOADED_STATUSES
    )


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


def create_session(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    tokens: TokenWatch | None = None,
    *,
    owner: str = redact.UNSCOPED,
) -> RenaultSession:
    """Open a session for a config entry's data, restoring what it stored.

    Its secrets are taught to the log filter first, so that neither this
    integration nor renault-api ever logs them; they belong to `owner` (the
    entry's id), which forgets them when it unloads.
    """
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
    locale: str = data[CONF_LOCALE]
    session = RenaultSession(
        websession=async_get_clientsession(hass),
        locale=locale,
        locale_details=locale_details(hass, locale),
        credential_store=tokens,
    )
    if device_ids := data.get(CONF_DEVICE_IDS):
        session.set_device_ids(device_ids)
    if login_token := data.get(CONF_LOGIN_TOKEN):
        session.set_login_token(login_token)
    return session
