"""Starting and stopping a car's charge: by the car's commands or its charger.

The buttons use the car's commands where the model accepts them, else the
linked charger; plans and smart charging use the charger when one is linked
(it answers in seconds, so a charge stops within a point of its target), else
the car's commands.
"""

from __future__ import annotations

from typing import Any, Protocol

from .car_models import BATTERY, CarCommand, ModelProfile
from .car_states import is_charging, is_unplugged
from .charger import LinkedCharger
from .cloud import CarLink
from .commands import CommandTarget, async_send
from .errors import invalid


class ControlledCar(CommandTarget, Protocol):
    """A car, as its charge is started and stopped."""

    @property
    def profile(self) -> ModelProfile:
        """Return the car's model profile."""

    @property
    def charger(self) -> LinkedCharger | None:
        """Return the charger linked in the car's options."""

    def battery_data(self) -> Any:
        """Return the battery's last answer (None: not read yet)."""

    async def async_read_battery(self) -> Any:
        """Read the battery now; return its answer."""

    def async_watch(self, endpoint: str, confirmed: Any) -> None:
        """Re-read an endpoint until the car confirms a command."""


class ChargeControl:
    """Starts and stops one car's charge."""

    def __init__(self, car: ControlledCar) -> None:
        """Control the car's charge."""
        self.car = car

    @property
    def can_start(self) -> bool:
        """Tell whether a charge can be started remotely."""
        return self.car.charger is not None or self.car.profile.accepts(
            CarCommand.CHARGE_START
        )

    @property
    def can_stop(self) -> bool:
        """Tell whether a charge can be stopped remotely."""
        return self.car.charger is not None or self.car.profile.accepts(
            CarCommand.CHARGE_STOP
        )

    async def async_start(
        self, *, prefer_charger: bool = False, action: str = "start_charge"
    ) -> None:
        """Start charging; refused, with nothing sent, when the car is unplugged.

        A reading that says unplugged may predate the plug: it is read again.
        """
        data = self.car.battery_data()
        if data is not None and is_unplugged(data):
            data = await self.car.async_read_battery()
            if data is not None and is_unplugged(data):
                raise invalid(translation_key="car_unplugged")
        charger = self.car.charger
        if charger is not None and (
            prefer_charger
            or charger.is_on is False
            or not self.car.profile.accepts(CarCommand.CHARGE_START)
        ):
            await charger.async_allow(charging=True)
            return
        await async_send(self.car, action, CarLink.set_charge_start)
        self.car.async_watch(BATTERY, is_charging)

    async def async_stop(
        self, *, prefer_charger: bool = False, action: str = "stop_charge"
    ) -> None:
        """Stop charging."""
        charger = self.car.charger
        if charger is not None and (
            prefer_charger or not self.car.profile.accepts(CarCommand.CHARGE_STOP)
        ):
            await charger.async_allow(charging=False)
            return
        await async_send(self.car, action, CarLink.set_charge_stop)
        self.car.async_watch(BATTERY, lambda answer: not is_charging(answer))
