"""The Home Assistant processes of a benchmark run, seen from the parent."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
from typing import Any

from .environments import Environment
from .protocol import FDS_ENV, Channel, Message

CLOUD_URL_ENV = "RENAULT_CONNECT_CLOUD_URL"  # our integration's documented seam
_STOP_SECONDS = 60.0
_LOG_TAIL = 4000


class ChildError(RuntimeError):
    """A child answered with an error, or died."""


@dataclass
class Child:
    """One Home Assistant process running one integration."""

    name: str
    domain: str
    process: asyncio.subprocess.Process
    channel: Channel
    log: Path

    async def call(self, op: str, **fields: Any) -> Message:
        """Send a command and return its answer (raise ChildError on errors)."""
        self.channel.send({"op": op, **fields})
        try:
            answer = await self.channel.receive()
        except EOFError as exc:
            msg = f"{self.name} died during {op!r}:\n{self.log_tail()}"
            raise ChildError(msg) from exc
        if "error" in answer:
            msg = f"{self.name}: {op!r} failed: {answer['error']}"
            raise ChildError(msg)
        return answer

    def log_tail(self) -> str:
        """Return the end of the child's output."""
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-_LOG_TAIL:]
        return ""

    async def close(self) -> None:
        """Stop the child (politely first)."""
        with contextlib.suppress(ChildError, OSError):
            await asyncio.wait_for(self.call("stop"), _STOP_SECONDS)
        with contextlib.suppress(OSError):
            self.channel.close()
        try:
            await asyncio.wait_for(self.process.wait(), _STOP_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


async def spawn(
    environment: Environment,
    *,
    name: str,
    domain: str,
    cloud_url: str,
    log_dir: Path,
) -> Child:
    """Start a child and open its channel."""
    to_child_read, to_child_write = os.pipe()
    from_child_read, from_child_write = os.pipe()
    command, variables = environment.command(
        domain,
        {
            FDS_ENV: f"{to_child_read},{from_child_write}",
            CLOUD_URL_ENV: cloud_url,
        },
    )
    log = log_dir / f"{name.replace('/', '-')}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
            env=variables,
            pass_fds=(to_child_read, from_child_write),
        )
    os.close(to_child_read)
    os.close(from_child_write)
    channel = await Channel.open(from_child_read, to_child_write)
    return Child(name, domain, process, channel, log)
