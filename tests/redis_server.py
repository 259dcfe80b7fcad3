"""A redis-server of a test's own on a free port, to stop and start again by PID.

Never the shared test Redis: outage tests kill this one. Under CI=true a missing
`redis-server` binary fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.processes import free_port


class RedisServer:
    """One redis-server process at a time on a fixed port; nothing is persisted."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.process is None, "already running"
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=log,
            stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                client = redis.Redis.from_url(self.url, socket_timeout=1)
                try:
                    if client.ping():
                        return
                finally:
                    client.close()
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """End it as a crash would (SIGKILL): everything it held is gone."""
        assert self.process is not None, "not running"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None


def running_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A running redis-server of the test's own, killed at the end (for a fixture)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true requires the redis-server binary")
        pytest.skip("needs the redis-server binary")
    server = RedisServer(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.kill()
