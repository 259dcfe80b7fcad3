"""The reference frontend for browser tests: built with Vite, served by `vite preview`
with /graphql proxied to a real `cms serve`, and the Chromium that drives it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.processes import IN_CI, free_port

FRONTEND = Path(__file__).parents[2] / "frontend"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def unavailable(reason: str) -> None:
    """Under CI=true what the browser tests need must be there: a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"CI=true requires the browser tests to run: {reason}")
    pytest.skip(reason)


def chromium_path() -> str:
    named = os.environ.get("CMS_TEST_CHROMIUM")
    if named:
        return named
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    unavailable("no Chromium found (apt-get install -y chromium, or set CMS_TEST_CHROMIUM)")
    raise AssertionError("unreachable")


def npm() -> str:
    found = shutil.which("npm")
    if found is None or not (FRONTEND / "node_modules" / ".bin" / "vite").exists():
        unavailable("the frontend's packages are not installed (cd frontend && npm ci)")
    return found or "npm"


def build(out_dir: Path) -> None:
    """`vite build` of the current sources into `out_dir` (tsc checks them apart)."""
    subprocess.run(
        [npm(), "exec", "--", "vite", "build", "--outDir", str(out_dir), "--emptyOutDir"],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
        timeout=180,
    )


def npm_run(script: str) -> subprocess.CompletedProcess[str]:
    """`npm run <script>` in frontend/, its output kept for the assertion message."""
    return subprocess.run(
        [npm(), "run", "--silent", script],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class Preview:
    """`vite preview` of `out_dir` on a free port, /graphql proxied to `cms_url`."""

    def __init__(self, out_dir: Path, cms_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._out = open(log, "ab")  # noqa: SIM115 - the server keeps it
        self.log = log
        self.process = subprocess.Popen(
            [
                str(FRONTEND / "node_modules" / ".bin" / "vite"),
                "preview",
                "--outDir",
                str(out_dir),
                "--port",
                str(self.port),
                "--strictPort",
            ],
            cwd=FRONTEND,
            env={**os.environ, "CMS_URL": cms_url},
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"vite preview did not start:\n{log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()
