"""The JWTs Gigya issues and Kamereon checks (HS256, signed per cloud)."""

from __future__ import annotations

from datetime import datetime, timedelta
import secrets
from typing import Any
import uuid

import jwt

from .clock import Clock


class InvalidTokenError(Exception):
    """A JWT that Kamereon must refuse; the message says why."""


class JwtIssuer:
    """Sign and check the id tokens of one cloud."""

    def __init__(self, clock: Clock) -> None:
        """Create a fresh signing key."""
        self._clock = clock
        self._key = secrets.token_bytes(32)

    @property
    def key(self) -> str:
        """Return the signing key, in hex (kept across a restart of the demo)."""
        return self._key.hex()

    @key.setter
    def key(self, value: str) -> None:
        """Sign and check with a key kept from an earlier run."""
        self._key = bytes.fromhex(value)

    def issue(
        self,
        *,
        uid: str,
        api_key: str,
        lifetime: timedelta,
        claims: dict[str, Any],
    ) -> str:
        """Return a signed JWT for the Gigya user ``uid``, valid for ``lifetime``."""
        now = self._clock.now()
        payload = {
            "iss": f"https://fidm.gigya.com/jwt/{api_key}/",
            "apiKey": api_key,
            "sub": uid,
            "jti": str(uuid.uuid4()),
            "iat": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm="HS256")

    def claims(self, token: str) -> dict[str, Any]:
        """Return the claims of a JWT this cloud signed, expired or not."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                options={"verify_exp": False, "require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as err:
            msg = "invalid JWT"
            raise InvalidTokenError(msg) from err
        return claims

    def verify(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid, unexpired JWT, or raise InvalidTokenError."""
        claims = self.claims(token)
        if claims["exp"] <= self._clock.timestamp():
            expired = datetime.fromtimestamp(claims["exp"]).astimezone()
            msg = f"JWT expired at {expired.isoformat()}"
            raise InvalidTokenError(msg)
        return claims
