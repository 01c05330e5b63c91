"""Keep secrets out of the logs, renault-api's debug logging included.

renault-api logs whole Kamereon URLs and response bodies at debug level: VINs,
plates, positions. A filter on each of its loggers, and on ours, replaces the
known secrets of every entry, and anything shaped like a JWT, an e-mail address
a GPS coordinate or an identifier, before a record reaches any handler.

renault-api also warns, at every start, about each model and endpoint missing
from its model map; those warnings are demoted to debug level.
"""

from __future__ import annotations

from collections.abc import Iterable
import logging
import re

REDACTED = "**REDACTED**"

_PATTERNS = (
    # JSON Web Tokens: three base64url parts.
    re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"),
    # E-mail addresses.
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
)
# Fields that name, place or identify a person or a car, as renault-api logs
# them: JSON bodies (also escaped inside another JSON string) and Python reprs.
_PERSONAL_FIELDS = (
    "gpsLatitude",
    "gpsLongitude",
    "accountId",
    "personId",
    "partyId",
    "mdmId",
    "idpId",
    "externalId",
    "UID",
    "uid",
    "login",
    "emailValue",
    "vin",
    "registrationNumber",
    "radioCode",
    "firstName",
    "lastName",
    "civility",
    "birthDate",
    "phoneValue",
    "areaCode",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "postalCode",
    "city",
)
_QUOTE = r"""\\*['"]"""
_FIELDS = re.compile(
    rf"((?:{_QUOTE})?\b(?:{'|'.join(_PERSONAL_FIELDS)})(?:{_QUOTE})?\s*[:=]\s*)"
    rf"""(\\*"(?:[^"\\]|\\(?!"))*\\*"|'[^']*'|-?\d+(?:\.\d+)?)"""
)
_URL_IDS = re.compile(r"(/(?:accounts|persons|cars|vehicles)/)[^/?\s\"'\\]+")
# Secrets shorter than this are not worth a search (and would redact too much).
_MIN_SECRET_LENGTH = 4
# Secrets that belong to no entry (a config flow's): kept for the process.
UNSCOPED = ""


def _whole(secret: str) -> str:
    """Return a pattern matching the secret only as a whole value.

    A secret found inside a longer word is left alone: replacing "correct"
    inside "incorrect" would show that the password is "correct".
    """
    pattern = re.escape(secret)
    if re.match(r"\w", secret):
        pattern = rf"(?<!\w){pattern}"
    if re.search(r"\w$", secret):
        pattern = rf"{pattern}(?!\w)"
    return pattern


class SecretFilter(logging.Filter):
    """Rewrites log records so that no known secret appears in them.

    The secrets are kept per owner (a config entry), and forgotten with it.
    """

    def __init__(self) -> None:
        """Start with no known secret."""
        super().__init__()
        self._owners: dict[str, frozenset[str]] = {}
        self._search: re.Pattern[str] | None = None

    @property
    def secrets(self) -> frozenset[str]:
        """Return every secret searched for."""
        return frozenset().union(*self._owners.values())

    def add(self, secrets: Iterable[str | None], owner: str = UNSCOPED) -> None:
        """Learn secrets (passwords, tokens, VINs, plates...) of an owner."""
        known = self._owners.get(owner, frozenset())
        fresh = {
            secret
            for secret in secrets
            if secret and len(secret) >= _MIN_SECRET_LENGTH and secret not in known
        }
        if fresh:
            self._owners[owner] = known | fresh
            self._compile()

    def forget(self, owner: str) -> None:
        """Forget the secrets of an owner (its entry unloads)."""
        if self._owners.pop(owner, None) is not None:
            self._compile()

    def _compile(self) -> None:
        """Search for every secret at once, the longest first, each as one unit."""
        ordered = sorted(self.secrets, key=lambda item: (-len(item), item))
        self._search = (
            re.compile("|".join(_whole(item) for item in ordered)) if ordered else None
        )

    def redact(self, text: str) -> str:
        """Return the text with every secret replaced."""
        if self._search is not None:
            text = self._search.sub(REDACTED, text)
        for pattern in _PATTERNS:
            text = pattern.sub(REDACTED, text)
        text = _FIELDS.sub(rf"\g<1>{REDACTED}", text)
        return _URL_IDS.sub(rf"\g<1>{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message and traceback text; never drop it."""
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(
                logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        return True


SECRETS = SecretFilter()


class UndocumentedModelFilter(logging.Filter):
    """Demotes renault-api's "not documented" warnings to debug level.

    They ask for help documenting a model's endpoints, once per model and
    endpoint at every start; the integration learns which endpoints a car
    answers by itself, so the user has nothing to act on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the warning only where debug logging is on, as a debug record."""
        if record.levelno != logging.WARNING or "is not documented" not in str(
            record.msg
        ):
            return True
        record.levelno = logging.DEBUG
        record.levelname = logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


UNDOCUMENTED_MODELS = UndocumentedModelFilter()
MODEL_MAP_LOGGER = "renault_api.kamereon.models"


# The loggers renault-api logs through (one per module that logs); a test
# checks that the list still covers the installed library.
RENAULT_API_LOGGERS = (
    "renault_api",
    "renault_api.gigya",
    "renault_api.helpers",
    "renault_api.kamereon",
    "renault_api.kamereon.models",
    "renault_api.renault_account",
    "renault_api.renault_client",
    "renault_api.renault_session",
    "renault_api.renault_vehicle",
)


def install() -> None:
    """Put the filters on renault-api's loggers and on ours (once)."""
    for name in (*RENAULT_API_LOGGERS, __package__ or __name__):
        logger = logging.getLogger(name)
        if SECRETS not in logger.filters:
            logger.addFilter(SECRETS)
    model_map = logging.getLogger(MODEL_MAP_LOGGER)
    if UNDOCUMENTED_MODELS not in model_map.filters:
        model_map.addFilter(UNDOCUMENTED_MODELS)
