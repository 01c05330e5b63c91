"""The Kamereon API: persons, accounts, vehicles, their data and actions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import re
from typing import Any
import uuid

from aiohttp import web
from renault_api.const import AVAILABLE_LOCALES, CONF_KAMEREON_APIKEY

from . import kamereon_errors as errors, payloads, render, schedules
from .faults import Fault, FaultKind
from .kamereon_errors import KamereonError, Rejected
from .operations import Op
from .request_log import RequestRecord
from .tokens import InvalidTokenError, JwtIssuer
from .transport import Interceptor, json_response
from .vehicle import FakeVehicle
from .world import FakeAccount, FakeUser, World

API_KEYS = frozenset(
    details[CONF_KAMEREON_APIKEY] for details in AVAILABLE_LOCALES.values()
)
_ACCOUNT = r"^/commerce/v1/accounts/(?P<account>[^/]+)"
_PERSON = re.compile(r"^/commerce/v1/persons/(?P<person>[^/]+)$")
_VEHICLES = re.compile(_ACCOUNT + r"/vehicles$")
_VEHICLE = re.compile(
    _ACCOUNT + r"/vehicles/(?P<vin>[^/]+)/(?P<what>details|contracts)$"
)
_KCA = re.compile(
    _ACCOUNT
    + r"/kamereon/kca/car-adapter/v(?P<version>\d+)/cars/(?P<vin>[^/]+)"
    + r"(?:/(?P<path>.+))?$"
)
_KCM = re.compile(
    _ACCOUNT + r"/kamereon/kcm/v(?P<version>\d+)/vehicles/(?P<vin>[^/]+)/(?P<path>.+)$"
)
_ALERTS = re.compile(_ACCOUNT + r"/kamereon/vehicles/(?P<vin>[^/]+)/alerts$")
_DATE_TIME = "%Y-%m-%dT%H:%M:%SZ"
_FAULT_ERRORS = {
    FaultKind.QUOTA: errors.QUOTA_LIMIT,
    FaultKind.ACCESS_DENIED: errors.ACCESS_DENIED,
    FaultKind.NOT_SUPPORTED: errors.NOT_SUPPORTED,
    FaultKind.FORBIDDEN: errors.FORBIDDEN,
    FaultKind.NOT_FOUND: errors.RESOURCE_NOT_FOUND,
    FaultKind.PRIVACY_MODE: errors.PRIVACY_ON,
    FaultKind.LOW_BATTERY: errors.LOW_BATTERY,
    FaultKind.ACTION_IN_PROGRESS: errors.CHARGE_MODE_IN_PROGRESS,
}

# Faults that let the request through, then change what the cloud answers.
_ODD_ANSWERS = frozenset(
    {
        FaultKind.ODD_ANSWER,
        FaultKind.EMPTY_VEHICLE_LIST,
        FaultKind.VEHICLE_WITHOUT_DETAILS,
    }
)


def _odd_answer(answer: web.Response, fault: Fault) -> web.Response:
    """Change a JSON answer the way the fault says."""
    body = json.loads(answer.text or "null")
    if fault.kind is FaultKind.EMPTY_VEHICLE_LIST:
        body["vehicleLinks"] = []
    elif fault.kind is FaultKind.VEHICLE_WITHOUT_DETAILS:
        for link in body["vehicleLinks"]:
            link.pop("vehicleDetails", None)
    elif isinstance(body, dict):
        data = body.get("data")
        values = (
            data["attributes"]
            if isinstance(data, dict) and "attributes" in data
            else body
        )
        values.update(fault.attributes or {})
    return json_response(body, answer.status)


@dataclass(frozen=True)
class _Post:
    """What a POST path takes: the JSON:API type (None: a raw document) and ops."""

    data_type: str | None
    ops: Mapping[str, Op]
    selector: str = "action"

    @property
    def default(self) -> Op:
        """Return the operation logged when the body does not say which."""
        return next(iter(self.ops.values()))


@dataclass(frozen=True)
class _Path:
    """A vehicle path: the API versions it exists in, and its GET and POST."""

    versions: frozenset[int] = frozenset({1})
    get: Op | None = None
    post: _Post | None = None

    @property
    def default(self) -> Op:
        """Return the operation logged when the method does not fit the path."""
        if self.get is not None:
            return self.get
        assert self.post is not None  # noqa: S101 - every path has a GET or a POST
        return self.post.default


def _single(data_type: str | None, op: Op) -> _Post:
    """Describe a POST path with one operation."""
    return _Post(data_type, {"": op}, selector="")


_KCA_PATHS: Mapping[str, _Path] = {
    "": _Path(frozenset({2}), get=Op.CAR_ADAPTER),
    "battery-status": _Path(frozenset({2}), get=Op.BATTERY_STATUS),
    **{
        op.value.removeprefix("kca/"): _Path(get=op)
        for op in render.KCA_RENDERERS
        if op not in {Op.CAR_ADAPTER, Op.BATTERY_STATUS}
    },
    "actions/charge-mode": _Path(post=_single("ChargeMode", Op.SET_CHARGE_MODE)),
    "actions/charge-schedule": _Path(
        frozenset({2}), post=_single("ChargeSchedule", Op.SET_CHARGE_SCHEDULE)
    ),
    "actions/charging-start": _Path(
        post=_Post(
            "ChargingStart", {"start": Op.CHARGING_START, "stop": Op.CHARGING_STOP}
        )
    ),
    "actions/hvac-schedule": _Path(
        frozenset({2}), post=_single("HvacSchedule", Op.SET_HVAC_SCHEDULE)
    ),
    "actions/hvac-start": _Path(
        post=_Post(
            "HvacStart",
            {"start": Op.HVAC_START, "cancel": Op.HVAC_CANCEL, "stop": Op.HVAC_STOP},
        )
    ),
    "actions/horn-lights": _Path(
        post=_Post("HornLights", {"horn": Op.HORN, "lights": Op.LIGHTS}, "target")
    ),
    "actions/refresh-location": _Path(
        post=_single("RefreshLocation", Op.REFRESH_LOCATION)
    ),
}
_KCM_PATHS: Mapping[str, _Path] = {
    "ev/soc-levels": _Path(get=Op.SOC_LEVELS, post=_single(None, Op.SET_SOC_LEVELS)),
    "ev/settings": _Path(get=Op.EV_SETTINGS, post=_single(None, Op.SET_EV_SETTINGS)),
    "charge/schedule": _Path(
        post=_single("ChargeSchedule", Op.KCM_SET_CHARGE_SCHEDULE)
    ),
    "charge/start": _Path(post=_single("ChargingStart", Op.KCM_CHARGE_START)),
    "charge/pause-resume": _Path(
        post=_Post(
            "ChargePauseResume",
            {"pause": Op.KCM_CHARGE_PAUSE, "resume": Op.KCM_CHARGE_RESUME},
        )
    ),
}
_ALERTS_PATH = _Path(get=Op.ALERTS)


@dataclass
class _Target:
    """What a request is about, read from its path (and body)."""

    endpoint: str
    person_id: str | None = None
    account_id: str | None = None
    vin: str | None = None
    op: Op | None = None
    path: _Path | None = None
    version: int = 1
    body_error: KamereonError | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


class KamereonService:
    """The Kamereon endpoints renault-api calls, over the cars of a world."""

    def __init__(self, world: World, issuer: JwtIssuer) -> None:
        """Serve the accounts and cars of ``world``, trusting ``issuer``'s JWTs."""
        self._world = world
        self._issuer = issuer
        self._actions: Mapping[Op, Callable[[FakeVehicle, dict[str, Any]], None]] = {
            Op.SET_CHARGE_MODE: self._set_charge_mode,
            Op.SET_CHARGE_SCHEDULE: self._set_charge_schedules,
            Op.KCM_SET_CHARGE_SCHEDULE: self._set_charge_schedules,
            Op.CHARGING_START: self._charge_start,
            Op.KCM_CHARGE_START: self._charge_start,
            Op.KCM_CHARGE_RESUME: self._charge_start,
            Op.CHARGING_STOP: self._charge_stop,
            Op.KCM_CHARGE_PAUSE: self._charge_stop,
            Op.SET_HVAC_SCHEDULE: self._set_hvac_schedules,
            Op.HVAC_START: self._hvac_start,
            Op.HVAC_CANCEL: self._hvac_stop,
            Op.HVAC_STOP: self._hvac_stop,
            Op.HORN: self._horn_lights,
            Op.LIGHTS: self._horn_lights,
            Op.REFRESH_LOCATION: self._refresh_location,
            Op.SET_SOC_LEVELS: self._set_soc_levels,
            Op.SET_EV_SETTINGS: self._set_ev_settings,
        }

    async def handle(
        self, request: web.Request, record: RequestRecord, intercept: Interceptor
    ) -> web.Response:
        """Answer one Kamereon request."""
        target = await self._target(request)
        record.endpoint = target.endpoint
        record.operation = target.op.value if target.op else None
        record.account_id = target.account_id
        record.vin = target.vin
        token = request.headers.get("x-gigya-id_token", "")
        user = self._user_of(token)
        if user is not None:
            record.email = user.email.lower()
            record.person_id = user.person_id
        outcome = await intercept(record)
        if isinstance(outcome, web.Response):
            return outcome
        try:
            answer = self._answer(request, target, token, outcome)
        except Rejected as rejected:
            error = rejected.error
            return json_response(error.body(), error.status)
        if outcome is not None and outcome.kind in _ODD_ANSWERS:
            return _odd_answer(answer, outcome)
        return answer

    def _user_of(self, token: str) -> FakeUser | None:
        """Return the user of a JWT this cloud signed (expired or not)."""
        try:
            uid = self._issuer.claims(token)["sub"]
        except InvalidTokenError:
            return None
        return next(
            (user for user in self._world.users.values() if user.uid == uid), None
        )

    async def _target(self, request: web.Request) -> _Target:
        """Read what the request is about from its path and body."""
        path = "/" + request.match_info["tail"]
        if match := _PERSON.match(path):
            return _Target("person", person_id=match["person"])
        if match := _VEHICLES.match(path):
            return _Target("vehicles", account_id=match["account"])
        if match := _VEHICLE.match(path):
            return _Target(match["what"], account_id=match["account"], vin=match["vin"])
        found = _KCA.match(path) or _KCM.match(path) or _ALERTS.match(path)
        if found is None:
            return _Target("unknown")
        if found.re is _ALERTS:
            vehicle_path: _Path | None = _ALERTS_PATH
        else:
            paths = _KCA_PATHS if found.re is _KCA else _KCM_PATHS
            vehicle_path = paths.get(found["path"] or "")
        if vehicle_path is None:
            return _Target("unknown")
        target = _Target(
            "unknown",
            account_id=found["account"],
            vin=found["vin"],
            path=vehicle_path,
            version=int(found.groupdict().get("version") or 1),
        )
        if request.method == "POST" and vehicle_path.post is not None:
            await self._read_body(request, vehicle_path.post, target)
        elif request.method == "GET":
            target.op = vehicle_path.get
        target.endpoint = (target.op or vehicle_path.default).endpoint
        return target

    async def _read_body(
        self, request: web.Request, post: _Post, target: _Target
    ) -> None:
        """Parse an action body and find which operation it asks for."""
        target.op = post.default
        try:
            body = json.loads(await request.text() or "null")
        except json.JSONDecodeError:
            target.body_error = errors.INVALID_BODY_FORMAT
            return
        if post.data_type is None:
            if isinstance(body, dict):
                target.attributes = body
            else:
                target.body_error = errors.invalid_body("expected a JSON object")
            return
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or data.get("type") != post.data_type:
            target.body_error = errors.invalid_body(
                f"expected data of type {post.data_type}"
            )
            return
        attributes = data.get("attributes", {})
        if not isinstance(attributes, dict):
            target.body_error = errors.invalid_body("attributes must be an object")
            return
        target.attributes = attributes
        if post.selector:
            selected = post.ops.get(str(attributes.get(post.selector)))
            if selected is None:
                target.body_error = errors.invalid_body(
                    f"{post.selector} must be one of {', '.join(post.ops)}"
                )
                return
            target.op = selected

    def _authenticate(
        self, request: web.Request, token: str, fault: Fault | None
    ) -> FakeUser:
        """Check the API key, the country and the JWT; return the JWT's user."""
        if request.headers.get("apikey") not in API_KEYS:
            raise Rejected(errors.INVALID_API_KEY)
        if not request.query.get("country"):
            raise Rejected(errors.missing_parameter("country"))
        if not token:
            raise Rejected(errors.unauthorized("Missing JWT (x-gigya-id_token)"))
        try:
            claims = self._issuer.verify(token)
        except InvalidTokenError as err:
            raise Rejected(errors.unauthorized(str(err))) from err
        if fault is not None and fault.kind is FaultKind.JWT_REJECTED:
            raise Rejected(errors.unauthorized("JWT rejected"))
        user = self._user_of(token)
        if (
            user is None
            or claims.get("data.personId", user.person_id) != user.person_id
        ):
            raise Rejected(errors.unauthorized("Unknown user"))
        return user

    def _answer(
        self, request: web.Request, target: _Target, token: str, fault: Fault | None
    ) -> web.Response:
        """Check the request and answer it (raises Rejected for errors)."""
        user = self._authenticate(request, token, fault)
        if target.endpoint == "unknown":
            raise Rejected(errors.URL_NOT_FOUND)
        path = target.path
        if path is not None:
            if target.version not in path.versions:
                raise Rejected(errors.URL_NOT_FOUND)
            if target.op is None:
                raise Rejected(errors.method_not_allowed(request.method))
        elif request.method != "GET":
            raise Rejected(errors.method_not_allowed(request.method))
        gone = fault is not None and fault.kind is FaultKind.ACCOUNT_GONE
        if fault is not None and fault.kind in _FAULT_ERRORS:
            raise Rejected(_FAULT_ERRORS[fault.kind])
        if target.endpoint == "person":
            if target.person_id != user.person_id:
                raise Rejected(errors.FORBIDDEN)
            hidden = {account.account_id for account in user.accounts}
            if fault is not None and gone and fault.account_id is not None:
                hidden = {fault.account_id}
            return json_response(
                self._person(user, request.query["country"], hidden if gone else set())
            )
        account = self._world.accounts.get(target.account_id or "")
        if account is None or account.owner is not user or gone:
            raise Rejected(errors.FORBIDDEN)
        if target.endpoint == "vehicles":
            return json_response(
                self._vehicles(
                    account, request.query["country"], self._pictures_root(request)
                )
            )
        vehicle = next(
            (item for item in account.vehicles if item.vin == target.vin), None
        )
        if vehicle is None:
            raise Rejected(errors.FORBIDDEN)
        return self._vehicle_answer(request, target, vehicle)

    def _vehicle_answer(
        self, request: web.Request, target: _Target, vehicle: FakeVehicle
    ) -> web.Response:
        """Answer a request about one vehicle of the account."""
        vehicle.simulate()
        if target.endpoint == "details":
            if vehicle.details_missing:
                raise Rejected(errors.RESOURCE_NOT_FOUND)
            return json_response(
                render.vehicle_details(vehicle, self._pictures_root(request))
            )
        if target.endpoint == "contracts":
            return json_response(render.contracts(vehicle, request.query))
        op = target.op
        assert op is not None  # noqa: S101 - vehicle paths always have one here
        refusal = vehicle.profile.refusal(op)
        if refusal is not None:
            raise Rejected(refusal)
        if request.method == "GET":
            return json_response(self._vehicle_data(vehicle, op, request.query))
        if target.body_error is not None:
            raise Rejected(target.body_error)
        self._actions[op](vehicle, target.attributes)
        return json_response(self._action_reply(op, target))

    @staticmethod
    def _vehicle_data(vehicle: FakeVehicle, op: Op, query: Mapping[str, str]) -> Any:
        """Render a data endpoint."""
        if op is Op.SOC_LEVELS:
            return render.soc_levels(vehicle)
        if op is Op.EV_SETTINGS:
            return render.ev_settings(vehicle)
        if op is Op.ALERTS:
            return list(vehicle.alerts)
        return render.kca_body(vehicle, render.KCA_RENDERERS[op](vehicle, query))

    @staticmethod
    def _action_reply(op: Op, target: _Target) -> dict[str, Any]:
        """Answer an accepted action the way the cloud does (it echoes it)."""
        if op is Op.SET_SOC_LEVELS:
            return {
                "commandId": str(uuid.uuid4()),
                "type": "SOC_SYNCH",
                "status": "CREATED",
            }
        if op is Op.SET_EV_SETTINGS:
            return dict(target.attributes)
        post = target.path.post if target.path else None
        data: dict[str, Any] = {
            "type": post.data_type if post else None,
            "id": str(uuid.uuid4()),
        }
        if target.attributes or op is not Op.REFRESH_LOCATION:
            data["attributes"] = target.attributes
        return {"data": data}

    @staticmethod
    def _person(user: FakeUser, country: str, hidden: set[str]) -> dict[str, Any]:
        """Render a person, with the accounts not hidden by account_gone."""
        body: dict[str, Any] = payloads.template("kamereon/person.json")
        body.update(
            personId=user.person_id,
            country=user.country,
            firstName=user.first_name,
            lastName=user.last_name,
        )
        body.update(partyId=user.party_id, mdmId=user.mdm_id)
        body["idp"].update(idpId=user.uid, login=user.email)
        body["emails"][0]["emailValue"] = user.email
        body["phones"][0]["phoneValue"] = user.phone
        body["addresses"] = [
            {
                "addressType": "MAIN",
                "addressLine1": user.street,
                "postalCode": user.postal_code,
                "city": user.city,
                "countryCode": user.country,
            }
        ]
        body["accounts"] = [
            {
                "accountId": account.account_id,
                "accountType": account.account_type,
                "accountStatus": account.status,
                "country": country,
                "personId": user.person_id,
                "relationType": "OWNER",
            }
            for account in user.accounts
            if account.account_id not in hidden
        ]
        return body

    def _pictures_root(self, request: web.Request) -> str | None:
        """Return this server's root URL when it serves the pictures, else None."""
        return str(request.url.origin()) if self._world.serve_pictures else None

    @staticmethod
    def _vehicles(
        account: FakeAccount, country: str, pictures_root: str | None
    ) -> dict[str, Any]:
        """Render the vehicle list of an account."""
        return {
            "accountId": account.account_id,
            "country": country,
            "vehicleLinks": [
                render.vehicle_link(
                    vehicle, account.linked_at[vehicle.vin], pictures_root
                )
                for vehicle in account.vehicles
            ],
        }

    # -- Actions --------------------------------------------------------------

    @staticmethod
    def _future(attributes: dict[str, Any], now: datetime) -> datetime | None:
        """Read an optional startDateTime, which must be in the future."""
        value = attributes.get("startDateTime")
        if value is None:
            return None
        try:
            when = datetime.strptime(value, _DATE_TIME).replace(tzinfo=UTC)
        except (TypeError, ValueError) as err:
            raise Rejected(
                errors.invalid_body("startDateTime must be YYYY-MM-DDTHH:MM:SSZ")
            ) from err
        if when <= now:
            raise Rejected(errors.NOT_A_FUTURE_DATE)
        return when

    def _set_charge_mode(
        self, vehicle: FakeVehicle, attributes: dict[str, Any]
    ) -> None:
        """actions/charge-mode: switch between the model's charge modes."""
        modes = tuple(vehicle.profile.charge_modes)
        mode = attributes.get("action")
        if mode not in modes:
            raise Rejected(errors.invalid_value("/data/attributes/action", modes))
        if vehicle.charge_mode_pending():
            raise Rejected(errors.CHARGE_MODE_IN_PROGRESS)
        vehicle.remote_charge_mode(mode)

    @staticmethod
    def _set_charge_schedules(vehicle: FakeVehicle, attributes: dict[str, Any]) -> None:
        """actions/charge-schedule and KCM charge/schedule: replace the schedules."""
        try:
            items = schedules.schedule_list(
                attributes.get("schedules"), schedules.charge_schedule
            )
        except schedules.ScheduleError as err:
            raise Rejected(errors.invalid_body(str(err))) from err
        vehicle.remote_charge_schedules(items)

    @staticmethod
    def _set_hvac_schedules(vehicle: FakeVehicle, attributes: dict[str, Any]) -> None:
        """actions/hvac-schedule: replace the HVAC schedules."""
        try:
            items = schedules.schedule_list(
                attributes.get("schedules"), schedules.hvac_schedule
            )
        except schedules.ScheduleError as err:
            raise Rejected(errors.invalid_body(str(err))) from err
        vehicle.remote_hvac_schedules(items)

    def _charge_start(self, vehicle: FakeVehicle, attributes: dict[str, Any]) -> None:
        """Start a charge (now, or at startDateTime on KCM charge/start)."""
        vehicle.remote_charge_start(self._future(attributes, self._world.clock.now()))

    @staticmethod
    def _charge_stop(vehicle: FakeVehicle, _attributes: dict[str, Any]) -> None:
        """Stop or pause the charge."""
        vehicle.remote_charge_stop()

    def _hvac_start(self, vehicle: FakeVehicle, attributes: dict[str, Any]) -> None:
        """actions/hvac-start (start): precondition now or at startDateTime."""
        temperature = attributes.get("targetTemperature")
        if isinstance(temperature, bool) or not isinstance(temperature, int | float):
            raise Rejected(errors.invalid_body("targetTemperature must be a number"))
        vehicle.remote_hvac_start(
            float(temperature), self._future(attributes, self._world.clock.now())
        )

    @staticmethod
    def _hvac_stop(vehicle: FakeVehicle, attributes: dict[str, Any]) -> None:
        """actions/hvac-start (cancel or stop)."""
        vehicle.remote_hvac_stop(str(attributes["action"]))

    @staticmethod
    def _horn_lights(vehicle: FakeVehicle, attributes: dict[str, Any]) -> None:
        """actions/horn-lights: sound the horn or flash the lights."""
        if attributes.get("action") != "start":
            raise Rejected(errors.invalid_body("action must be start"))
        vehicle.remote_horn_lights(str(attributes["target"]))

    @staticmethod
    def _refresh_location(vehicle: FakeVehicle, _attributes: dict[str, Any]) -> None:
        """actions/refresh-location: the car uploads its position."""
        if vehicle.state.privacy_mode:
            raise Rejected(errors.PRIVACY_ON)
        vehicle.remote_refresh_location()

    @staticmethod
    def _set_soc_levels(vehicle: FakeVehicle, document: dict[str, Any]) -> None:
        """KCM ev/soc-levels (POST): set the minimum and target charge."""
        soc_min, soc_target = document.get("socMin"), document.get("socTarget")
        if not (
            isinstance(soc_min, int)
            and isinstance(soc_target, int)
            and 0 <= soc_min <= soc_target <= 100  # noqa: PLR2004
        ):
            raise Rejected(
                errors.invalid_body(
                    "socMin and socTarget must be 0 <= min <= target <= 100"
                )
            )
        vehicle.remote_soc_levels(soc_min, soc_target)

    @staticmethod
    def _set_ev_settings(vehicle: FakeVehicle, document: dict[str, Any]) -> None:
        """KCM ev/settings (POST): store the settings (programs off: charge now)."""
        if document.get("chargeModeRq", "ALWAYS") not in {"ALWAYS", "SCHEDULED"}:
            raise Rejected(
                errors.invalid_body("chargeModeRq must be ALWAYS or SCHEDULED")
            )
        programs = document.get("programs", [])
        if not isinstance(programs, list):
            raise Rejected(errors.invalid_body("programs must be a list of objects"))
        try:
            for program in programs:
                schedules.ev_program(program)
            schedules.parse_clock_time(document.get("chargeTimeStart", "00:00"))
        except schedules.ScheduleError as err:
            raise Rejected(errors.invalid_body(str(err))) from err
        settings = {
            key: value
            for key, value in document.items()
            if key != "lastSettingsUpdateTimestamp"
        }
        vehicle.remote_ev_settings(settings)
