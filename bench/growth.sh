#!/usr/bin/env bash
# The cost of growth: the newest 20 of a section at 1,000,000 published items against 10,000,
# on SQLite, with the response cache off so every request runs the queries:
#
#     bash bench/growth.sh [SMALL] [LARGE]     # defaults 10000 and 1000000
#
# Seeds two databases, serves each in turn, and measures the list with wrk: one connection for
# the latency of a lone reader, 64 for throughput. Appends nothing; prints a table to paste
# under "Growth" in docs/benchmarks.md. Seeding a million items takes about ten minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL="${1:-10000}"
LARGE="${2:-1000000}"
DURATION="${BENCH_DURATION:-10s}"
PORT="${BENCH_PORT:-18182}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release -p portal
BIN="$PWD/target/release/portal"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

latency() { # connections url -> "req/s|p50|p99"
    local out
    out="$(wrk -t1 -c"$1" -d"$DURATION" --latency "$2")"
    echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}')|$(echo "$out" | awk '$1 == "50%" {print $2}')|$(echo "$out" | awk '$1 == "99%" {print $2}')"
}

measure() { # items
    local items="$1" db="$WORK/growth-$1.db" started=$SECONDS
    "$BIN" seed --database "sqlite://$db" --demo-content "$items" > /dev/null
    local seeded=$((SECONDS - started))
    PORTAL_DATABASE_URL="sqlite://$db" PORTAL_BIND="127.0.0.1:$PORT" PORTAL_JOB_INTERVAL_SECS=0 \
        PORTAL_PUBLIC_CACHE_MB=0 RUST_LOG=error PORTAL_DATA_DIR="$WORK" "$BIN" serve > "$WORK/$items.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
    local base="http://127.0.0.1:$PORT/api/v1" section
    section="$(curl -sf "$base/sites/quang-nam/sections?flat=true&limit=100" | json "[s['id'] for s in d['items'] if s['slug']=='tin-tuc-su-kien'][0]")"
    local url="$base/content?section=$section&limit=20"
    local one many
    one="$(latency 1 "$url")"
    many="$(latency 64 "$url")"
    kill -TERM "$pid"; wait "$pid" || true
    echo "$items|$seeded|$one|$many"
}

small="$(measure "$SMALL")"
large="$(measure "$LARGE")"
python3 - "$small" "$large" <<'PY'
import sys

def ms(v):
    for unit, f in (("us", 0.001), ("ms", 1), ("s", 1000)):
        if v.endswith(unit) and (unit != "s" or not v.endswith(("us", "ms"))):
            return float(v[: -len(unit)]) * f
    return float(v)

rows = [r.split("|") for r in sys.argv[1:]]
print("| items | seeding | 1 connection: req/s | p50 | p99 | 64 connections: req/s | p50 | p99 |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {int(r[0]):,} | {r[1]} s | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} | {r[7]} |")
(s, l) = rows
print()
print(f"Large against small, one connection: p50 {ms(l[3]) / ms(s[3]):.2f}x, "
      f"req/s {float(s[2]) / float(l[2]):.2f}x slower; "
      f"64 connections: p50 {ms(l[6]) / ms(s[6]):.2f}x, req/s {float(s[5]) / float(l[5]):.2f}x slower.")
PY
