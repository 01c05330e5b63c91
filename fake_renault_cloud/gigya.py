"""The Gigya accounts API: login, JWTs, and the e-mail two-factor challenge."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import secrets
from typing import Any
import uuid

from aiohttp import web
from renault_api.const import AVAILABLE_LOCALES, CONF_GIGYA_APIKEY

from . import payloads
from .faults import Fault, FaultKind
from .request_log import RequestRecord
from .tokens import JwtIssuer
from .transport import Interceptor, json_response
from .world import FakeUser, World

REMEMBER_DEVICE_FOR = timedelta(days=30)
TEMPORARY_DEVICE_FOR = timedelta(minutes=10)
CHALLENGE_LIFETIME = timedelta(hours=1)
# An e-mailed code is valid this long; this many wrong codes lock the account
# out of two-factor checks for a while.
CODE_LIFETIME = timedelta(minutes=10)
WRONG_CODES_BEFORE_LOCKOUT = 5
LOCKOUT_FOR = timedelta(minutes=30)
API_KEYS = frozenset(
    details[CONF_GIGYA_APIKEY] for details in AVAILABLE_LOCALES.values()
)


@dataclass(frozen=True)
class GigyaError:
    """One Gigya error: code, message, details, and the status it reports."""

    code: int
    message: str
    details: str
    status: int = 400
    reason: str = "Bad Request"


INVALID_API_KEY = GigyaError(
    400093, "Invalid ApiKey parameter", "Invalid ApiKey parameter"
)
INVALID_LOGIN = GigyaError(
    403042, "Invalid LoginID", "invalid loginID or password", 403, "Forbidden"
)
UNAUTHORIZED_USER = GigyaError(
    403005, "Unauthorized user", "Unauthorized user", 403, "Forbidden"
)
PENDING_TFA = GigyaError(
    403101,
    "Account Pending TFA Verification",
    "Pending Two-Factor Authentication",
    403,
    "Forbidden",
)


ACCOUNT_LOCKED_OUT = GigyaError(
    403120,
    "Account temporarily locked out",
    "Account temporarily locked out",
    403,
    "Forbidden",
)
CODE_EXPIRED_DETAILS = "Verification code expired"


def invalid_parameter(details: str) -> GigyaError:
    """Return the error for a parameter with a wrong value (errorCode 400006)."""
    return GigyaError(400006, "Invalid parameter value", details)


def missing_parameter(name: str) -> GigyaError:
    """Return the error for a missing parameter (errorCode 400002)."""
    return GigyaError(
        400002, "Missing required parameter", f"Missing required parameter: {name}"
    )


def obfuscate(address: str) -> str:
    """Mask an e-mail address the way Gigya shows it (``c***@example.com``)."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


@dataclass
class _Challenge:
    """A two-factor challenge in progress, from the regToken of a login."""

    reg_token: str
    user: FakeUser
    created: datetime
    assertion: str | None = None
    phv_token: str | None = None
    code: str | None = None
    code_sent: datetime | None = None
    provider_assertion: str | None = None


@dataclass
class _Reply:
    """A successful answer: its body, and the cookies it sets."""

    body: dict[str, Any]
    cookies: dict[str, str] = field(default_factory=dict)


class _Answer(Exception):  # noqa: N818 - a way to answer early, not a failure
    """Raised by a method handler to answer with a Gigya error."""

    def __init__(self, error: GigyaError, **extra: str) -> None:
        """Carry the error, and the extra fields of its body."""
        super().__init__(error.code)
        self.error = error
        self.extra = extra


Params = Mapping[str, str]
Method = Callable[[Params, Mapping[str, str], Fault | None], _Reply]


class GigyaService:
    """The Gigya methods renault-api calls, over the users of a world."""

    def __init__(
        self,
        world: World,
        issuer: JwtIssuer,
        *,
        jwt_lifetime: int,
        on_code: Callable[[str, str], None] | None = None,
    ) -> None:
        """Serve the users of ``world``; ``on_code`` hears every e-mailed code."""
        self._world = world
        self._issuer = issuer
        self.jwt_lifetime = jwt_lifetime
        self.on_code = on_code
        self._login_tokens: dict[str, FakeUser] = {}
        self._challenges: dict[str, _Challenge] = {}
        self._temporary_devices: dict[tuple[str, str], datetime] = {}
        self.codes: dict[str, str] = {}
        self._methods: dict[str, Method] = {
            "accounts.login": self._login,
            "accounts.getAccountInfo": self._get_account_info,
            "accounts.getJWT": self._get_jwt,
            "accounts.webSdkBootstrap": self._bootstrap,
            "accounts.tfa.initTFA": self._init_tfa,
            "accounts.tfa.email.getEmails": self._get_emails,
            "accounts.tfa.email.sendVerificationCode": self._send_code,
            "accounts.tfa.email.completeVerification": self._complete_verification,
            "accounts.tfa.finalizeTFA": self._finalize_tfa,
        }

    @property
    def _now(self) -> datetime:
        """Return the simulated time."""
        return self._world.clock.now()

    def login_tokens(self) -> dict[str, str]:
        """Return the valid login tokens, with the e-mail of each one's user."""
        return {token: user.email for token, user in self._login_tokens.items()}

    def restore_login_tokens(self, tokens: dict[str, str]) -> None:
        """Take back login tokens of users this cloud knows."""
        users = {user.email: user for user in self._world.users.values()}
        self._login_tokens.update(
            {token: users[email] for token, email in tokens.items() if email in users}
        )

    def revoke_login_tokens(self, user: FakeUser) -> None:
        """Invalidate every login token of a user."""
        self._login_tokens = {
            token: owner
            for token, owner in self._login_tokens.items()
            if owner is not user
        }

    async def handle(
        self, request: web.Request, record: RequestRecord, intercept: Interceptor
    ) -> web.Response:
        """Answer one Gigya request."""
        method = request.match_info["method"]
        params = dict(request.query)
        if request.method == "POST":
            form = await request.post()
            params.update({key: str(value) for key, value in form.items()})
        record.endpoint = method
        user = self._identify(method, params)
        if user is not None:
            record.email = user.email.lower()
            record.person_id = user.person_id
        outcome = await intercept(record)
        if isinstance(outcome, web.Response):
            return outcome
        self._apply_user_fault(outcome, user)
        http_codes = params.get("httpStatusCodes") == "true"
        try:
            handler = self._handler(method, params)
            reply = handler(params, request.cookies, outcome)
        except _Answer as answer:
            error = answer.error
            reply = _Reply(
                {
                    **self._base(error.status, error.reason),
                    "errorCode": error.code,
                    "errorDetails": error.details,
                    "errorMessage": error.message,
                    **answer.extra,
                }
            )
        response = json_response(
            reply.body, reply.body["statusCode"] if http_codes else 200
        )
        for name, value in reply.cookies.items():
            response.set_cookie(name, value, path="/")
        return response

    def _handler(self, method: str, params: Params) -> Method:
        """Return the handler of a method, after checking the API key."""
        if self._api_key(params) not in API_KEYS:
            raise _Answer(INVALID_API_KEY)
        handler = self._methods.get(method)
        if handler is None:
            raise _Answer(
                GigyaError(
                    400001, "Invalid request format", f"Unknown method: {method}"
                )
            )
        return handler

    @staticmethod
    def _api_key(params: Params) -> str | None:
        """Return the API key, whatever the case of its name (ApiKey, APIKey)."""
        return next(
            (value for key, value in params.items() if key.lower() == "apikey"), None
        )

    def _base(self, status: int = 200, reason: str = "OK") -> dict[str, Any]:
        """Return the fields every Gigya answer has."""
        now = self._now
        return {
            "callId": uuid.uuid4().hex,
            "errorCode": 0,
            "apiVersion": 2,
            "statusCode": status,
            "statusReason": reason,
            "time": now.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{now.microsecond // 1000:03d}Z",
        }

    def _identify(self, method: str, params: Params) -> FakeUser | None:
        """Find the user a request is for (for fault scoping and the log)."""
        if method == "accounts.login":
            return self._world.get_user(params.get("loginID", ""))
        if "login_token" in params:
            return self._login_tokens.get(params["login_token"])
        challenge = self._challenges.get(params.get("regToken", "")) or next(
            (
                item
                for item in self._challenges.values()
                if item.assertion and item.assertion == params.get("gigyaAssertion")
            ),
            None,
        )
        return challenge.user if challenge else None

    def _require(self, params: Params, name: str) -> str:
        """Return a required parameter, or answer that it is missing."""
        value = params.get(name)
        if not value:
            raise _Answer(missing_parameter(name))
        return value

    def _user_of_token(self, params: Params) -> FakeUser:
        """Return the user of the login token, or answer 403005."""
        user = self._login_tokens.get(self._require(params, "login_token"))
        if user is None:
            raise _Answer(UNAUTHORIZED_USER)
        return user

    def _apply_user_fault(self, fault: Fault | None, user: FakeUser | None) -> None:
        """Apply the faults that change the user's standing."""
        if fault is None or user is None:
            return
        if fault.kind is FaultKind.INVALID_CREDENTIALS:
            self.revoke_login_tokens(user)
        elif fault.kind is FaultKind.TFA_REQUIRED:
            user.tfa_required = True
            added = fault.added_at or self._now
            user.remembered_devices = {
                gmid: since
                for gmid, since in user.remembered_devices.items()
                if since >= added
            }

    def _trusted(self, user: FakeUser, gmid: str | None) -> bool:
        """Tell whether the device may log in without a code.

        A temporary trust (tempDevice=true) is used up by the login it allows.
        """
        if gmid is None:
            return False
        since = user.remembered_devices.get(gmid)
        if since is not None and since + REMEMBER_DEVICE_FOR > self._now:
            return True
        until = self._temporary_devices.pop((user.person_id, gmid), None)
        return until is not None and until > self._now

    def _login(
        self, params: Params, cookies: Mapping[str, str], fault: Fault | None
    ) -> _Reply:
        """accounts.login: check the password, maybe ask for a code, give a token."""
        login_id = self._require(params, "loginID")
        password = params.get("password")
        user = self._world.get_user(login_id)
        if (
            user is None
            or password != user.password
            or (fault is not None and fault.kind is FaultKind.INVALID_CREDENTIALS)
        ):
            raise _Answer(INVALID_LOGIN)
        if user.tfa_required and not self._trusted(user, cookies.get("gmid")):
            reg_token = secrets.token_urlsafe(24)
            self._challenges[reg_token] = _Challenge(reg_token, user, self._now)
            raise _Answer(PENDING_TFA, regToken=reg_token)
        token = secrets.token_urlsafe(32)
        self._login_tokens[token] = user
        body: dict[str, Any] = payloads.template("gigya/login.json")
        now = self._now
        body.update(self._base())
        body.update(
            UID=user.uid,
            lastLogin=now.isoformat(),
            lastLoginTimestamp=int(now.timestamp()),
            profile={
                "email": user.email,
                "firstName": user.first_name,
                "lastName": user.last_name,
            },
            sessionInfo={"cookieName": "login_token", "cookieValue": token},
        )
        body.pop("UIDSignature", None)
        return _Reply(body)

    def _get_account_info(
        self, params: Params, _cookies: Mapping[str, str], _fault: Fault | None
    ) -> _Reply:
        """accounts.getAccountInfo: the person id of the token's user."""
        user = self._user_of_token(params)
        body: dict[str, Any] = payloads.template("gigya/get_account_info.json")
        body.update(self._base())
        body.update(
            UID=user.uid,
            data={"personId": user.person_id, "gigyaDataCenter": "eu1"},
            profile={
                "email": user.email,
                "firstName": user.first_name,
                "lastName": user.last_name,
            },
            emails={"verified": [user.email], "unverified": []},
        )
        body.pop("UIDSignature", None)
        return _Reply(body)

    def _get_jwt(
        self, params: Params, _cookies: Mapping[str, str], fault: Fault | None
    ) -> _Reply:
        """accounts.getJWT: a signed id_token for the token's user."""
        user = self._user_of_token(params)
        if fault is not None and fault.kind is FaultKind.JWT_REJECTED:
            raise _Answer(UNAUTHORIZED_USER)
        expiration = params.get("expiration", str(self.jwt_lifetime))
        if not expiration.isdigit():
            raise _Answer(invalid_parameter("expiration must be a number of seconds"))
        available = {"data.personId": user.person_id, "data.gigyaDataCenter": "eu1"}
        requested = params.get("fields", "").split(",")
        claims = {name: value for name, value in available.items() if name in requested}
        token = self._issuer.issue(
            uid=user.uid,
            api_key=self._api_key(params) or "",
            lifetime=timedelta(seconds=min(int(expiration), self.jwt_lifetime)),
            claims=claims,
        )
        return _Reply({**self._base(), "ignoredFields": "", "id_token": token})

    def _bootstrap(
        self, _params: Params, cookies: Mapping[str, str], _fault: Fault | None
    ) -> _Reply:
        """accounts.webSdkBootstrap: hand out the device ids as cookies."""
        gmid = cookies.get("gmid") or f"gmid.ver4.{secrets.token_urlsafe(24)}"
        ucid = cookies.get("ucid") or secrets.token_urlsafe(16)
        return _Reply(self._base(), {"gmid": gmid, "ucid": ucid, "hasGmid": "ver4"})

    def _challenge(self, params: Params) -> _Challenge:
        """Return the challenge of the gigyaAssertion, or answer 400006."""
        assertion = self._require(params, "gigyaAssertion")
        for challenge in self._challenges.values():
            if challenge.assertion == assertion:
                return challenge
        raise _Answer(invalid_parameter("Invalid gigyaAssertion"))

    def _init_tfa(
        self, params: Params, _cookies: Mapping[str, str], _fault: Fault | None
    ) -> _Reply:
        """accounts.tfa.initTFA: start the e-mail challenge of a regToken."""
        challenge = self._challenges.get(self._require(params, "regToken"))
        if challenge is None or challenge.created + CHALLENGE_LIFETIME < self._now:
            raise _Answer(invalid_parameter("Invalid regToken"))
        if params.get("provider") != "gigyaEmail":
            raise _Answer(invalid_parameter("Unsupported provider"))
        if params.get("mode") != "verify":
            raise _Answer(invalid_parameter("Invalid mode"))
        challenge.assertion = secrets.token_urlsafe(32)
        return _Reply({**self._base(), "gigyaAssertion": challenge.assertion})

    def _email_ids(self, user: FakeUser) -> dict[str, str]:
        """Return the user's two-factor addresses by their (stable) ids."""
        return {
            uuid.uuid5(uuid.NAMESPACE_URL, f"{user.person_id}:{address}").hex[
                :24
            ]: address
            for address in user.tfa_emails
        }

    def _get_emails(
        self, params: Params, _cookies: Mapping[str, str], _fault: Fault | None
    ) -> _Reply:
        """accounts.tfa.email.getEmails: the addresses, masked."""
        challenge = self._challenge(params)
        emails = [
            {"id": email_id, "obfuscated": obfuscate(address)}
            for email_id, address in self._email_ids(challenge.user).items()
        ]
        return _Reply({**self._base(), "emails": emails})

    def _send_code(
        self, params: Params, _cookies: Mapping[str, str], _fault: Fault | None
    ) -> _Reply:
        """accounts.tfa.email.sendVerificationCode: e-mail a new six-digit code."""
        challenge = self._challenge(params)
        address = self._email_ids(challenge.user).get(self._require(params, "emailID"))
        if address is None:
            raise _Answer(invalid_parameter("Invalid emailID"))
        challenge.code = f"{secrets.randbelow(1_000_000):06d}"
        challenge.code_sent = self._now
        challenge.phv_token = secrets.token_urlsafe(24)
        self.codes[address.lower()] = challenge.code
        if self.on_code is not None:
            self.on_code(address, challenge.code)
        return _Reply({**self._base(), "phvToken": challenge.phv_token})

    def _complete_verification(
        self, params: Params, _cookies: Mapping[str, str], fault: Fault | None
    ) -> _Reply:
        """accounts.tfa.email.completeVerification: check the code.

        A code expires; repeated wrong codes lock the user out for a while.
        """
        challenge = self._challenge(params)
        if self._require(params, "phvToken") != challenge.phv_token:
            raise _Answer(invalid_parameter("Invalid phvToken"))
        user = challenge.user
        now = self._now
        kind = fault.kind if fault is not None else None
        if kind is FaultKind.TFA_LOCKED_OUT or (
            user.locked_out_until is not None and now < user.locked_out_until
        ):
            raise _Answer(ACCOUNT_LOCKED_OUT)
        if params.get("code") != challenge.code:
            user.wrong_codes += 1
            if user.wrong_codes >= WRONG_CODES_BEFORE_LOCKOUT:
                user.wrong_codes = 0
                user.locked_out_until = now + LOCKOUT_FOR
                raise _Answer(ACCOUNT_LOCKED_OUT)
            raise _Answer(invalid_parameter("Invalid verification code"))
        sent = challenge.code_sent or now
        if kind is FaultKind.TFA_CODE_EXPIRED or now - sent > CODE_LIFETIME:
            raise _Answer(invalid_parameter(CODE_EXPIRED_DETAILS))
        user.wrong_codes = 0
        challenge.provider_assertion = secrets.token_urlsafe(32)
        return _Reply(
            {**self._base(), "providerAssertion": challenge.provider_assertion}
        )

    def _finalize_tfa(
        self, params: Params, cookies: Mapping[str, str], _fault: Fault | None
    ) -> _Reply:
        """accounts.tfa.finalizeTFA: trust the device (for 30 days unless temporary)."""
        challenge = self._challenge(params)
        if (
            challenge.provider_assertion is None
            or self._require(params, "providerAssertion")
            != challenge.provider_assertion
        ):
            raise _Answer(invalid_parameter("Invalid providerAssertion"))
        if self._require(params, "regToken") != challenge.reg_token:
            raise _Answer(invalid_parameter("Invalid regToken"))
        gmid = cookies.get("gmid")
        if not gmid:
            raise _Answer(missing_parameter("gmid"))
        user = challenge.user
        if params.get("tempDevice", "false") == "false":
            user.remembered_devices[gmid] = self._now
        else:
            self._temporary_devices[(user.person_id, gmid)] = (
                self._now + TEMPORARY_DEVICE_FOR
            )
        del self._challenges[challenge.reg_token]
        return _Reply(self._base())
