"""The line protocol between the benchmark and its Home Assistant processes.

Each message is one JSON object on one line, over a pair of pipes whose file
descriptors the child finds in ``BENCH_FDS`` ("read,write"). Standard library
only: the child imports this module in every environment.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

FDS_ENV = "BENCH_FDS"
_LIMIT = 64 * 1024 * 1024

type Message = dict[str, Any]


class Channel:
    """Send and receive messages over two pipes, from an asyncio loop."""

    def __init__(self, reader: asyncio.StreamReader, write_fd: int) -> None:
        """Wrap an opened reader and the descriptor to write to."""
        self._reader = reader
        self._write_fd = write_fd

    @classmethod
    async def open(cls, read_fd: int, write_fd: int) -> Channel:
        """Open the channel on two inherited or created pipe ends."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_LIMIT)
        protocol = asyncio.StreamReaderProtocol(reader)
        await loop.connect_read_pipe(lambda: protocol, os.fdopen(read_fd, "rb"))
        return cls(reader, write_fd)

    @classmethod
    async def from_environment(cls) -> Channel:
        """Open the channel a parent process handed over in ``BENCH_FDS``."""
        read_fd, write_fd = (int(part) for part in os.environ[FDS_ENV].split(","))
        return await cls.open(read_fd, write_fd)

    def send(self, message: Message) -> None:
        """Write one message (small writes to a pipe do not block for long)."""
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            written = os.write(self._write_fd, view)
            view = view[written:]

    async def receive(self) -> Message:
        """Read one message; raise EOFError when the other side has gone."""
        line = await self._reader.readline()
        if not line:
            msg = "the other process closed the channel"
            raise EOFError(msg)
        message: Message = json.loads(line)
        return message

    def close(self) -> None:
        """Close the write end (the other side then reads EOF)."""
        os.close(self._write_fd)
