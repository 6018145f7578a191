"""Decoder of hmm-pool's stored pool records (format 1), for indexers and raw queries.

Every other record of the contracts is cw-storage-plus JSON; the pool record is binary because a swap writes it
and JSON would make a swap cost more than the 0.62x-Astroport bound (docs/storage.md has the layout and the
measurement). The contract's encoder is `packages/hmm-pool-engine/src/record.rs`; `docs/test-vectors/pool-record.json`
holds records with their decoded form, checked against both (`cargo test -p hmm-pool`, `scripts/test_vectors.py`).

Key: a cw-storage-plus `Map<u64, _>` named `pools`: b"\\x00\\x05pools" + the id as 8 big-endian bytes.

    python3 scripts/pool_record.py <hex of a stored value>     prints the pool as JSON
"""

from __future__ import annotations

import json
import sys

FORMAT = 1
KINDS = ["bilinear", "multi_asset", "target_reserve", "augmented"]
LATENCIES = ["realtime", "interactive", "batch"]
DECIMAL_PLACES = 18


def pool_key(pool_id: int) -> bytes:
    """The storage key of pool `pool_id`."""
    return b"\x00\x05pools" + pool_id.to_bytes(8, "big")


def decimal_text(atomics: int) -> str:
    """A Decimal256 from its atomics (10^-18 units), printed as cosmwasm-std prints it."""
    whole, frac = divmod(atomics, 10**DECIMAL_PLACES)
    if frac == 0:
        return str(whole)
    return f"{whole}.{frac:0{DECIMAL_PLACES}d}".rstrip("0")


class Malformed(ValueError):
    """The bytes are not a format-1 pool record."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise Malformed(f"record ends inside a field at byte {self.at}")
        part = self.data[self.at : self.at + n]
        self.at += n
        return part

    def byte(self) -> int:
        return self.take(1)[0]

    def boolean(self) -> bool:
        b = self.byte()
        if b > 1:
            raise Malformed(f"bool {b}")
        return b == 1

    def uint(self, max_bytes: int) -> int:
        """A big-endian integer behind its length byte, without leading zero bytes."""
        n = self.byte()
        if n > max_bytes:
            raise Malformed(f"integer of {n} bytes where at most {max_bytes} fit")
        return int.from_bytes(self.take(n), "big")

    def u64(self) -> int:
        return self.uint(8)

    def amount(self) -> str:
        return str(self.uint(16))

    def dec(self) -> str:
        return decimal_text(self.uint(32))

    def text(self) -> str:
        return self.take(self.u64()).decode("utf-8")

    def tag(self, names: list[str], what: str) -> str:
        t = self.byte()
        if t >= len(names):
            raise Malformed(f"{what} {t}")
        return names[t]


def decode(data: bytes) -> dict:
    """The pool stored as `data`, with the field names of `hmm_pool_engine::Pool` (decimals and amounts as strings)."""
    r = _Reader(data)
    fmt = r.byte()
    if fmt != FORMAT:
        raise Malformed(f"unknown format {fmt:#04x}")
    pool: dict = {"id": r.u64(), "kind": r.tag(KINDS, "curve kind")}
    classes = []
    for _ in range(r.u64()):
        classes.append(
            {
                "cu_token": r.text(),
                "weight": r.dec(),
                "target_reserve": r.amount(),
                "reference_credit": r.amount(),
                "resource_reserve": r.amount(),
                "credit_reserve": r.amount(),
                "fee_growth_resource": r.dec(),
                "price_cumulative": r.dec(),
                "last_price": r.dec(),
            }
        )
    pool["classes"] = classes
    pool["curvature"] = {k: r.dec() for k in ["lambda", "mu", "alpha", "beta", "lambda_max"]}
    pool["lambda_now"] = r.dec()
    pool["volatility"] = r.dec()
    fee_names = ["market_fee", "risk_fee", "volatility_fee", "max_fee", "burn_share", "treasury_share"]
    pool["fees"] = {k: r.dec() for k in fee_names}
    mode = r.tag(["exact", "verlet", "ruth4"], "execution mode")
    steps = r.u64()
    pool["execution"] = mode if mode == "exact" else {mode: {"steps": steps}}
    pool["sla"] = {
        "region": r.text(),
        "latency": r.tag(LATENCIES, "latency class"),
        "privacy_tier": r.byte(),
        "tee": r.boolean(),
    }
    pool["max_price_impact"] = r.dec()
    pool["total_shares"] = r.amount()
    pool["fee_growth_credits"] = r.dec()
    pool["paused"] = r.boolean()
    pool["last_update"] = r.u64()
    pool["last_observation"] = r.u64()
    window = r.byte()
    if window > 1:
        raise Malformed(f"batch window tag {window}")
    pool["batch_window"] = r.u64() if window == 1 else None
    if r.at != len(data):
        raise Malformed(f"{len(data) - r.at} bytes after the record")
    return pool


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(decode(bytes.fromhex(sys.argv[1])), indent=2))
