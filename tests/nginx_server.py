"""Debian's nginx, started by a test on a free port with deploy/nginx.conf rewritten for
it (its upstreams, a temporary folder for the cache, pid and logs), stopped by PID."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.processes import IN_CI, free_port

DEPLOYED = Path(__file__).parents[1] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def config_for(upstreams: list[str], port: int, directory: Path) -> str:
    """deploy/nginx.conf with `upstreams` (host:port) for the app instances, listening on
    127.0.0.1:`port`, in the foreground, its files under `directory`."""
    text = DEPLOYED.read_text(encoding="utf-8")
    text = re.sub(r"^\s*(?:# Docker's own DNS.*\n\s*)?resolver .*\n", "", text, flags=re.M)
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    servers = "".join(
        f"        server {address} max_fails=3 fail_timeout=10s;\n" for address in upstreams
    )
    text, count = re.subn(r"(?:^\s*server app\d+:8000[^\n]*\n)+", servers, text, flags=re.M)
    assert count == 1, "deploy/nginx.conf's upstream servers are not where the test looks"
    text = text.replace("zone cms 64k;", "")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace("/var/cache/nginx/cms", str(directory / "cache"))
    head = (
        f"daemon off;\nmaster_process on;\npid {directory}/nginx.pid;\n"
        f"error_log {directory}/error.log info;\n" + ("user root;\n" if os.geteuid() == 0 else "")
    )
    temp = "".join(
        f"    {kind}_temp_path {directory}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", "http {\n" + temp, 1)
    return head + text


class Nginx:
    """nginx in front of `upstreams`; `url` is where it answers."""

    def __init__(self, upstreams: list[str]) -> None:
        if not Path(NGINX).exists():
            if IN_CI:
                pytest.fail("CI=true requires nginx (apt-get install nginx)")
            pytest.skip("the proxy tests need nginx (apt-get install nginx)")
        self.directory = Path(tempfile.mkdtemp(prefix="cms-nginx-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = self.directory / "nginx.conf"
        config.write_text(config_for(upstreams, self.port, self.directory), encoding="utf-8")
        log = (self.directory / "output.log").open("ab")
        self.process = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(self.directory)], stdout=log, stderr=log
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{self.url}/nginx-health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"nginx did not start:\n{self.log()}") from None
                time.sleep(0.1)

    def log(self) -> str:
        return "".join(
            path.read_text(errors="replace")
            for path in (self.directory / "output.log", self.directory / "error.log")
            if path.exists()
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
