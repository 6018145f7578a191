#!/usr/bin/env python3
"""The gas rule on a real chain (run by tests/devnet_e2e.sh after the demo): a bank send, the first tx of a new
account, and a cw20 transfer, each through scripts/chain.py with its default gas settings (any CHAIN_GAS_ADJUSTMENT /
CHAIN_GAS_MARGIN in the environment is ignored here), must succeed, and each is sent with exactly
gas_limit(simulated) = ceil(simulated x 1.3) + 40,000. Prints one line per tx: simulated, gas_wanted, gas_used, and
what the old rule (ceil(simulated x 1.3), no margin) would have sent.

    python3 tests/chain/gas_rule.py [--token CW20_ADDRESS]   (default: $AI of .devnet/deployment.json)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import chain  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--token", help="a cw20 the admin key holds (default: ai_token of .devnet/deployment.json)")
    a = ap.parse_args()
    for k in ("CHAIN_GAS_ADJUSTMENT", "CHAIN_GAS_MARGIN"):
        os.environ.pop(k, None)
    c = chain.Chain()
    token = a.token or json.loads((chain.DEVNET_DIR / "deployment.json").read_text())["contracts"]["ai_token"]
    admin, client = c.address("admin"), c.address("client")
    failed = 0

    def check(what: str, send) -> None:
        nonlocal failed
        try:
            tx = send()
        except chain.TxError as e:
            print(f"FAIL {what}: {e}")
            failed += 1
            return
        sim, wanted, used = c.last_gas_simulated, int(tx["gas_wanted"]), int(tx["gas_used"])
        ok = wanted == c.gas_limit(sim) and used <= wanted
        failed += not ok
        old = math.ceil(sim * 1.3)
        print(f"{'ok  ' if ok else 'FAIL'} {what:<34} simulated {sim:>9,}  gas_wanted {wanted:>9,}  gas_used {used:>9,}"
              f"  (fee payment {used - sim:,}; x1.3 alone: {old:,}{', out of gas' if old < used else ''})")

    check("bank send admin -> client", lambda: c.send(client, "1000inj", key="admin"))
    # A new account's first tx also stores its public key (about 14.7 k gas more, in the simulation as well).
    name = f"gasrule{int(time.time() * 1000)}"
    fresh = c.run_json("keys", "add", name, "--keyring-backend", c.cfg.keyring_backend, "--output", "json")["address"]
    c.send(fresh, f"{10**18}inj", key="admin")
    check("bank send, a new account's first tx", lambda: c.send(admin, "1000inj", key=name))
    c.run("keys", "delete", name, "-y", "--keyring-backend", c.cfg.keyring_backend)
    check("cw20 transfer admin -> client", lambda: c.execute(token, {"transfer": {"recipient": client,
                                                                                  "amount": "1000"}}, key="admin")[0])
    print("gas rule: " + ("FAILED" if failed else "every tx succeeded with the default settings"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
