#!/usr/bin/env bash
# End-to-end test on a real local chain (CI): a fresh devnet (scripts/devnet reset), then the main job
# (scripts/demo: deploy + the whole story, every outcome asserted, supplies conserved) with a kill -9 and restart of
# the node in the middle of a job (nothing may be lost), then a graceful stop/start and a check that the final state
# is still there (tests/chain/after_restart.py), then the gas rule with chain.py's default settings
# (tests/chain/gas_rule.py). The node is stopped at the end whatever happens (trap).
# Needs nothing installed beforehand: scripts/devnet installs the node into .venv/, scripts/demo the python
# dependency; the wasm artifacts are built if missing (scripts/build-wasm.sh).
#
# Usage: bash tests/devnet_e2e.sh            (CI=true and no stdin work)
# Throws away this checkout's .devnet/ (the local chain); set E2E_KEEP=1 to leave the node running at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
cleanup() {
    rc=$?
    if [ "${E2E_KEEP:-0}" != 1 ]; then
        scripts/devnet stop || rc=1
    fi
    if [ "$rc" = 0 ]; then
        echo "devnet e2e test passed in $(($(date +%s) - t0)) s"
    else
        echo "devnet e2e test FAILED (exit $rc); node log: .devnet/node.log, report: .devnet/demo-report.md" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== fresh devnet"
scripts/devnet reset </dev/null
scripts/devnet start </dev/null

echo "== the main job (scripts/demo --crash-restart)"
scripts/demo --quiet --crash-restart </dev/null

echo "== stop and start the devnet: the final state must survive"
scripts/devnet stop </dev/null
scripts/devnet start </dev/null
.venv/bin/python tests/chain/after_restart.py </dev/null

echo "== the gas rule: a bank send, a new account's first tx and a cw20 transfer with chain.py's defaults"
.venv/bin/python tests/chain/gas_rule.py </dev/null
