"""Values and helper types shared by the fake cloud's tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from renault_api.renault_client import RenaultClient
from renault_api.renault_vehicle import RenaultVehicle

from fake_renault_cloud import FakeVehicle

EMAIL = "dominique.petit@example.com"
PASSWORD = "s3cret-zoe"
LOCALE = "fr_FR"
GIGYA_KEY = "3_VgdkgtIRH3AdHvJm-cjV2ug2EFE0lxt0IJzMC4MFqZjFpn_GYFXVdNZ19L7wZX0N"
KAMEREON_KEY = "YjkKtHmGfaceeuExUDKGxrLZGGvtVS0J"

ClientFactory = Callable[[], RenaultClient]
CarFactory = Callable[[str], Awaitable[tuple[FakeVehicle, RenaultVehicle]]]
