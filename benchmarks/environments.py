"""Where the Home Assistant processes run, and how they are installed.

Both integrations always run on the same Home Assistant and test harness; the
built-in one gets the renault-api version its manifest pins, put first on its
``PYTHONPATH`` (``pip install --no-deps --target``: the other libraries stay
the ones of the shared environment).

* ``testing-root`` (preferred): the Debian testing root folder that CI
  prepares (``.ci/run``), with Python 3.14 and Home Assistant 2026.10.4. The
  benchmark keeps its own virtual environment in it, ``/opt/bench/venv``
  (pins from ``constraints/python3.14.txt``, our manifest's requirements), and
  copies the code to ``/opt/bench/src`` on every run. Each process enters
  the root folder in a private mount namespace (``unshare -m``): ``/proc``
  and ``/dev`` are mounted there only, vanish with it, and never disturb CI.
* ``host``: this machine's ``.venv`` (Python 3.13, Home Assistant 2025.4.4);
  the built-in integration's renault-api goes to ``.bench/overlay/``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
import hashlib
import importlib.util
import json
import os
from pathlib import Path
import shlex
import shutil
import subprocess
import sys

REPO = Path(__file__).resolve().parent.parent
OURS = "renault_connect"
CORE = "renault"
DEFAULT_TESTING_ROOT = Path("/var/cache/renault-connect/testing-root")
CODE = ("benchmarks", f"custom_components/{OURS}", "custom_components/__init__.py")
CHOICES = ("constraints", "requirements")
_CACHES = shutil.ignore_patterns("__pycache__", "*.pyc")


class SetupError(RuntimeError):
    """The environment cannot be used."""


def _our_requirements() -> list[str]:
    """Return the requirements of our integration's manifest."""
    manifest = REPO / "custom_components" / OURS / "manifest.json"
    requirements: list[str] = json.loads(manifest.read_text())["requirements"]
    return requirements


def _core_requirement(homeassistant_dir: Path) -> str:
    """Return the renault-api pin of the built-in integration's manifest."""
    manifest = homeassistant_dir / "components" / CORE / "manifest.json"
    requirements: list[str] = json.loads(manifest.read_text())["requirements"]
    return next(item for item in requirements if item.startswith("renault-api"))


def _overlay_name(requirement: str) -> str:
    """Return a folder name for a pinned requirement."""
    return requirement.replace("==", "-")


class Environment(ABC):
    """A place to run the children, with both integrations' libraries."""

    name: str
    core_requirement: str

    @abstractmethod
    def prepare(self) -> None:
        """Install what is missing and copy the code (idempotent)."""

    @abstractmethod
    def command(
        self, domain: str, env: Mapping[str, str]
    ) -> tuple[list[str], dict[str, str]]:
        """Return the command that starts a child for ``domain``, and its environment.

        ``env`` holds the variables the child needs (the pipes, the cloud's URL).
        """

    @abstractmethod
    def describe(self) -> str:
        """Say where the children run."""


class TestingRoot(Environment):
    """The Debian testing root folder (Python 3.14, Home Assistant 2026.10.4)."""

    name = "testing-root"
    BENCH = "/opt/bench"

    def __init__(self, root: Path) -> None:
        """Use the root folder at ``root``."""
        self.root = root
        self.bench = root / self.BENCH.lstrip("/")
        self.core_requirement = ""

    @staticmethod
    def available(root: Path) -> bool:
        """Tell whether the root folder exists and has Python 3.14."""
        return (root / "usr/bin/python3.14").exists() and shutil.which(
            "unshare"
        ) is not None

    def _enter(self, inner: str, env: Mapping[str, str]) -> list[str]:
        """Return a command running ``inner`` in the root, in a private namespace."""
        root = shlex.quote(str(self.root))
        assignments = " ".join(
            shlex.quote(f"{key}={value}")
            for key, value in {
                "HOME": "/root",
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
                "PIP_CERT": "/etc/ssl/certs/ca-certificates.crt",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "PIP_DEFAULT_TIMEOUT": "180",
                **env,
            }.items()
        )
        script = (
            f"mount -t proc proc {root}/proc && mount --bind /dev {root}/dev && "
            f"exec chroot {root} env -i {assignments} {inner}"
        )
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]

    def _run(self, inner: str) -> None:
        """Run a command in the root folder, failing loudly."""
        result = subprocess.run(  # noqa: S603 - our own fixed command
            self._enter(inner, {}), check=False, capture_output=True, text=True
        )
        if result.returncode:
            msg = f"in {self.root}: {inner} failed:\n{result.stdout}{result.stderr}"
            raise SetupError(msg)

    def prepare(self) -> None:
        """Build /opt/bench/venv when its pins changed, then the overlay and code."""
        if not self.available(self.root):
            msg = (
                f"no Debian testing root folder with Python 3.14 at {self.root} "
                "(bash .ci/run prepares it), or no unshare; use --environment host"
            )
            raise SetupError(msg)
        self.bench.mkdir(parents=True, exist_ok=True)
        constraints = (REPO / "constraints" / "python3.14.txt").read_text()
        requirements = "\n".join(
            [
                "homeassistant",
                "pytest-homeassistant-custom-component",
                *_our_requirements(),
            ]
        )
        pins_file, wanted_file = (self.bench / f"{name}.txt" for name in CHOICES)
        pins_file.write_text(constraints)
        wanted_file.write_text(requirements + "\n")
        stamp = hashlib.sha256((constraints + requirements).encode()).hexdigest()
        stamp_file = self.bench / "venv" / ".bench-stamp"
        if not stamp_file.exists() or stamp_file.read_text().strip() != stamp:
            print(f"Installing Home Assistant in {self.root}{self.BENCH}/venv ...")
            venv = f"{self.BENCH}/venv"
            pins, wanted = (f"{self.BENCH}/{name}.txt" for name in CHOICES)
            self._run(
                "bash -c "
                + shlex.quote(
                    f"set -e; rm -rf {venv}; python3.14 -m venv {venv}; "
                    f"{venv}/bin/python -m pip install -q --upgrade pip; "
                    f"{venv}/bin/python -m pip install -q -c {pins} -r {wanted}; "
                    f"echo {stamp} > {venv}/.bench-stamp"
                )
            )
        homeassistant = next(
            (self.bench / "venv" / "lib").glob("python3*/site-packages/homeassistant")
        )
        self.core_requirement = _core_requirement(homeassistant)
        overlay = f"{self.BENCH}/overlay/{_overlay_name(self.core_requirement)}"
        if not (self.root / overlay.lstrip("/")).exists():
            print(f"Installing {self.core_requirement} in {self.root}{overlay} ...")
            self._run(
                f"{self.BENCH}/venv/bin/python -m pip install -q --no-deps "
                f"--target {overlay} {self.core_requirement}"
            )
        self._copy_code()

    def _copy_code(self) -> None:
        """Copy the benchmark and our integration to /opt/bench/src."""
        source = self.bench / "src"
        shutil.rmtree(source, ignore_errors=True)
        for item in CODE:
            target = source / item
            target.parent.mkdir(parents=True, exist_ok=True)
            if (REPO / item).is_dir():
                shutil.copytree(REPO / item, target, ignore=_CACHES)
            else:
                shutil.copy2(REPO / item, target)

    def command(
        self, domain: str, env: Mapping[str, str]
    ) -> tuple[list[str], dict[str, str]]:
        """Start a child in the root folder (its variables go through ``env -i``)."""
        extra = dict(env)
        if domain == CORE:
            extra["PYTHONPATH"] = (
                f"{self.BENCH}/overlay/{_overlay_name(self.core_requirement)}"
            )
        command = self._enter(
            f"{self.BENCH}/venv/bin/python {self.BENCH}/src/benchmarks/child.py "
            f"--domain {domain}",
            extra,
        )
        return command, dict(os.environ)

    def describe(self) -> str:
        """Say where the children run."""
        return f"Debian testing root folder {self.root} ({self.BENCH}/venv)"


class Host(Environment):
    """The project's .venv on this machine (the benchmark's own Python)."""

    name = "host"

    def __init__(self) -> None:
        """Use the running interpreter's environment."""
        self.overlays = REPO / ".bench" / "overlay"
        self.core_requirement = ""

    def prepare(self) -> None:
        """Install the built-in integration's renault-api next to .venv."""
        spec = importlib.util.find_spec("homeassistant")
        if spec is None or not spec.submodule_search_locations:
            msg = "Home Assistant is not installed here (run scripts/setup)"
            raise SetupError(msg)
        homeassistant = Path(next(iter(spec.submodule_search_locations)))
        self.core_requirement = _core_requirement(homeassistant)
        overlay = self.overlays / _overlay_name(self.core_requirement)
        if not overlay.exists():
            print(f"Installing {self.core_requirement} in {overlay} ...")
            subprocess.run(  # noqa: S603 - our own fixed command
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--no-deps",
                    "--target",
                    str(overlay),
                    self.core_requirement,
                ],
                check=True,
            )

    def command(
        self, domain: str, env: Mapping[str, str]
    ) -> tuple[list[str], dict[str, str]]:
        """Start a child with this interpreter."""
        variables = {**os.environ, **env}
        variables.pop("PYTHONPATH", None)
        if domain == CORE:
            overlay = self.overlays / _overlay_name(self.core_requirement)
            variables["PYTHONPATH"] = str(overlay)
        command = [sys.executable, str(REPO / "benchmarks" / "child.py")]
        return [*command, "--domain", domain], variables

    def describe(self) -> str:
        """Say where the children run."""
        return f"this machine's {Path(sys.prefix).name} ({sys.executable})"
