"""Compare renault_connect with Home Assistant's built-in renault integration.

Run from the repository, in the project's virtual environment::

    benchmarks/run                      # or: python -m benchmarks.compare
    benchmarks/run --environment host   # Home Assistant 2025.4.4 on this machine
    benchmarks/run --fleets 1 --setup-runs 1   # a quicker look

This process runs the fake Renault cloud (``fake_renault_cloud``) and owns
its clock. Each integration runs, for each fleet size, in a Home Assistant
test instance of its own (a child process, ``benchmarks/child.py``), all
against the same cloud, each fleet in its own account. The children first
measure setup one at a time in real time, the cloud answering in 200 ms;
then the parent steps everyone through the scripted day of
``benchmarks/scenario.py`` in simulated time, and prints for each integration
and as ratios: cloud requests per vehicle per day, battery freshness while
charging and parked (median, 95th percentile), time from setup to all
entities available, and time from pressing "start charging" to the charging
sensor turning on, with the targets of issue 6.

Where: by default in the Debian testing root folder CI prepares (Home
Assistant 2026.10.4, whose built-in integration pins renault-api 0.5.15),
else ``--environment host`` (this machine's Home Assistant 2025.4.4, renault-api
0.2.9 for the built-in integration); see ``benchmarks/environments.py``. The
first run installs what it needs (about a minute). Run it as root (the
testing root folder needs chroot); it takes 5 to 10 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
import sys
import tempfile

from .environments import (
    CORE,
    DEFAULT_TESTING_ROOT,
    OURS,
    Environment,
    Host,
    SetupError,
    TestingRoot,
)
from .report import details, document, figures, header, table
from .runner import Run

DEFAULT_LATENCY = 0.2


def _arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/run",
        description="Compare renault_connect with the built-in renault integration.",
    )
    parser.add_argument(
        "--environment",
        choices=("auto", TestingRoot.name, Host.name),
        default="auto",
        help="where Home Assistant runs (auto: the testing root folder if present)",
    )
    parser.add_argument(
        "--testing-root",
        type=Path,
        default=Path(os.environ.get("CI_TESTING_ROOT", DEFAULT_TESTING_ROOT)),
    )
    parser.add_argument("--fleets", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--setup-runs", type=int, default=3)
    parser.add_argument(
        "--latency",
        type=float,
        default=DEFAULT_LATENCY,
        help="seconds per cloud answer during setups",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args()


def _environment(arguments: argparse.Namespace) -> Environment:
    """Pick where the children run."""
    if arguments.environment == Host.name:
        return Host()
    if arguments.environment == TestingRoot.name or TestingRoot.available(
        arguments.testing_root
    ):
        return TestingRoot(arguments.testing_root)
    print(f"No testing root folder at {arguments.testing_root}: using this machine.")
    return Host()


def _say(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    """Run the benchmark and print the figures."""
    arguments = _arguments()
    environment = _environment(arguments)
    try:
        environment.prepare()
    except SetupError as exc:
        sys.exit(f"benchmarks: {exc}")
    log_dir = Path(tempfile.mkdtemp(prefix="renault-bench-"))
    run = Run(
        environment=environment,
        fleet_sizes=sorted(set(arguments.fleets)),
        domains=[OURS, CORE],
        latency=arguments.latency,
        setup_runs=max(1, arguments.setup_runs),
        log_dir=log_dir,
        say=_say,
    )
    _say(f"Logs of the Home Assistant processes: {log_dir}")
    asyncio.run(run.execute())
    items = figures(run)
    print()
    print(header(run))
    print()
    print(table(items))
    print()
    print(details(run))
    checked = [item.met for item in items if item.met is not None]
    print(f"\nTargets met: {sum(checked)} of {len(checked)}")
    if arguments.json:
        arguments.json.write_text(json.dumps(document(run, items), indent=2))


if __name__ == "__main__":
    main()
