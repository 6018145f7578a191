#!/usr/bin/env bash
# The SDK's examples (sdk/examples/[0-9]*.ts) against a real local chain: a fresh devnet of this checkout
# (scripts/devnet reset + start, on ports shifted by a port offset so that it does not collide with another node on
# the machine), the exchange deployed with the fast profile (scripts/deploy --profile fast: 60 s epochs, every job
# sampled, 6 s verdict windows), then every example in order — each asserts its outcomes and exits non-zero on a
# failure — and the node stopped at the end whatever happens (trap). Prints its time.
#
# Usage: bash sdk/scripts/examples.sh [PORT_OFFSET]      (default $EXAMPLES_PORT_OFFSET, else 3000: rpc 29657,
#        rest 4317, grpc 12090, p2p 29656)
# Throws away this checkout's .devnet/ (like tests/devnet_e2e.sh); EXAMPLES_KEEP=1 leaves the node running.
# Needs nothing installed beforehand: npm ci (scripts/npm-ci.sh), the node (scripts/devnet), the wasm artifacts
# (scripts/build-wasm.sh when artifacts/ lacks one).
set -euo pipefail
cd "$(dirname "$0")/../.."

offset="${1:-${EXAMPLES_PORT_OFFSET:-3000}}"
t0=$SECONDS
cleanup() {
    rc=$?
    if [ "${EXAMPLES_KEEP:-0}" != 1 ]; then
        scripts/devnet stop </dev/null || rc=1
    fi
    if [ "$rc" = 0 ]; then
        echo "sdk examples passed in $((SECONDS - t0)) s"
    else
        echo "sdk examples FAILED (exit $rc) after $((SECONDS - t0)) s; node log: .devnet/node.log, deploy log: .devnet/deploy.log" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== npm ci (sdk/)"
bash sdk/scripts/npm-ci.sh

for a in ai_token hmm_pool router orderbook job_registry poai; do
    if [ ! -f "artifacts/$a.wasm" ]; then
        echo "== wasm artifacts (artifacts/$a.wasm missing: scripts/build-wasm.sh)"
        bash scripts/build-wasm.sh
        break
    fi
done

echo "== fresh devnet (port offset $offset)"
scripts/devnet reset </dev/null
DEVNET_PORT_OFFSET="$offset" scripts/devnet start </dev/null

echo "== deploy (scripts/deploy --profile fast)"
t=$SECONDS
scripts/deploy --profile fast --force </dev/null >.devnet/deploy.log 2>&1 || { tail -20 .devnet/deploy.log >&2; exit 1; }
echo "   deployed in $((SECONDS - t)) s: .devnet/deployment.json"

rm -f .devnet/examples-state.json
for f in sdk/examples/[0-9]*.ts; do
    (cd sdk && npx --no-install tsx "examples/$(basename "$f")" </dev/null)
done
