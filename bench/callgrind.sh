#!/usr/bin/env bash
# Instructions per cached public answer, repeatable where wall-clock rates are not:
#
#     bash bench/callgrind.sh BINARY [REQUESTS]      # REQUESTS defaults to 2000
#
# Seeds 200 demo items into a temporary SQLite file, runs `BINARY serve` (one worker) under
# callgrind twice — once answering no list request, once answering REQUESTS of the same cached
# list over one keep-alive connection — and prints the difference divided by REQUESTS. Compare two
# builds by running it on each.
set -euo pipefail
BIN="$(realpath "${1:?binary}")"; N="${2:-2000}"; PORT="${BENCH_PORT:-18405}"
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$BIN" seed --database "sqlite://$W/cg.db" --demo-content 200 >/dev/null
run() { # requests; prints the program's instruction total
    local n="$1"
    PORTAL_DATABASE_URL="sqlite://$W/cg.db" PORTAL_BIND="127.0.0.1:$PORT" PORTAL_JOB_INTERVAL_SECS=0 \
        RUST_LOG=error PORTAL_DATA_DIR="$W" PORTAL_WORKERS=1 PORTAL_PUBLIC_CACHE_FRESHNESS_MS=450 \
        valgrind --tool=callgrind --callgrind-out-file="$W/$n.out" "$BIN" serve >"$W/$n.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
    local sec url
    sec=$(curl -s "http://127.0.0.1:$PORT/api/v1/sites/quang-nam/sections?flat=true&limit=1" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    url="/api/v1/content?section=$sec&limit=20"
    curl -s -o /dev/null "http://127.0.0.1:$PORT$url"
    python3 - "$PORT" "$url" "$n" <<'PY'
import http.client, sys
port, url, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("GET", url)
    c.getresponse().read()
PY
    kill -TERM "$pid"; wait "$pid" || true
    awk '/^summary:/ {print $2}' "$W/$n.out"
}
base=$(run 0); with=$(run "$N")
echo "instructions per cached list answer: $(( (with - base) / N ))"
