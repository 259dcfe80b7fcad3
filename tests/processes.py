"""Processes a test owns: `cms serve` and `cms` commands, its own PostgreSQL cluster,
started on free ports and stopped by PID (the machine's shared services are never touched)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

# Commands run outside the checkout, so that a developer's `.env` there cannot change them.
NEUTRAL_DIR = Path(tempfile.gettempdir())
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[int]:
    """`app` under a real uvicorn in this event loop on a free port, which it yields."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # it could not start: say why
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    return versions[-1] if versions else None


def wait_until_healthy(
    process: subprocess.Popen[Any], base: str, log: Path | None = None, seconds: float = 30
) -> None:
    """Until `base`/healthz answers; fails (with the server's log) if the server ends first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                output = log.read_text(errors="replace") if log is not None else ""
                raise AssertionError(f"cms serve did not start:\n{output}") from None
            time.sleep(0.2)


class Servers:
    """`cms serve` processes and their URLs; `stop()` ends them as an orchestrator would
    (SIGTERM, then a kill after `timeout_s`)."""

    def __init__(self, timeout_s: float = 15) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        self.timeout_s = timeout_s

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class PostgresCluster:
    """A throw-away cluster in a temporary folder, on 127.0.0.1:`port` (trust auth);
    with `standby_of`, a hot standby streaming from that (running) cluster, made by
    `pg_basebackup` (a read replica as production runs one)."""

    def __init__(self, standby_of: PostgresCluster | None = None) -> None:
        binaries = _postgres_bin()
        if binaries is None or not (binaries / "initdb").exists():
            if IN_CI:
                pytest.fail("CI=true requires PostgreSQL's initdb for the fault tests")
            pytest.skip("the fault tests need PostgreSQL's server binaries")
        self.bin = binaries
        # Not under pytest's own temporary folder: the server's user must reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="cms-fault-pg-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        data = str(self.directory / "data")
        if standby_of is None:
            self._as_owner(["initdb", "-D", data, "-A", "trust", "-U", "postgres"])
            return
        # initdb's pg_hba.conf trusts replication connections from 127.0.0.1; -R writes
        # standby.signal and the primary's connection settings.
        self._as_owner(
            [
                "pg_basebackup",
                *("-h", "127.0.0.1", "-p", str(standby_of.port), "-U", "postgres"),
                *("-D", data, "-R", "-X", "stream", "-c", "fast"),
            ]
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _command(self, args: list[str]) -> list[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        # PostgreSQL refuses to run as root: the cluster then belongs to `postgres`.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _as_owner(self, args: list[str]) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(self._command(args), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        log = open(self.directory / "postgres.log", "ab")  # noqa: SIM115 - the server keeps it
        self.process = subprocess.Popen(
            self._command(
                [
                    "postgres",
                    "-D",
                    str(self.directory / "data"),
                    "-p",
                    str(self.port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={self.directory}",
                    "-c",
                    "fsync=off",
                ]
            ),
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while True:
            ready = subprocess.run(
                [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start: see {self.directory}/postgres.log")
            time.sleep(0.1)

    def stop(self) -> None:
        """Fast shutdown (what a restart by an operator or a failover does to clients)."""
        if self.process is None:
            return
        self._as_owner(["pg_ctl", "-D", str(self.directory / "data"), "stop", "-m", "fast", "-w"])
        self.process.wait(timeout=30)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


class Server:
    """`cms serve` with `env`, its output in `log`."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = open(log, "ab")  # noqa: SIM115 - the server keeps it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cms", "serve"],
            env={**os.environ, **env, "CMS_PORT": str(self.port)},
            cwd=log.parent,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        wait_until_healthy(self.process, self.url, log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def run_cms(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "cms", *args],
        env={**os.environ, **env},
        cwd=NEUTRAL_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout
