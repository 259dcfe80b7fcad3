#!/usr/bin/env bash
# Requests/s of the frontend documents with wrk (apt-get install wrk) against a real
# `cms serve` on SQLite seeded with the demo article: loopback only, fixed duration.
#   bash bench/wrk.sh [seconds] [connections]
#   CMS_RESPONSE_CACHE_TTL=0 bash bench/wrk.sh     # every request executed
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
connections=${2:-16}
work=$(mktemp -d)
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export CMS_DATABASE_URL="sqlite://$work/bench.sqlite3" CMS_PORT=$port
.venv/bin/cms migrate >/dev/null
.venv/bin/cms seed >/dev/null
.venv/bin/cms serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

.venv/bin/python - "$work" <<'PY'
import json, sys
from pathlib import Path
slug = "ketamine-therapy-can-change-your-life-work-with-a-therapist-today"
cases = {"post-page": {"slug": slug}, "feed": {}, "search": {"q": "ketamine depression"}}
for name, variables in cases.items():
    query = Path(f"schema/operations/{name}.graphql").read_text()
    body = json.dumps({"query": query, "variables": variables})
    Path(sys.argv[1], f"{name}.lua").write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(body)}\n"
    )
PY
echo "wrk -t2 -c$connections -d${seconds}s, one uvicorn worker, SQLite, response cache TTL ${CMS_RESPONSE_CACHE_TTL:-1} s"
for name in post-page feed search; do
  printf '%-10s ' "$name"
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/$name.lua" "http://127.0.0.1:$port/graphql" \
    | awk '/Requests\/sec/ {printf "%8.0f req/s  ", $2} /Latency/ {printf "mean %s  ", $2} END {print ""}'
done
