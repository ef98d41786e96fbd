#!/usr/bin/env bash
# Property-based contract test: the running server against the OpenAPI document it serves.
#
#   bash .ci/schemathesis.sh sqlite:///tmp/st.db
#   bash .ci/schemathesis.sh postgres://postgres@127.0.0.1:5432/st_check   # an empty database
#
# Starts `portal serve` on a free loopback port with that database (it migrates and seeds), adds an
# operator, then runs Schemathesis twice against /api/openapi.json: with the operator's bearer
# token (from POST /api/v1/auth/login), and anonymously; then lints the generated OpenAPI document
# of a seeded content type and runs Schemathesis against it. Exits non-zero when a run reports a
# failure, or when the operator can no longer work afterwards.
#
# Environment (all optional):
#   PORTAL_BIN        the binary (default: target/release/portal, else target/debug/portal)
#   ST_MAX_EXAMPLES   test cases per operation and phase (default 20)
#   ST_SEED           Hypothesis seed (default 20260)
#   ST_WORKERS        concurrent workers (default 2)
#   ST_RUN_TIMEOUT    seconds after which one run is stopped and counted as failed (default 300)
#   ST_CHECKS         --checks value (default all)
#   ST_PHASES         --phases value (default: Schemathesis' own, all four)
#   ST_REPORT_DIR     if set, each run writes JUnit and NDJSON reports under this folder
#   ST_EXTRA_ARGS     more arguments for `st run`, split on spaces
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

DB_URL="${1:?usage: $0 DATABASE_URL (sqlite://PATH or postgres://...)}"

SCHEMATHESIS_VERSION="4.32.5"
CACHE="${PORTAL_CI_CACHE:-$HOME/.cache/portal-ci}"
VENV="$CACHE/venv"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-20}"
SEED="${ST_SEED:-20260}"
WORKERS="${ST_WORKERS:-2}"
RUN_TIMEOUT="${ST_RUN_TIMEOUT:-300}"
CHECKS="${ST_CHECKS:-all}"
USERNAME="it.schema"
PASSWORD="Kiểm thử hợp đồng 2026"

if [ -z "${PORTAL_BIN:-}" ]; then
    if [ -x target/release/portal ]; then PORTAL_BIN="$ROOT/target/release/portal"; else PORTAL_BIN="$ROOT/target/debug/portal"; fi
fi
[ -x "$PORTAL_BIN" ] || { echo "no portal binary at $PORTAL_BIN (build it, or set PORTAL_BIN)" >&2; exit 2; }

step() { printf '\n==> %s\n' "$*"; }

# --- Schemathesis, pinned, in a virtualenv of its own -------------------------------------------
if [ "$("$VENV/bin/st" --version 2>/dev/null || true)" != "st, version $SCHEMATHESIS_VERSION" ]; then
    step "installing schemathesis==$SCHEMATHESIS_VERSION into $VENV"
    mkdir -p "$CACHE"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST="$VENV/bin/st"
PY="$VENV/bin/python"

# --- the server ---------------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/portal-st.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

export PORTAL_DATABASE_URL="$DB_URL" PORTAL_DATA_DIR="$WORK/data" PORTAL_BIND="127.0.0.1:$PORT"
export PORTAL_JOB_INTERVAL_SECS=0 PORTAL_ENV=development
export PORTAL_JWT_SECRET="${PORTAL_JWT_SECRET:-schemathesis-only-$("$PY" -c 'import secrets; print(secrets.token_hex(24))')}"
# An operator's session idles out after 300 s by default, its access token with it: longer than a
# run, so the second run keeps its token to the end.
export PORTAL_REFRESH_IDLE_PRIVILEGED_SECS=3600 PORTAL_REFRESH_IDLE_SECS=3600 PORTAL_ACCESS_TOKEN_TTL_SECS=3600
mkdir -p "$PORTAL_DATA_DIR"

step "starting $PORTAL_BIN serve on $BASE ($DB_URL)"
"$PORTAL_BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready=""
for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then ready=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
done
if [ -z "$ready" ]; then
    echo "the server did not become ready; its log:" >&2
    tail -n 50 "$WORK/server.log" >&2
    exit 1
fi
echo "ready"

# --- an operator ------------------------------------------------------------------------------
step "operator $USERNAME"
printf '%s' "$PASSWORD" | "$PORTAL_BIN" user add --database "$DB_URL" --username "$USERNAME" \
    --agency ttcntt --role operator --site quang-nam --password-stdin
export ST_USERNAME="$USERNAME" ST_PASSWORD="$PASSWORD"
LOGIN_BODY="$("$PY" -c 'import json, os; print(json.dumps({"username": os.environ["ST_USERNAME"], "password": os.environ["ST_PASSWORD"]}))')"
sign_in() {
    curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' --data "$LOGIN_BODY" \
        | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
TOKEN="$(sign_in)"
[ -n "$TOKEN" ] || { echo "sign-in gave no access_token" >&2; exit 1; }
echo "signed in"

# --- Schemathesis -------------------------------------------------------------------------------
# Anonymous: no auto sign-up (Schemathesis would otherwise try POST /admin/users + login itself).
cat >"$WORK/anonymous.toml" <<'TOML'
[auth]
auto-signup = false
# Schemathesis' own list, and 413: an invalid body larger than the 64 KiB request limit is
# refused for its size before its fields are read.
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
TOML
# Operator: Schemathesis signs in itself, POST /api/v1/auth/login -> access_token, and sends it as
# `Authorization: Bearer <token>`. The operator is user 1 of the fresh database, and fuzzed ids
# hit 1 often: granting it a role or moving it to another agency revokes its tokens (by design),
# so on a 401 Schemathesis signs in again and replays the request once.
cat >"$WORK/operator.toml" <<'TOML'
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
[auth]
auto-signup = false
[auth.dynamic.openapi.bearer]
path = "/api/v1/auth/login"
payload = { username = "${ST_USERNAME}", password = "${ST_PASSWORD}" }
extract_selector = "/access_token"
TOML
# Left out of the operator run, because they would end or lock the session it runs with (the
# anonymous run covers them all, each answering 401):
OPERATOR_EXCLUDE=(
    --exclude-path-regex '^/api/v1/auth/(logout|password|totp/.*)$'  # end the session, change its password, second factor
    --exclude-operation-id put_security_settings                     # can require a second factor of operators
    --exclude-operation-id reset_password                            # on user 1: must change password at sign-in
    --exclude-operation-id revoke_role                               # on user 1: may take away its operator role
    --exclude-operation-id login                                     # wrong passwords use up this address's sign-in allowance
)

COMMON=(
    --checks "$CHECKS"
    --max-examples "$MAX_EXAMPLES"
    --seed "$SEED"
    --workers "$WORKERS"
    --request-timeout 30
    --generation-database none
    --output-sanitize false  # full curl reproductions; the tokens die with this server
    --no-color
)
if [ -n "${ST_PHASES:-}" ]; then COMMON+=(--phases "$ST_PHASES"); fi
# shellcheck disable=SC2206
if [ -n "${ST_EXTRA_ARGS:-}" ]; then COMMON+=($ST_EXTRA_ARGS); fi

failed=0
run_st() {
    local name="$1"; shift
    local report=()
    if [ -n "${ST_REPORT_DIR:-}" ]; then
        mkdir -p "$ST_REPORT_DIR"
        report=(--report "junit,ndjson" --report-dir "$ST_REPORT_DIR"
            --report-junit-path "$ST_REPORT_DIR/$name.junit.xml"
            --report-ndjson-path "$ST_REPORT_DIR/$name.ndjson")
    fi
    step "schemathesis, $name (timeout ${RUN_TIMEOUT}s)"
    local started=$SECONDS rc=0
    # From the scratch folder: nothing Schemathesis or Hypothesis writes lands in the repository.
    (cd "$WORK" && timeout --signal=INT --kill-after=30 "$RUN_TIMEOUT" \
        "$ST" --config-file "$WORK/$name.toml" run "${RUN_URL:-$BASE/api/openapi.json}" \
        "${COMMON[@]}" "${report[@]}" "$@") || rc=$?
    echo "schemathesis $name: exit $rc after $((SECONDS - started)) s"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 130 ]; then
        echo "schemathesis $name: stopped after ${RUN_TIMEOUT}s" >&2
    fi
    [ "$rc" -eq 0 ] || failed=1
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server died; the end of its log:" >&2
        tail -n 50 "$WORK/server.log" >&2
        exit 1
    fi
}

# The operator run first: the anonymous run's wrong passwords throttle sign-in from this address
# (20 failures in 15 minutes), and the operator run may need to sign in again.
run_st operator "${OPERATOR_EXCLUDE[@]}"
run_st anonymous

# A content type's own document (generated at run time from a seeded type): lint-clean like the
# main one, and the server answers as it says.
step "the document of the content type van-ban-phap-luat"
curl -fsS "$BASE/api/v1/types/van-ban-phap-luat/openapi.json" -o "$WORK/type-document.json"
bash "$ROOT/.ci/lint-openapi.sh" "$WORK/type-document.json" || failed=1
cp "$WORK/anonymous.toml" "$WORK/type-document.toml"
RUN_URL="$BASE/api/v1/types/van-ban-phap-luat/openapi.json" run_st type-document

# The operator must still be able to work: otherwise its run tested little but 401s and 403s.
step "operator still signs in and manages accounts"
status=000
if TOKEN="$(sign_in)" && [ -n "$TOKEN" ]; then
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/admin/users")"
fi
if [ "$status" = 200 ]; then
    echo "yes"
else
    echo "no: GET /api/v1/admin/users as $USERNAME answered $status after the runs;" \
        "an operation not excluded above locked the operator out" >&2
    failed=1
fi

if grep -qiE 'panicked|internal server error' "$WORK/server.log"; then
    step "server log: panics and internal errors"
    grep -iE 'panicked|internal server error' "$WORK/server.log" | head -n 40
fi

step "result"
if [ "$failed" -ne 0 ]; then
    echo "schemathesis found failures (see above)"
    exit 1
fi
echo "schemathesis: no failures"
