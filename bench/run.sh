#!/usr/bin/env bash
# Load benchmark of the public API, on SQLite then PostgreSQL, in one run:
#
#     bash bench/run.sh [ITEMS]        # ITEMS defaults to 100000
#
# Builds the release binary, seeds ITEMS demo items, starts the server, and measures with wrk
# (64 connections) GET /healthz (the framework's ceiling on this machine), the newest 20 of a
# section, an item by slug, a search for an unaccented two-word query, and a conditional GET
# answered 304, the list to a client that takes gzip, then the list, the item and the search
# again with the response cache off (the cost of a cache miss), and the newest 20 of a content
# type of ITEMS more items unfiltered, by an enum filter and by two filters (cache off). Writes
# the table to docs/benchmarks.md, keeping the notes below the table. Figures are ratios to /healthz of the same run, because these machines are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."

ITEMS="${1:-100000}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PORT="${BENCH_PORT:-18181}"
PG_ADMIN="${PORTAL_CI_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release -p portal
BIN="$PWD/target/release/portal"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROWS="$WORK/rows.md"
: > "$ROWS"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

measure() { # name url [header]
    local name="$1" url="$2" header="${3:-}" out rps p50 p99
    if [ -n "$header" ]; then
        out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$header" "$url")"
    else
        out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url")"
    fi
    rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
    p50="$(echo "$out" | awk '$1 == "50%" {print $2}')"
    p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
    non2xx="$(echo "$out" | awk '/Non-2xx/ {print $5}')"
    echo "$name|$rps|$p50|$p99|${non2xx:-0}"
}

start_server() { # label database-url log [ENV=VALUE...]; prints the pid
    local label="$1" url="$2" log="$3"
    shift 3
    env "$@" PORTAL_DATABASE_URL="$url" PORTAL_BIND="127.0.0.1:$PORT" PORTAL_JOB_INTERVAL_SECS=0 \
        RUST_LOG=error PORTAL_DATA_DIR="$WORK" "$BIN" serve > "$log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
    echo "$pid"
}

stop_server() { # pid; prints its peak resident memory
    awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$1/status"
    kill -TERM "$1"
    # Started in a subshell, so not this shell's child: wait for it to be gone.
    while kill -0 "$1" 2> /dev/null; do sleep 0.1; done
}

run_backend() { # label database-url
    local label="$1" url="$2"
    echo "== $label: seeding $ITEMS items"
    local started=$SECONDS
    "$BIN" seed --database "$url" --demo-content "$ITEMS" --demo-typed "$ITEMS" > /dev/null
    local seeded=$((SECONDS - started))
    local pid
    pid="$(start_server "$label" "$url" "$WORK/$label.log")"
    local base="http://127.0.0.1:$PORT/api/v1"
    local section slug etag
    section="$(curl -sf "$base/sites/quang-nam/sections?flat=true&limit=100" | json "[s['id'] for s in d['items'] if s['slug']=='tin-tuc-su-kien'][0]")"
    slug="$(curl -sf "$base/content?section=$section&language=vi&limit=1" | json "d['items'][0]['slug']")"
    etag="$(curl -sf -D - -o /dev/null "$base/content?section=$section&limit=20" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')"
    local list="$base/content?section=$section&limit=20"
    local item="$base/sites/quang-nam/content/vi/$slug"
    local search="$base/search?q=dau%20tu"
    local typed="$base/types/demo-van-ban/items?site=quang-nam&limit=20"
    {
        measure "GET /healthz" "http://127.0.0.1:$PORT/healthz"
        measure "newest 20 of a section" "$list"
        measure "item by slug" "$item"
        measure "search \"dau tu\"" "$search"
        measure "conditional GET (304)" "$list" "If-None-Match: $etag"
        measure "newest 20 of a section, gzip" "$list" "Accept-Encoding: gzip"
    } > "$WORK/$label.tsv"
    local peak
    peak="$(stop_server "$pid")"
    # The same requests with the response cache off: what every cache miss costs.
    pid="$(start_server "$label" "$url" "$WORK/$label-uncached.log" PORTAL_PUBLIC_CACHE_MB=0)"
    {
        measure "newest 20 of a section, cache off" "$list"
        measure "item by slug, cache off" "$item"
        measure "search \"dau tu\", cache off" "$search"
        measure "newest 20 of a content type, cache off" "$typed"
        measure "newest 20 of a content type by an enum filter, cache off" "$typed&filter%5Bloai%5D=chi-thi"
        measure "newest 20 of a content type by two filters, cache off" "$typed&filter%5Bloai%5D=chi-thi&filter%5Bkinh_phi%5D%5Bgte%5D=500000000"
    } >> "$WORK/$label.tsv"
    local peak_uncached
    peak_uncached="$(stop_server "$pid")"
    local ceiling
    ceiling="$(head -n1 "$WORK/$label.tsv" | cut -d'|' -f2)"
    while IFS='|' read -r name rps p50 p99 non2xx; do
        ratio="$(python3 -c "print(f'{$rps / $ceiling:.1%}')")"
        echo "| $label | $name | $rps | $ratio | $p50 | $p99 | $non2xx |" >> "$ROWS"
    done < "$WORK/$label.tsv"
    echo "| $label | peak server memory (VmHWM) | $peak | | | | |" >> "$ROWS"
    echo "| $label | peak server memory, cache off | $peak_uncached | | | | |" >> "$ROWS"
    echo "| $label | seeding $ITEMS items and $ITEMS typed items | ${seeded} s | | | | |" >> "$ROWS"
}

run_backend sqlite "sqlite://$WORK/bench.db"

if psql "$PG_ADMIN" -Atc 'SELECT 1' > /dev/null 2>&1; then
    db="portal_bench_$$"
    psql "$PG_ADMIN" -qc "CREATE DATABASE $db"
    pg_url="${PG_ADMIN%/*}/$db"
    run_backend postgres "$pg_url"
    psql "$PG_ADMIN" -qc "DROP DATABASE $db WITH (FORCE)"
fi

cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
# Everything from the first "## " heading on is prose about the figures; it is kept.
notes="$(awk '/^## /{found=1} found' docs/benchmarks.md 2> /dev/null || true)"
{
    echo "# Benchmarks"
    echo
    echo "Public API under load, measured by \`bash bench/run.sh $ITEMS\` on $(date -u +%Y-%m-%d):"
    echo "$(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) of memory, wrk with"
    echo "$CONNECTIONS connections for $DURATION per line, server and load generator on the same machine. \"vs ceiling\" is"
    echo "the rate relative to \`GET /healthz\` in the same run on the same backend."
    echo
    echo "| backend | request | req/s | vs ceiling | p50 | p99 | non-2xx |"
    echo "|---|---|---|---|---|---|---|"
    cat "$ROWS"
    echo
    echo "non-2xx is wrk's count of answers with a status of 400 or more (a 304 is not one of them)."
    if [ -n "$notes" ]; then
        echo
        echo "$notes"
    fi
} > docs/benchmarks.md.new
mv docs/benchmarks.md.new docs/benchmarks.md
cat docs/benchmarks.md
