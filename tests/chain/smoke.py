#!/usr/bin/env python3
"""Smoke test against a running chain (run by tests/devnet_smoke.sh, which starts and stops the local devnet).

Stores artifacts/ai_token.wasm (the cw20 $AI token), instantiates it, executes a transfer, checks balances with smart
queries, checks that a failing transfer raises chain.TxError with the contract's error, and measures:
gas of store/instantiate/execute, and the latency of a trivial smart query over REST (p50/p99 over SMOKE_QUERIES,
default 1000). Prints a JSON report on stdout. Works against any chain configured for scripts/chain.py (env CHAIN_*).

    python3 tests/chain/smoke.py [--wasm artifacts/ai_token.wasm] [--queries 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import chain  # noqa: E402


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)
    print(f"ok   {what}", file=sys.stderr)


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]  # nearest-rank


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wasm", default=str(REPO / "artifacts" / "ai_token.wasm"))
    ap.add_argument("--queries", type=int, default=int(os.environ.get("SMOKE_QUERIES", "1000")))
    a = ap.parse_args()
    wasm = Path(a.wasm)
    if not wasm.is_file():
        print(f"error: {wasm} not found: build it first (bash scripts/build-wasm.sh)", file=sys.stderr)
        return 2

    c = chain.Chain()
    admin, client = c.address("admin"), c.address("client")
    report: dict = {"chain_id": c.cfg.chain_id, "wasm": str(wasm), "wasm_bytes": wasm.stat().st_size}

    t = time.monotonic()
    code_id = c.store(wasm)
    report["store"] = {"code_id": code_id, "gas_used": int(c.last_tx["gas_used"]), "seconds": time.monotonic() - t}
    check(code_id > 0, f"store: code id {code_id}, gas {report['store']['gas_used']}")

    supply = 1_000_000_000_000
    msg = {"name": "HMM AI", "symbol": "HMMAI", "decimals": 6,
           "initial_balances": [{"address": admin, "amount": str(supply)}], "mint": {"minter": admin}}
    t = time.monotonic()
    token = c.instantiate(code_id, msg, label=f"ai-token-smoke-{int(time.time())}", admin=admin)
    report["instantiate"] = {"address": token, "gas_used": int(c.last_tx["gas_used"]),
                             "seconds": time.monotonic() - t}
    check(c.contract_info(token)["code_id"] == str(code_id), f"instantiate: {token}, gas "
          f"{report['instantiate']['gas_used']}")

    info = c.query_smart(token, {"token_info": {}})
    check(info == {"name": "HMM AI", "symbol": "HMMAI", "decimals": 6, "total_supply": str(supply)},
          f"query token_info: {info}")

    t = time.monotonic()
    _, gas = c.execute(token, {"transfer": {"recipient": client, "amount": "1234"}})
    report["execute_transfer"] = {"gas_used": gas, "seconds": time.monotonic() - t}
    check(c.cw20_balance(token, client) == 1234, f"execute transfer: client holds 1234, gas {gas}")
    check(c.cw20_balance(token, admin) == supply - 1234, "sender debited")

    try:
        c.execute(token, {"transfer": {"recipient": admin, "amount": "1235"}}, key="client")
        check(False, "an overdraft must fail")
    except chain.TxError as e:
        check("Overflow" in e.raw_log or "insufficient" in e.raw_log.lower() or "Cannot Sub" in e.raw_log,
              f"overdraft refused in {e.stage}: {e.raw_log[:120]}...")
    check(c.cw20_balance(token, client) == 1234, "failed transfer changed nothing")

    try:
        c.query_smart(token, {"no_such_query": {}})
        check(False, "an unknown query must fail")
    except chain.QueryError as e:
        check(e.status >= 400, f"unknown query refused: HTTP {e.status}")

    if a.queries > 0:
        q = {"token_info": {}}
        c.query_smart(token, q)  # warm-up
        lat = []
        t0 = time.monotonic()
        for _ in range(a.queries):
            t = time.perf_counter()
            c.query_smart(token, q)
            lat.append((time.perf_counter() - t) * 1000)
        report["smart_query_rest_ms"] = {"n": a.queries, "p50": round(statistics.median(lat), 3),
                                         "p99": round(percentile(lat, 99), 3), "max": round(max(lat), 3),
                                         "mean": round(statistics.fmean(lat), 3),
                                         "wall_s": round(time.monotonic() - t0, 2)}
        print(f"ok   {a.queries} smart queries over REST: p50 {report['smart_query_rest_ms']['p50']} ms, "
              f"p99 {report['smart_query_rest_ms']['p99']} ms", file=sys.stderr)

    for k in ("store", "instantiate", "execute_transfer"):
        report[k]["seconds"] = round(report[k]["seconds"], 2)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (AssertionError, chain.ChainError) as e:
        print(f"FAIL {e}", file=sys.stderr)
        sys.exit(1)
