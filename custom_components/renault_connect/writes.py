"""One ordered write path per car: no change undoes another.

A car takes its settings as whole documents (both charge limits, every
schedule, the KCM ev/settings document), and takes about half a minute to
show a change. A write therefore reads the document afresh (a change made in
the app since the last poll is kept), lays on it the changes already sent
and not yet confirmed, then its own: two quick changes both survive. Writes
to one car go one at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import itertools
from typing import Any, Protocol

from homeassistant.util import dt as dt_util

from .commands import Command, CommandTarget, async_send
from .endpoints import EndpointDescription

# A change not confirmed within this long is no longer laid on later writes
# (the car refused it, or the cloud lost it): the car's document prevails.
PENDING_FOR = timedelta(minutes=5)

type Fields = dict[str, Any]
type ScheduleChanges = dict[int, dict[str, Any]]


@dataclass(frozen=True)
class Overlay:
    """What is sent and not yet confirmed: document fields, schedule fields by id."""

    fields: Fields = field(default_factory=dict)
    schedules: ScheduleChanges = field(default_factory=dict)

    def then(self, later: Overlay) -> Overlay:
        """Return this overlay with a later one laid on it."""
        schedules = {number: dict(item) for number, item in self.schedules.items()}
        for number, item in later.schedules.items():
            schedules.setdefault(number, {}).update(item)
        return Overlay({**self.fields, **later.fields}, schedules)


@dataclass(frozen=True)
class _Sent:
    """A change sent to the car."""

    number: int
    at: datetime
    overlay: Overlay


class PendingChanges:
    """The changes of one document sent and not yet confirmed, in order."""

    def __init__(self) -> None:
        """Start with nothing pending."""
        self._sent: list[_Sent] = []
        self._numbers = itertools.count(1)

    def overlay(self, now: datetime) -> Overlay:
        """Return every change still pending, the later ones over the earlier."""
        self._sent = [sent for sent in self._sent if now - sent.at < PENDING_FOR]
        result = Overlay()
        for sent in self._sent:
            result = result.then(sent.overlay)
        return result

    def add(self, overlay: Overlay, now: datetime) -> int:
        """Record a change about to be sent; return its number."""
        number = next(self._numbers)
        self._sent.append(_Sent(number, now, overlay))
        return number

    def confirmed(self, number: int) -> None:
        """Forget a change the car shows, with those sent before it."""
        self._sent = [sent for sent in self._sent if sent.number > number]

    def withdraw(self, number: int) -> None:
        """Forget a change that was not sent (the cloud refused it)."""
        self._sent = [sent for sent in self._sent if sent.number != number]


@dataclass(frozen=True)
class Write[P]:
    """One change of a document: how to build what is sent, and to see it confirmed."""

    endpoint: str
    action: str
    change: Overlay
    build: Callable[[Any, Overlay], P]
    """From the car's document and every change (pending, then this one)."""
    command: Callable[[P], Command[object]]
    confirmed: Callable[[Any, P], bool]
    on_done: Callable[[bool], None] | None = None


class WrittenRead(Protocol):
    """The endpoint of a document, as a write uses it."""

    @property
    def description(self) -> EndpointDescription[Any]:
        """Return how the endpoint is read."""

    def async_set_updated_data(self, data: Any) -> None:
        """Show a fresh answer."""

    def async_update_listeners(self) -> None:
        """Show the endpoint's entities again (with the changes pending)."""


class WrittenCar(CommandTarget, Protocol):
    """A car, as its write path uses it."""

    @property
    def coordinators(self) -> Mapping[str, WrittenRead]:
        """Return the car's endpoints."""

    def async_watch(
        self,
        endpoint: str,
        confirmed: Callable[[Any], bool],
        on_done: Callable[[bool], None] | None = None,
    ) -> None:
        """Re-read an endpoint until the car confirms a command."""


class CarWriter:
    """The write path of one car: one write at a time, each on all before it."""

    def __init__(self, vehicle: WrittenCar) -> None:
        """Write to one car."""
        self.vehicle = vehicle
        self._lock = asyncio.Lock()
        self._pending: dict[str, PendingChanges] = {}

    def pending(self, endpoint: str) -> PendingChanges:
        """Return the changes of a document sent and not yet confirmed."""
        return self._pending.setdefault(endpoint, PendingChanges())

    async def async_write[P](self, write: Write[P]) -> P:
        """Read the document, send it with every change, and watch for it."""
        vehicle = self.vehicle
        async with self._lock:
            coordinator = vehicle.coordinators[write.endpoint]
            current = await async_send(
                vehicle, write.action, coordinator.description.read.fetch
            )
            coordinator.async_set_updated_data(current)
            pending = self.pending(write.endpoint)
            now = dt_util.utcnow()
            payload = write.build(current, pending.overlay(now).then(write.change))
            number = pending.add(write.change, now)
            try:
                await async_send(vehicle, write.action, write.command(payload))
            except Exception:
                pending.withdraw(number)
                raise
            # Entities that lay the pending changes on the car's answer show
            # this one at once; the car confirms in about half a minute.
            coordinator.async_update_listeners()

        def done(confirmed: bool) -> None:  # noqa: FBT001 - a watch's callback
            if confirmed:
                pending.confirmed(number)
            if write.on_done is not None:
                write.on_done(confirmed)

        vehicle.async_watch(
            write.endpoint, lambda data: write.confirmed(data, payload), done
        )
        return payload


def with_fields(document: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """Return a JSON document with fields replaced."""
    return {**document, **fields}
