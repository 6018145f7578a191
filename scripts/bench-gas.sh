#!/usr/bin/env bash
# Gas benchmark: builds the wasm artifacts (scripts/build-wasm.sh), runs each contract's scenario from
# tests/vm/src/scenarios.rs in cosmwasm-vm and prints, as markdown on stdout, the VM gas of every call and the size
# of every artifact. Build logs go to stderr, so `bash scripts/bench-gas.sh > gas.md` keeps only the tables.
#
# Usage: bash scripts/bench-gas.sh [--no-build]   (--no-build: use the artifacts already in artifacts/)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=1
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        -h | --help)
            sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "bench-gas: unknown argument '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

if [ "$BUILD" = 1 ]; then
    bash scripts/build-wasm.sh </dev/null >&2
fi
# Gas metering is deterministic, so the host build profile does not matter: reuse the test build.
cargo run -q --locked -p vm-tests --example bench_gas </dev/null
