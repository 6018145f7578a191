#!/usr/bin/env bash
# The simulator's timing (issue 22 part 3): one seed of the default study, then the whole study (20 seeds), in the
# release build (`--profile sim`), each under /usr/bin/time: wall time and user CPU time. On a machine shared with
# other builds the CPU time is the figure that carries over (wall on 2 idle cores ≈ user CPU / 2). Tables 2 and 3
# (no seed enters them) are left out (`--no-tables`); plots and CSV go to a temporary directory.
#   bash scripts/bench-sim.sh            # THREADS=2 SEEDS=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --locked --profile sim -p hmm-sim
BIN="${CARGO_TARGET_DIR:-target}/sim/hmm-sim"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for seeds in 1 "${SEEDS:-20}"; do
    /usr/bin/time -f "hmm-sim, default study, $seeds seed(s), ${THREADS:-2} threads: %e s wall, %U s user CPU, %M KB max RSS" \
        "$BIN" --seeds "$seeds" --no-tables --threads "${THREADS:-2}" --quiet --out "$OUT"
done
