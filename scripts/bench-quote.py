#!/usr/bin/env python3
"""Quote latency over the node's REST API (LCD): N smart queries `/cosmwasm/wasm/v1/contract/POOL/smart/BASE64`.

Measures, on a deployed exchange whose pools have liquidity (run `scripts/demo` first, or any deployment manifest):
  - `quote` of one pool (the seeds' getQuote: a swap of one class against $AI),
  - `route` of a 3-class bundle (what a client quotes before submitting a job),
  - a trivial smart query on the same node (cw20 `token_info` of $AI), for comparison,
each over a new HTTP connection per query (what a stateless client does) and over one kept-alive connection.
Prints p50/p95/p99/max in ms per series, and JSON with --json. Goal (issue 7): quote p50 <= 5 ms, p99 <= 20 ms.

    scripts/bench-quote [-n 1000] [--deployment .devnet/deployment.json] [--json]
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import chain  # noqa: E402


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]  # nearest rank


def smart_path(contract: str, msg: Any) -> str:
    b64 = base64.urlsafe_b64encode(json.dumps(msg, separators=(",", ":")).encode()).decode()
    return f"/cosmwasm/wasm/v1/contract/{contract}/smart/{urllib.parse.quote(b64)}"


def bench(rest: str, path: str, n: int, keepalive: bool) -> list[float]:
    url = rest + path
    u = urllib.parse.urlsplit(rest)
    conn = None
    out = []
    for _ in range(n):
        t = time.perf_counter()
        if keepalive:
            if conn is None:
                conn = (http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection)(
                    u.hostname, u.port, timeout=30)
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            status = r.status
        else:
            with urllib.request.urlopen(url, timeout=30) as r:
                body = r.read()
                status = r.status
        out.append((time.perf_counter() - t) * 1000)
        if status != 200 or b'"data"' not in body:
            raise SystemExit(f"error: {url} answered {status}: {body[:300]!r}")
    if conn is not None:
        conn.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench-quote", description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--queries", type=int, default=1000)
    ap.add_argument("--deployment", default=str(REPO / ".devnet" / "deployment.json"))
    ap.add_argument("--rest", help="REST endpoint (default: the manifest's, else CHAIN_REST / the devnet's)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    a = ap.parse_args(argv)
    try:
        m = json.loads(Path(a.deployment).read_text())
    except (OSError, ValueError) as e:
        print(f"error: no deployment manifest ({e}): run `scripts/demo` (or scripts/deploy and seed the pools)",
              file=sys.stderr)
        return 2
    c = chain.Chain(chain.Config.load(rest=a.rest or m.get("rest")))
    pool, ai, router = m["contracts"]["pool"], m["contracts"]["ai_token"], m["contracts"]["router"]
    cl = m["classes"][0]
    quote = {"quote": {"pool_id": cl["pool_id"], "offer": ai, "ask": {"cu": {"token": cl["token"]}},
                       "offer_amount": str(100 * 10 ** int(m.get("decimals", 6)))}}
    sla = {"regions": [m["sla_tags"]["region"]], "max_latency": None, "min_privacy_tier": 0, "tee_required": False}
    route = {"route": {"items": [{"cu_token": x["token"], "amount": str(10 ** int(m.get("decimals", 6)))}
                                 for x in m["classes"][:3]], "sla": sla}}
    try:
        ans = c.query_smart(pool, quote)
        c.query_smart(router, route)
    except chain.ChainError as e:
        print(f"error: the pool cannot quote ({e}); seed the pools first (scripts/demo does)", file=sys.stderr)
        return 2
    series = {
        "quote (1 pool)": smart_path(pool, quote),
        "route (3-class bundle)": smart_path(router, route),
        "token_info (trivial cw20 query)": smart_path(ai, {"token_info": {}}),
    }
    results = []
    for name, path in series.items():
        for keepalive in (False, True):
            bench(c.cfg.rest, path, min(50, a.queries), keepalive)  # warm-up
            xs = bench(c.cfg.rest, path, a.queries, keepalive)
            results.append({"query": name, "connection": "keep-alive" if keepalive else "new per query",
                            "n": len(xs), "p50_ms": round(percentile(xs, 50), 2), "p95_ms": round(percentile(xs, 95), 2),
                            "p99_ms": round(percentile(xs, 99), 2), "max_ms": round(max(xs), 2),
                            "mean_ms": round(sum(xs) / len(xs), 2)})
    height = c.height()
    if a.json:
        print(json.dumps({"rest": c.cfg.rest, "chain_id": m.get("chain_id"), "height": height,
                          "sample_quote": ans, "results": results}, indent=1))
        return 0
    print(f"REST {c.cfg.rest} (chain {m.get('chain_id')}, height {height}); {a.queries} queries per series")
    print(f"sample quote: 100 $AI -> {int(ans['return_amount']) / 10 ** int(m.get('decimals', 6)):.6f} "
          f"{cl['kind']} CU, fee {ans['fee_amount']} atoms")
    print(f"{'query':<34} {'connection':<14} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  ms")
    for r in results:
        print(f"{r['query']:<34} {r['connection']:<14} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p99_ms']:>7.2f} "
              f"{r['max_ms']:>7.2f}")
    q = [r for r in results if r["query"] == "quote (1 pool)" and r["connection"] == "new per query"][0]
    ok = q["p50_ms"] <= 5 and q["p99_ms"] <= 20
    print(f"goal quote p50 <= 5 ms and p99 <= 20 ms (new connection per query): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
