"""The daily check of the connected-services subscriptions, as repair issues.

Remote data and commands stop when a car's connected-services contract ends;
the user is told a month ahead, and again once it has ended. The issue goes
away by itself when the contract is renewed.
"""

from __future__ import annotations

from datetime import date, timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .cloud import Contract
from .const import DOMAIN

CONNECTED_SERVICES = "CONNECTED_SERVICES"
ACTIVE = "ACTIVE"
# Contracts that never covered the car (a failed activation, a cancellation).
NEVER_COVERED = frozenset({"REJECTED", "CANCELLED", "PENDING"})
EXPIRY_NOTICE = timedelta(days=30)
EXPIRING = "services_expiring"
EXPIRED = "services_expired"


WARRANTIES = frozenset({"WARRANTY", "WARRANTY_MAINTENANCE_CONTRACTS"})


def _of_types(contracts: list[Contract], types: frozenset[str]) -> list[Contract]:
    """Return the car's contracts of these types that have an end date."""
    return [
        contract
        for contract in contracts
        if contract.type in types and contract.endDate
    ]


def _last_end(contracts: list[Contract]) -> date | None:
    """Return the latest end date of these contracts."""
    ends = (dt_util.parse_date(contract.endDate or "") for contract in contracts)
    return max((end for end in ends if end is not None), default=None)


def active_contracts(
    contracts: list[Contract],
    types: frozenset[str] = frozenset({CONNECTED_SERVICES}),
) -> list[Contract]:
    """Return the active contracts of these types that have an end date."""
    return [
        contract
        for contract in _of_types(contracts, types)
        if contract.status == ACTIVE
    ]


def coverage_end(
    contracts: list[Contract],
    types: frozenset[str] = frozenset({CONNECTED_SERVICES}),
) -> date | None:
    """Return when the car's cover of these types ends: one rule for every use.

    The cover runs as long as an active contract gives it, so it ends with
    the last of them: a renewal runs on after the contract it renews, and the
    earliest end would warn of an end that never comes. With no active
    contract, the last one that covered the car tells when it stopped. A
    contract without an end date says nothing.
    """
    active = active_contracts(contracts, types)
    if active:
        return _last_end(active)
    return _last_end(
        [
            contract
            for contract in _of_types(contracts, types)
            if contract.status not in NEVER_COVERED
        ]
    )


def services_verdict(end: date | None, today: date) -> str | None:
    """Return the issue to raise for a services end date, if any."""
    if end is None:
        return None
    if end < today:
        return EXPIRED
    if end - today <= EXPIRY_NOTICE:
        return EXPIRING
    return None


def issue_id(entry_id: str, device_id: str, verdict: str) -> str:
    """Return the repair issue id of a vehicle's subscription, without its VIN."""
    return f"{verdict}_{entry_id}_{device_id}"


@callback
def async_check_contracts(
    hass: HomeAssistant,
    issue_of: tuple[str, str],
    vehicle_name: str,
    contracts: list[Contract],
) -> None:
    """Raise, or clear, a vehicle's subscription issue.

    The issue is the entry's and the device's (ids, never the VIN); the
    vehicle's name is its model, never its plate: Home Assistant shows
    repair issues in the entry's diagnostics.
    """
    entry_id, device_id = issue_of
    end = coverage_end(contracts)
    verdict = services_verdict(end, dt_util.now().date())
    for kind in (EXPIRING, EXPIRED):
        if kind != verdict:
            ir.async_delete_issue(hass, DOMAIN, issue_id(entry_id, device_id, kind))
    if verdict is None or end is None:
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry_id, device_id, verdict),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR
        if verdict == EXPIRED
        else ir.IssueSeverity.WARNING,
        translation_key=verdict,
        translation_placeholders={
            "vehicle": vehicle_name,
            "end": end.isoformat(),
        },
    )


@callback
def async_delete_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the subscription issues of a removed entry."""
    registry = ir.async_get(hass)
    for domain, issue in list(registry.issues):
        if (
            domain == DOMAIN
            and issue.startswith((EXPIRING, EXPIRED))
            and entry_id in issue
        ):
            ir.async_delete_issue(hass, DOMAIN, issue)
