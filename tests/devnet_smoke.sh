#!/usr/bin/env bash
# Smoke test on a real local chain: start the devnet (installing the node on first use), store + instantiate
# artifacts/ai_token.wasm, execute a transfer, query it, measure gas and REST query latency (tests/chain/smoke.py),
# then stop the node again, whatever happened (trap). A devnet that was already running is used and left running.
# Needs artifacts/ai_token.wasm (bash scripts/build-wasm.sh). Works with CI=true and no stdin.
#
# Usage: bash tests/devnet_smoke.sh [smoke.py args, e.g. --queries 100 --wasm path/to/ai_token.wasm]
# Environment: SMOKE_REPORT=<file> also writes the JSON report there.
set -euo pipefail
cd "$(dirname "$0")/.."

started=0
cleanup() {
    rc=$?
    if [ "$started" = 1 ]; then
        scripts/devnet stop || rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! scripts/devnet status >/dev/null 2>&1; then
    started=1
    scripts/devnet start </dev/null
fi
report=$(python3 tests/chain/smoke.py "$@" </dev/null)
echo "$report"
if [ -n "${SMOKE_REPORT:-}" ]; then
    printf '%s\n' "$report" >"$SMOKE_REPORT"
fi
echo "devnet smoke test passed" >&2
