"""HTTP plumbing shared by the APIs: JSON answers, waits, and transport faults."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from contextvars import ContextVar
from datetime import timedelta
from email.utils import format_datetime
import json
from typing import Any

from aiohttp import web

from . import payloads
from .faults import Fault, FaultKind, FaultRegistry
from .request_log import RequestRecord

# The record of the request being handled (each request runs in its own task).
CURRENT_RECORD: ContextVar[RequestRecord] = ContextVar("current_record")
DEFAULT_SLOW_SECONDS = 5.0
DEFAULT_TIMEOUT_SECONDS = 600.0
MALFORMED_JSON = '{"data": {"type": "Car", "id": "VF1", "attributes": {"batteryLevel'
SERVER_ERROR_HTML = """<html>
  <head>
    <title>500 Internal Server Error</title>
  </head>
  <body>
    <center>
      <h1>500 Internal Server Error</h1>
    </center>
  </body>
</html>
"""

SERVICE_UNAVAILABLE_HTML = SERVER_ERROR_HTML.replace(
    "500 Internal Server Error", "503 Service Temporarily Unavailable"
)
DEFAULT_RETRY_AFTER_SECONDS = 600.0

Interceptor = Callable[[RequestRecord], Awaitable[Fault | web.Response | None]]


def json_response(body: Any, status: int = 200) -> web.Response:
    """Answer with a JSON body."""
    return web.Response(
        text=json.dumps(body), status=status, content_type="application/json"
    )


class Pauser:
    """Waits that end early when the cloud stops, so no request outlives it."""

    def __init__(self) -> None:
        """Start running."""
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Wake every wait."""
        self._stopping.set()

    def reset(self) -> None:
        """Allow waits again (the cloud restarts)."""
        self._stopping.clear()

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the cloud stops."""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


class FaultInterceptor:
    """Apply the faults that hit a request before its API handles it."""

    def __init__(self, faults: FaultRegistry, pauser: Pauser) -> None:
        """Use these faults and this way of waiting."""
        self._faults = faults
        self._pauser = pauser

    async def __call__(self, record: RequestRecord) -> Fault | web.Response | None:
        """Return a whole answer, a fault for the API to apply, or None.

        ``slow`` waits then lets the request through; ``timeout`` holds the
        request until the client gives up (or the cloud stops); the HTML and
        malformed answers replace the API's answer.
        """
        for fault in self._faults.match(record):
            if fault.kind is FaultKind.SLOW:
                await self._pauser.pause(fault.delay or DEFAULT_SLOW_SECONDS)
            elif fault.kind is FaultKind.TIMEOUT:
                await self._pauser.pause(fault.delay or DEFAULT_TIMEOUT_SECONDS)
                return web.Response(status=504, text="Gateway Timeout")
            elif fault.kind is FaultKind.HTTP_500_HTML:
                return web.Response(
                    status=500, text=SERVER_ERROR_HTML, content_type="text/html"
                )
            elif fault.kind is FaultKind.HTTP_502_HTML:
                return web.Response(
                    status=502,
                    text=payloads.text("kamereon/error/bad_gateway.html"),
                    content_type="text/html",
                )
            elif fault.kind is FaultKind.MALFORMED_JSON:
                return web.Response(
                    text=MALFORMED_JSON, content_type="application/json"
                )
            else:
                answer = gateway_answer(fault, record)
                return fault if answer is None else answer
        return None


def gateway_answer(fault: Fault, record: RequestRecord) -> web.Response | None:
    """Return what a gateway in front of the cloud answers, not in JSON, or None.

    Overloaded, it answers 429 or 503, with or without ``Retry-After`` (in
    seconds, or as an HTTP date); misconfigured, an HTML page with status 200.
    """
    wait = timedelta(seconds=fault.delay or DEFAULT_RETRY_AFTER_SECONDS)
    headers: dict[str, str] = {}
    if fault.kind is FaultKind.GATEWAY_429_RETRY_AFTER:
        headers["Retry-After"] = str(int(wait.total_seconds()))
    elif fault.kind is FaultKind.GATEWAY_503_RETRY_AFTER_DATE:
        headers["Retry-After"] = format_datetime(record.time + wait, usegmt=True)
    if fault.kind in {FaultKind.GATEWAY_429, FaultKind.GATEWAY_429_RETRY_AFTER}:
        return web.Response(status=429, text="Too Many Requests", headers=headers)
    if fault.kind in {FaultKind.GATEWAY_503, FaultKind.GATEWAY_503_RETRY_AFTER_DATE}:
        return web.Response(
            status=503,
            text=SERVICE_UNAVAILABLE_HTML,
            content_type="text/html",
            headers=headers,
        )
    if fault.kind is FaultKind.HTML_200:
        return web.Response(text=SERVER_ERROR_HTML, content_type="text/html")
    return None
