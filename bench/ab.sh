#!/usr/bin/env bash
# A/B of two builds on the same machine, alternating, so that run-to-run noise (which reached
# ±25% between whole `bench/run.sh` runs here) does not read as a change:
#
#     bash bench/ab.sh OLD_BINARY NEW_BINARY [ITEMS]     # ITEMS defaults to 20000
#
# e.g. build the previous commit's release binary in a worktree, copy it aside, build this one.
# Measures, three rounds each, with wrk (64 connections, 5 s): on SQLite the cached list plain
# and gzip and /healthz; on PostgreSQL the list with the response cache off.
set -euo pipefail
OLD="${1:?old binary}"; NEW="${2:?new binary}"; ITEMS="${3:-20000}"
PG="${PORTAL_CI_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG%/*}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
W=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for db in ab_old ab_new; do psql "$PG" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT
serve() { # binary database-url port [ENV=VALUE...]
    local bin="$1" url="$2" port="$3"; shift 3
    env "$@" PORTAL_DATABASE_URL="$url" PORTAL_BIND="127.0.0.1:$port" PORTAL_JOB_INTERVAL_SECS=0 \
        RUST_LOG=error PORTAL_DATA_DIR="$W" "$bin" serve >/dev/null 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
}
rate() { wrk -t2 -c64 -d5s "$@" | awk '/Requests\/sec/ {print $2}'; }
section() { curl -s "http://127.0.0.1:$1/api/v1/sites/quang-nam/sections?flat=true&limit=1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])'; }

"$OLD" seed --database "sqlite://$W/old.db" --demo-content "$ITEMS" >/dev/null
"$NEW" seed --database "sqlite://$W/new.db" --demo-content "$ITEMS" >/dev/null
serve "$OLD" "sqlite://$W/old.db" 18301; serve "$NEW" "sqlite://$W/new.db" 18302
SEC=$(section 18302)
echo "| round | build | sqlite list | sqlite list gzip | sqlite /healthz |"
echo "|---|---|---|---|---|"
for round in 1 2 3; do
    for side in old new; do
        port=$([ "$side" = old ] && echo 18301 || echo 18302)
        list="http://127.0.0.1:$port/api/v1/content?section=$SEC&limit=20"
        echo "| $round | $side | $(rate "$list") | $(rate -H 'Accept-Encoding: gzip' "$list") | $(rate "http://127.0.0.1:$port/healthz") |"
    done
done

for db in ab_old ab_new; do psql "$PG" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; psql "$PG" -qc "CREATE DATABASE $db"; done
"$OLD" seed --database "$PG_BASE/ab_old" --demo-content "$ITEMS" >/dev/null
"$NEW" seed --database "$PG_BASE/ab_new" --demo-content "$ITEMS" >/dev/null
serve "$OLD" "$PG_BASE/ab_old" 18311 PORTAL_PUBLIC_CACHE_MB=0
serve "$NEW" "$PG_BASE/ab_new" 18312 PORTAL_PUBLIC_CACHE_MB=0
SEC=$(section 18312)
echo
echo "| round | build | postgres list, cache off |"
echo "|---|---|---|"
for round in 1 2 3; do
    for side in old new; do
        port=$([ "$side" = old ] && echo 18311 || echo 18312)
        echo "| $round | $side | $(rate "http://127.0.0.1:$port/api/v1/content?section=$SEC&limit=20") |"
    done
done
