"""The admin API (JSON, under /admin): codes, faults, requests, clock, cars."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
import json
from typing import Any, Protocol

from aiohttp import web

from .clock import Clock
from .faults import Fault, FaultRegistry
from .request_log import RequestLog
from .transport import CURRENT_RECORD, json_response
from .vehicle import FakeVehicle
from .world import FakeAccount

_RECENT_REQUESTS = 100


class AdministeredCloud(Protocol):
    """What the admin API reads and changes of a cloud."""

    @property
    def accounts(self) -> Mapping[str, FakeAccount]:
        """Return the accounts, by id."""

    @property
    def vehicles(self) -> Mapping[str, FakeVehicle]:
        """Return the cars, by VIN."""

    @property
    def clock(self) -> Clock:
        """Return the cloud's clock."""

    @property
    def faults(self) -> FaultRegistry:
        """Return the faults to inject."""

    @property
    def requests(self) -> RequestLog:
        """Return the requests received."""

    def last_tfa_code(self, email: str) -> str | None:
        """Return the last two-factor code sent to the address."""


Handler = Callable[[web.Request], Awaitable[web.Response]]


class _BadRequest(Exception):  # noqa: N818 - an answer, not a failure
    """Raised to answer 400 with a message."""


def _error(message: str, status: int) -> web.Response:
    """Answer an admin error."""
    return json_response({"error": message}, status)


async def _json_body(request: web.Request) -> dict[str, Any]:
    """Return the JSON object of a request ({} when empty)."""
    text = await request.text()
    try:
        body = json.loads(text) if text else {}
    except json.JSONDecodeError as err:
        msg = "the body is not JSON"
        raise _BadRequest(msg) from err
    if not isinstance(body, dict):
        msg = "the body must be a JSON object"
        raise _BadRequest(msg)
    return body


def _vehicle_summary(vehicle: FakeVehicle, cloud: AdministeredCloud) -> dict[str, Any]:
    """Describe a car for the admin API."""
    return {
        "vin": vehicle.vin,
        "profile": vehicle.profile.name,
        "model_code": vehicle.profile.model_code,
        "registration": vehicle.registration,
        "accounts": [
            account.account_id
            for account in cloud.accounts.values()
            if account.holds(vehicle.vin)
        ],
        "state": vehicle.state.as_dict(),
        "charge_settings": {
            "charge_mode": vehicle.settings.charge_mode,
            "charge_schedules": vehicle.settings.charge_schedules,
            "ev_settings": vehicle.settings.ev_settings,
        },
        "pending_events": [
            {"at": at.isoformat(), "event": name} for at, name in vehicle.pending_events
        ],
    }


def _event(vehicle: FakeVehicle, name: str, body: dict[str, Any]) -> None:
    """Apply a physical event from the admin API to a car."""
    try:
        if name == "drive":
            destination = None
            if "lat" in body and "lon" in body:
                destination = (float(body["lat"]), float(body["lon"]))
            vehicle.drive(
                km=float(body.get("km", 10)),
                minutes=float(body.get("minutes", 15)),
                to=destination,
            )
        elif name in {"open_door", "close_door"}:
            getattr(vehicle, name)(str(body.get("door", "driver")))
        elif name == "set_state":
            vehicle.set_state(**body)
        elif name == "upload":
            vehicle.upload()
        elif name in {"plug_in", "unplug", "lock", "unlock"}:
            getattr(vehicle, name)()
        else:
            msg = f"unknown event {name!r}"
            raise _BadRequest(msg)
    except (TypeError, ValueError) as err:
        raise _BadRequest(str(err)) from err


class AdminApi:
    """The admin endpoints of one cloud."""

    def __init__(self, cloud: AdministeredCloud) -> None:
        """Serve this cloud."""
        self._cloud = cloud

    def routes(self) -> list[web.RouteDef]:
        """Return the admin routes."""
        guarded = self._guarded
        return [
            web.get("/admin/tfa-code", guarded(self.tfa_code)),
            web.get("/admin/faults", guarded(self.list_faults)),
            web.post("/admin/faults", guarded(self.add_fault)),
            web.delete("/admin/faults", guarded(self.clear_faults)),
            web.delete("/admin/faults/{fault_id}", guarded(self.remove_fault)),
            web.get("/admin/requests", guarded(self.list_requests)),
            web.delete("/admin/requests", guarded(self.clear_requests)),
            web.get("/admin/clock", guarded(self.get_clock)),
            web.post("/admin/clock", guarded(self.move_clock)),
            web.get("/admin/vehicles", guarded(self.list_vehicles)),
            web.post("/admin/vehicles/{vin}/day", guarded(self.run_day)),
            web.post("/admin/vehicles/{vin}/{event}", guarded(self.vehicle_event)),
        ]

    @staticmethod
    def _guarded(handler: Handler) -> Handler:
        """Log the admin path as the endpoint, and answer 400 to bad requests."""

        async def wrapper(request: web.Request) -> web.Response:
            CURRENT_RECORD.get().endpoint = request.path.removeprefix("/")
            try:
                return await handler(request)
            except _BadRequest as err:
                return _error(str(err), 400)

        return wrapper

    async def tfa_code(self, request: web.Request) -> web.Response:
        """GET /admin/tfa-code?email=: the last code e-mailed to an address."""
        email = request.query.get("email")
        if not email:
            return _error("the email parameter is required", 400)
        code = self._cloud.last_tfa_code(email)
        if code is None:
            return _error(f"no code was sent to {email}", 404)
        return json_response({"email": email, "code": code})

    async def list_faults(self, _request: web.Request) -> web.Response:
        """GET /admin/faults: the faults in force."""
        return json_response(
            {"faults": [fault.as_dict() for fault in self._cloud.faults]}
        )

    async def add_fault(self, request: web.Request) -> web.Response:
        """POST /admin/faults: add a fault (the body holds Fault's arguments)."""
        body = await _json_body(request)
        try:
            fault = Fault(**body)
        except (TypeError, ValueError) as err:
            raise _BadRequest(str(err)) from err
        return json_response(self._cloud.faults.add(fault).as_dict(), 201)

    async def clear_faults(self, _request: web.Request) -> web.Response:
        """DELETE /admin/faults: remove every fault."""
        removed = len(self._cloud.faults)
        self._cloud.faults.clear()
        return json_response({"removed": removed})

    async def remove_fault(self, request: web.Request) -> web.Response:
        """DELETE /admin/faults/{id}: remove one fault."""
        fault_id = request.match_info["fault_id"]
        if all(fault.fault_id != fault_id for fault in self._cloud.faults):
            return _error(f"no fault {fault_id}", 404)
        self._cloud.faults.remove(fault_id)
        return json_response({"removed": 1})

    async def list_requests(self, _request: web.Request) -> web.Response:
        """GET /admin/requests: counts, and the latest requests."""
        log = self._cloud.requests
        records = list(log)
        return json_response(
            {
                "total": len(records),
                "by_kind": log.by_kind(),
                "by_endpoint": log.by_endpoint(),
                "recent": [record.as_dict() for record in records[-_RECENT_REQUESTS:]],
            }
        )

    async def clear_requests(self, _request: web.Request) -> web.Response:
        """DELETE /admin/requests: forget the requests."""
        self._cloud.requests.clear()
        return json_response({"total": 0})

    async def get_clock(self, _request: web.Request) -> web.Response:
        """GET /admin/clock: the simulated time."""
        return json_response({"now": self._cloud.clock.now().isoformat()})

    async def move_clock(self, request: web.Request) -> web.Response:
        """POST /admin/clock {"advance_seconds": n}: move the simulated time."""
        seconds = (await _json_body(request)).get("advance_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            msg = "advance_seconds must be a number"
            raise _BadRequest(msg)
        try:
            self._cloud.clock.advance(timedelta(seconds=seconds))
        except ValueError as err:
            raise _BadRequest(str(err)) from err
        return json_response({"now": self._cloud.clock.now().isoformat()})

    async def list_vehicles(self, _request: web.Request) -> web.Response:
        """GET /admin/vehicles: every car, its profile and physical state."""
        cloud = self._cloud
        return json_response(
            {
                "vehicles": [
                    _vehicle_summary(vehicle, cloud)
                    for vehicle in cloud.vehicles.values()
                ]
            }
        )

    def _vehicle(self, request: web.Request) -> FakeVehicle:
        """Return the car of the path, or answer 404."""
        vin = request.match_info["vin"]
        vehicle = self._cloud.vehicles.get(vin)
        if vehicle is None:
            raise web.HTTPNotFound(
                text=json.dumps({"error": f"no vehicle {vin}"}),
                content_type="application/json",
            )
        return vehicle

    async def run_day(self, request: web.Request) -> web.Response:
        """POST /admin/vehicles/{vin}/day {"start": iso}: schedule a commuting day."""
        vehicle = self._vehicle(request)
        body = await _json_body(request)
        start = None
        if "start" in body:
            try:
                start = datetime.fromisoformat(str(body["start"]))
            except ValueError as err:
                raise _BadRequest(str(err)) from err
            if start.tzinfo is None:
                msg = "start needs a timezone"
                raise _BadRequest(msg)
        plan = vehicle.run_day(start)
        return json_response(
            {"plan": [{"at": at.isoformat(), "event": name} for at, name in plan]}
        )

    async def vehicle_event(self, request: web.Request) -> web.Response:
        """POST /admin/vehicles/{vin}/{event}: plug_in, drive, lock... a car."""
        vehicle = self._vehicle(request)
        _event(vehicle, request.match_info["event"], await _json_body(request))
        return json_response(_vehicle_summary(vehicle, self._cloud))
