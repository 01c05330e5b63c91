"""Run the fake cloud: ``python -m fake_renault_cloud --demo``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from pathlib import Path
import signal

from .cloud import FakeRenaultCloud, is_loopback
from .demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo_cloud


def _parse_arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m fake_renault_cloud",
        description="Run a fake Renault cloud (Gigya + Kamereon) on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--demo", action="store_true", help="create the demo account and its cars"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every answer"
    )
    parser.add_argument(
        "--state",
        type=Path,
        help="a JSON file that keeps the logins and the cars across restarts",
    )
    arguments = parser.parse_args()
    if not is_loopback(arguments.host):
        parser.error(f"--host must be a loopback address, not {arguments.host}")
    return arguments


SAVE_EVERY = 60.0
"""Seconds between two saves of the state file (and one more at the stop)."""


def save_state(cloud: FakeRenaultCloud, path: Path) -> None:
    """Write the cloud's snapshot, whole or not at all (a new file, renamed)."""
    written = path.with_name(f"{path.name}.new")
    written.write_text(json.dumps(cloud.snapshot(), indent=1), encoding="utf-8")
    written.replace(path)


def load_state(cloud: FakeRenaultCloud, path: Path) -> bool:
    """Take back the snapshot of an earlier run, if there is one."""
    if not path.is_file():
        return False
    cloud.restore(json.loads(path.read_text(encoding="utf-8")))
    return True


async def _keep_saving(cloud: FakeRenaultCloud, path: Path) -> None:
    """Save the state file regularly, so that even a killed demo loses little."""
    while True:
        await asyncio.sleep(SAVE_EVERY)
        save_state(cloud, path)


def _print_code(address: str, code: str) -> None:
    """Show an e-mailed two-factor code."""
    print(f"Two-factor code for {address}: {code}", flush=True)


async def _serve(arguments: argparse.Namespace) -> None:
    """Start the cloud and run until cancelled."""
    cloud = build_demo_cloud() if arguments.demo else FakeRenaultCloud()
    cloud.latency = arguments.latency
    state: Path | None = arguments.state
    if state is not None and load_state(cloud, state):
        print(f"Logins and cars taken back from {state}", flush=True)
    cloud.on_tfa_code = _print_code
    await cloud.start(arguments.host, arguments.port)
    print(f"Fake Renault cloud on {cloud.url}", flush=True)
    print(f"  Gigya:    {cloud.gigya_url}")
    print(f"  Kamereon: {cloud.kamereon_url}")
    print(f"  Admin:    {cloud.url}/admin/vehicles")
    if arguments.demo:
        print(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
        print(
            "Two-factor codes are printed here, and readable with:\n"
            f"  curl '{cloud.url}/admin/tfa-code?email={DEMO_EMAIL}'"
        )
    else:
        print("No users: start with --demo for the demo account.")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Installed explicitly: a process started from a background job inherits
    # an ignored SIGINT, and Python then never raises KeyboardInterrupt.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    print("Press Ctrl-C to stop.", flush=True)
    saving = None if state is None else asyncio.create_task(_keep_saving(cloud, state))
    try:
        await stop.wait()
    finally:
        if saving is not None and state is not None:
            saving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await saving
            save_state(cloud, state)
        await cloud.stop()


def main() -> None:
    """Run until Ctrl-C (SIGINT) or SIGTERM."""
    asyncio.run(_serve(_parse_arguments()))


if __name__ == "__main__":
    main()
