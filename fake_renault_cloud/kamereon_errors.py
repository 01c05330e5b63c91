"""The error answers of the Kamereon API, shaped like the captured ones."""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any


@dataclass(frozen=True)
class KamereonError:
    """One Kamereon error: its code, message and HTTP status."""

    code: str
    message: str
    status: int

    @property
    def category(self) -> str:
        """Return FUNCTIONAL or TECHNICAL, as the cloud labels its errors."""
        return "TECHNICAL" if self.code.startswith("err.tech") else "FUNCTIONAL"

    def body(self) -> dict[str, Any]:
        """Return the JSON body the cloud sends with this error."""
        return {
            "type": self.category,
            "messages": [{"code": self.code, "message": self.message}],
            "errors": [{"errorCode": self.code, "errorMessage": self.message}],
            "error_reference": self.category,
        }


def nested_message(
    status: int,
    code: str,
    *,
    detail: str,
    title: str | None = None,
    pointer: str | None = None,
) -> str:
    """Build the JSON-in-a-string message some errors carry (see err.func.403)."""
    inner: dict[str, Any] = {"status": str(status), "code": code}
    if title is not None:
        inner["title"] = title
    inner["detail"] = detail
    if pointer is not None:
        inner["source"] = {"pointer": pointer}
    return json.dumps({"errors": [inner]}, separators=(",", ":"))


FORBIDDEN = KamereonError("err.func.wired.forbidden", "The access is forbidden", 403)
RESOURCE_NOT_FOUND = KamereonError("err.func.wired.notFound", "Resource not found", 404)
URL_NOT_FOUND = KamereonError("err.func.wired.not-found", "Not Found", 404)
ACCESS_DENIED = KamereonError(
    "err.func.403",
    nested_message(403, "security.access", detail="Access is denied for this resource"),
    403,
)
OPERATION_NOT_SUPPORTED_C1A = KamereonError(
    "err.func.403",
    nested_message(
        403,
        "403011",
        title="Operation not supported",
        detail="Operation not supported for this can (C1A)",
    ),
    403,
)
NOT_SUPPORTED = KamereonError(
    "err.tech.501",
    nested_message(
        501,
        "error.internal",
        detail="This feature is not technically supported by this gateway",
    ),
    501,
)
QUOTA_LIMIT = KamereonError(
    "err.func.wired.overloaded", "You have reached your quota limit", 429
)
PRIVACY_ON = KamereonError("err.func.privacy.on", "Privacy mode currently ON", 409)
LOW_BATTERY = KamereonError(
    "err.func.wired.low.battery.level", "The battery level is too low", 400
)
BAD_REQUEST = KamereonError(
    "err.func.400", nested_message(400, "Bad Request", detail="Bad Request"), 400
)
NOT_A_FUTURE_DATE = KamereonError(
    "err.func.400",
    nested_message(
        400,
        "Future",
        detail="must be a future date",
        pointer="/data/attributes/startDateTime",
    ),
    400,
)
CHARGE_MODE_UNAVAILABLE = KamereonError(
    "err.func.vcps.ev.charge-mode.error",
    "The charge mode service is not available for this vehicle",
    400,
)
CHARGE_SCHEDULE_UNAVAILABLE = KamereonError(
    "err.func.vcps.ev.charge-schedule.error",
    "The charge schedule service is not available for this vehicle",
    400,
)
NOTIFICATION_SETTINGS_UNAVAILABLE = KamereonError(
    "err.func.vcps.users-helper.get-notification-settings.error",
    "Unable to get the notification settings",
    400,
)
HVAC_SETTINGS_UNAVAILABLE = KamereonError(
    "err.tech.vcps.ev.hvac-settings.error",
    "Unable to get the hvac settings",
    500,
)
NO_DATA = KamereonError("404", "There is no data for this vin and uid", 404)
NO_GDC_GATEWAY = KamereonError("400001", "The vehicle does not have a GDC gateway", 400)
TECHNICAL_ERROR = KamereonError("502000", "Technical error", 502)
CHARGE_MODE_IN_PROGRESS = KamereonError(
    "409001", "A remote CHARGE_MODE is already in progress", 409
)
INVALID_BODY_FORMAT = KamereonError(
    "err.func.wired.invalid-body-format", "The request body is malformed", 400
)
INVALID_API_KEY = KamereonError(
    "err.func.wired.forbidden", "Invalid API key: the access is forbidden", 403
)


def unauthorized(reason: str) -> KamereonError:
    """Return the answer to a missing, invalid or expired JWT."""
    return KamereonError("err.func.wired.unauthorized", reason, 401)


def missing_parameter(name: str) -> KamereonError:
    """Return the answer to a request that lacks a query parameter."""
    return KamereonError(
        "err.func.wired.missingRequestParam",
        f"Required request parameter '{name}' is not present",
        400,
    )


def invalid_parameter(name: str, detail: str) -> KamereonError:
    """Return the answer to a query parameter with a wrong value."""
    return KamereonError(
        "err.func.400",
        nested_message(400, "InvalidParameter", title=name, detail=detail),
        400,
    )


def invalid_body(detail: str) -> KamereonError:
    """Return the answer to a well-formed body with wrong content."""
    return KamereonError("err.func.wired.invalid-body", f"Invalid body: {detail}", 400)


def invalid_value(pointer: str, allowed: tuple[str, ...]) -> KamereonError:
    """Return the answer to a body attribute outside the allowed values."""
    pattern = "|".join(allowed)
    return KamereonError(
        "err.func.400",
        nested_message(
            400, "Pattern", detail=f'must match "{pattern}"', pointer=pointer
        ),
        400,
    )


def method_not_allowed(method: str) -> KamereonError:
    """Return the answer to a method the path does not take."""
    return KamereonError(
        "err.func.wired.methodNotAllowed",
        f"Request method '{method}' is not supported",
        405,
    )


class Rejected(Exception):  # noqa: N818 - it is an answer, not a failure
    """Raised while handling a request to answer it with a Kamereon error."""

    def __init__(self, error: KamereonError) -> None:
        """Carry the error to answer with."""
        super().__init__(error.code)
        self.error = error
