#!/usr/bin/env python3
"""After the demo and a stop/start of the node (tests/devnet_e2e.sh): the chain still holds the demo's final state.

Reads .devnet/demo-report.json (written by scripts/demo.py) and checks against the restarted chain: every final cw20
balance, every token's total supply, and every job's state. Exit 1 on any difference.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import chain  # noqa: E402


def main() -> int:
    report = json.loads((REPO / ".devnet" / "demo-report.json").read_text())
    if not report.get("ok"):
        print("error: the demo report is not a passing one", file=sys.stderr)
        return 1
    c = chain.Chain()
    h = c.height()
    c.wait_height(h + 2)
    bad = []
    n = 0
    for b in report["final_balances"]:
        got = c.cw20_balance(b["token_address"], b["address"])
        n += 1
        if got != b["amount"]:
            bad.append(f"{b['name']} {b['token']}: {got} != {b['amount']}")
    tokens = {b["token"]: b["token_address"] for b in report["final_balances"]}
    for t, s in report["supply"].items():
        got = c.total_supply(tokens[t])
        n += 1
        if got != s["end"]:
            bad.append(f"supply {t}: {got} != {s['end']}")
    registry = report["deployment"]["contracts"]["job_registry"]
    for job_id, state in report["jobs"].items():
        got = c.query_smart(registry, {"job": {"job_id": int(job_id)}})["state"]
        n += 1
        if got != state:
            bad.append(f"job {job_id}: {got} != {state}")
    if bad:
        print("state lost across the restart:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    print(f"after restart (height {c.height()}): {n} balances, supplies and job states as the demo left them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
