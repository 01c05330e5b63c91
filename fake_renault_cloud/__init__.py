"""A fake of the Renault group's connected-car cloud (Gigya login + Kamereon).

It speaks the wire protocol renault-api uses, over real HTTP on loopback, and
simulates the cars behind it. See README.md in this folder.
"""

from .clock import Clock, ManualClock
from .cloud import FakeRenaultCloud
from .demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo_cloud
from .faults import Fault, FaultKind
from .profiles import PROFILES, VehicleProfile
from .render import reported_battery_level
from .request_log import RequestLog, RequestRecord
from .vehicle import Channel, ChargeSession, FakeVehicle, Upload, VehicleState
from .world import FakeAccount, FakeUser

__all__ = [
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "PROFILES",
    "Channel",
    "ChargeSession",
    "Clock",
    "FakeAccount",
    "FakeRenaultCloud",
    "FakeUser",
    "FakeVehicle",
    "Fault",
    "FaultKind",
    "ManualClock",
    "RequestLog",
    "RequestRecord",
    "Upload",
    "VehicleProfile",
    "VehicleState",
    "build_demo_cloud",
    "reported_battery_level",
]
