#!/usr/bin/env bash
# Lint the committed OpenAPI document with Redocly's CLI and its default `recommended` ruleset.
# Exits non-zero when the linter reports an error (warnings are printed but do not fail).
#
#   bash .ci/lint-openapi.sh                      # lints openapi/openapi.json
#   bash .ci/lint-openapi.sh path/to/other.json   # or another document
#   REDOCLY_FORMAT=json bash .ci/lint-openapi.sh  # any `redocly lint --format` value
#
# The CLI is installed once, pinned, into a cache folder of its own (no global install).
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY_VERSION="2.77.0"
CACHE="${PORTAL_CI_CACHE:-$HOME/.cache/portal-ci}/redocly"
REDOCLY="$CACHE/node_modules/.bin/redocly"
DOC="${1:-openapi/openapi.json}"

# No telemetry, no update check: CI reaches only the package registries.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; exit 2; }

installed="$("$REDOCLY" --version 2>/dev/null | head -n 1 || true)"
if [ "$installed" != "$REDOCLY_VERSION" ]; then
    echo "installing @redocly/cli@$REDOCLY_VERSION into $CACHE"
    mkdir -p "$CACHE"
    npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
        "@redocly/cli@$REDOCLY_VERSION" >&2
fi

# No redocly.yaml in the repository: `lint` then applies the `recommended` ruleset. A config file,
# if one is added later at the root, is picked up automatically.
"$REDOCLY" lint "$DOC" --max-problems 1000 --format "${REDOCLY_FORMAT:-codeframe}"
