#!/usr/bin/env bash
# The project's test command (README): formatting, lints, every unit/property/integration test.
# Later stages (wasm artifacts, VM tests, schema check) are added here as they land.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked
