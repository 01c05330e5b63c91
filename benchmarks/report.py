"""Turn a finished run into figures, a printed table and a JSON document."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
import statistics
from typing import Any

from .environments import CORE, OURS
from .metrics import (
    CHARGING,
    PARKED,
    Delays,
    action_feedback,
    freshness,
    requests_by_endpoint,
)
from .runner import Run, Side
from .scenario import PROFILE, TIME_ZONE

REQUEST_TARGET = 0.25
SETUP_TARGET = 0.2
SETUP_TARGET_FLEET = 10
FEEDBACK_TARGET = 1 / 3
NO_WORSE = 1.0
LABELS = {OURS: "renault_connect", CORE: "built-in renault"}


@dataclass
class Figure:
    """One compared figure: ours, the built-in integration's, and the target."""

    label: str
    fleet: str
    unit: str
    ours: float | None
    core: float | None
    target: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Return ours / built-in."""
        if self.ours is None or not self.core:
            return None
        return self.ours / self.core

    @property
    def met(self) -> bool | None:
        """Tell whether the target is met (None: no target, or no figure)."""
        if self.target is None:
            return None
        if self.ours is not None and self.core is None:
            return True  # the built-in integration never showed it
        ratio = self.ratio
        return None if ratio is None else ratio <= self.target + 1e-9


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _sides(run: Run, size: int) -> tuple[Side, Side]:
    by_domain = {s.fleet.domain: s for s in run.sides if s.fleet.size == size}
    return by_domain[OURS], by_domain[CORE]


def day_requests(run: Run, side: Side) -> Counter[str]:
    """Return a side's requests of the simulated day, by endpoint."""
    return requests_by_endpoint(run.cloud, side.fleet.email, run.day_start, run.day_end)


def _freshness(run: Run, side: Side) -> dict[str, Delays]:
    return freshness(side.fleet.vehicles, side.observations, run.day_start, run.day_end)


def _samples(ours: Delays, core: Delays) -> str:
    note = f"n={len(ours.seconds)}/{len(core.seconds)}"
    if ours.censored or core.censored:
        note += f", not shown by the end {ours.censored}/{core.censored}"
    return note


def figures(run: Run) -> list[Figure]:
    """Compute every figure of the run."""
    result: list[Figure] = []
    pooled = {OURS: Delays(), CORE: Delays()}
    for size in run.fleet_sizes:
        ours, core = _sides(run, size)
        fleet = f"{size}"
        result.append(
            Figure(
                "cloud requests / vehicle / day",
                fleet,
                "",
                sum(day_requests(run, ours).values()) / size,
                sum(day_requests(run, core).values()) / size,
                REQUEST_TARGET,
            )
        )
        fresh = {OURS: _freshness(run, ours), CORE: _freshness(run, core)}
        for phase in (CHARGING, PARKED):
            a, b = fresh[OURS][phase], fresh[CORE][phase]
            note = _samples(a, b)
            result += [
                Figure(
                    f"freshness {phase}, median",
                    fleet,
                    "min",
                    _minutes(a.median),
                    _minutes(b.median),
                    NO_WORSE,
                    note,
                ),
                Figure(
                    f"freshness {phase}, p95",
                    fleet,
                    "min",
                    _minutes(a.p95),
                    _minutes(b.p95),
                    NO_WORSE,
                    note,
                ),
            ]
        result.append(
            Figure(
                "setup → all entities available",
                fleet,
                "s",
                statistics.median(r.seconds for r in ours.setups),
                statistics.median(r.seconds for r in core.setups),
                SETUP_TARGET if size >= SETUP_TARGET_FLEET else None,
                f"median of {len(ours.setups)}; entities "
                f"{ours.setups[0].entities}/{core.setups[0].entities}",
            )
        )
        feedback = {
            OURS: action_feedback(ours.pressed, ours.observations, run.day_end),
            CORE: action_feedback(core.pressed, core.observations, run.day_end),
        }
        pooled[OURS].extend(feedback[OURS])
        pooled[CORE].extend(feedback[CORE])
        result.append(
            Figure(
                "start charging → charging shown, median",
                fleet,
                "s",
                feedback[OURS].median,
                feedback[CORE].median,
                note=_samples(feedback[OURS], feedback[CORE]),
            )
        )
    result.append(
        Figure(
            "start charging → charging shown, median",
            "all",
            "s",
            pooled[OURS].median,
            pooled[CORE].median,
            FEEDBACK_TARGET,
            _samples(pooled[OURS], pooled[CORE]),
        )
    )
    return result


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "min":
        return f"{value:.1f}"
    if unit == "s":
        return f"{value:.2f}" if value < 10 else f"{value:.1f}"  # noqa: PLR2004
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"  # noqa: PLR2004


def _verdict(figure: Figure) -> str:
    met = figure.met
    if met is None:
        return "n/a" if figure.target is not None else ""
    return "yes" if met else "NO"


def _target(figure: Figure) -> str:
    if figure.target is None:
        return ""
    if figure.target == NO_WORSE:
        return "≤ 1 (no worse)"
    return f"≤ {figure.target:.2f}"


def table(items: list[Figure]) -> str:
    """Render the figures as a text table."""
    header = [
        "figure",
        "vehicles",
        "unit",
        LABELS[OURS],
        LABELS[CORE],
        "ratio",
        "target",
        "met",
        "notes",
    ]
    rows = [header] + [
        [
            f.label,
            f.fleet,
            f.unit,
            _number(f.ours, f.unit),
            _number(f.core, f.unit),
            "—" if f.ratio is None else f"{f.ratio:.2f}",
            _target(f),
            _verdict(f),
            f.note,
        ]
        for f in items
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5}
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _versions(side: Side) -> str:
    versions = side.versions
    return (
        f"Home Assistant {versions['home_assistant']}, renault-api "
        f"{versions['renault_api']}, Python {versions['python']}"
    )


def _local(when: datetime) -> str:
    return when.astimezone(TIME_ZONE).strftime("%Y-%m-%d %H:%M %Z")


def header(run: Run) -> str:
    """Describe the run: where, which versions, what scenario."""
    ours, core = _sides(run, run.fleet_sizes[0])
    return "\n".join(
        [
            "renault_connect vs Home Assistant's built-in renault integration",
            f"  environment: {run.environment.describe()}",
            f"  {LABELS[OURS]}: {_versions(ours)}",
            f"  {LABELS[CORE]}: {_versions(core)}",
            (
                f"  fake cloud: {run.latency * 1000:.0f} ms per answer while setups"
                " are measured (real time); in the simulated day, time stands still"
                " while a request is answered"
            ),
            (
                f"  day: {_local(run.day_start)} → {_local(run.day_end)}, fleets of"
                f" {' and '.join(map(str, run.fleet_sizes))} {PROFILE} (commute"
                " 07:30 and 17:30, plugged in 19:00 in scheduled mode, 'start"
                " charging' pressed 19:10, cars staggered by 4 min)"
            ),
            (
                "  setups: first setup in a fresh instance, median of"
                f" {run.setup_runs}; wall time of this run {run.wall_seconds:.0f} s"
            ),
        ]
    )


def details(run: Run) -> str:
    """List each side's requests by endpoint, and anything that went wrong."""
    lines = ["Requests during the simulated day, by endpoint:"]
    for side in run.sides:
        counts = day_requests(run, side)
        top = ", ".join(f"{name} {count}" for name, count in counts.most_common())
        lines.append(f"  {LABELS[side.fleet.domain]} / {side.fleet.size}: {top}")
        unavailable = {item for setup in side.setups for item in setup.unavailable}
        if unavailable:
            lines.append(
                f"    never available at setup: {', '.join(sorted(unavailable))}"
            )
        if side.press_errors:
            lines.append(f"    press errors: {'; '.join(side.press_errors)}")
    return "\n".join(lines)


def document(run: Run, items: list[Figure]) -> dict[str, Any]:
    """Return the run's results as JSON-friendly values."""
    return {
        "environment": run.environment.describe(),
        "day": [run.day_start.isoformat(), run.day_end.isoformat()],
        "latency": run.latency,
        "wall_seconds": run.wall_seconds,
        "sides": [
            {
                "domain": side.fleet.domain,
                "vehicles": side.fleet.size,
                "versions": side.versions,
                "setups": [asdict(setup) for setup in side.setups],
                "day_requests": dict(day_requests(run, side)),
            }
            for side in run.sides
        ],
        "figures": [
            {**asdict(item), "ratio": item.ratio, "met": item.met} for item in items
        ],
    }
