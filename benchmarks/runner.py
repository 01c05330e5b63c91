"""Run the benchmark: setups in real time, then the scripted day in lockstep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
import time

from fake_renault_cloud import FakeRenaultCloud, ManualClock

from .children import Child, spawn
from .environments import Environment
from .metrics import Observation
from .protocol import Message
from .scenario import (
    LOCALE,
    PASSWORD,
    TIME_ZONE,
    TIME_ZONE_NAME,
    Fleet,
    add_fleet,
    midnight,
    plan_day,
)

MIN_STEP = timedelta(milliseconds=1)
IDLE_STEP = timedelta(minutes=5)
PROGRESS_EVERY = timedelta(hours=3)

type Say = Callable[[str], None]


@dataclass
class SetupRun:
    """One measured setup: from async_setup to every entity available."""

    seconds: float
    entities: int
    unavailable: list[str]
    requests: int


@dataclass
class Side:
    """One integration with one fleet, in its own Home Assistant process."""

    fleet: Fleet
    child: Child
    versions: Message = field(default_factory=dict)
    setups: list[SetupRun] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    pressed: list[tuple[datetime, str]] = field(default_factory=list)
    press_errors: list[str] = field(default_factory=list)
    due: datetime = field(default_factory=midnight)

    @property
    def name(self) -> str:
        """Name the side: integration/fleet size."""
        return f"{self.fleet.domain}/{self.fleet.size}"

    def record(self, answer: Message, now: datetime) -> None:
        """Keep a step's changes, and when the child next needs a step."""
        self.observations += [Observation.parse(item) for item in answer["changes"]]
        upcoming = answer.get("next")
        due = datetime.fromisoformat(upcoming) if upcoming else now + IDLE_STEP
        self.due = max(due, now + MIN_STEP)


@dataclass
class Run:
    """Everything a benchmark run needs and measures."""

    environment: Environment
    fleet_sizes: list[int]
    domains: list[str]
    latency: float
    setup_runs: int
    log_dir: Path
    say: Say
    clock: ManualClock = field(default_factory=lambda: ManualClock(midnight()))
    cloud: FakeRenaultCloud = field(init=False)
    sides: list[Side] = field(default_factory=list)
    day_start: datetime = field(default_factory=midnight)
    day_end: datetime = field(default_factory=midnight)
    wall_seconds: float = 0.0

    def __post_init__(self) -> None:
        """Create the fake cloud on the run's clock."""
        self.cloud = FakeRenaultCloud(self.clock)

    async def execute(self) -> None:
        """Set up every side, then simulate the day."""
        started = time.monotonic()
        await self.cloud.start()
        try:
            await self._start_sides()
            try:
                await self._measure_setups()
                await self._simulate_day()
            finally:
                await asyncio.gather(*(side.child.close() for side in self.sides))
        finally:
            await self.cloud.stop()
        self.wall_seconds = time.monotonic() - started

    async def _new_side(self, domain: str, size: int, tag: str) -> Side:
        """Create a fleet and start its Home Assistant process."""
        fleet = add_fleet(self.cloud, domain, size, tag)
        child = await spawn(
            self.environment,
            name=tag,
            domain=domain,
            cloud_url=self.cloud.url,
            log_dir=self.log_dir,
        )
        side = Side(fleet, child)
        side.versions = await child.call(
            "init",
            time=self.clock.now().isoformat(),
            time_zone=TIME_ZONE_NAME,
            locale_details=(
                None if domain == "renault_connect" else self._locale_details()
            ),
        )
        answers = {
            "user": {"locale": LOCALE, "username": fleet.email, "password": PASSWORD}
        }
        await child.call("add_entry", domain=domain, answers=answers)
        return side

    def _locale_details(self) -> dict[str, dict[str, str]]:
        """Return the fake cloud's URLs and keys for the built-in integration."""
        return {LOCALE: self.cloud.locale_details(LOCALE)}

    async def _start_sides(self) -> None:
        """Start one process per integration and fleet size, in parallel."""
        self.say(f"Starting {len(self.domains) * len(self.fleet_sizes)} processes")
        self.sides = list(
            await asyncio.gather(
                *(
                    self._new_side(domain, size, f"{domain}-{size}")
                    for size in self.fleet_sizes
                    for domain in self.domains
                )
            )
        )
        for side in self.sides:
            plan_day(side.fleet)

    async def _measure_setups(self) -> None:
        """Measure setups one at a time, in real time, with the real latency.

        The first run of each side is its own process (which then runs the
        day); further runs start a fresh process and account each, so that
        every run is a first setup.
        """
        for run in range(self.setup_runs):
            for side in self.sides:
                if run == 0:
                    side.setups.append(await self._setup(side, side.child))
                    continue
                extra = await self._new_side(
                    side.fleet.domain, side.fleet.size, f"setup{run}-{side.name}"
                )
                try:
                    side.setups.append(await self._setup(extra, extra.child))
                finally:
                    await extra.child.close()
                self.say(f"  setup run {run + 1}: {side.name}")

    async def _setup(self, side: Side, child: Child) -> SetupRun:
        """Set one entry up while the cloud answers in ``latency`` seconds."""
        before = len(self.cloud.requests)
        self.cloud.latency = self.latency
        self.clock.run()
        try:
            answer = await child.call("setup")
        finally:
            self.clock.hold()
            self.cloud.latency = 0.0
        requests = sum(
            1
            for record in list(self.cloud.requests)[before:]
            if record.email == side.fleet.email
        )
        self.say(
            f"  {side.name}: all entities available after {answer['seconds']:.2f} s"
            f" ({answer['entities']} entities, {len(answer['unavailable'])} never"
            f" available, {requests} requests)"
        )
        return SetupRun(
            seconds=answer["seconds"],
            entities=answer["entities"],
            unavailable=answer["unavailable"],
            requests=requests,
        )

    async def _simulate_day(self) -> None:
        """Step every process through 24 simulated hours, in lockstep."""
        start = self.clock.now().replace(second=0, microsecond=0)
        self.day_start = start + timedelta(minutes=1)
        self.day_end = self.day_start + timedelta(hours=24)
        presses = sorted(
            (when, index, vin)
            for index, side in enumerate(self.sides)
            for when, vin in side.fleet.presses
        )
        for side in self.sides:
            side.due = self.day_start
        now = self.day_start
        report_at = self.day_start + PROGRESS_EVERY
        wall = time.monotonic()
        self.say(
            f"Simulating 24 h from {self.day_start.astimezone(TIME_ZONE):%H:%M %Z}"
        )
        while True:
            next_press = presses[0][0] if presses else self.day_end
            now = max(now, min(*(s.due for s in self.sides), next_press, self.day_end))
            self.clock.set(now)
            final = now >= self.day_end
            await self._step([s for s in self.sides if final or s.due <= now], now)
            while presses and presses[0][0] <= now:
                _, index, vin = presses.pop(0)
                await self._press(self.sides[index], vin, now)
            if now >= report_at:
                self.say(
                    f"  simulated {(now - self.day_start) / timedelta(hours=1):.0f} h"
                    f" in {time.monotonic() - wall:.0f} s"
                )
                report_at += PROGRESS_EVERY
            if final:
                return

    async def _step(self, sides: list[Side], now: datetime) -> None:
        """Move some processes to ``now``, in parallel."""
        answers = await asyncio.gather(
            *(side.child.call("step", time=now.isoformat()) for side in sides)
        )
        for side, answer in zip(sides, answers, strict=True):
            side.record(answer, now)

    async def _press(self, side: Side, vin: str, now: datetime) -> None:
        """Press a car's start-charge button, then let the process settle."""
        answer = await side.child.call("press", vin=vin)
        if answer.get("failure"):
            side.press_errors.append(str(answer["failure"]))
        side.pressed.append((now, vin))
        await self._step([side], now)
