"""The people, accounts and cars the fake cloud knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import itertools
import string
import uuid

from .clock import Clock
from .profiles import PROFILES, VehicleProfile
from .vehicle import FakeVehicle

_NAMESPACE = uuid.UUID("5d7c6c3e-3f2e-4c1b-9a53-6f1f4f7d2a10")
_PLATE_LETTERS = "".join(
    letter for letter in string.ascii_uppercase if letter not in "IOU"
)
PARIS = (48.8566, 2.3522)


@dataclass(eq=False)
class FakeUser:
    """A MyRenault user: Gigya login, person, and two-factor settings.

    ``tfa_emails`` are the addresses two-factor codes go to (the login address
    unless told otherwise); ``tfa_required`` says whether a login needs a code
    from a device not remembered. ``remembered_devices`` maps each remembered
    device id (``gmid``) to when it was remembered (for 30 days).
    """

    email: str
    password: str
    person_id: str
    uid: str
    first_name: str
    last_name: str
    tfa_emails: list[str]
    tfa_required: bool = False
    country: str = "FR"
    remembered_devices: dict[str, datetime] = field(default_factory=dict)
    # Wrong two-factor codes in a row, and the lockout they caused.
    wrong_codes: int = 0
    locked_out_until: datetime | None = None
    accounts: list[FakeAccount] = field(default_factory=list)
    # What else the person endpoint tells about the user.
    phone: str = "0612345678"
    street: str = "12 rue des Lilas"
    postal_code: str = "75011"
    city: str = "Villeurbanne"

    def __repr__(self) -> str:
        """Name the user by e-mail."""
        return f"FakeUser({self.email!r})"

    @property
    def party_id(self) -> str:
        """Return the person's id in Renault's customer records."""
        return f"PTY{self.uid[:12].upper()}"

    @property
    def mdm_id(self) -> str:
        """Return the person's id in Renault's master data."""
        return f"MDM{self.uid[12:24].upper()}"


@dataclass(eq=False)
class FakeAccount:
    """A Kamereon account (MYRENAULT, MYDACIA, SFDC...) of a user."""

    account_id: str
    account_type: str
    owner: FakeUser
    created: datetime
    vehicles: list[FakeVehicle] = field(default_factory=list)
    linked_at: dict[str, datetime] = field(default_factory=dict)
    status: str = "ACTIVE"

    def __repr__(self) -> str:
        """Name the account by id and type."""
        return f"FakeAccount({self.account_id!r}, {self.account_type!r})"

    def holds(self, vin: str) -> bool:
        """Tell whether a vehicle with this VIN is linked to the account."""
        return any(vehicle.vin == vin for vehicle in self.vehicles)


def _plate(serial: int) -> str:
    """Return a French-looking (fake) plate for a serial number."""
    letters = _PLATE_LETTERS
    first = letters[(serial * 7) % len(letters)] + letters[(serial * 3) % len(letters)]
    last = letters[(serial * 5 + 1) % len(letters)] + letters[serial % len(letters)]
    return f"{first}-{(serial * 137) % 900 + 100:03d}-{last}"


class World:
    """Users, accounts and vehicles, and the clock they live by."""

    def __init__(self, clock: Clock | None = None) -> None:
        """Start with nobody."""
        self.clock = clock or Clock()
        self.users: dict[str, FakeUser] = {}
        self.accounts: dict[str, FakeAccount] = {}
        self.vehicles: dict[str, FakeVehicle] = {}
        self.action_delay = 30.0  # seconds before a remote action reaches a new car
        # Whether the cars' pictures point at this cloud rather than at Renault's.
        self.serve_pictures = False
        self._serials = itertools.count(1)

    def get_user(self, email: str) -> FakeUser | None:
        """Return the user with this login e-mail (any case), if any."""
        return self.users.get(email.lower())

    def add_user(  # noqa: PLR0913 - the user's fields
        self,
        email: str,
        password: str,
        *,
        tfa_emails: list[str] | None = None,
        first_name: str = "Claude",
        last_name: str = "Martin",
        country: str = "FR",
    ) -> FakeUser:
        """Create a user; a list of ``tfa_emails`` makes two-factor required."""
        if email.lower() in self.users:
            msg = f"a user {email} already exists"
            raise ValueError(msg)
        user = FakeUser(
            email=email,
            password=password,
            person_id=str(uuid.uuid5(_NAMESPACE, f"person:{email.lower()}")),
            uid=uuid.uuid5(_NAMESPACE, f"uid:{email.lower()}").hex,
            first_name=first_name,
            last_name=last_name,
            tfa_emails=list(tfa_emails) if tfa_emails is not None else [email],
            tfa_required=tfa_emails is not None,
            country=country,
        )
        self.users[email.lower()] = user
        return user

    def add_account(
        self,
        user: FakeUser,
        *,
        account_type: str = "MYRENAULT",
        account_id: str | None = None,
    ) -> FakeAccount:
        """Give a user a new account."""
        if account_id is None:
            number = len(user.accounts) + 1
            account_id = str(
                uuid.uuid5(_NAMESPACE, f"account:{user.person_id}:{number}")
            )
        if account_id in self.accounts:
            msg = f"an account {account_id} already exists"
            raise ValueError(msg)
        account = FakeAccount(account_id, account_type, user, self.clock.now())
        user.accounts.append(account)
        self.accounts[account_id] = account
        return account

    def add_vehicle(
        self,
        account: FakeAccount,
        profile: str | VehicleProfile,
        *,
        vin: str | None = None,
        registration: str | None = None,
    ) -> FakeVehicle:
        """Create a car of a profile (a name in PROFILES) in an account."""
        if isinstance(profile, str):
            if profile not in PROFILES:
                msg = f"unknown profile {profile!r}; profiles: {', '.join(PROFILES)}"
                raise ValueError(msg)
            profile = PROFILES[profile]
        serial = next(self._serials)
        vin = vin or f"{profile.vin_prefix}{100000 + serial:06d}"
        if vin in self.vehicles:
            msg = f"a vehicle {vin} already exists"
            raise ValueError(msg)
        vehicle = FakeVehicle(
            profile,
            vin=vin,
            registration=registration or _plate(serial),
            clock=self.clock,
            position=(PARIS[0] + 0.01 * serial, PARIS[1] + 0.013 * serial),
        )
        vehicle.action_delay = self.action_delay
        self.vehicles[vin] = vehicle
        self.link_vehicle(account, vehicle)
        return vehicle

    def link_vehicle(self, account: FakeAccount, vehicle: FakeVehicle) -> None:
        """Add an existing car to (another) account."""
        if not account.holds(vehicle.vin):
            account.vehicles.append(vehicle)
            account.linked_at[vehicle.vin] = self.clock.now()

    def remove_account(self, account: FakeAccount) -> None:
        """Make an account disappear from its person (its cars stay simulated)."""
        account.owner.accounts.remove(account)
        del self.accounts[account.account_id]

    def remove_vehicle(self, vehicle: FakeVehicle) -> None:
        """Take a car out of every account, and out of the cloud."""
        for account in self.accounts.values():
            if account.holds(vehicle.vin):
                account.vehicles.remove(vehicle)
                del account.linked_at[vehicle.vin]
        del self.vehicles[vehicle.vin]
