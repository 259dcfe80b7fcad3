"""Writes and Redis traffic per request on PostgreSQL + Redis, for the capacity model.

    .venv/bin/python bench/writes.py                       # what `make bench-writes` runs
    .venv/bin/python bench/writes.py --runs 1 --seconds 3  # a quick look

Makes its own PostgreSQL database (`cms_bench_writes` on `--postgres`, dropped first),
migrates it and writes a 500-post site into it (`bench/site.py`), starts its own
`redis-server` on a free port (stopped by PID), and one `cms serve` on core 0 joined to
both, its response cache off and its rate limits out of the way. wrk on core 1 then
sends, `-t1 -c16`, median of the runs:

- `likePost` from a new visitor id on every request, over the published posts;
- `addComment` on those posts (held or approved by the moderation rules, a write
  either way: the comment row, the post's counter, the moderation event);
- the executed post page (`bench/documents.py`), for reads on PostgreSQL.

"Redis ops" is the number of commands the Redis server processed during the runs
divided by the requests answered (`INFO stats`), housekeeping included. The table is
also written to `bench/out/writes.md`.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.documents import post_page_body  # noqa: E402
from bench.side_by_side import OUT, PYTHON, free_port, require, start, today_and_commit, wrk_errors  # noqa: E402
from bench.site import slug_of  # noqa: E402

POSTS = 500
DATABASE = "cms_bench_writes"
LIKE = (
    "mutation BenchLike($p: ID!, $v: String!) { likePost(postId: $p, visitorId: $v) { likeCount } }"
)
COMMENT = "mutation BenchComment($input: AddCommentInput!) { addComment(input: $input) { id } }"


def post_ids() -> list[str]:
    """Global ids of the generated site's published posts (one in 50 is a draft)."""
    return [
        base64.b64encode(f"Post:{n}".encode()).decode() for n in range(1, POSTS + 1) if n % 50 != 0
    ]


def lua_script(kind: str) -> str:
    """A wrk script sending `kind` with a fresh visitor id or author on each request."""
    ids = ", ".join(json.dumps(i) for i in post_ids())
    # json.dumps twice: the query as a JSON string, written as a Lua string literal.
    query = json.dumps(json.dumps(LIKE if kind == "like" else COMMENT))
    if kind == "like":
        variables = """'"p":"' .. id .. '","v":"bench-' .. n .. '"'"""
    else:
        variables = (
            """'"input":{"postId":"' .. id .. '","author":"Reader ' .. n .. """
            """'","body":"A measured comment, number ' .. n .. '."}'"""
        )
    return (
        f"local ids = {{{ids}}}\n"
        f"local query = {query}\n"
        "local n = 0\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        "request = function()\n"
        "  n = n + 1\n"
        "  local id = ids[n % #ids + 1]\n"
        f"""  local body = '{{"query":' .. query .. ',"variables":{{' .. {variables} .. '}}}}'\n"""
        "  return wrk.format(nil, nil, nil, body)\n"
        "end\n"
    )


def run_wrk(url: str, script: Path, seconds: float, connections: int) -> tuple[float, int, int]:
    """(req/s, requests, errors) of one wrk run."""
    output = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s",
         "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return rps, requests, wrk_errors(output)


def prepare_database(postgres: str) -> str:
    admin = f"{postgres.rstrip('/')}/postgres"
    url = f"{postgres.rstrip('/')}/{DATABASE}"
    for statement in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(["psql", admin, "-qc", statement], check=True, capture_output=True)
    print(f"writing a site of {POSTS} posts into {url} ...", flush=True)
    subprocess.run(
        [PYTHON, "bench/site.py", "--posts", str(POSTS), "--database", url], cwd=ROOT, check=True
    )
    return url


def start_redis(work: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(work)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("redis-server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    require("wrk", "taskset", "redis-server", "psql")
    print(
        f"{today_and_commit()}: cms serve on core 0 "
        f"(PostgreSQL + Redis), wrk -t1 -c{args.connections} on core 1, "
        f"median of {args.runs} × {args.seconds:g} s",
        flush=True,
    )
    url = prepare_database(args.postgres)
    rows = [
        "| request | req/s | errors | Redis ops / request |",
        "|---|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        redis_process, redis_port = start_redis(work)
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = {
            "CMS_DATABASE_URL": url,
            "CMS_REDIS_URL": redis_url,
            "CMS_RESPONSE_CACHE_TTL": "0",
            "CMS_LIKE_RATE": "100000000/minute",
            "CMS_COMMENT_RATE": "100000000/minute",
            "CMS_SECRET_KEY": "bench-writes-secret-key-of-enough-length",
        }
        cms = start("cms", "/graphql", [str(ROOT / ".venv" / "bin" / "cms"), "serve"], env)
        counter = redis.Redis.from_url(redis_url)
        try:
            for kind in ("like", "comment"):
                (work / f"{kind}.lua").write_text(lua_script(kind))
            (work / "read.lua").write_text(
                'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = {json.dumps(post_page_body(slug_of(POSTS // 2 + 1)).decode())}\n"
            )
            probe = httpx.post(
                cms.url,
                json={"query": LIKE, "variables": {"p": post_ids()[0], "v": "probe"}},
                timeout=30,
            ).json()
            if "errors" in probe:
                raise SystemExit(f"likePost failed: {probe['errors']}")
            for name, script in (
                ("likePost", "like.lua"),
                ("addComment", "comment.lua"),
                ("post page (executed)", "read.lua"),
            ):
                run_wrk(cms.url, work / script, 1, args.connections)  # warm up
                before = int(counter.info("stats")["total_commands_processed"])
                runs = [
                    run_wrk(cms.url, work / script, args.seconds, args.connections)
                    for _ in range(args.runs)
                ]
                after = int(counter.info("stats")["total_commands_processed"])
                requests = sum(r[1] for r in runs)
                ops = (after - before - 2) / max(requests, 1)  # the two INFO calls
                row = (
                    f"| {name} | {statistics.median(r[0] for r in runs):,.0f} | "
                    f"{sum(r[2] for r in runs)} | {ops:.1f} |"
                )
                rows.append(row)
                print(row, flush=True)
        finally:
            cms.process.terminate()
            cms.process.wait(20)
            redis_process.terminate()
            redis_process.wait(10)
    OUT.mkdir(exist_ok=True)
    (OUT / "writes.md").write_text("\n".join(rows) + "\n")
    print(f"\nwritten to {OUT / 'writes.md'}")
    if os.environ.get("CMS_BENCH_KEEP_DATABASE") != "1":
        admin = f"{args.postgres.rstrip('/')}/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=False)


if __name__ == "__main__":
    main()
