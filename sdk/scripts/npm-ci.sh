#!/usr/bin/env bash
# npm ci in sdk/ from package-lock.json (so CI installs the pinned packages itself), skipped when node_modules was
# installed by npm ci from this very lock (its hash is kept in node_modules/.ci-lock-sha256). Used by test.sh and
# examples.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.ci-lock-sha256 ] && [ "$(cat node_modules/.ci-lock-sha256)" = "$lock_hash" ]; then
    echo "   node_modules was installed from this package-lock.json"
else
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.ci-lock-sha256
fi
