"""The log of every request the cloud received, with counting helpers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack


@dataclass
class RequestRecord:
    """One request: what it asked, for whom, and how it was answered.

    ``kind`` is ``gigya``, ``kamereon`` or ``admin``. ``endpoint`` is the
    Gigya method (``accounts.login``) or the Kamereon endpoint key
    (``battery-status``, ``actions/charge-start``, ``person``, ``vehicles``,
    ...). ``operation`` names the exact Kamereon path and action when the
    endpoint key has several (``kcm/charge/pause-resume:pause``).
    """

    time: datetime
    kind: str
    method: str
    path: str
    endpoint: str | None = None
    operation: str | None = None
    email: str | None = None
    person_id: str | None = None
    account_id: str | None = None
    vin: str | None = None
    status: int | None = None
    fault: str | None = None
    body: Any = None
    """The JSON body of a Kamereon POST, as received."""

    def as_dict(self) -> dict[str, Any]:
        """Return the record as JSON-friendly values."""
        values = asdict(self)
        values["time"] = self.time.isoformat()
        return values


class Criteria(TypedDict, total=False):
    """What to select requests on; every criterion left out matches all."""

    endpoint: str | None
    vin: str | None
    account_id: str | None
    method: str | None
    kind: str | None
    email: str | None
    status: int | None
    fault: str | None


class RequestLog:
    """Every request received, oldest first."""

    def __init__(self) -> None:
        """Start empty."""
        self._records: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        """Add a request."""
        self._records.append(record)

    def __iter__(self) -> Iterator[RequestRecord]:
        """Iterate over the requests, oldest first."""
        return iter(list(self._records))

    def __len__(self) -> int:
        """Return how many requests were received."""
        return len(self._records)

    def clear(self) -> None:
        """Forget every request."""
        self._records.clear()

    def filter(self, **criteria: Unpack[Criteria]) -> list[RequestRecord]:
        """Return the requests that match every criterion given (None: any)."""
        unknown = set(criteria) - Criteria.__optional_keys__
        if unknown:
            msg = f"unknown criteria: {', '.join(sorted(unknown))}"
            raise TypeError(msg)
        wanted = {name: value for name, value in criteria.items() if value is not None}
        return [
            record
            for record in self._records
            if all(getattr(record, name) == value for name, value in wanted.items())
        ]

    def count(self, **criteria: Unpack[Criteria]) -> int:
        """Count the requests that match every criterion given (None: any)."""
        return len(self.filter(**criteria))

    def by_endpoint(self, kind: str | None = None) -> dict[str, int]:
        """Count the requests per endpoint (of one kind, when given)."""
        return dict(
            Counter(
                record.endpoint or record.path
                for record in self._records
                if kind is None or record.kind == kind
            )
        )

    def by_kind(self) -> dict[str, int]:
        """Count the requests per kind (gigya, kamereon, admin)."""
        return dict(Counter(record.kind for record in self._records))

    def last(self, endpoint: str | None = None) -> RequestRecord | None:
        """Return the latest request (to ``endpoint``, when given)."""
        for record in reversed(self._records):
            if endpoint is None or record.endpoint == endpoint:
                return record
        return None
