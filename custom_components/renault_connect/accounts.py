"""The Kamereon accounts a login gives access to, as people see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from .cloud import CarDetails, CloudSession
from .labels import display_label

ACCOUNT_BRANDS = {
    "MYRENAULT": "MyRenault",
    "MYDACIA": "MyDacia",
    "MYALPINE": "MyAlpine",
}


@dataclass
class AccountSummary:
    """A Kamereon account: its brand and its vehicles with their details."""

    brand: str
    vehicles: dict[str, CarDetails] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Describe the account by its brand and its vehicles' models.

        Never by a VIN, a plate or the person: the label is the entry's title,
        which Home Assistant writes in its own logs.
        """
        models = [
            display_label(details.get_model_label()) or details.get_model_code() or "?"
            for details in self.vehicles.values()
        ]
        return f"{self.brand}: {', '.join(models)}" if models else self.brand


@dataclass
class PersonAccounts:
    """The accounts a login holds (the person's name is not kept: it is private)."""

    accounts: dict[str, AccountSummary]


async def async_read_accounts(cloud: CloudSession) -> PersonAccounts:
    """Read the person's accounts and their vehicles."""
    accounts: dict[str, AccountSummary] = {}
    types = await cloud.async_call(cloud.async_person_accounts)
    for account_id, account_type in types.items():
        vehicles = await cloud.async_call(
            partial(cloud.async_list_vehicles, account_id)
        )
        accounts[account_id] = AccountSummary(
            brand=ACCOUNT_BRANDS.get(
                account_type or "", display_label(account_type) or "?"
            ),
            vehicles={vin: details for vin, details in vehicles.items() if details},
        )
    return PersonAccounts(accounts=accounts)
