"""Finish Home Assistant's onboarding for the demo user, before Home Assistant starts.

    python scripts/onboard_demo.py CONFIG_DIR [--name Demo] [--username demo]
        [--password demo] [--port 8123]

Writes, with Home Assistant's own classes (so the password hash and the storage
formats are the ones the installed version reads):

- the login ``demo`` / ``demo`` of the Home Assistant auth provider,
- the user "Demo" linked to it, in the administrators group (and owner, when it
  is the first user),
- a person for that user (as the onboarding wizard creates),
- every onboarding step marked done,
- Home Assistant's port: from 2026.11 in its own HTTP settings store (YAML
  would be taken as an unconfirmed trial and reverted five minutes after the
  start); before 2026.11 in ``packages/http.yaml``, which configuration.yaml
  includes.

Idempotent: what exists is kept (an existing login keeps its password), only
what is missing is added. Location, time zone, units and language come from
configuration.yaml. Run it while Home Assistant is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from homeassistant import runner
from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.providers.homeassistant import HassAuthProvider
from homeassistant.components import onboarding, person
from homeassistant.config_entries import ConfigEntries
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import slugify


async def _ensure_user(
    hass: HomeAssistant, name: str, username: str, password: str
) -> tuple[str, list[str]]:
    """Return the user id of the login, creating the login and user if needed."""
    done: list[str] = []
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    provider = hass.auth.auth_providers[0]
    assert isinstance(provider, HassAuthProvider)  # noqa: S101 - configured above
    await provider.async_initialize()
    assert provider.data is not None  # noqa: S101 - loaded by async_initialize
    if all(entry["username"] != username for entry in provider.data.users):
        await provider.async_add_auth(username, password)
        done.append(f"login {username}")
    credentials = await provider.async_get_or_create_credentials({"username": username})
    user = (
        None
        if credentials.is_new
        else await hass.auth.async_get_user_by_credentials(credentials)
    )
    if user is None:
        user = await hass.auth.async_create_user(name, group_ids=[GROUP_ID_ADMIN])
        await hass.auth.async_link_user(user, credentials)
        done.append(f"user {name!r}" + (" (owner)" if user.is_owner else ""))
    return user.id, done


async def _ensure_person(hass: HomeAssistant, name: str, user_id: str) -> list[str]:
    """Add a person for the user, as the onboarding wizard does."""
    store = person.PersonStore(hass, person.STORAGE_VERSION, person.STORAGE_KEY)
    data: dict[str, Any] = await store.async_load() or {"items": []}
    items: list[dict[str, Any]] = data.setdefault("items", [])
    if any(item.get("user_id") == user_id for item in items):
        return []
    taken = {item.get("id") for item in items}
    person_id = slugify(name) or "person"
    suffix = 2
    while person_id in taken:
        person_id = f"{slugify(name)}_{suffix}"
        suffix += 1
    items.append(
        {"id": person_id, "name": name, "user_id": user_id, "device_trackers": []}
    )
    await store.async_save(data)
    return [f"person {name!r}"]


async def _ensure_onboarded(hass: HomeAssistant) -> list[str]:
    """Mark every onboarding step done."""
    store = onboarding.OnboardingStorage(
        hass, onboarding.STORAGE_VERSION, onboarding.STORAGE_KEY, private=True
    )
    data: dict[str, Any] = dict(await store.async_load() or {"done": []})
    done = list(data.get("done", []))
    missing = [step for step in onboarding.STEPS if step not in done]
    if not missing:
        return []
    data["done"] = done + missing
    await store.async_save(data)  # type: ignore[arg-type]
    return [f"onboarding steps {', '.join(missing)}"]


async def _ensure_port(hass: HomeAssistant, config_dir: Path, port: int) -> list[str]:
    """Make Home Assistant listen on the port, as the installed version reads it."""
    package = config_dir / "packages" / "http.yaml"
    try:
        from homeassistant.components.http import config as http_config  # noqa: PLC0415
    except ImportError:  # before 2026.11: the port is YAML
        text = f"# Written by scripts/onboard_demo.py\nhttp:\n  server_port: {port}\n"
        if package.is_file() and package.read_text(encoding="utf-8") == text:
            return []
        package.parent.mkdir(exist_ok=True)
        package.write_text(text, encoding="utf-8")
        return [f"port {port} (packages/http.yaml)"]
    with contextlib.suppress(FileNotFoundError):
        package.unlink()
    store = await http_config.async_get_and_load_store(hass)
    if store.stable.get("server_port") == port and store.pending is None:
        return []
    await store.async_set_pending({**store.stable, "server_port": port})
    if store.pending is not None:
        await store.async_promote_pending()
    return [f"port {port} (HTTP settings)"]


async def _run(
    config_dir: Path, name: str, username: str, password: str, port: int
) -> None:
    """Write what is missing, and save it."""
    hass = HomeAssistant(str(config_dir))
    # The auth store reads the registries; load them as Home Assistant's auth
    # script does (newer versions set the device registry up after the entries).
    if hasattr(dr, "async_setup"):
        hass.config_entries = ConfigEntries(hass, {})
        await hass.config_entries.async_initialize()
        dr.async_setup(hass)
    await asyncio.gather(dr.async_load(hass), er.async_load(hass))
    user_id, done = await _ensure_user(hass, name, username, password)
    done += await _ensure_person(hass, name, user_id)
    done += await _ensure_onboarded(hass)
    done += await _ensure_port(hass, config_dir, port)
    # Stopping writes the stores that save with a delay (the auth store); this
    # instance never ran, hence force.
    logging.getLogger("homeassistant.core").setLevel(logging.WARNING)
    await hass.async_stop(force=True)
    summary = "; ".join(done) if done else "already done"
    print(f"onboard_demo: {config_dir}: {summary}")  # noqa: T201


def main() -> None:
    """Read the command line and onboard."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("config_dir", type=Path)
    parser.add_argument("--name", default="Demo")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="demo")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("HA_PORT", "8123"))
    )
    arguments = parser.parse_args()
    config_dir: Path = arguments.config_dir.resolve()
    (config_dir / ".storage").mkdir(parents=True, exist_ok=True)
    work = _run(
        config_dir,
        arguments.name,
        arguments.username,
        arguments.password,
        arguments.port,
    )
    # Home Assistant's own event loop, as its auth script uses: a loop factory
    # in recent versions, an event loop policy in older ones (2025.4).
    if loop_factory := getattr(runner, "create_event_loop", None):
        asyncio.run(work, loop_factory=loop_factory)
    else:
        asyncio.set_event_loop_policy(runner.HassEventLoopPolicy(debug=False))
        asyncio.run(work)


if __name__ == "__main__":
    main()
