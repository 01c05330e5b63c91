"""Fault injection: make chosen requests fail the ways the real cloud fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
import itertools
from typing import Any

from .clock import Clock
from .request_log import RequestRecord

GIGYA = "gigya"
KAMEREON = "kamereon"


class FaultKind(StrEnum):
    """The ways a request can fail."""

    HTTP_500_HTML = "http_500_html"
    HTTP_502_HTML = "http_502_html"
    SLOW = "slow"
    TIMEOUT = "timeout"
    MALFORMED_JSON = "malformed_json"
    QUOTA = "quota"
    ACCESS_DENIED = "access_denied"
    NOT_SUPPORTED = "not_supported"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    JWT_REJECTED = "jwt_rejected"
    INVALID_CREDENTIALS = "invalid_credentials"
    TFA_REQUIRED = "tfa_required"
    TFA_CODE_EXPIRED = "tfa_code_expired"
    TFA_LOCKED_OUT = "tfa_locked_out"
    ACCOUNT_GONE = "account_gone"
    PRIVACY_MODE = "privacy_mode"
    LOW_BATTERY = "low_battery"
    ACTION_IN_PROGRESS = "action_in_progress"
    # A gateway in front of the cloud answers instead of it, not in JSON.
    GATEWAY_429 = "gateway_429"
    GATEWAY_429_RETRY_AFTER = "gateway_429_retry_after"
    GATEWAY_503 = "gateway_503"
    GATEWAY_503_RETRY_AFTER_DATE = "gateway_503_retry_after_date"
    HTML_200 = "html_200"
    # The cloud answers, but what it says is odd.
    ODD_ANSWER = "odd_answer"
    EMPTY_VEHICLE_LIST = "empty_vehicle_list"
    VEHICLE_WITHOUT_DETAILS = "vehicle_without_details"

    @property
    def services(self) -> frozenset[str]:
        """Return which APIs the fault can hit (gigya, kamereon)."""
        return _SERVICES.get(self, frozenset({GIGYA, KAMEREON}))

    @property
    def gigya_methods(self) -> frozenset[str] | None:
        """Return the only Gigya methods the fault hits (None: all of them)."""
        return _GIGYA_METHODS.get(self)

    @property
    def endpoints(self) -> frozenset[str] | None:
        """Return the only Kamereon endpoints the fault hits (None: all of them)."""
        return _ENDPOINTS.get(self)


_SERVICES = {
    FaultKind.QUOTA: frozenset({KAMEREON}),
    FaultKind.ACCESS_DENIED: frozenset({KAMEREON}),
    FaultKind.NOT_SUPPORTED: frozenset({KAMEREON}),
    FaultKind.FORBIDDEN: frozenset({KAMEREON}),
    FaultKind.NOT_FOUND: frozenset({KAMEREON}),
    FaultKind.ACCOUNT_GONE: frozenset({KAMEREON}),
    FaultKind.PRIVACY_MODE: frozenset({KAMEREON}),
    FaultKind.LOW_BATTERY: frozenset({KAMEREON}),
    FaultKind.ACTION_IN_PROGRESS: frozenset({KAMEREON}),
    FaultKind.ODD_ANSWER: frozenset({KAMEREON}),
    FaultKind.EMPTY_VEHICLE_LIST: frozenset({KAMEREON}),
    FaultKind.VEHICLE_WITHOUT_DETAILS: frozenset({KAMEREON}),
    FaultKind.INVALID_CREDENTIALS: frozenset({GIGYA}),
    FaultKind.TFA_REQUIRED: frozenset({GIGYA}),
    FaultKind.TFA_CODE_EXPIRED: frozenset({GIGYA}),
    FaultKind.TFA_LOCKED_OUT: frozenset({GIGYA}),
}
_GIGYA_METHODS = {
    FaultKind.JWT_REJECTED: frozenset({"accounts.getJWT"}),
    FaultKind.TFA_REQUIRED: frozenset({"accounts.login"}),
    FaultKind.TFA_CODE_EXPIRED: frozenset({"accounts.tfa.email.completeVerification"}),
    FaultKind.TFA_LOCKED_OUT: frozenset({"accounts.tfa.email.completeVerification"}),
}
_ENDPOINTS = {
    FaultKind.EMPTY_VEHICLE_LIST: frozenset({"vehicles"}),
    FaultKind.VEHICLE_WITHOUT_DETAILS: frozenset({"vehicles"}),
}


class Fault:
    """A failure to inject into the requests it matches.

    Every criterion left as None matches everything: ``email`` (the user the
    request is for), ``account_id``, ``vin``, ``endpoint`` (a Kamereon
    endpoint key such as ``battery-status`` or ``actions/charge-start``, an
    exact operation such as ``kcm/charge/pause-resume:pause``, or a Gigya
    method such as ``accounts.getJWT``) and ``method`` (GET, POST). ``times``
    is how many matching requests it hits (None: until removed). ``delay`` is
    the seconds ``slow`` waits (default 5) and ``timeout`` holds (default 600),
    and the wait the ``*_retry_after*`` gateway faults ask for (default 600:
    in seconds for 429, as an HTTP date for 503). ``attributes`` are the
    values an ``odd_answer`` puts in the answer: into its data's attributes,
    or into the body itself when it has none (None makes a field null).
    """

    def __init__(  # noqa: PLR0913 - the criteria are the point
        self,
        kind: FaultKind | str,
        *,
        email: str | None = None,
        account_id: str | None = None,
        vin: str | None = None,
        endpoint: str | None = None,
        method: str | None = None,
        times: int | None = None,
        delay: float | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        """Describe the fault; ``kind`` is a FaultKind or its name."""
        self.kind = FaultKind(kind)
        self.email = email.lower() if email else None
        self.account_id = account_id
        self.vin = vin
        self.endpoint = endpoint
        self.method = method.upper() if method else None
        if times is not None and times < 1:
            msg = "times must be at least 1 (or None for no limit)"
            raise ValueError(msg)
        self.times = times
        self.delay = delay
        self.attributes = attributes
        self.hits = 0
        self.fault_id: str | None = None
        self.added_at: datetime | None = None

    def __repr__(self) -> str:
        """Show the kind and the criteria that are set."""
        criteria = ", ".join(
            f"{name}={value!r}"
            for name, value in self.as_dict().items()
            if name not in {"kind", "hits", "id", "added_at"} and value is not None
        )
        return f"Fault({self.kind.value!r}{', ' if criteria else ''}{criteria})"

    def matches(self, record: RequestRecord) -> bool:
        """Tell whether the fault applies to a request."""
        if record.kind not in self.kind.services:
            return False
        methods = self.kind.gigya_methods
        if (
            record.kind == GIGYA
            and methods is not None
            and record.endpoint not in methods
        ):
            return False
        only = self.kind.endpoints
        if only is not None and record.endpoint not in only:
            return False
        if self.endpoint is not None and self.endpoint not in {
            record.endpoint,
            record.operation,
        }:
            return False
        account_matches = self.account_id in {None, record.account_id} or (
            self.kind is FaultKind.ACCOUNT_GONE and record.endpoint == "person"
        )
        return (
            account_matches
            and self.email in {None, record.email}
            and self.vin in {None, record.vin}
            and self.method in {None, record.method}
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the fault as JSON-friendly values."""
        return {
            "id": self.fault_id,
            "kind": self.kind.value,
            "email": self.email,
            "account_id": self.account_id,
            "vin": self.vin,
            "endpoint": self.endpoint,
            "method": self.method,
            "times": self.times,
            "delay": self.delay,
            "attributes": self.attributes,
            "hits": self.hits,
            "added_at": self.added_at.isoformat() if self.added_at else None,
        }


class FaultRegistry:
    """The faults in force, in the order they were added."""

    def __init__(self, clock: Clock) -> None:
        """Start without faults."""
        self._clock = clock
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, fault: Fault) -> Fault:
        """Put a fault in force (it is returned, with its id)."""
        fault.fault_id = f"fault-{next(self._ids)}"
        fault.added_at = self._clock.now()
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault | str) -> None:
        """Remove a fault (or the fault with this id)."""
        fault_id = fault if isinstance(fault, str) else fault.fault_id
        self._faults = [item for item in self._faults if item.fault_id != fault_id]

    def clear(self) -> None:
        """Remove every fault."""
        self._faults.clear()

    def __iter__(self) -> Iterator[Fault]:
        """Iterate over the faults in force."""
        return iter(list(self._faults))

    def __len__(self) -> int:
        """Return how many faults are in force."""
        return len(self._faults)

    def match(self, record: RequestRecord) -> list[Fault]:
        """Return the faults that hit a request, and count the hits.

        Every matching ``slow`` fault hits; of the others, only the first one
        added does. A fault whose ``times`` are used up leaves the registry.
        """
        hits: list[Fault] = []
        decided = False
        for fault in self._faults:
            if not fault.matches(record):
                continue
            if fault.kind is not FaultKind.SLOW:
                if decided:
                    continue
                decided = True
            hits.append(fault)
        for fault in hits:
            fault.hits += 1
            if fault.times is not None and fault.hits >= fault.times:
                self.remove(fault)
        if hits:
            record.fault = ",".join(fault.kind.value for fault in hits)
        return hits
