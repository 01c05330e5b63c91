"""The fake cloud itself: the world, both APIs, faults, logs, and the server."""

from __future__ import annotations

from collections.abc import Callable
import contextlib
from datetime import datetime
import ipaddress
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from aiohttp.typedefs import Handler
from renault_api.const import (
    AVAILABLE_LOCALES,
    CONF_GIGYA_APIKEY,
    CONF_GIGYA_URL,
    CONF_KAMEREON_APIKEY,
    CONF_KAMEREON_URL,
)

from . import admin, pictures
from .clock import Clock
from .faults import FaultRegistry
from .gigya import GigyaService
from .kamereon import KamereonService
from .request_log import RequestLog, RequestRecord
from .tokens import JwtIssuer
from .transport import CURRENT_RECORD, FaultInterceptor, Pauser
from .world import World

_LOGGED_KINDS = frozenset({"gigya", "kamereon", "admin"})
_SHUTDOWN_SECONDS = 5.0
SNAPSHOT_VERSION = 1


def is_loopback(host: str) -> bool:
    """Tell whether a host name or address is this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FakeRenaultCloud(World):
    """Gigya and Kamereon as renault-api sees them, on a loopback port.

    Build the world with ``add_user``, ``add_account`` and ``add_vehicle``,
    ``await start()``, and point renault-api at it with ``locale_details``.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        jwt_lifetime: int = 900,
        latency: float = 0.0,
    ) -> None:
        """Create an empty cloud; ``latency`` seconds are added to every answer."""
        super().__init__(clock)
        self.latency = latency
        self.faults = FaultRegistry(self.clock)
        self.requests = RequestLog()
        self.in_flight = 0
        self.most_in_flight = 0
        """The most API requests answered at the same time (as load on the cloud)."""
        issuer = JwtIssuer(self.clock)
        self._issuer = issuer
        self._pauser = Pauser()
        self._intercept = FaultInterceptor(self.faults, self._pauser)
        self._gigya = GigyaService(self, issuer, jwt_lifetime=jwt_lifetime)
        self._kamereon = KamereonService(self, issuer)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    def snapshot(self) -> dict[str, Any]:
        """Return what the demo keeps across a restart, as JSON values.

        The logins (remembered devices, login tokens, the signing key of the
        tokens) and each car's settings, state and past sessions: a restart of
        the demo then asks for no new code and forgets nothing the user set.
        """
        return {
            "version": SNAPSHOT_VERSION,
            "jwt_key": self._issuer.key,
            "login_tokens": self._gigya.login_tokens(),
            "remembered_devices": {
                user.email: {
                    gmid: since.isoformat()
                    for gmid, since in user.remembered_devices.items()
                }
                for user in self.users.values()
            },
            "vehicles": {vin: car.snapshot() for vin, car in self.vehicles.items()},
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Take back a snapshot, for the users and cars this cloud has."""
        if snapshot.get("version") != SNAPSHOT_VERSION:
            msg = f"unknown snapshot version {snapshot.get('version')!r}"
            raise ValueError(msg)
        self._issuer.key = snapshot["jwt_key"]
        for email, devices in snapshot["remembered_devices"].items():
            if (user := self.get_user(email)) is not None:
                user.remembered_devices = {
                    gmid: datetime.fromisoformat(since)
                    for gmid, since in devices.items()
                }
        self._gigya.restore_login_tokens(snapshot["login_tokens"])
        for vin, car in snapshot["vehicles"].items():
            if vin in self.vehicles:
                self.vehicles[vin].restore(car)

    async def __aenter__(self) -> Self:
        """Start on a free loopback port."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()

    @property
    def jwt_lifetime(self) -> int:
        """Return the longest JWT lifetime, in seconds (getJWT asks for 900)."""
        return self._gigya.jwt_lifetime

    @jwt_lifetime.setter
    def jwt_lifetime(self, seconds: int) -> None:
        """Change the longest JWT lifetime, in seconds."""
        self._gigya.jwt_lifetime = seconds

    @property
    def on_tfa_code(self) -> Callable[[str, str], None] | None:
        """Return the callback that hears each e-mailed code (address, code)."""
        return self._gigya.on_code

    @on_tfa_code.setter
    def on_tfa_code(self, callback: Callable[[str, str], None] | None) -> None:
        """Set the callback that hears each e-mailed code (address, code)."""
        self._gigya.on_code = callback

    @property
    def url(self) -> str:
        """Return the root URL (once started)."""
        if self._url is None:
            msg = "the cloud is not started"
            raise RuntimeError(msg)
        return self._url

    @property
    def gigya_url(self) -> str:
        """Return the Gigya root URL."""
        return f"{self.url}/gigya"

    @property
    def kamereon_url(self) -> str:
        """Return the Kamereon root URL."""
        return f"{self.url}/kamereon"

    def locale_details(self, locale: str) -> dict[str, str]:
        """Return renault-api's locale details, with the root URLs of this cloud."""
        keys = AVAILABLE_LOCALES[locale]
        return {
            CONF_GIGYA_URL: self.gigya_url,
            CONF_GIGYA_APIKEY: keys[CONF_GIGYA_APIKEY],
            CONF_KAMEREON_URL: self.kamereon_url,
            CONF_KAMEREON_APIKEY: keys[CONF_KAMEREON_APIKEY],
        }

    def last_tfa_code(self, email: str) -> str | None:
        """Return the last two-factor code e-mailed to this address, if any."""
        return self._gigya.codes.get(email.lower())

    def revoke_login_tokens(self, email: str) -> None:
        """Invalidate every login token of a user (as a password change does)."""
        user = self.get_user(email)
        if user is not None:
            self._gigya.revoke_login_tokens(user)

    def build_app(self) -> web.Application:
        """Return the web application (started by ``start``)."""
        app = web.Application(middlewares=[self._log_request])
        app.router.add_route("*", "/gigya/{method}", self._handle_gigya)
        app.router.add_route("*", "/kamereon/{tail:.*}", self._handle_kamereon)
        app.router.add_get(pictures.ROUTE, pictures.handle)
        app.add_routes(admin.AdminApi(self).routes())
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on a loopback address (``port`` 0 picks a free port)."""
        if not is_loopback(host):
            msg = f"the fake cloud only listens on loopback, not on {host}"
            raise ValueError(msg)
        if self._runner is not None:
            msg = "the cloud is already started"
            raise RuntimeError(msg)
        self._pauser.reset()
        runner = web.AppRunner(
            self.build_app(), access_log=None, shutdown_timeout=_SHUTDOWN_SECONDS
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self._url = f"http://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        """Stop listening, ending held requests; nothing is left running."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._pauser.stop()
        await runner.cleanup()

    @web.middleware
    async def _log_request(
        self,
        request: web.Request,
        handler: Handler,
    ) -> web.StreamResponse:
        """Record every request, and add the configured latency to the APIs."""
        kind = request.path.split("/", 2)[1]
        record = RequestRecord(
            time=self.clock.now(),
            kind=kind if kind in _LOGGED_KINDS else "other",
            method=request.method,
            path=request.path,
        )
        CURRENT_RECORD.set(record)
        if (
            record.kind == "kamereon"
            and request.method == "POST"
            and request.can_read_body
        ):
            with contextlib.suppress(ValueError):
                record.body = await request.json()
        api = record.kind in {"gigya", "kamereon"}
        if api:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if api:
                await self._pauser.pause(self.latency)
            response = await handler(request)
        except web.HTTPException as exc:
            record.status = exc.status
            raise
        finally:
            if api:
                self.in_flight -= 1
            self.requests.append(record)
        record.status = response.status
        return response

    async def _handle_gigya(self, request: web.Request) -> web.Response:
        """Answer a Gigya request."""
        return await self._gigya.handle(request, CURRENT_RECORD.get(), self._intercept)

    async def _handle_kamereon(self, request: web.Request) -> web.Response:
        """Answer a Kamereon request."""
        return await self._kamereon.handle(
            request, CURRENT_RECORD.get(), self._intercept
        )
