"""The fault matrix: every way the cloud fails, on every endpoint, and recovery.

Faults go through the fake cloud's fault injection, over real HTTP, while the
test clock moves; intervals are read from the coordinators at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
import logging
import re
from typing import Any, cast

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.renault_connect.const import DOMAIN
from custom_components.renault_connect.endpoints import ENDPOINTS
from custom_components.renault_connect.repairs import account_gone_issue_id
from fake_renault_cloud import FakeRenaultCloud, FakeVehicle, Fault
from fake_renault_cloud.profiles import VehicleProfile

from .fault_helpers import (
    ENDPOINT_FAULTS,
    ZOE_UNLISTED,
    advance,
    all_coordinators,
    availability,
    available,
    endpoint_coordinators,
    entity_coordinators,
    entity_vehicles,
    from_integration,
    longest_interval,
    mentions,
    problems,
    profile_name,
    settle,
    setup_account,
    shortest_interval,
    skip_loop_debug,
    start_time,
    states,
    unload_and_check,
)
from .user_setup import UserSetup, customise

# Which car is faulted on which endpoint: together, every endpoint the
# integration reads. A second car on the account must not notice.
TARGETS: tuple[tuple[str | VehicleProfile, str], ...] = (
    ("zoe_50", "battery-status"),
    ("zoe_50", "cockpit"),
    ("zoe_50", "hvac-status"),
    ("zoe_50", "pressure"),
    ("zoe_40", "charge-mode"),
    ("megane_e_tech", "soc-levels"),
    ("megane_e_tech", "hvac-settings"),
    ("spring", "charges"),
    ("twingo_3", "charging-settings"),
    ("renault_5", "charge-schedule"),
    ("austral", "lock-status"),
    ("austral", "location"),
    ("captur_fuel", "contracts"),
    (ZOE_UNLISTED, "res-state"),
)
# Endpoints faulted only through reads asked for now: the preconditioning
# record is read once a day at background priority, and its retry after a
# failure may wait for the budget past the on-time case's window (the
# scheduler's own tests cover that wait).
READ_NOW_TARGETS = (*TARGETS, ("zoe_40", "hvac-sessions"))
COMPANION = "captur_fuel"
OTHER_COMPANION = "duster"
# The clock jumps from one of the integration's timers to the next, but never
# more than a third of the interval watched, nor more than an hour.
STEPS = 3
MAX_STEP = timedelta(hours=1)
# How long a read asked for now may take (a held request times out before),
# watched in steps that let a request timeout pass in one or two.
READ_NOW_LIMIT = timedelta(minutes=2)
READ_NOW_STEP = timedelta(seconds=20)
# The fault of the cases where the endpoint's own timed reads meet it.
TIMED_FAULT = "http_500_html"
# The account used by the account-wide tests: two electric cars and a fuel one.
ACCOUNT_PROFILES = ("zoe_50", "megane_e_tech", "captur_fuel")
AUTH_WORDS = re.compile(r"auth|log ?in|credential|password|two.factor", re.IGNORECASE)
# How long the quota back-off may keep data from flowing once the quota is over.
QUOTA_BACKOFF_MAX = timedelta(hours=2)


@pytest.fixture(autouse=True)
def _no_loop_debug(request: pytest.FixtureRequest) -> None:
    """Keep the simulations fast (see skip_loop_debug)."""
    if "hass" in request.fixturenames:
        skip_loop_debug(request.getfixturevalue("hass"))


def _target_id(value: Any) -> str:
    """Name a parameter in test ids."""
    return profile_name(value) if isinstance(value, str | VehicleProfile) else value


def test_targets_cover_every_endpoint() -> None:
    """The matrix reads every endpoint the integration knows."""
    assert {endpoint for _, endpoint in READ_NOW_TARGETS} == {
        description.key for description in ENDPOINTS
    }


@dataclass
class Target:
    """The faulted endpoint of a car, and the car's other half in the cloud."""

    entry: MockConfigEntry
    vin: str
    car: FakeVehicle
    coordinator: Any

    @property
    def read_interval(self) -> timedelta:
        """Return how long the endpoint's next read may take.

        An endpoint read on a timer: its interval. One read when the car has
        uploaded: the car's shortest interval (its heartbeat, which notices).
        """
        vehicle = self.entry.runtime_data.vehicles[self.vin]
        if (interval := self.coordinator.read_interval) is not None:
            return cast("timedelta", interval)
        return shortest_interval(vehicle.coordinators.values())

    def step(self, interval: timedelta) -> timedelta:
        """Return the step to watch a span of time in."""
        return min(interval / STEPS, MAX_STEP)

    async def read_on_time(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        until: Callable[[], bool],
    ) -> bool:
        """Let time pass until the endpoint is read and ``until`` holds.

        An endpoint without timed reads is read when the car uploads: the car
        uploads first.
        """
        if self.coordinator.read_interval is None:
            await advance(hass, freezer, timedelta(minutes=1))
            self.car.upload()
        interval = self.read_interval
        return await advance(
            hass, freezer, interval * 2, step=self.step(interval), until=until
        )

    async def read_now(
        self, hass: HomeAssistant, freezer: FrozenDateTimeFactory
    ) -> None:
        """Read the endpoint now, as a user's refresh does.

        The clock moves meanwhile, so that a held request times out.
        """
        read = hass.async_create_background_task(
            self.coordinator.async_refresh(), "fault matrix read"
        )
        await settle(hass)
        assert await advance(
            hass, freezer, READ_NOW_LIMIT, step=READ_NOW_STEP, until=read.done
        )


async def _setup_target(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profile: str | VehicleProfile,
    endpoint: str,
) -> Target:
    """Set up the target car and a companion."""
    freezer.move_to(start_time())
    companion = OTHER_COMPANION if profile_name(profile) == COMPANION else COMPANION
    entry = await setup_account(hass, fake_cloud, [profile, companion])
    vin = next(
        vin
        for vin, car in fake_cloud.vehicles.items()
        if car.profile.name == profile_name(profile)
    )
    coordinator = entry.runtime_data.vehicles[vin].coordinators.get(endpoint)
    assert coordinator is not None, f"{profile_name(profile)} does not read {endpoint}"
    assert coordinator.last_update_success
    assert coordinator.data is not None
    return Target(entry, vin, fake_cloud.vehicles[vin], coordinator)


def _at_least(records: list[logging.LogRecord], level: int) -> list[logging.LogRecord]:
    """Return the records at a level or above."""
    return [record for record in records if record.levelno >= level]


async def _check_endpoint_fault(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    target: Target,
    kind: str,
    *,
    on_time: bool,
) -> None:
    """Fail one endpoint twice, then clear the fault and wait for its recovery.

    The failing reads are the endpoint's own timed reads (``on_time``), or
    reads asked for now; the recovery always comes by itself.
    """
    coordinator = target.coordinator
    endpoint = coordinator.description.key
    followed = entity_coordinators(hass)
    vehicles = entity_vehicles(hass)
    own = {entity_id for entity_id, c in followed.items() if c is coordinator}
    # Entities of the same car that follow no coordinator may derive from it.
    derived = {
        entity_id
        for entity_id, c in followed.items()
        if c is None and vehicles[entity_id] == target.vin
    }
    before = availability(hass)
    shown = {entity_id for entity_id in own if before[entity_id]}
    assert shown, f"no entity shows {endpoint}"
    names = mentions(coordinator.name)

    # The fault comes; the endpoint's next read fails, and the next one too.
    mark = len(caplog.records)
    fault = fake_cloud.faults.add(Fault(kind, vin=target.vin, endpoint=endpoint))
    if on_time:
        assert await target.read_on_time(
            hass, freezer, until=lambda: not coordinator.last_update_success
        ), f"{endpoint} was not read within {target.read_interval} of the fault"
        hits = fault.hits
        assert await target.read_on_time(
            hass, freezer, until=lambda: fault.hits > hits
        ), f"{endpoint} was not read again while failing"
    else:
        await target.read_now(hass, freezer)
        await target.read_now(hass, freezer)
        assert fault.hits == 2

    after = availability(hass)
    lost = {
        entity_id for entity_id, now in after.items() if before[entity_id] and not now
    }
    assert shown <= lost
    assert lost <= own | derived, "entities of other endpoints or cars went"
    failing = caplog.records[mark:]
    assert len([r for r in _at_least(failing, logging.WARNING) if names(r)]) == 1
    assert not [
        f"{record.levelname} {record.getMessage()}"
        for record in _at_least(failing, logging.WARNING)
        if from_integration(record) and not names(record)
    ]
    assert not problems(caplog.records)

    # The fault clears: back within one interval by itself, with one line.
    mark = len(caplog.records)
    fake_cloud.faults.remove(fault)
    interval = target.read_interval
    recovered = await advance(
        hass,
        freezer,
        interval + target.step(interval),
        step=target.step(interval),
        until=lambda: coordinator.last_update_success,
    )
    back = {entity_id for entity_id in shown if available(hass, entity_id)}
    as_before = availability(hass) == before
    recovering = caplog.records[mark:]
    await unload_and_check(hass, target.entry)
    assert recovered, f"{endpoint} did not recover within {interval}"
    assert back == shown
    assert as_before
    assert not [r for r in _at_least(recovering, logging.WARNING) if names(r)]
    assert (
        len(
            [
                record
                for record in recovering
                if record.levelno == logging.INFO
                and names(record)
                and "recover" in record.getMessage().lower()
            ]
        )
        == 1
    )
    assert not problems(caplog.records)


@pytest.mark.parametrize("kind", ENDPOINT_FAULTS)
@pytest.mark.parametrize(("profile", "endpoint"), READ_NOW_TARGETS, ids=_target_id)
async def test_endpoint_fault(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    profile: str | VehicleProfile,
    endpoint: str,
    kind: str,
) -> None:
    """Each fault on each endpoint: only its entities go, one line each way, back.

    The endpoint is read twice now while it fails (a read is a read, and a
    week of 12-hour intervals per case would be too slow); it must recover by
    itself within one interval.
    """
    target = await _setup_target(hass, fake_cloud, freezer, profile, endpoint)
    await _check_endpoint_fault(
        hass, fake_cloud, freezer, caplog, target, kind, on_time=False
    )


@pytest.mark.parametrize(("profile", "endpoint"), TARGETS, ids=_target_id)
async def test_endpoint_fault_on_time(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    profile: str | VehicleProfile,
    endpoint: str,
) -> None:
    """A fault meets the endpoint's own next read, and the one after: same outcome."""
    target = await _setup_target(hass, fake_cloud, freezer, profile, endpoint)
    await _check_endpoint_fault(
        hass, fake_cloud, freezer, caplog, target, TIMED_FAULT, on_time=True
    )


@pytest.mark.parametrize(("profile", "endpoint"), READ_NOW_TARGETS, ids=_target_id)
async def test_endpoint_token_refused_once(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    profile: str | VehicleProfile,
    endpoint: str,
) -> None:
    """A JWT the cloud refuses once on a read: a silent new token, nothing lost."""
    target = await _setup_target(hass, fake_cloud, freezer, profile, endpoint)
    coordinator = target.coordinator
    before = availability(hass)
    logins = fake_cloud.requests.count(endpoint="accounts.login")
    mark = len(caplog.records)

    fault = fake_cloud.faults.add(
        Fault("jwt_rejected", vin=target.vin, endpoint=endpoint, times=1)
    )
    await target.read_now(hass, freezer)
    assert fault.hits == 1

    assert coordinator.last_update_success
    assert availability(hass) == before
    assert fake_cloud.requests.count(endpoint="accounts.login") - logins <= 1
    assert not [
        f"{record.levelname} {record.getMessage()}"
        for record in _at_least(caplog.records[mark:], logging.WARNING)
        if from_integration(record)
    ]
    assert not problems(caplog.records)
    await unload_and_check(hass, target.entry)


# -- Faults of the whole account ---------------------------------------------------


async def _setup_account(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Set up the account of the account-wide tests, with three cars."""
    freezer.move_to(start_time())
    return await setup_account(hass, fake_cloud, ACCOUNT_PROFILES)


def _followers(hass: HomeAssistant) -> set[str]:
    """Return the entities that follow an endpoint coordinator."""
    return {
        entity_id
        for entity_id, coordinator in entity_coordinators(hass).items()
        if coordinator is not None
    }


def _step(entry: MockConfigEntry) -> timedelta:
    """Return a step that sees every timed read: the shortest interval."""
    return shortest_interval(endpoint_coordinators(entry))


async def test_token_refused_once_logs_in_silently(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Gigya refuses to renew the JWT once: one silent login, nothing lost."""
    entry = await _setup_account(hass, fake_cloud, freezer)
    before = availability(hass)
    logins = fake_cloud.requests.count(endpoint="accounts.login")
    mark = len(caplog.records)

    fault = fake_cloud.faults.add(
        Fault("jwt_rejected", endpoint="accounts.getJWT", times=1)
    )
    # The JWT lasts a quarter of an hour: the next renewal meets the fault.
    step = _step(entry)
    assert await advance(
        hass, freezer, timedelta(hours=2), step=step, until=lambda: fault.hits > 0
    )
    await advance(hass, freezer, step)

    assert fake_cloud.requests.count(endpoint="accounts.login") - logins == 1
    assert all(c.last_update_success for c in endpoint_coordinators(entry))
    assert availability(hass) == before
    assert not [
        f"{record.levelname} {record.getMessage()}"
        for record in _at_least(caplog.records[mark:], logging.WARNING)
        if from_integration(record)
    ]
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)


@pytest.mark.parametrize("kind", ["invalid_credentials", "tfa_required"])
async def test_login_refused_starts_one_reauth(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """The password changed, or two-factor became required: one reauth, no storm."""
    entry = await _setup_account(hass, fake_cloud, freezer)
    email = entry.data["username"]
    followers = _followers(hass)
    logins = fake_cloud.requests.count(endpoint="accounts.login")
    mark = len(caplog.records)

    if kind == "tfa_required":
        # A security change ends the sessions; the next login needs a code.
        fake_cloud.revoke_login_tokens(email)
    fake_cloud.faults.add(Fault(kind, email=email))
    # Every endpoint gets to be read at least once.
    await advance(
        hass,
        freezer,
        longest_interval(endpoint_coordinators(entry)) + _step(entry),
        step=_step(entry) * 3,
    )

    flows = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]
    assert len(flows) == 1
    assert entry.state is ConfigEntryState.LOADED
    assert not any(available(hass, entity_id) for entity_id in followers)
    assert fake_cloud.requests.count(endpoint="accounts.login") - logins <= 1
    about_auth = [
        f"{record.name} {record.levelname} {record.getMessage()}"
        for record in _at_least(caplog.records[mark:], logging.WARNING)
        if (from_integration(record) or record.name.startswith("homeassistant"))
        and AUTH_WORDS.search(record.getMessage())
    ]
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)
    # Last, as the coordinators of this version each log the refusal.
    assert len(about_auth) <= 1, about_auth


async def test_account_gone_raises_issue_and_recovers(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The account leaves the login: a repair issue; it comes back: all recovers."""
    entry = await _setup_account(hass, fake_cloud, freezer)
    before = availability(hass)
    issue_id = account_gone_issue_id(entry.entry_id)

    fault = fake_cloud.faults.add(Fault("account_gone", account_id=entry.unique_id))
    longest = longest_interval(all_coordinators(entry))
    assert await advance(
        hass,
        freezer,
        longest + _step(entry),
        step=_step(entry) * 3,
        until=lambda: issue_registry.async_get_issue(DOMAIN, issue_id) is not None,
    ), f"no repair issue within {longest}"

    fake_cloud.faults.remove(fault)
    longest = longest_interval(all_coordinators(entry))

    def recovered() -> bool:
        """Tell whether the issue went and every endpoint answered again."""
        return (
            issue_registry.async_get_issue(DOMAIN, issue_id) is None
            and all(c.last_update_success for c in all_coordinators(entry))
            and availability(hass) == before
        )

    assert await advance(
        hass, freezer, longest + _step(entry), step=_step(entry) * 3, until=recovered
    ), f"not recovered within {longest}"
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)


# -- Quota: the account is throttled (to the scheduler's specification) ----------


def _kamereon_reads(fake_cloud: FakeRenaultCloud) -> int:
    """Count the Kamereon requests of the account's vehicles so far."""
    return sum(
        1 for record in fake_cloud.requests if record.kind == "kamereon" and record.vin
    )


async def test_quota_keeps_values_and_backs_off(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Throttled: values stay, one warning, fewer requests, then data again."""
    entry = await _setup_account(hass, fake_cloud, freezer)
    followers = _followers(hass)
    hour = timedelta(hours=1)
    step = _step(entry)

    # An ordinary hour (the cars stay parked: their data do not change).
    shown = states(hass, followers)
    reads = _kamereon_reads(fake_cloud)
    await advance(hass, freezer, hour, step=step)
    ordinary = _kamereon_reads(fake_cloud) - reads
    assert states(hass, followers) == shown

    # A throttled hour.
    mark = len(caplog.records)
    fault = fake_cloud.faults.add(Fault("quota", account_id=entry.unique_id))
    await advance(hass, freezer, hour, step=step)
    assert fault.hits >= 1
    assert states(hass, followers) == shown, "throttling lost values"
    warnings = [
        f"{record.levelname} {record.getMessage()}"
        for record in _at_least(caplog.records[mark:], logging.WARNING)
        if from_integration(record)
    ]
    assert len(warnings) == 1, warnings
    assert fault.hits <= ordinary / 2, f"{fault.hits} requests throttled vs {ordinary}"

    # The quota is over: data flow again within the back-off.
    fake_cloud.faults.remove(fault)
    reads = _kamereon_reads(fake_cloud)
    assert await advance(
        hass,
        freezer,
        QUOTA_BACKOFF_MAX,
        step=step,
        until=lambda: _kamereon_reads(fake_cloud) > reads,
    ), f"no read within {QUOTA_BACKOFF_MAX} after the quota"
    longest = longest_interval(endpoint_coordinators(entry))
    await advance(hass, freezer, longest + step, step=step * 3)
    assert all(c.last_update_success for c in endpoint_coordinators(entry))
    assert all(available(hass, entity_id) for entity_id in followers)
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)


def _quota_entities(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry
) -> dict[str, er.RegistryEntry]:
    """Return the account's quota sensors by translation key."""
    return {
        registered.translation_key: registered
        for registered in er.async_entries_for_config_entry(
            entity_registry, entry.entry_id
        )
        if registered.translation_key in {"quota_state", "requests_last_hour"}
    }


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_quota_service_device_sensors(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The account's service device shows the quota state and the request count."""
    entry = await _setup_account(hass, fake_cloud, freezer)
    step = _step(entry)
    sensors = _quota_entities(entity_registry, entry)
    assert set(sensors) == {"quota_state", "requests_last_hour"}
    vins = set(entry.runtime_data.vehicles)
    for registered in sensors.values():
        assert registered.entity_category is EntityCategory.DIAGNOSTIC
        assert registered.device_id is not None
        device = device_registry.async_get(registered.device_id)
        assert device is not None
        assert not any(identifier in vins for _, identifier in device.identifiers)
    quota_state = sensors["quota_state"].entity_id
    requests = sensors["requests_last_hour"].entity_id

    await advance(hass, freezer, timedelta(hours=1), step=step)
    assert states(hass, [quota_state]) == {quota_state: "ok"}
    counted = int(states(hass, [requests])[requests] or "")
    assert 0 < counted <= len(fake_cloud.requests)

    fault = fake_cloud.faults.add(Fault("quota", account_id=entry.unique_id))
    assert await advance(
        hass, freezer, timedelta(hours=1), step=step, until=lambda: fault.hits > 0
    )
    assert states(hass, [quota_state]) == {quota_state: "throttled"}

    fake_cloud.faults.remove(fault)
    assert await advance(
        hass,
        freezer,
        QUOTA_BACKOFF_MAX + step,
        step=step,
        until=lambda: states(hass, [quota_state]) == {quota_state: "ok"},
    )
    await unload_and_check(hass, entry)


# -- Nothing the user set is lost: odd answers, the vehicle list, commands --------

# Answers that are odd rather than failed: null fields, negative or huge numbers.
ODD_ANSWERS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("nulls", "battery-status", {"batteryLevel": None, "batteryAutonomy": None}),
    ("negative", "battery-status", {"batteryLevel": -12, "batteryAutonomy": -40}),
    (
        "huge",
        "battery-status",
        {
            "batteryLevel": 10**9,
            "chargingRemainingTime": 10**12,
            "batteryAvailableEnergy": 1e300,
        },
    ),
    ("negative", "cockpit", {"totalMileage": -1}),
    ("huge", "hvac-status", {"externalTemperature": 1e308}),
    ("nulls", "location", {"gpsLatitude": None, "gpsLongitude": None}),
    ("time-without-zone", "battery-status", {"timestamp": "2026-11-20T09:00:00"}),
    ("time-9999", "battery-status", {"timestamp": "9999-12-31T23:59:59Z"}),
    ("time-garbage", "location", {"lastUpdateTime": "2026-13-45T25:61:00Z"}),
)
# Faults of the account's vehicle list: odd lists, failures, a gateway.
VEHICLE_LIST_FAULTS = (
    "empty_vehicle_list",
    "vehicle_without_details",
    "http_500_html",
    "html_200",
    "gateway_503",
    "forbidden",
)
# Faults of a command: it fails with a clear error, and the next one works (a
# command the cloud holds is test_controls.py's test_unreachable_cloud_is_explained).
COMMAND_FAULTS = (
    "http_500_html",
    "html_200",
    "gateway_429",
    "quota",
    "action_in_progress",
)


async def _setup_customised(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    profiles: tuple[str, ...] = ("zoe_50", COMPANION),
) -> tuple[MockConfigEntry, UserSetup]:
    """Set up an account whose cars the user named and placed; capture it."""
    freezer.move_to(start_time())
    entry = await setup_account(hass, fake_cloud, profiles)
    customise(hass, entry)
    await settle(hass)
    return entry, UserSetup.capture(hass, entry, fake_cloud)


def _vin_of(fake_cloud: FakeRenaultCloud, profile: str) -> str:
    """Return the VIN of the account's car of a profile."""
    return next(
        vin for vin, car in fake_cloud.vehicles.items() if car.profile.name == profile
    )


async def _nothing_lost(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    caplog: pytest.LogCaptureFixture,
    entry: MockConfigEntry,
    before: UserSetup,
) -> None:
    """Check that the user's setup is as it was and nothing failed; unload."""
    assert UserSetup.capture(hass, entry, fake_cloud) == before
    assert not problems(caplog.records)
    await unload_and_check(hass, entry)


@pytest.mark.parametrize(
    ("endpoint", "attributes"),
    [(endpoint, attributes) for _, endpoint, attributes in ODD_ANSWERS],
    ids=[f"{endpoint}-{name}" for name, endpoint, _ in ODD_ANSWERS],
)
async def test_odd_answer_loses_nothing(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    endpoint: str,
    attributes: dict[str, Any],
) -> None:
    """An odd answer is no failure: nothing breaks, nothing is lost, values return."""
    entry, before = await _setup_customised(hass, fake_cloud, freezer)
    vin = _vin_of(fake_cloud, "zoe_50")
    target = Target(
        entry,
        vin,
        fake_cloud.vehicles[vin],
        entry.runtime_data.vehicles[vin].coordinators[endpoint],
    )
    followers = _followers(hass)
    shown = states(hass, followers)

    fault = fake_cloud.faults.add(
        Fault("odd_answer", vin=vin, endpoint=endpoint, attributes=attributes)
    )
    await target.read_now(hass, freezer)
    await target.read_now(hass, freezer)
    assert fault.hits == 2
    assert not problems(caplog.records)
    assert UserSetup.capture(hass, entry, fake_cloud) == before

    fake_cloud.faults.remove(fault)
    await target.read_now(hass, freezer)
    assert target.coordinator.last_update_success
    assert states(hass, followers) == shown
    await _nothing_lost(hass, fake_cloud, caplog, entry, before)


@pytest.mark.parametrize("kind", VEHICLE_LIST_FAULTS)
async def test_vehicle_list_fault_loses_nothing(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """The vehicle list fails or comes back odd, twice: every car and choice stays."""
    entry, before = await _setup_customised(hass, fake_cloud, freezer)
    coordinator = entry.runtime_data.vehicles_coordinator
    followers = _followers(hass)
    shown = availability(hass)

    fault = fake_cloud.faults.add(Fault(kind, endpoint="vehicles", times=2))
    for _ in range(2):
        await coordinator.async_refresh()
        await settle(hass)
    assert fault.hits == 2
    assert entry.state is ConfigEntryState.LOADED
    assert UserSetup.capture(hass, entry, fake_cloud) == before
    assert availability(hass) == shown

    # The list answers again: the next reads find everything as it was.
    await advance(
        hass, freezer, longest_interval(all_coordinators(entry)), step=_step(entry) * 3
    )
    assert coordinator.last_update_success
    assert all(available(hass, entity_id) for entity_id in followers)
    await _nothing_lost(hass, fake_cloud, caplog, entry, before)


@pytest.mark.parametrize("kind", COMMAND_FAULTS)
async def test_command_fault_loses_nothing(
    hass: HomeAssistant,
    fake_cloud: FakeRenaultCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """A command fails with a translated error and no secret; the next one works."""
    entry, before = await _setup_customised(hass, fake_cloud, freezer)
    vin = _vin_of(fake_cloud, "zoe_50")
    button = next(
        item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if item.domain == "button"
        and item.translation_key == "start_air_conditioner"
        and entry.runtime_data.vehicles[vin].device_info["identifiers"]
        == dr.async_get(hass).async_get(item.device_id or "").identifiers
    )
    endpoint = "actions/hvac-start"
    fault = fake_cloud.faults.add(Fault(kind, vin=vin, endpoint=endpoint, times=1))

    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert refused.value.translation_domain == DOMAIN
    message = str(refused.value) + repr(refused.value.__cause__)
    assert vin not in message
    assert "<html" not in message.lower()
    assert fault.hits == 1
    assert UserSetup.capture(hass, entry, fake_cloud) == before

    sent = fake_cloud.requests.count(endpoint=endpoint, status=200)
    await hass.services.async_call(
        "button", "press", {"entity_id": button}, blocking=True
    )
    assert fake_cloud.requests.count(endpoint=endpoint, status=200) == sent + 1
    await _nothing_lost(hass, fake_cloud, caplog, entry, before)
