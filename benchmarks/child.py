"""Start one Home Assistant process of the benchmark (run by ``compare``).

``python benchmarks/child.py --domain renault_connect`` runs ``child_driver.py``
under pytest with the pytest-homeassistant-custom-component harness of the
Python it is started with; the parent talks to it over the pipes named in
``BENCH_FDS``.
"""

from __future__ import annotations

import argparse
import importlib
import os
from pathlib import Path
import sys

HERE = Path(__file__).resolve().parent
CORE_DOMAIN = "renault"


def main() -> None:
    """Run the driver's single test, and exit with pytest's status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domain", required=True)
    arguments = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    if arguments.domain != CORE_DOMAIN:
        # A custom integration must be imported before Home Assistant starts,
        # or the test harness's own custom_components package wins; the
        # harness patches the recorder first, before anything imports it.
        importlib.import_module("pytest_homeassistant_custom_component.patch_recorder")
        importlib.import_module(f"custom_components.{arguments.domain}")
    import pytest  # noqa: PLC0415 - after the path is set

    status = pytest.main(
        [
            str(HERE / "child_driver.py"),
            "-c",
            os.devnull,
            "--rootdir",
            str(HERE),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "no:sugar",
            "-o",
            "asyncio_mode=auto",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
        ]
    )
    raise SystemExit(int(status))


if __name__ == "__main__":
    main()
