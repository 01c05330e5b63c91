"""Run the fake cloud: ``python -m fake_renault_cloud --demo``."""

from __future__ import annotations

import argparse
import asyncio
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
    arguments = parser.parse_args()
    if not is_loopback(arguments.host):
        parser.error(f"--host must be a loopback address, not {arguments.host}")
    return arguments


def _print_code(address: str, code: str) -> None:
    """Show an e-mailed two-factor code."""
    print(f"Two-factor code for {address}: {code}", flush=True)


async def _serve(arguments: argparse.Namespace) -> None:
    """Start the cloud and run until cancelled."""
    cloud = build_demo_cloud() if arguments.demo else FakeRenaultCloud()
    cloud.latency = arguments.latency
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
    try:
        await stop.wait()
    finally:
        await cloud.stop()


def main() -> None:
    """Run until Ctrl-C (SIGINT) or SIGTERM."""
    asyncio.run(_serve(_parse_arguments()))


if __name__ == "__main__":
    main()
