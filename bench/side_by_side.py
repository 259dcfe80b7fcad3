"""Executed and cached GraphQL reads side by side with two floors, in one run.

    .venv/bin/python bench/side_by_side.py                 # what `make bench` runs
    .venv/bin/python bench/side_by_side.py --sizes 500 --runs 1 --seconds 3

For each site size it generates (once, kept in bench/out/) a site in the shape of
`bench/site.py`, then drives four servers with wrk, each server pinned to core 0 and
wrk to core 1 (`taskset`), loopback only, a fixed time per run, in rounds that
visit every server in turn:

- `cms`: `cms serve` with the response cache off: every request executed;
- `cms cached`: `cms serve` with its default response cache;
- `floor sql`: the same answers from hand-written SQL + orjson in bare Starlette
  (`bench/floor.py`), the target executed requests are measured against;
- `floor bytes`: precomputed bytes from the same app, the target for cached ones.

It checks first that every server gives the same answer, counts the SQL statements
each request runs (the CMS's own `CMS_DEBUG` count), and prints req/s (median of the
runs), p50 and p99 latency, statements, and the ratio to the floor of its kind.
Needs `wrk` (Debian's package) and `taskset`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.documents import feed_body, post_page_body  # noqa: E402
from bench.site import slug_of  # noqa: E402

OUT = ROOT / "bench" / "out"
MIGRATIONS = ROOT / "cms" / "db" / "migrations"
PYTHON = sys.executable


@dataclass
class Server:
    name: str
    port: int
    path: str
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def site(posts: int) -> Path:
    """The generated site of this size, made once and reused by later runs."""
    OUT.mkdir(exist_ok=True)
    # Named after the newest migration: a site generated before a schema change is made
    # again rather than served by code that expects columns it lacks.
    schema = max(p.stem.split("_")[0] for p in MIGRATIONS.glob("0*.py"))
    path = OUT / f"site-{posts}-{schema}.sqlite3"
    for stale in OUT.glob(f"site-{posts}.sqlite3"):
        stale.unlink()
    for stale in OUT.glob(f"site-{posts}-*.sqlite3"):
        if stale != path:
            stale.unlink()
    if not path.exists():
        print(f"generating a site of {posts:,} posts into {path} ...", flush=True)
        partial = path.with_suffix(".partial")
        for leftover in OUT.glob(f"{partial.name}*"):
            leftover.unlink()
        subprocess.run(
            [PYTHON, "bench/site.py", "--posts", str(posts), "--database", f"sqlite://{partial}"],
            cwd=ROOT,
            check=True,
        )
        partial.rename(path)
    return path


def start(name: str, path: str, command: list[str], env: dict[str, str]) -> Server:
    port = free_port()
    env = {**os.environ, **env, "CMS_PORT": str(port)}
    pinned = ["taskset", "-c", "0", *command]
    if command[0] == "uvicorn":
        pinned = ["taskset", "-c", "0", PYTHON, "-m", *command, "--port", str(port),
                  "--no-access-log"]  # fmt: skip  # as `cms serve` by default
    process = subprocess.Popen(
        pinned, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server(name, port, path, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{name} did not start on port {port}")


def wrk(url: str, body: bytes, seconds: float, connections: int, work: Path) -> Result:
    script = work / "body.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(body.decode())}\n"
    )
    output = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]

    def percentile(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return Result(rps, percentile("50"), percentile("99"), wrk_errors(output))


def wrk_errors(output: str) -> int:
    """Answers that were not 2xx or 3xx, and timeouts, in what wrk printed."""
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"timeout (\d+)"):
        if found := re.search(pattern, output):
            errors += int(found.group(1))
    return errors


def answers(servers: list[Server], body: bytes) -> dict[str, object]:
    return {
        s.name: httpx.post(s.url, content=body, headers={"content-type": "application/json"},
                           timeout=30).json()
        for s in servers
    }  # fmt: skip


async def cms_statements(database: Path, body: bytes) -> int:
    """SQL statements the CMS runs for one request, from its debug count."""
    from asgi_lifespan import LifespanManager

    from cms.http.app import create_app
    from cms.settings import Settings

    settings = replace(Settings.from_env(), database_url=f"sqlite://{database}", debug=True)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cms") as client:
            response = await client.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
    return int(response.json()["extensions"]["sql"]["count"])


def require(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            raise SystemExit(f"`{tool}` is needed: apt-get install it (Debian's package)")


def today_and_commit() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return f"{datetime.now(UTC):%Y-%m-%d}, commit {commit or '?'}"


def measure(args: argparse.Namespace) -> list[str]:
    rows = [
        "| posts | document | server | req/s | p50 ms | p99 ms | errors | statements | × floor |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for posts in args.sizes:
        database = site(posts)
        bodies = {"post page": post_page_body(slug_of(posts // 2 + 1)), "feed": feed_body()}
        cms_command = [str(ROOT / ".venv" / "bin" / "cms"), "serve"]
        db_env = {"CMS_DATABASE_URL": f"sqlite://{database}"}
        # The floors are measured first, so each CMS row can give its ratio.
        servers = [
            start("floor sql", "/graphql", ["uvicorn", "bench.floor:app"], db_env),
            start("floor bytes", "/bytes", ["uvicorn", "bench.floor:app"], db_env),
            start("cms", "/graphql", cms_command, {**db_env, "CMS_RESPONSE_CACHE_TTL": "0"}),
            start("cms cached", "/graphql", cms_command, db_env),
        ]
        try:
            with tempfile.TemporaryDirectory() as scratch:
                work = Path(scratch)
                for document, body in bodies.items():
                    got = answers(servers, body)
                    expected = got["floor sql"]
                    for name, answer in got.items():
                        if answer != expected:
                            raise SystemExit(f"{name} answers {document} differently:\n{answer}")
                    statements = {
                        "cms": asyncio.run(cms_statements(database, body)),
                        "cms cached": 0,
                        "floor sql": 3 if document == "post page" else 1,
                        "floor bytes": 0,
                    }
                    for server in servers:
                        wrk(server.url, body, 1, args.connections, work)  # warm up
                    # Rounds of every server in turn, so that a noisy neighbour slows
                    # the floors and the CMS alike and the ratios stay comparable.
                    runs: dict[str, list[Result]] = {server.name: [] for server in servers}
                    for _ in range(args.runs):
                        for server in servers:
                            runs[server.name].append(
                                wrk(server.url, body, args.seconds, args.connections, work)
                            )
                    results: dict[str, Result] = {}
                    medians: dict[str, float] = {}
                    for server in servers:
                        ordered = sorted(runs[server.name], key=lambda r: r.rps)
                        results[server.name] = ordered[len(ordered) // 2]
                        medians[server.name] = statistics.median(r.rps for r in ordered)
                    for server in servers:
                        floor = {"cms": "floor sql", "cms cached": "floor bytes"}.get(server.name)
                        median = medians[server.name]
                        ratio = f"{median / medians[floor]:.2f}" if floor else "1.00"
                        result = results[server.name]
                        row = (
                            f"| {posts:,} | {document} | {server.name} | {median:,.0f} | "
                            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | "
                            f"{statements[server.name]} | {ratio} |"
                        )
                        rows.append(row)
                        print(row, flush=True)
        finally:
            for server in servers:
                server.process.terminate()
            for server in servers:
                server.process.wait(10)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[500, 20000])  # fmt: skip
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    require("wrk", "taskset")
    print(
        f"{today_and_commit()}: each server on core 0, "
        f"wrk -t1 -c{args.connections} on core 1, median of {args.runs} × {args.seconds:g} s",
        flush=True,
    )
    rows = measure(args)
    (OUT / "side-by-side.md").write_text("\n".join(rows) + "\n")
    print(f"\nwritten to {OUT / 'side-by-side.md'}")


if __name__ == "__main__":
    main()
