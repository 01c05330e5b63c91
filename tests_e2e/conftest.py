"""Fixtures of the end-to-end test: the demo stack, a headless Chromium, screenshots.

The stack is scripts/develop itself, pointed at a temporary configuration
folder and free ports, so a developer's config/ and a running scripts/develop
(ports 8123 and 8765) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Any
import urllib.error
from urllib.parse import urlsplit
import urllib.request

from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright
import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(
    os.environ.get("E2E_ARTIFACTS_DIR", REPO / "tests_e2e" / "artifacts")
).resolve()
BRAND_DIR = REPO / "custom_components" / "renault_connect" / "brand"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the machine's notes prescribe for Debian's Chromium here (closed network).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
STARTUP_TIMEOUT = 120.0
# A transparent 1x1 PNG: other integrations' brand images come from the
# Internet, which the test does not reach; an empty image beats a broken one.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000137a7e1e900"
    "00000049454e44ae426082"
)
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (?P<level>[A-Z]+) \((?P<thread>[^)]*)\) "
    r"\[(?P<logger>[^\]]+)\] (?P<message>.*)$"
)


def _free_port() -> int:
    """Return a TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _http_status(url: str) -> int | None:
    """Return the HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            status: int = response.status
            return status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


@dataclass
class Stack:
    """The fake cloud and Home Assistant, as scripts/develop started them."""

    ha_url: str
    cloud_url: str
    config_dir: Path
    output: Path

    def cloud(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the fake cloud's admin API and return its JSON answer."""
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self.cloud_url}{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)

    def log_records(self) -> list[dict[str, str]]:
        """Return Home Assistant's log records (first line of each)."""
        log = self.config_dir / "home-assistant.log"
        if not log.exists():
            return []
        return [
            match.groupdict()
            for line in log.read_text(errors="replace").splitlines()
            if (match := LOG_LINE.match(line))
        ]


def _group_alive(process: subprocess.Popen[bytes]) -> bool:
    """Tell whether a process of the group of scripts/develop still runs."""
    process.poll()  # reap scripts/develop itself once it has ended
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop scripts/develop and all it started (its process group), and wait.

    Home Assistant stops cleanly on SIGTERM, writing its files on the way out:
    wait for the whole group, not only for the script.
    """
    for sig, timeout in ((signal.SIGTERM, 40.0), (signal.SIGKILL, 10.0)):
        if not _group_alive(process):
            return
        os.killpg(process.pid, sig)
        deadline = time.monotonic() + timeout
        while _group_alive(process) and time.monotonic() < deadline:
            time.sleep(0.2)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Return the (emptied) folder that receives screenshots and logs."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def stack(artifacts: Path) -> Iterator[Stack]:
    """Start scripts/develop in a temporary folder; stop it afterwards."""
    ha_port, cloud_port = _free_port(), _free_port()
    config_dir = Path(tempfile.mkdtemp(prefix="renault-connect-e2e-"))
    output = artifacts / "develop.log"
    environment = {
        **os.environ,
        "HA_CONFIG_DIR": str(config_dir),
        "HA_PORT": str(ha_port),
        "FAKE_CLOUD_PORT": str(cloud_port),
        "PYTHONUNBUFFERED": "1",
    }
    with output.open("wb") as sink:
        process = subprocess.Popen(
            ["bash", str(REPO / "scripts" / "develop")],  # noqa: S607
            cwd=REPO,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = Stack(
        ha_url=f"http://127.0.0.1:{ha_port}",
        cloud_url=f"http://127.0.0.1:{cloud_port}",
        config_dir=config_dir,
        output=output,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while (
            _http_status(f"{stack.cloud_url}/admin/clock") != 200
            or _http_status(f"{stack.ha_url}/manifest.json") != 200
            or _http_status(f"{stack.ha_url}/auth/providers") != 200
        ):
            if process.poll() is not None:
                tail = output.read_text(errors="replace")[-3000:]
                pytest.fail(f"scripts/develop exited ({process.returncode}):\n{tail}")
            if time.monotonic() > deadline:
                pytest.fail(f"Home Assistant did not answer in {STARTUP_TIMEOUT} s")
            time.sleep(0.5)
        yield stack
    finally:
        _stop(process)
        log = config_dir / "home-assistant.log"
        if log.exists():
            shutil.copy(log, artifacts / "home-assistant.log")
        shutil.rmtree(config_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Start Playwright's driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Start Debian's headless Chromium (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup (Debian's chromium)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _offline(route: Route) -> None:
    """Answer what the page asks of the Internet, which the test does not reach.

    Brand images: the integration's own (custom_components/renault_connect/brand),
    a blank one for the others. Anything else is refused.
    """
    url = urlsplit(route.request.url)
    if url.hostname != "brands.home-assistant.io":
        route.abort()
        return
    *_, domain, name = url.path.split("/")
    own = BRAND_DIR / name
    if domain == "renault_connect" and own.is_file():
        route.fulfill(status=200, content_type="image/png", body=own.read_bytes())
    else:
        route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Keep each phase's report on the test, for the failure screenshot."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(
    browser: Browser, stack: Stack, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """Open a page of Home Assistant (1280x900); screenshot it if the test fails."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.route(lambda url: not url.startswith(stack.ha_url), _offline)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=artifacts / "failure.png")
    context.close()
