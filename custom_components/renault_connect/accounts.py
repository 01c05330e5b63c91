"""The Kamereon accounts a login gives access to, as people see them."""

from __future__ import annotations

from dataclasses import dataclass, field

from renault_api.kamereon.models import KamereonVehicleDetails
from renault_api.renault_account import RenaultAccount
from renault_api.renault_client import RenaultClient
from renault_api.renault_session import RenaultSession

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
    vehicles: dict[str, KamereonVehicleDetails] = field(default_factory=dict)

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


async def async_read_accounts(session: RenaultSession) -> PersonAccounts:
    """Read the person's accounts and their vehicles."""
    person = await RenaultClient(session=session).get_person()
    accounts: dict[str, AccountSummary] = {}
    for account in person.accounts or []:
        if not account.accountId:
            continue
        response = await RenaultAccount(
            account.accountId, session=session
        ).get_vehicles()
        accounts[account.accountId] = AccountSummary(
            brand=ACCOUNT_BRANDS.get(
                account.accountType or "", display_label(account.accountType) or "?"
            ),
            vehicles={
                link.vin: link.vehicleDetails
                for link in response.vehicleLinks or []
                if link.vin and link.vehicleDetails
            },
        )
    return PersonAccounts(accounts=accounts)
