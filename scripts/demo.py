#!/usr/bin/env python3
"""The main job: a whole compute-job lifecycle on a real chain, by wallet transactions (run by `scripts/demo`).

Deploys a fresh instance of every contract (scripts/deploy.py, profile `fast`: 60 s epochs, every attestation
sampled), then tells the story with the devnet's keys:

  1. the LP seeds one pool per resource class (allowances + AddLiquidity);
  2. two workers register (capabilities, enclave keys with a proof of possession), bond $AI and offer capacity
     (poai mints CU, bond-capped); a verifier bonds;
  3. the client submits a small job that worker2 takes but never starts (it will time out);
  4. direct pool swaps (cw20 `Send` with a Swap hook): a worker sells CU, the client buys and sells CU;
  5. the client quotes (Route) and submits a 3-class job (escrow; the registry buys the CU through the pools);
  6. worker1 takes it (poai checks eligibility and reserves its obligation), starts, and attests with an
     enclave-key signature (secp256k1) over the v1 attestation digest (chain id, poai, job, worker, input, output,
     io root, TEE report, proof hash, used: scripts/attestation.py), verified on chain
     (with --crash-restart the node is killed with SIGKILL and restarted here, and nothing may be lost);
  7. anyone claims the second job's timeout: the client is refunded, worker2 slashed (σ of its bond burned), denied;
  8. the LP adds and removes liquidity (gas comparison);
  9. the attestation's epoch ends: emissions are minted, the verifier (sampled) commits, reveals `Valid`, and
     anyone finalizes: the used CU are burned, the unused rebated, the escrow returned, bonuses minted;
 10. protocol fees are collected (treasury share paid, burn share burned).

Steps 7 and 8 run while the attestation's epoch is still open if they fit, otherwise after step 9.
Every step checks its on-chain outcome (balances, states, events); at the end the $AI and CU supplies are checked
against the mints and burns the story's transactions emitted, and against the sum of all balances. Prints each
step with gas, prices, fees and balances; writes .devnet/demo-report.json and .md. Exit 1 if any check fails.

    python3 scripts/demo.py [--deployment FILE] [--reuse-deployment] [--report-dir DIR]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import secrets
import subprocess
import sys
import time
import traceback
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import attestation  # noqa: E402
import chain  # noqa: E402
import deploy as deploy_mod  # noqa: E402
from attestation import merkle_proof, merkle_root  # noqa: E402,F401

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
except ImportError:  # pragma: no cover
    print("error: the python package `cryptography` is missing: run the demo with `scripts/demo`, which installs it "
          "into .venv/", file=sys.stderr)
    sys.exit(2)

KEYS = ("lp", "worker1", "worker2", "client", "verifier", "admin")
LABELS = {"h100-hour": "H100", "a100-hour": "A100", "vram-gb-hour": "VRAM", "cpu-core-hour": "CPU"}
SLA = {"regions": ["eu-west"], "max_latency": "interactive", "min_privacy_tier": 2, "tee_required": True}
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
ASTROPORT = {"swap": 527_486, "provide": 506_742, "withdraw": 563_109}  # xyk pair, cw20<->cw20 (brief's figures)


class StoryFailed(Exception):
    pass


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64json(msg: Any) -> str:
    return b64(json.dumps(msg, separators=(",", ":")).encode())


def sha256(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


# The index-bound io Merkle tree of poai (merkle_root, merkle_proof) and the digests enclave keys sign live in
# scripts/attestation.py, the reference implementation checked against docs/test-vectors/attestation.json.


# -- enclave keys ---------------------------------------------------------------------------------------------------
class EnclaveKey:
    """A worker's enclave signing key: secp256k1 (64-byte compact low-s r‖s over the 32-byte digest), secp256r1
    (same encoding) or ed25519 (64 bytes over the digest bytes as the message)."""

    def __init__(self, kind: str):
        self.kind = kind
        if kind == "ed25519":
            self.sk = ed25519.Ed25519PrivateKey.generate()
            self.pub = self.sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        else:
            curve = ec.SECP256K1() if kind == "secp256k1" else ec.SECP256R1()
            self.sk = ec.generate_private_key(curve)
            self.pub = self.sk.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.CompressedPoint)

    def sign(self, digest: bytes) -> bytes:
        if self.kind == "ed25519":
            return self.sk.sign(digest)
        r, s = decode_dss_signature(self.sk.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
        if self.kind == "secp256k1" and s > SECP256K1_N // 2:
            s = SECP256K1_N - s  # low-s, as cosmwasm's secp256k1_verify requires
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def keys_json(self) -> dict[str, Any]:
        k: dict[str, Any] = {"secp256k1": None, "ed25519": None, "secp256r1": None}
        k[self.kind] = b64(self.pub)
        return k

    def possession_json(self, chain_id: str, poai: str, worker: str) -> dict[str, Any]:
        """`Register`'s proof of possession: this key's signature over its registration digest for `worker`."""
        p: dict[str, Any] = {"secp256k1": None, "ed25519": None, "secp256r1": None}
        p[self.kind] = b64(self.sign(attestation.registration_digest(chain_id, poai, worker, self.kind, self.pub)))
        return p


# -- the story ------------------------------------------------------------------------------------------------------
class Story:
    def __init__(self, c: chain.Chain, m: dict[str, Any], verbose: bool = True, crash_restart: bool = False):
        self.c, self.m = c, m
        self.crash_restart = crash_restart
        self.one = 10 ** int(m.get("decimals", 6))
        self.addr = {k: c.address(k) for k in KEYS}
        ct = m["contracts"]
        self.ai, self.pool, self.registry, self.poai = ct["ai_token"], ct["pool"], ct["job_registry"], ct["poai"]
        self.router, self.book = ct["router"], ct["orderbook"]
        self.treasury = ct["treasury"]
        self.tokens: dict[str, str] = {"AI": self.ai}
        self.pool_of: dict[str, int] = {}
        self.market_of: dict[str, int] = {}
        self.curve_of: dict[str, str] = {}
        for cl in m["classes"]:
            lab = LABELS.get(cl["kind"], cl["kind"].upper())
            self.tokens[lab] = cl["token"]
            self.pool_of[lab] = int(cl["pool_id"])
            self.market_of[lab] = int(cl["market_id"])
            self.curve_of[lab] = cl.get("curve", "?")
        self.label_of = {v: k for k, v in self.tokens.items()}
        self.names = {**{v: k for k, v in self.addr.items()}, self.pool: "pool", self.router: "router",
                      self.book: "book", self.registry: "registry", self.poai: "poai"}
        if self.treasury not in self.names:
            self.names[self.treasury] = "treasury"
        self.who = {**self.addr, "pool": self.pool, "router": self.router, "book": self.book,
                    "registry": self.registry, "poai": self.poai}
        self.job_ids: list[int] = []
        self.minted: dict[str, int] = defaultdict(int)
        self.burned: dict[str, int] = defaultdict(int)
        self.txs: list[dict[str, Any]] = []
        self.checks: list[str] = []
        self.section = ""
        self.verbose = verbose
        self.t0 = time.monotonic()

    # -- output --
    def say(self, msg: str = "") -> None:
        print(msg, flush=True)

    def head(self, title: str) -> None:
        self.section = title
        self.say(f"\n== {title}  [{time.monotonic() - self.t0:5.1f} s]")

    def fmt(self, atoms: int) -> str:
        return f"{Decimal(atoms) / self.one:,.6f}".rstrip("0").rstrip(".")

    def name(self, addr: str) -> str:
        return self.names.get(addr, addr[:12] + "…")

    # -- checks --
    def check(self, cond: bool, what: str) -> None:
        if not cond:
            raise StoryFailed(f"[{self.section}] {what}")
        self.checks.append(f"[{self.section}] {what}")
        if self.verbose:
            self.say(f"   ok  {what}")

    def eq(self, got: Any, want: Any, what: str) -> None:
        self.check(got == want, f"{what}: {got} == {want}" if got == want else f"{what}: got {got}, want {want}")

    # -- chain --
    def bal(self, who: str, tok: str) -> int:
        return self.c.cw20_balance(self.tokens[tok], self.who.get(who, who))

    def snap(self, whos: list[str], toks: list[str]) -> dict[tuple[str, str], int]:
        return {(w, t): self.bal(w, t) for w in whos for t in toks}

    def show_deltas(self, before: dict[tuple[str, str], int], after: dict[tuple[str, str], int]) -> dict:
        d = {k: after[k] - before[k] for k in before}
        for (w, t), v in d.items():
            if v:
                self.say(f"   {w:>9} {t:<5} {self.fmt(before[(w, t)]):>16} -> {self.fmt(after[(w, t)]):>16}"
                         f"  ({'+' if v > 0 else ''}{self.fmt(v)})")
        return d

    def q(self, contract: str, msg: Any) -> Any:
        return self.c.query_smart(contract, msg)

    def supply(self, tok: str) -> int:
        return self.c.total_supply(self.tokens[tok])

    def _record(self, title: str, key: str, tx: dict[str, Any], dt: float, kind: str) -> dict[str, Any]:
        minted: dict[str, int] = defaultdict(int)
        burned: dict[str, int] = defaultdict(int)
        for ev in chain.wasm_events(tx):
            tok = self.label_of.get(ev["contract"])
            if tok is None:
                continue
            if ev.get("action") == "mint":
                minted[tok] += int(ev["amount"])
            elif ev.get("action") == "burn":
                burned[tok] += int(ev["amount"])
        for t, v in minted.items():
            self.minted[t] += v
        for t, v in burned.items():
            self.burned[t] += v
        gas = int(tx.get("gas_used", 0))
        rec = {"section": self.section, "step": title, "kind": kind, "signer": key, "gas_used": gas,
               "gas_wanted": int(tx.get("gas_wanted", 0)), "txhash": tx.get("txhash"),
               "height": int(tx.get("height", 0)), "seconds": round(dt, 2),
               "minted": dict(minted), "burned": dict(burned)}
        self.txs.append(rec)
        extra = "".join(f"  mint {self.fmt(v)} {t}" for t, v in minted.items())
        extra += "".join(f"  burn {self.fmt(v)} {t}" for t, v in burned.items())
        self.say(f"   tx  {key:>8}: {title:<44} gas {gas:>9,}  height {rec['height']}  {dt:4.1f} s{extra}")
        return tx

    def exe(self, title: str, key: str, contract: str, msg: Any, kind: str | None = None) -> dict[str, Any]:
        t = time.monotonic()
        try:
            tx, _ = self.c.execute(contract, msg, key=key)
        except chain.TxError as e:
            raise StoryFailed(f"[{self.section}] tx '{title}' by {key} failed: {e}") from None
        return self._record(title, key, tx, time.monotonic() - t, kind or title)

    def send(self, title: str, key: str, tok: str, contract: str, amount: int, hook: Any,
             kind: str | None = None) -> dict[str, Any]:
        return self.exe(title, key, self.tokens[tok],
                        {"send": {"contract": contract, "amount": str(amount), "msg": b64json(hook)}}, kind)

    def expect_fail(self, title: str, key: str, contract: str, msg: Any, needle: str) -> None:
        try:
            self.c.execute(contract, msg, key=key)
        except chain.TxError as e:
            self.check(needle.lower() in e.raw_log.lower(), f"{title} is refused ({needle!r} in the error)")
            return
        raise StoryFailed(f"[{self.section}] {title}: the tx succeeded but should have failed")

    def wait_until(self, t: float, why: str) -> None:
        now = self.c.block_time()
        if now < t:
            self.say(f"   ..  waiting {t - now:4.1f} s of block time for {why}")
        self.c.wait_block_time(t, timeout=max(60.0, t - now + 60))

    def job(self, job_id: int) -> dict[str, Any]:
        return self.q(self.registry, {"job": {"job_id": job_id}})

    def att(self, job_id: int) -> dict[str, Any]:
        return self.q(self.poai, {"attestation": {"job_id": job_id}})

    def worker(self, who: str) -> dict[str, Any]:
        return self.q(self.poai, {"worker": {"worker": self.addr[who]}})

    def spot(self, tok: str) -> Decimal:
        return Decimal(self.q(self.pool, {"spot_price": {"pool_id": self.pool_of[tok],
                                                          "cu_token": self.tokens[tok]}})["price"])

    def quote(self, tok_offer: str, tok_ask: str, amount: int) -> dict[str, Any]:
        cu = tok_ask if tok_offer == "AI" else tok_offer
        ask: Any = "ai" if tok_ask == "AI" else {"cu": {"token": self.tokens[tok_ask]}}
        return self.q(self.pool, {"quote": {"pool_id": self.pool_of[cu], "offer": self.tokens[tok_offer],
                                            "ask": ask, "offer_amount": str(amount)}})

    # ------------------------------------------------------------------------------------------------------------
    def run(self) -> None:
        toks = list(self.tokens)
        cus = [t for t in toks if t != "AI"]
        self.supply0 = {t: self.supply(t) for t in toks}
        self.balances0 = self.snap(list(KEYS), toks)
        self.poai_totals0 = self.q(self.poai, {"totals": {}})
        self.params = self.q(self.poai, {"config": {}})["params"]
        self.head("start: balances and supplies")
        for t in toks:
            self.say(f"   supply {t:<5} {self.fmt(self.supply0[t]):>18}")
        for w in KEYS:
            self.say(f"   {w:>9}  " + "  ".join(f"{t} {self.fmt(self.balances0[(w, t)])}" for t in toks
                                               if self.balances0[(w, t)]))

        self.seed_pools(cus)
        self.workers()
        self.submit_timeout_job()
        self.swaps()
        self.order_book()
        job1 = self.submit_job1()
        self.take_and_attest(job1)
        # While the attestation's epoch runs: other steps that fit before it ends, the rest after finalization.
        deferred: list[Callable[[], None]] = []
        epoch_end = int(self.att(job1)["attestation"]["commit_end"]) - int(self.params["commit_period"])
        # (step, the block time it can start at, its seconds): the timeout claim first waits for the timeout job's start_by.
        timeout_at = int(self.timeout_job[4]["start_by"]) + 1
        for step, ready, est in ((self.claim_timeout, timeout_at, 6), (self.liquidity_round_trip, 0, 6)):
            if max(self.c.block_time(), ready) + est + 3 < epoch_end:
                step()
            else:
                deferred.append(step)
        self.verify_and_finalize(job1)
        for step in deferred:
            step()
        self.collect_fees()
        self.conservation(toks, cus)

    # 1 ----------------------------------------------------------------------------------------------------------
    def seed_pools(self, cus: list[str]) -> None:
        self.head("1. the LP seeds the pools (one per class)")
        plan = {"H100": (20_000, 80_000), "A100": (20_000, 40_000), "VRAM": (80_000, 5_000), "CPU": (80_000, 3_000)}
        plan = {t: v for t, v in plan.items() if t in cus}
        self.seeds = {t: (q * self.one, p * self.one) for t, (q, p) in plan.items()}
        extra_ai = 1_000 * self.one  # the later second deposit
        total_ai = sum(p for _, p in self.seeds.values()) + extra_ai
        before = self.snap(["lp", "pool"], ["AI", *plan])
        self.exe("increase_allowance $AI -> pool", "lp", self.ai,
                 {"increase_allowance": {"spender": self.pool, "amount": str(total_ai), "expires": None}},
                 kind="cw20 increase_allowance")
        for t, (q, _) in self.seeds.items():
            self.exe(f"increase_allowance {t} -> pool", "lp", self.tokens[t],
                     {"increase_allowance": {"spender": self.pool, "amount": str(q + 1_000 * self.one),
                                             "expires": None}}, kind="cw20 increase_allowance")
        for t, (q, p) in self.seeds.items():
            pid = self.pool_of[t]
            tx = self.exe(f"add_liquidity pool {pid} ({t}): {self.fmt(q)} CU + {self.fmt(p)} $AI", "lp", self.pool,
                          {"add_liquidity": {"pool_id": pid, "deposits": [{"resource": str(q), "credits": str(p)}],
                                             "min_shares": "0", "deadline": None}}, kind="pool provide (first)")
            shares = int(chain.event_attr(tx, "wasm", "shares"))
            info = self.q(self.pool, {"pool": {"pool_id": pid}})
            cls = info["classes"][0]
            self.eq((int(cls["resource_reserve"]), int(cls["credit_reserve"])), (q, p), f"pool {pid} reserves")
            self.eq(shares, math.isqrt(q * p) - 1000, f"pool {pid} LP shares = isqrt(q*p) - 1000 locked")
            price = Decimal(cls["spot_price"])
            self.say(f"   pool {pid} {t} ({info['kind']}): spot {price:.6f} $AI/CU, "
                     f"fee base {Decimal(info['fees']['market_fee']) * 100}%, lambda {info['lambda_now']}")
            # At target the price is p/q; the kinetic term of eq.9 (augmented) divides it by (1 + mu).
            want = Decimal(p) / q
            if info["kind"] == "augmented":
                want /= 1 + Decimal(info["curvature"]["mu"])
            self.check(abs(price - want) <= want / 1000, f"pool {pid} spot price {price:.6f} ~ {want:.6f}"
                       + (" = p/q/(1+mu)" if info["kind"] == "augmented" else " = p/q"))
        after = self.snap(["lp", "pool"], ["AI", *plan])
        d = self.show_deltas(before, after)
        self.eq(d[("lp", "AI")], -(total_ai - extra_ai), "LP $AI paid = sum of credits deposited")
        # Funded: the router indexes them (anyone may), and every job buys on its plans from now on.
        ids = sorted(self.pool_of[t] for t in self.seeds)
        self.exe(f"router register_pools {ids}", "lp", self.router, {"register_pools": {"pool_ids": ids}},
                 kind="router register_pools")
        for t in self.seeds:
            listed = self.q(self.router, {"class_pools": {"cu_token": self.tokens[t], "start_after": None,
                                                          "limit": None}})["pool_ids"]
            self.eq(listed, [self.pool_of[t]], f"router indexes pool {self.pool_of[t]} under {t}")
        for t, (q, _) in self.seeds.items():
            self.eq(d[("lp", t)], -q, f"LP {t} paid")
            self.eq(d[("pool", t)], q, f"pool holds the {t} deposited")

    # 2 ----------------------------------------------------------------------------------------------------------
    def workers(self) -> None:
        self.head("2. workers register, bond and offer capacity; a verifier bonds")
        self.enclave = {"worker1": EnclaveKey("secp256k1"), "worker2": EnclaveKey("ed25519")}
        caps = {
            "worker1": {"gpu_model": "H100-SXM", "gpu_count": 8, "vram_gb": 80, "cpu_cores": 96,
                        "bandwidth_mbps": 25_000, "disk_gb": 4_000, "region": "eu-west", "latency": "interactive",
                        "privacy_tier": 2, "tee": "nvidia_cc"},
            "worker2": {"gpu_model": "", "gpu_count": 0, "vram_gb": 0, "cpu_cores": 64, "bandwidth_mbps": 10_000,
                        "disk_gb": 2_000, "region": "eu-west", "latency": "interactive", "privacy_tier": 3,
                        "tee": "amd_sev_snp"},
        }
        bonds = {"worker1": 10_000 * self.one, "worker2": 5_000 * self.one}
        offers = {"worker1": {"H100": 200, "VRAM": 8_000, "CPU": 4_000}, "worker2": {"CPU": 2_000}}
        chain_id = self.c.cfg.chain_id
        register = {w: {"register": {"capabilities": caps[w], "enclave_keys": self.enclave[w].keys_json(),
                                     "possession": self.enclave[w].possession_json(chain_id, self.poai,
                                                                                   self.addr[w])}}
                    for w in ("worker1", "worker2")}
        # A new worker registers through the $AI hook: the tokens sent (at least worker_min_bond) are its bond.
        self.expect_fail("worker2 registering worker1's key (proof of possession made for worker1)", "worker2",
                         self.tokens["AI"], {"send": {"contract": self.poai, "amount": str(bonds["worker2"]),
                                                      "msg": b64json(register["worker1"])}}, "proof of possession")
        self.expect_fail("registering without a bond (the plain register message only updates a worker)",
                         "worker2", self.poai, register["worker2"], "first bond")
        for w in ("worker1", "worker2"):
            b0 = self.bal(w, "AI")
            self.send(f"register with a bond of {self.fmt(bonds[w])} $AI ({self.enclave[w].kind} enclave key, "
                      "proof of possession)", w, "AI", self.poai, bonds[w], register[w],
                      kind="poai register (cw20 send, first bond)")
            self.eq(b0 - self.bal(w, "AI"), bonds[w], f"{w} $AI moved into the bond")
            info = self.worker(w)
            self.eq(int(info["bond"]), bonds[w], f"{w} bond recorded")
            quality = Decimal(info["quality"])
            for t, raw in offers[w].items():
                raw_atoms = raw * self.one
                s0, b0 = self.supply(t), self.bal(w, t)
                tx = self.exe(f"offer_capacity {raw} {t} (raw)", w, self.poai,
                              {"offer_capacity": {"cu_token": self.tokens[t], "raw_amount": str(raw_atoms)}},
                              kind="poai offer_capacity (mints CU)")
                minted = int(chain.event_attr(tx, "wasm", "minted"))
                self.eq(minted, int(quality * raw_atoms), f"{w} minted floor(q={quality} * raw) {t}")
                self.eq(self.bal(w, t) - b0, minted, f"{w} received the minted {t}")
                self.eq(self.supply(t) - s0, minted, f"{t} supply grew by the mint")
                self.say(f"   required bond now {self.fmt(int(chain.event_attr(tx, 'wasm', 'required_bond')))} $AI "
                         f"(gamma {self.params['collateral_ratio']} x obligation value)")
            br = self.q(self.poai, {"bond_requirement": {"worker": self.addr[w]}})
            self.check(br["covered"], f"{w} bond {self.fmt(int(br['bond']))} covers the requirement "
                                      f"{self.fmt(int(br['required']))}")
        self.obligations0 = {w: self.q(self.poai, {"obligations": {"worker": self.addr[w]}})["obligations"]
                             for w in ("worker1", "worker2")}
        vb = 2_000 * self.one
        self.send(f"register_verifier, bond {self.fmt(vb)} $AI", "verifier", "AI", self.poai, vb,
                  {"register_verifier": {}}, kind="poai register_verifier (cw20 send)")
        self.eq(int(self.q(self.poai, {"verifier": {"verifier": self.addr["verifier"]}})["bond"]), vb,
                "verifier bond recorded")

    # 2b ---------------------------------------------------------------------------------------------------------
    def swap(self, who: str, offer: str, ask: str, amount: int, kind: str) -> dict[str, Any]:
        cu = ask if offer == "AI" else offer
        pid = self.pool_of[cu]
        quote = self.quote(offer, ask, amount)
        p0 = self.spot(cu)
        before = self.snap([who, "pool"], [offer, ask])
        hook = {"swap": {"pool_id": pid, "ask": "ai" if ask == "AI" else {"cu": {"token": self.tokens[ask]}},
                         "exact_out": None, "min_out": quote["return_amount"], "deadline": None, "to": None}}
        kind = f"{kind}, {self.curve_of[cu]} pool"
        tx = self.send(f"swap {self.fmt(amount)} {offer} -> {ask} (pool {pid})", who, offer, self.pool, amount,
                       hook, kind=kind)
        after = self.snap([who, "pool"], [offer, ask])
        p1 = self.spot(cu)
        self.say(f"   quote: return {self.fmt(int(quote['return_amount']))} {ask}, fee {self.fmt(int(quote['fee_amount']))}"
                 f" {offer} (rate {Decimal(quote['fee_rate']) * 100:.4f}%), slippage {quote['slippage_bps']} bps;"
                 f" spot {cu} {p0:.6f} -> {p1:.6f} $AI/CU")
        d = self.show_deltas(before, after)
        self.eq(d[(who, offer)], -amount, f"{who} paid the {offer} offered")
        self.eq(d[(who, ask)], int(quote["return_amount"]), f"{who} received exactly the quoted {ask}")
        self.eq(int(chain.event_attr(tx, "wasm", "fee_amount")), int(quote["fee_amount"]), "fee as quoted")
        self.check((p1 > p0) if offer == "AI" else (p1 < p0), f"{cu} price moved the right way")
        return quote

    def swaps(self) -> None:
        self.head("4. direct pool swaps (cw20 Send with a Swap hook) and a bundle through the router")
        self.swap("worker1", "H100", "AI", 40 * self.one, "swap CU -> $AI (cw20 send)")
        q = self.swap("client", "AI", "A100", 1_000 * self.one, "swap $AI -> CU (cw20 send)")
        self.swap("client", "A100", "AI", int(q["return_amount"]) // 2, "swap CU -> $AI (cw20 send)")
        self.router_buy()

    def router_buy(self) -> None:
        """A 2-class bundle through the router's BuyBundle: the plan its Route query quotes, bought in one pool Buy."""
        want = {t: n for t, n in (("A100", 20), ("CPU", 30)) if t in self.tokens}
        items = [{"cu_token": self.tokens[t], "amount": str(n * self.one)} for t, n in want.items()]
        route = self.q(self.router, {"route": {"items": items, "sla": SLA}})
        cost = int(route["total_cost"])
        self.eq(len(route["orders"]), len(want), "route: one pool order per class (one pool each)")
        before = self.snap(["client", "router", "pool"], ["AI", *want])
        hook = {"buy_bundle": {"items": items, "sla": SLA, "deadline": None, "to": None}}
        tx = self.send(f"router buy_bundle {', '.join(f'{n} {t}' for t, n in want.items())}", "client", "AI",
                       self.router, cost + self.one, hook, kind="router buy_bundle (cw20 send -> router -> pool buy)")
        after = self.snap(["client", "router", "pool"], ["AI", *want])
        d = self.show_deltas(before, after)
        self.eq(d[("client", "AI")], -cost, "client paid exactly the route's cost (the extra $AI refunded)")
        self.eq(int(chain.event_attr(tx, "wasm", "total_cost")), cost, "router charged the quoted total")
        for t, n in want.items():
            self.eq(d[("client", t)], n * self.one, f"client received {n} {t}")
            self.eq(d[("router", t)], 0, f"router kept no {t}")
        self.eq(d[("router", "AI")], 0, "router kept no $AI")
        self.eq(d[("pool", "AI")], cost, "the pools received the cost")

    # 4b ---------------------------------------------------------------------------------------------------------
    def place(self, title: str, who: str, side: str, tok: str, price: int, lots: int, kind: str, order: str,
              gas_kind: str) -> dict[str, Any]:
        """A cw20 `Send` to the book with a `place_order` hook: CU for an ask, `price x lots` $AI for a bid."""
        msg = {"place_order": {"market_id": self.market_of[tok], "side": side, "price": str(price),
                               "quantity": str(lots * self.one), "kind": kind, "expires_at": None, "max_fills": None}}
        pay, amount = (tok, lots * self.one) if side == "ask" else ("AI", price * lots)
        return self.send(title, who, pay, self.book, amount, msg, kind=gas_kind)

    def order_book(self) -> None:
        """HIP-8's order book beside the pools: a worker's resting asks, a cancel, taker fills of one and of ten
        resting orders (maker 0.1 %, taker 0.3 %, each in the asset it receives), the fees collected at the end."""
        self.head("4b. the order book: a worker's asks, a cancel, taker fills of 1 and of 10 resting orders")
        t = "H100"
        if t not in self.market_of:
            return
        tick = self.one // 1000
        spot = self.spot(t)
        # Quote atoms per lot (1 CU): just below the pool's spot, on the tick grid.
        ask = int(spot * self.one * Decimal("0.99")) // tick * tick
        before = self.snap(["worker1", "client", "book"], ["AI", t])
        self.place(f"worker1 asks 5 {t} at {self.fmt(ask)} $AI", "worker1", "ask", t, ask, 5, "limit", "",
                   "orderbook place (resting ask, cw20 send)")
        tx = self.place(f"worker1 asks 2 {t} at {self.fmt(ask + 50 * tick)} $AI", "worker1", "ask", t,
                        ask + 50 * tick, 2, "post_only", "", "orderbook place (resting ask, cw20 send)")
        cancel_id = int(chain.event_attr(tx, "wasm", "order_id"))
        self.exe(f"worker1 cancels order {cancel_id}", "worker1", self.book, {"cancel": {"order_ids": [cancel_id]}},
                 kind="orderbook cancel (1 order, refund)")
        depth = self.q(self.book, {"depth": {"market_id": self.market_of[t], "bid_start_after": None,
                                            "ask_start_after": None, "limit": 5}})
        self.eq([(int(x["price"]), int(x["lots"])) for x in depth["asks"]], [(ask, 5)], "book: one ask level, 5 lots")
        # A taker takes the worker's 5 lots (immediate or cancel).
        self.place(f"client takes 5 {t} (IOC bid)", "client", "bid", t, ask, 5, "immediate_or_cancel", "",
                   "orderbook taker fill (1 resting order)")
        after = self.snap(["worker1", "client", "book"], ["AI", t])
        d = self.show_deltas(before, after)
        value = ask * 5
        maker_fee = -(-value // 1000)        # 0.1 % of the $AI the maker receives, rounded up
        taker_fee = -(-(5 * self.one) * 3 // 1000)  # 0.3 % of the CU the taker receives, rounded up
        self.eq(d[("worker1", t)], -5 * self.one, f"worker1 sold 5 {t} (the cancelled 2 came back)")
        self.eq(d[("worker1", "AI")], value - maker_fee, "worker1 received price x lots less the 0.1 % maker fee")
        self.eq(d[("client", "AI")], -value, "client paid price x lots")
        self.eq(d[("client", t)], 5 * self.one - taker_fee, "client received 5 CU less the 0.3 % taker fee")
        self.eq((d[("book", "AI")], d[("book", t)]), (maker_fee, taker_fee), "the book holds exactly the fees")
        # Ten resting asks of one lot at rising prices, then one taker order that fills all ten.
        before = self.snap(["worker1", "client", "book"], ["AI", t])
        for i in range(10):
            self.place(f"worker1 asks 1 {t} at {self.fmt(ask + i * tick)} $AI", "worker1", "ask", t, ask + i * tick, 1,
                       "limit", "", "orderbook place (resting ask, cw20 send)")
        top = ask + 9 * tick
        tx = self.place(f"client takes 10 {t} from 10 asks (IOC bid at {self.fmt(top)})", "client", "bid", t, top, 10,
                        "immediate_or_cancel", "", "orderbook taker fill (10 resting orders)")
        after = self.snap(["worker1", "client", "book"], ["AI", t])
        d = self.show_deltas(before, after)
        paid = sum(ask + i * tick for i in range(10))
        self.eq(d[("client", "AI")], -paid, "client paid each maker's price (the rest of its escrow refunded)")
        self.eq(d[("worker1", t)], -10 * self.one, "worker1 sold 10 CU")
        fees = sum(-(-(ask + i * tick) // 1000) for i in range(10))
        self.eq(d[("worker1", "AI")], paid - fees, "worker1 received every fill less its 0.1 % maker fee")
        self.eq(d[("client", t)], 10 * self.one - 10 * (-(-self.one * 3 // 1000)),
                "client received 10 CU less the 0.3 % taker fee of each fill")
        self.eq(self.q(self.book, {"best_prices": {"market_id": self.market_of[t]}})["ask"], None, "no ask left")
        self.router_buy_book_and_pool(t, ask)
        self.book_fees = self.q(self.book, {"fees": {}})["fees"]

    def router_buy_book_and_pool(self, t: str, ask: int) -> None:
        """HIP-8 best execution through the router: worker1's 2-lot ask below the pool's price is taken first (one
        fill-or-kill bid), the rest of a 5 CU purchase comes from the pool, in one transaction."""
        self.place(f"worker1 asks 2 {t} at {self.fmt(ask)} $AI", "worker1", "ask", t, ask, 2, "limit", "",
                   "orderbook place (resting ask, cw20 send)")
        items = [{"cu_token": self.tokens[t], "amount": str(5 * self.one)}]
        route = self.q(self.router, {"route": {"items": items, "sla": SLA}})
        cost = int(route["total_cost"])
        fills = route.get("book_fills", [])
        self.eq([(int(f["quantity"]), int(f["cost"])) for f in fills], [(2 * self.one, 2 * ask)],
                "the router's plan takes the 2-lot ask before the pool")
        before = self.snap(["client", "router", "pool", "worker1"], ["AI", t])
        hook = {"buy_bundle": {"items": items, "sla": SLA, "deadline": None, "to": None}}
        self.send(f"router buy_bundle 5 {t} (2 from the book, 3 from the pool)", "client", "AI", self.router,
                  cost + self.one, hook, kind="router buy_bundle, book + pool (router -> book fill-or-kill + pool buy)")
        after = self.snap(["client", "router", "pool", "worker1"], ["AI", t])
        d = self.show_deltas(before, after)
        self.eq(d[("client", "AI")], -cost, "client paid exactly the route's cost (the extra $AI refunded)")
        self.eq(d[("client", t)], 5 * self.one, f"client received exactly 5 {t}")
        self.eq((d[("router", "AI")], d[("router", t)]), (0, 0), "router kept nothing")
        self.eq(d[("pool", "AI")], cost - 2 * ask, "the pool received the cost less the book's part")
        self.eq(d[("worker1", "AI")], 2 * ask - -(-2 * ask // 1000), "worker1 received its ask less the maker fee")

    # 3 ----------------------------------------------------------------------------------------------------------
    def submit_job1(self) -> int:
        self.head("5. the client quotes and submits a 3-class job (part of the H100 from the book, the rest from "
                  "the pools)")
        want = {"H100": 10, "VRAM": 800, "CPU": 160}
        # worker1 rests 3 H100 just below the pool's spot: the router's plan takes them before the pool.
        book_t, book_lots = "H100", 3
        tick = self.one // 1000
        ask = int(self.spot(book_t) * self.one * Decimal("0.98")) // tick * tick
        self.place(f"worker1 asks {book_lots} {book_t} at {self.fmt(ask)} $AI", "worker1", "ask", book_t, ask,
                   book_lots, "limit", "", "orderbook place (resting ask, cw20 send)")
        items = [{"cu_token": self.tokens[t], "amount": str(n * self.one)} for t, n in want.items()]
        route = self.q(self.router, {"route": {"items": items, "sla": SLA}})
        cost = int(route["total_cost"])
        for leg in route["legs"]:
            t = self.label_of[leg["cu_token"]]
            self.say(f"   route: {self.fmt(int(leg['amount'])):>8} {t:<5} from pool {leg['pool_id']} for "
                     f"{self.fmt(int(leg['cost']))} $AI (spot {self.spot(t):.6f})")
        fills = route.get("book_fills", [])
        for f in fills:
            self.say(f"   of which from the book: {self.fmt(int(f['amount']))} {self.label_of[f['cu_token']]} "
                     f"(bid for {self.fmt(int(f['quantity']))}, {f['max_fills']} order) for {self.fmt(int(f['cost']))} $AI")
        self.say(f"   total {self.fmt(cost)} $AI")
        self.check(len(route["legs"]) == 3 and sum(int(x["cost"]) for x in route["legs"]) == cost,
                   "route: one leg per class, costs add up")
        self.eq([(self.label_of[f["cu_token"]], int(f["quantity"]), int(f["cost"])) for f in fills],
                [(book_t, book_lots * self.one, book_lots * ask)], "the plan takes worker1's asks from the book")
        book_cost = int(fills[0]["cost"])
        maker_fee = -(-book_cost // 1000)                      # 0.1 % of the $AI the maker receives, rounded up
        taker_fee = -(-(book_lots * self.one) * 3 // 1000)     # 0.3 % of the CU the taker receives, rounded up
        self.eq(int(fills[0]["amount"]), book_lots * self.one - taker_fee, "the book delivers 3 CU less its taker fee")
        sent = cost + cost // 10
        self.input_data = b"job-1 input: fine-tune llama-3-8b on 10k samples, seed 42"
        start = self.c.block_time()
        spec = {"resources": items, "sla": SLA, "max_spend": str(cost + cost // 50), "start_by": int(start) + 240,
                "finish_by": int(start) + 600, "input_commitment": sha256(self.input_data).hex()}
        before = self.snap(["client", "registry", "pool", "worker1", "book"], ["AI", *want])
        tx = self.send(f"submit_job (sends {self.fmt(sent)} $AI)", "client", "AI", self.registry, sent,
                       {"submit_job": {"spec": spec}},
                       kind="job submit, 3 classes (router route -> pool buy + book fill-or-kill)")
        job_id = int(chain.event_attr(tx, "wasm", "job_id"))
        self.job_ids.append(job_id)
        after = self.snap(["client", "registry", "pool", "worker1", "book"], ["AI", *want])
        d = self.show_deltas(before, after)
        j = self.job(job_id)
        self.eq(j["state"], "open", f"job {job_id} state")
        self.eq(int(j["value"]), cost, "job value = quoted route cost")
        self.eq(int(j["escrow"]), sent - cost, "escrow = sent - cost")
        rate = Decimal(self.q(self.registry, {"config": {}})["limits"]["job_fee_rate"])
        self.eq(int(j["fee"]), math.ceil(cost * rate), f"job fee = ceil({rate} x cost), held with the escrow")
        self.job1_fee = int(j["fee"])
        self.eq(d[("client", "AI")], -sent, "client paid what it sent")
        self.eq(d[("registry", "AI")], sent - cost, "registry holds the escrow")
        self.eq(d[("pool", "AI")], cost - book_cost, "pool received the cost less the book's part")
        self.eq(d[("worker1", "AI")], book_cost - maker_fee, "worker1 (maker) received its asks less the 0.1 % fee")
        self.eq((d[("book", "AI")], d[("book", book_t)]), (maker_fee, -(book_lots * self.one - taker_fee)),
                "the book keeps the fees and released the asks' CU")
        for t, n in want.items():
            self.eq(d[("registry", t)], n * self.one, f"registry locked {n} {t}")
        self.job1_want = want
        self.job1_sent, self.job1_cost = sent, cost
        return job_id

    # 4 ----------------------------------------------------------------------------------------------------------
    def take_and_attest(self, job_id: int) -> None:
        self.head(f"6. worker1 takes job {job_id}, runs it and attests (enclave signature)")
        cu = [{"token": x["token"], "amount": x["amount"]} for x in self.job(job_id)["cu"]]
        for w in ("worker1", "worker2"):
            e = self.q(self.poai, {"eligibility": {"worker": self.addr[w], "cu": cu, "sla": SLA}})
            self.say(f"   eligibility {w}: {e['eligible']}" + (f" ({e['reason']})" if e.get("reason") else ""))
            self.eq(e["eligible"], w == "worker1", f"{w} eligibility")
        self.exe(f"take_job {job_id}", "worker1", self.registry, {"take_job": {"job_id": job_id}},
                 kind="job take (registry -> poai JobAssigned)")
        self.eq(self.job(job_id)["state"], "assigned", "registry: assigned")
        self.eq(self.att(job_id)["state"], "assigned", "poai: assigned")
        obs = {o["cu_token"]: o for o in self.q(self.poai, {"obligations": {"worker": self.addr["worker1"]}})["obligations"]}
        for line in cu:
            self.eq(int(obs[line["token"]]["reserved"]), int(line["amount"]),
                    f"worker1 {self.label_of[line['token']]} obligation reserved")
        self.exe(f"start_job {job_id}", "worker1", self.registry, {"start_job": {"job_id": job_id}}, kind="job start")
        self.eq(self.job(job_id)["state"], "running", "registry: running")
        if self.crash_restart:
            self.kill_and_restart(job_id)

        output = b"job-1 output: adapter weights sha256=" + sha256(b"weights").hex().encode()
        leaves = [self.input_data, output, b"job-1 log: 3 epochs, loss 1.92 -> 1.31"]
        self.leaves = leaves
        out_c = sha256(output).hex()
        in_c = sha256(self.input_data).hex()
        used = {"H100": 8, "VRAM": 800, "CPU": 100}
        self.job1_used = {t: n * self.one for t, n in used.items()}
        used_lines = [{"token": self.tokens[t], "amount": str(v)} for t, v in self.job1_used.items()]
        signed = {"job_id": job_id, "worker": self.addr["worker1"], "input_commitment": in_c,
                  "output_commitment": out_c, "io_merkle_root": merkle_root(leaves).hex(),
                  "tee_report_hash": sha256(b"nvidia-cc attestation report, job 1").hex(), "proof_hash": None,
                  "used": used_lines}
        digest = attestation.attestation_digest(self.c.cfg.chain_id, self.poai, **signed)
        onchain = self.q(self.poai, {"attestation_digest": signed})["hash"]
        self.eq(onchain, digest.hex(), "digest computed off chain = poai's AttestationDigest")
        msg = {"attest": {"job_id": job_id, "output_commitment": out_c, "io_merkle_root": signed["io_merkle_root"],
                          "tee_report_hash": signed["tee_report_hash"],
                          "signature": b64(self.enclave["worker1"].sign(digest)), "proof_hash": None,
                          "used": used_lines}}
        forged = json.loads(json.dumps(msg))
        forged["attest"]["signature"] = b64(EnclaveKey("secp256k1").sign(digest))
        self.expect_fail("an attestation signed by another key", "worker1", self.poai, forged, "signature")
        swapped = json.loads(json.dumps(msg))
        swapped["attest"]["io_merkle_root"] = sha256(b"the host's own io root").hex()
        self.expect_fail("the enclave's signature with the host's own io root", "worker1", self.poai, swapped,
                         "signature")
        self.exe(f"attest job {job_id} (secp256k1 signature)", "worker1", self.poai, msg,
                 kind="poai attest (signature check -> registry)")
        a = self.att(job_id)
        self.eq(a["state"], "attested", "poai: attested")
        self.eq(a["attestation"]["key_type"], "secp256k1", "verified with the secp256k1 enclave key")
        self.eq(self.job(job_id)["state"], "attested", "registry: attested")
        proof = [h.hex() for h in merkle_proof(leaves, 1)]
        inc = self.q(self.poai, {"verify_inclusion": {"job_id": job_id, "leaf": b64(output), "index": 1,
                                                      "leaf_count": len(leaves), "proof": proof}})
        self.check(inc["included"], "the output is leaf 1 under the attested io Merkle root")
        bad = self.q(self.poai, {"verify_inclusion": {"job_id": job_id, "leaf": b64(output + b"!"), "index": 1,
                                                      "leaf_count": len(leaves), "proof": proof}})
        self.check(not bad["included"], "a changed output is not included")
        at = a["attestation"]
        self.say(f"   epoch {at['epoch']}: commit window until {at['commit_end']}, reveal until {at['reveal_end']}"
                 f" (block time now {self.c.block_time():.0f})")

    def kill_and_restart(self, job_id: int) -> None:
        """SIGKILL the local node in the middle of the job, restart it from its data dir, check nothing was lost."""
        self.say("   -- crash test: kill -9 the node while the job runs, restart it from its data dir")
        pid = devnet_node_pid()
        toks = list(self.tokens)
        state = (self.snap(list(self.who), toks), {t: self.supply(t) for t in toks}, self.job(job_id),
                 self.att(job_id), self.worker("worker1"))
        h0, _ = self.c.latest_block()
        os.kill(pid, 9)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            try:  # reap it if it is our child (it is not: scripts/devnet detached it); otherwise wait for exit
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.05)
        self.check(not Path(f"/proc/{pid}").exists() or _zombie(pid), f"node (pid {pid}) killed at height >= {h0}")
        t = time.monotonic()
        r = subprocess.run([str(REPO / "scripts" / "devnet"), "start"], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise StoryFailed(f"[{self.section}] devnet restart failed: {r.stderr.strip()[-500:]}")
        self.c.wait_height(h0 + 2, timeout=60)
        h1, _ = self.c.latest_block()
        self.say(f"   restarted in {time.monotonic() - t:.1f} s, height {h0} -> {h1}")
        after = (self.snap(list(self.who), toks), {t: self.supply(t) for t in toks}, self.job(job_id),
                 self.att(job_id), self.worker("worker1"))
        for what, b, a in zip(("balances", "supplies", "registry job", "poai job", "worker1"), state, after):
            self.check(a == b, f"{what} unchanged across the crash")
        self.crashes = getattr(self, "crashes", 0) + 1

    # 5 ----------------------------------------------------------------------------------------------------------
    def submit_timeout_job(self) -> int:
        self.head("3. a second job, taken by worker2, which will never start it")
        n = 50 * self.one
        items = [{"cu_token": self.tokens["CPU"], "amount": str(n)}]
        cost = int(self.q(self.router, {"route": {"items": items, "sla": SLA}})["total_cost"])
        sent = cost + 5 * self.one
        now = self.c.block_time()
        # A take needs a minute before start_by (the registry's MIN_START_WINDOW: no start_by bait).
        spec = {"resources": items, "sla": SLA, "max_spend": str(cost + cost // 50), "start_by": int(now) + 75,
                "finish_by": int(now) + 135, "input_commitment": sha256(b"job-2 input").hex()}
        tx = self.send("submit_job (50 CPU, start_by in ~75 s)", "client", "AI", self.registry, sent,
                       {"submit_job": {"spec": spec}}, kind="job submit (cw20 send -> router route -> pool buy)")
        job_id = int(chain.event_attr(tx, "wasm", "job_id"))
        self.job_ids.append(job_id)
        self.exe(f"take_job {job_id}", "worker2", self.registry, {"take_job": {"job_id": job_id}},
                 kind="job take (registry -> poai JobAssigned)")
        self.eq(self.job(job_id)["state"], "assigned", f"job {job_id} assigned to worker2")
        self.expect_fail("a timeout claim before the deadline", "client", self.registry,
                         {"claim_timeout": {"job_id": job_id}}, "deadline")
        self.timeout_job = (job_id, n, cost, sent, spec)
        return job_id

    def claim_timeout(self) -> None:
        job_id, n, cost, sent, spec = self.timeout_job
        self.head(f"7. job {job_id} timed out: refund and slash")
        w0 = self.worker("worker2")
        s0 = self.supply("AI")
        before = self.snap(["client", "registry"], ["AI", "CPU"])
        self.wait_until(spec["start_by"] + 1, f"job {job_id}'s start_by to pass (worker2 never started)")
        self.exe(f"claim_timeout {job_id}", "client", self.registry, {"claim_timeout": {"job_id": job_id}},
                 kind="job claim_timeout (refund, poai JobFailed slash)")
        after = self.snap(["client", "registry"], ["AI", "CPU"])
        d = self.show_deltas(before, after)
        j = self.job(job_id)
        self.eq(j["state"], "expired", f"job {job_id} state")
        self.eq(j["close_reason"], {"timeout": {"state": "assigned"}}, "close reason")
        self.eq(d[("client", "CPU")], n, "client got the locked CPU back")
        self.eq(d[("client", "AI")], sent - cost, "client got the escrow back, job fee included")
        self.eq(self.q(self.registry, {"escrow": {"job_id": job_id}})["ai"], "0", "nothing held for the job")
        w1 = self.worker("worker2")
        slash = math.ceil(int(w0["bond"]) * Decimal(self.params["slash_fraction"]))
        self.say(f"   worker2 bond {self.fmt(int(w0['bond']))} -> {self.fmt(int(w1['bond']))}, quality "
                 f"{w0['quality']} -> {w1['quality']}, denied until {w1['denied_until']}")
        self.eq(int(w0["bond"]) - int(w1["bond"]), slash, "worker2 slashed ceil(sigma * bond)")
        self.eq(s0 - self.supply("AI"), slash, "the slash was burned ($AI supply)")
        self.eq(self.txs[-1]["burned"].get("AI", 0), slash, "burn event = slash")
        self.eq((w1["slash_count"], w1["jobs_failed"]), (1, 1), "worker2 slash and failure counted")
        self.check(Decimal(w1["quality"]) < Decimal(w0["quality"]), "worker2 quality fell")
        self.check(int(w1["denied_until"]) > self.c.block_time(), "worker2 is in a denial window")
        self.eq(self.att(job_id)["state"], "failed", "poai: failed")
        e = self.q(self.poai, {"eligibility": {"worker": self.addr["worker2"], "cu": [{"token": self.tokens["CPU"],
                                                                                       "amount": str(self.one)}],
                                               "sla": SLA}})
        self.check(not e["eligible"], f"worker2 cannot take jobs now ({e.get('reason')})")

    # 6 ----------------------------------------------------------------------------------------------------------
    def liquidity_round_trip(self) -> None:
        self.head("8. the LP adds and removes liquidity (A100 pool, constant product)")
        pid = self.pool_of["A100"]
        info = self.q(self.pool, {"pool": {"pool_id": pid}})
        cls = info["classes"][0]
        q0, p0, total0 = int(cls["resource_reserve"]), int(cls["credit_reserve"]), int(info["total_shares"])
        dq = 200 * self.one
        dp = dq * p0 // q0 + self.one  # a little more than proportional: the pool pulls exactly its ratio
        before = self.snap(["lp"], ["AI", "A100"])
        tx = self.exe(f"add_liquidity pool {pid}: up to {self.fmt(dq)} A100 + {self.fmt(dp)} $AI", "lp", self.pool,
                      {"add_liquidity": {"pool_id": pid, "deposits": [{"resource": str(dq), "credits": str(dp)}],
                                         "min_shares": "1", "deadline": None}}, kind="pool provide")
        shares = int(chain.event_attr(tx, "wasm", "shares"))
        mid = self.snap(["lp"], ["AI", "A100"])
        d = self.show_deltas(before, mid)
        self.eq(-d[("lp", "A100")], -(-q0 * shares // total0), "A100 pulled = ceil(q * shares / S)")
        self.eq(-d[("lp", "AI")], -(-p0 * shares // total0), "$AI pulled = ceil(p * shares / S)")
        share = self.q(self.pool, {"share": {"pool_id": pid, "owner": self.addr["lp"]}})
        info = self.q(self.pool, {"pool": {"pool_id": pid}})
        cls = info["classes"][0]
        q1, p1, total1 = int(cls["resource_reserve"]), int(cls["credit_reserve"]), int(info["total_shares"])
        fee_q, fee_p = int(share["pending_fee_resources"][0]), int(share["pending_fee_credits"])
        self.say(f"   LP position: {share['shares']} shares, unclaimed fees {self.fmt(fee_q)} A100 + {self.fmt(fee_p)} $AI"
                 " (paid with any withdrawal)")
        self.exe(f"remove_liquidity pool {pid}: {shares} shares", "lp", self.pool,
                 {"remove_liquidity": {"pool_id": pid, "shares": str(shares), "min_credits": "0",
                                       "min_resources": [], "deadline": None}}, kind="pool withdraw")
        after = self.snap(["lp"], ["AI", "A100"])
        d2 = self.show_deltas(mid, after)
        self.eq(d2[("lp", "A100")], q1 * shares // total1 + fee_q, "A100 withdrawn = floor(q * shares / S) + fees")
        self.eq(d2[("lp", "AI")], p1 * shares // total1 + fee_p, "$AI withdrawn = floor(p * shares / S) + fees")
        self.check(q1 * shares // total1 <= -d[("lp", "A100")] and p1 * shares // total1 <= -d[("lp", "AI")],
                   "the deposit-withdraw round trip returns no more than was put in (fees aside)")

    # 7 ----------------------------------------------------------------------------------------------------------
    def verify_and_finalize(self, job_id: int) -> None:
        self.head(f"9. verification of job {job_id}: sampling, commit-reveal, finalize and settlement")
        at = self.att(job_id)["attestation"]
        commit_end, reveal_end = int(at["commit_end"]), int(at["reveal_end"])
        epoch = int(at["epoch"])
        epoch_end = commit_end - int(self.params["commit_period"])
        self.wait_until(epoch_end, f"the end of epoch {epoch}")
        s0 = self.supply("AI")
        tx = self.exe("distribute_emissions (closes ended epochs)", "admin", self.poai, {"distribute_emissions": {}},
                      kind="poai distribute_emissions")
        e = self.q(self.poai, {"epoch": {"epoch": epoch}})
        self.check(e["closed"] and e["seed"], f"epoch {epoch} closed, seed {str(e['seed'])[:16]}…")
        minted = self.txs[-1]["minted"].get("AI", 0)
        closed = minted // int(self.params["emission_per_epoch"])
        self.check(closed >= 1 and minted == closed * int(self.params["emission_per_epoch"]),
                   f"{closed} epoch(s) x emission {self.fmt(int(self.params['emission_per_epoch']))} $AI minted")
        self.eq(self.supply("AI") - s0, minted, "$AI supply grew by the emission")
        self.say(f"   epoch {epoch}: attestations {e['attestations']}, treasury {self.fmt(int(e['treasury']))}, "
                 f"verifiers' pool {self.fmt(int(e['verifiers']['remaining']))}")
        del tx

        salt = secrets.token_bytes(32)
        verifier = self.addr["verifier"]
        commitment = sha256(job_id.to_bytes(8, "big"), b"\x01", salt, verifier.encode()).hex()
        onchain = self.q(self.poai, {"verdict_commitment": {"job_id": job_id, "verifier": verifier,
                                                            "verdict": "valid", "salt": b64(salt)}})["hash"]
        self.eq(onchain, commitment, "verdict commitment computed off chain = poai's")
        self.exe(f"commit_verdict job {job_id} (sampled)", "verifier", self.poai,
                 {"commit_verdict": {"job_id": job_id, "commitment": commitment}}, kind="poai commit_verdict")
        self.eq(self.att(job_id)["attestation"]["commits"], 1, "one commitment")
        self.wait_until(commit_end, "the reveal window")
        self.exe("reveal_verdict valid (seed replay)", "verifier", self.poai,
                 {"reveal_verdict": {"job_id": job_id, "verdict": "valid", "salt": b64(salt),
                                     "audit": {"kind": "seed_replay",
                                               "evidence_hash": sha256(b"replayed output").hex()}}},
                 kind="poai reveal_verdict")
        vb = int(self.q(self.poai, {"verifier": {"verifier": verifier}})["bond"])
        self.eq(int(self.att(job_id)["attestation"]["valid_weight"]), vb, "valid weight = the verifier's bond")
        self.wait_until(reveal_end, "the end of the reveal window")

        toks = ["AI", *self.job1_want]
        who = ["client", "worker1", "verifier", "registry"]
        before = self.snap(who, toks)
        supply_b = {t: self.supply(t) for t in toks}
        w0 = self.worker("worker1")
        ob0 = {o["cu_token"]: o for o in self.q(self.poai, {"obligations": {"worker": self.addr["worker1"]}})["obligations"]}
        tx = self.exe(f"finalize job {job_id}", "verifier", self.poai, {"finalize": {"job_id": job_id}},
                      kind="poai finalize (rewards, registry Settle: burn + rebate)")
        after = self.snap(who, toks)
        d = self.show_deltas(before, after)
        self.eq(self.att(job_id)["state"], "succeeded", "poai: succeeded")
        j = self.job(job_id)
        self.eq(j["state"], "settled", "registry: settled")
        self.eq(j["close_reason"], "completed", "close reason")
        bonus = int(chain.event_attr(tx, "wasm", "worker_bonus"))
        rate = Decimal(self.params["poai_bonus_rate"])
        self.check(0 < bonus <= int(Decimal(self.job1_cost) * rate * Decimal("1.5")) + 1,
                   f"worker1 PoAI bonus {self.fmt(bonus)} $AI (rho {rate} x value {self.fmt(self.job1_cost)},"
                   f" HIP-8 multiplier {chain.event_attr(tx, 'wasm', 'hip8_multiplier')})")
        self.eq(d[("worker1", "AI")], bonus, "worker1 received the bonus")
        self.check(d[("verifier", "AI")] > 0, f"verifier bonus share {self.fmt(d[('verifier', 'AI')])} $AI")
        self.eq(d[("client", "AI")], self.job1_sent - self.job1_cost - self.job1_fee,
                "client got the escrow back, less the job fee")
        credit = self.job1_fee * 9 // 10
        self.check(bonus + d[("verifier", "AI")] <= credit,
                   f"bonuses {self.fmt(bonus + d[('verifier', 'AI')])} $AI within the job's reward credit "
                   f"{self.fmt(credit)} $AI (9/10 of the fee)")
        for t, n in self.job1_want.items():
            used = self.job1_used[t]
            self.eq(supply_b[t] - self.supply(t), used, f"{t}: the used {self.fmt(used)} burned")
            self.eq(d[("client", t)], n * self.one - used, f"{t}: the unused {self.fmt(n * self.one - used)} rebated")
            self.eq(d[("registry", t)], -n * self.one, f"{t}: nothing left locked")
            ob = [o for o in self.q(self.poai, {"obligations": {"worker": self.addr["worker1"]}})["obligations"]
                  if o["cu_token"] == self.tokens[t]][0]
            self.eq((int(ob["used"]) - int(ob0[self.tokens[t]]["used"]), int(ob["reserved"])), (used, 0),
                    f"worker1 {t} obligation: used += burned, reservation released")
        w1 = self.worker("worker1")
        self.check(Decimal(w1["quality"]) > Decimal(w0["quality"]),
                   f"worker1 quality {w0['quality']} -> {w1['quality']}")
        self.eq(w1["jobs_succeeded"], 1, "worker1 jobs succeeded")
        self.eq(self.supply("AI") - supply_b["AI"],
                self.txs[-1]["minted"].get("AI", 0) - self.job1_fee, "$AI supply: + bonuses - the burned job fee")
        self.eq(self.txs[-1]["burned"].get("AI", 0), self.job1_fee, "burn event = the job fee")

    # 8 ----------------------------------------------------------------------------------------------------------
    def collect_fees(self) -> None:
        self.head("10. protocol fees (pools and book): treasury share paid, burn share burned")
        cfg = self.q(self.pool, {"config": {}})
        burn = {self.label_of[x["token"]]: int(x["amount"]) for x in cfg["pending_burn"] if int(x["amount"])}
        trea = {self.label_of[x["token"]]: int(x["amount"]) for x in cfg["pending_treasury"] if int(x["amount"])}
        book_fees = self.q(self.book, {"fees": {}})["fees"]
        for x in book_fees:
            tok = self.label_of[x["asset"]["cw20"]["contract_addr"]]
            burn[tok] = burn.get(tok, 0) + int(x["burn"])
            trea[tok] = trea.get(tok, 0) + int(x["treasury"])
        toks = sorted(set(burn) | set(trea))
        before = self.snap([self.treasury], toks)
        sup = {t: self.supply(t) for t in toks}
        self.exe("collect_protocol_fees", "admin", self.pool, {"collect_protocol_fees": {}},
                 kind="pool collect_protocol_fees")
        if book_fees:
            self.exe("orderbook collect_fees (anyone)", "verifier", self.book, {"collect_fees": {"assets": []}},
                     kind="orderbook collect_fees")
            self.eq(self.q(self.book, {"fees": {}})["fees"], [], "the book's fee ledger is empty")
        after = self.snap([self.treasury], toks)
        for t in toks:
            self.say(f"   {t:<5} burned {self.fmt(burn.get(t, 0))}, to the treasury {self.fmt(trea.get(t, 0))}")
            self.eq(sup[t] - self.supply(t), burn.get(t, 0), f"{t} burn share burned")
            self.eq(after[(self.treasury, t)] - before[(self.treasury, t)], trea.get(t, 0), f"{t} treasury share paid")

    # -- conservation ----------------------------------------------------------------------------------------------
    def all_balances(self, tok: str) -> int:
        total, start = 0, None
        while True:
            r = self.q(self.tokens[tok], {"all_accounts": {"start_after": start, "limit": 30}})
            accts = r.get("accounts") or []
            for a in accts:
                total += self.c.cw20_balance(self.tokens[tok], a)
            if len(accts) < 30:
                return total
            start = accts[-1]

    def conservation(self, toks: list[str], cus: list[str]) -> None:
        self.head("conservation: supplies against the story's mints and burns")
        self.supply1 = {t: self.supply(t) for t in toks}
        for t in toks:
            s0, s1 = self.supply0[t], self.supply1[t]
            self.say(f"   {t:<5} supply {self.fmt(s0):>16} -> {self.fmt(s1):>16}: minted {self.fmt(self.minted[t])},"
                     f" burned {self.fmt(self.burned[t])}")
            self.eq(s1 - s0, self.minted[t] - self.burned[t], f"{t} supply change = mints - burns of the story's txs")
            self.eq(self.all_balances(t), s1, f"{t} supply = sum of all balances")
        tot = self.q(self.poai, {"totals": {}})
        self.eq(int(tot["minted"]) - int(self.poai_totals0["minted"]), self.minted["AI"], "$AI minted = poai's total")
        fee_kinds = ("pool collect_protocol_fees", "orderbook collect_fees")
        pool_ai_burn = sum(x["burned"].get("AI", 0) for x in self.txs if x["kind"] in fee_kinds)
        job_fees = sum(int(self.job(j)["fee"]) for j in self.job_ids if self.job(j)["state"] == "settled")
        self.eq(int(tot["burned"]) - int(self.poai_totals0["burned"]) + pool_ai_burn + job_fees, self.burned["AI"],
                "$AI burned = poai slashes and capped emissions + pool and book fee burns + settled jobs' fees")
        ai_in_poai = self.c.cw20_balance(self.ai, self.poai)
        held = sum(int(tot[k]) for k in ("worker_bonds", "verifier_bonds", "claims", "deposits", "reward_reserve"))
        self.eq(ai_in_poai, held, "poai's $AI balance = bonds + claims + deposits + reward reserve")
        # CU: supply = bootstrap + open obligations of all workers - CU fee burns by the pool.
        workers = self.q(self.poai, {"workers": {"start_after": None, "limit": 30}})["workers"]
        for t in cus:
            open_sum = 0
            for w in workers:
                for o in self.q(self.poai, {"obligations": {"worker": w["address"]}})["obligations"]:
                    if o["cu_token"] == self.tokens[t]:
                        open_sum += int(o["open"])
            boot = sum(int(v) for v in self.m["initial_balances"]["cu_each_class"].values())
            pool_burn = sum(x["burned"].get(t, 0) for x in self.txs if x["kind"] in fee_kinds)
            self.eq(self.supply1[t], boot + open_sum - pool_burn,
                    f"{t} supply = bootstrap + workers' open obligations - pool and book fee burns")
        self.head("final balances")
        toks_all = list(self.tokens)
        self.balances1 = self.snap(list(self.who), toks_all)
        self.show_deltas(self.balances0, {k: self.balances1[k] for k in self.balances0})


def devnet_node_pid() -> int:
    """The PID of the local devnet node started by scripts/devnet (checked in /proc like scripts/devnet does)."""
    home = REPO / ".devnet" / "home"
    if not (REPO / ".devnet" / "CREATED_BY_SCRIPTS_DEVNET").exists():
        raise StoryFailed("the crash test needs the local devnet of scripts/devnet")
    try:
        pid = int((REPO / ".devnet" / "node.pid").read_text().split()[0])
        args = [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")]
    except (OSError, ValueError, IndexError):
        raise StoryFailed("no running devnet node recorded in .devnet/node.pid") from None
    if not (args and "injectived" in os.path.basename(args[0]) and str(home) in args and "start" in args):
        raise StoryFailed(f"pid {pid} is not this checkout's devnet node")
    return pid


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


# -- report ---------------------------------------------------------------------------------------------------------
def gas_by_kind(txs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by: dict[str, list[int]] = defaultdict(list)
    for t in txs:
        by[t["kind"]].append(t["gas_used"])
    return [{"kind": k, "count": len(v), "gas_min": min(v), "gas_max": max(v), "gas_mean": round(sum(v) / len(v))}
            for k, v in by.items()]


def write_report(story: Story | None, m: dict[str, Any] | None, ok: bool, error: str | None, seconds: float,
                 out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    txs = story.txs if story else []
    kinds = gas_by_kind(txs)
    report = {
        "ok": ok, "error": error, "seconds": round(seconds, 1), "chain_id": m.get("chain_id") if m else None,
        "deployment": {k: m[k] for k in ("contracts", "codes", "classes")} if m else None,
        "deploy_txs": m.get("txs") if m else None, "checks": story.checks if story else [],
        "txs": txs, "gas_by_kind": kinds,
        "supply": ({t: {"start": story.supply0.get(t), "end": getattr(story, "supply1", {}).get(t),
                        "minted": story.minted[t], "burned": story.burned[t]} for t in story.tokens}
                   if story and hasattr(story, "supply0") else None),
        "astroport_xyk_gas": ASTROPORT,
        "final_balances": ([{"name": w, "address": story.who.get(w, w), "token": t, "token_address": story.tokens[t],
                             "amount": v} for (w, t), v in story.balances1.items()]
                           if story and hasattr(story, "balances1") else None),
        "jobs": ({str(j): story.job(j)["state"] for j in story.job_ids} if story and ok else None),
        "crash_restarts": getattr(story, "crashes", 0) if story else 0,
    }
    (out_dir / "demo-report.json").write_text(json.dumps(report, indent=1) + "\n")
    lines = [f"# Demo report ({'PASSED' if ok else 'FAILED'})", "",
             f"chain `{report['chain_id']}`, {len(txs)} story transactions, {len(report['checks'])} checks passed, "
             f"{report['seconds']} s" + (f"\n\n**error**: {error}" if error else ""), "",
             "## Gas per transaction type", "", "| tx | count | gas (min–max) | Astroport xyk |", "| --- | ---: | ---: | ---: |"]
    astro = {"pool provide": "provide", "pool withdraw": "withdraw"}
    for k in kinds:
        rng = f"{k['gas_min']:,}" if k["gas_min"] == k["gas_max"] else f"{k['gas_min']:,}–{k['gas_max']:,}"
        a = "swap" if k["kind"].startswith("swap ") else astro.get(k["kind"])
        lines.append(f"| {k['kind']} | {k['count']} | {rng} | {f'{ASTROPORT[a]:,}' if a else ''} |")
    if m and m.get("txs"):
        lines += ["", "## Deployment transactions", "", "| step | gas |", "| --- | ---: |"]
        lines += [f"| {t['step']} | {t['gas_used']:,} |" for t in m["txs"]]
    lines += ["", "## Story transactions", "", "| # | section | signer | tx | gas | s |", "| ---: | --- | --- | --- | ---: | ---: |"]
    lines += [f"| {i} | {t['section']} | {t['signer']} | {t['step']} | {t['gas_used']:,} | {t['seconds']} |"
              for i, t in enumerate(txs, 1)]
    if report["supply"]:
        lines += ["", "## Supplies", "", "| token | start | end | minted | burned |", "| --- | ---: | ---: | ---: | ---: |"]
        for t, s in report["supply"].items():
            lines.append(f"| {t} | {s['start']} | {s['end']} | {s['minted']} | {s['burned']} |")
    (out_dir / "demo-report.md").write_text("\n".join(lines) + "\n")


def print_summary(story: Story) -> None:
    print("\n== summary: gas per transaction type")
    print(f"   {'tx':<58} {'n':>3} {'gas':>21}")
    for k in gas_by_kind(story.txs):
        rng = f"{k['gas_min']:,}" if k["gas_min"] == k["gas_max"] else f"{k['gas_min']:,}-{k['gas_max']:,}"
        print(f"   {k['kind']:<58} {k['count']:>3} {rng:>21}")
    print(f"   (Astroport xyk cw20 pair for comparison: swap {ASTROPORT['swap']:,}, provide {ASTROPORT['provide']:,},"
          f" withdraw {ASTROPORT['withdraw']:,})")


def phase(name: str, start: float, end: float, note: str = "") -> None:
    """A row of the phase table that scripts/demo prints at the end (HMM_PHASE_LOG; epoch seconds)."""
    log = os.environ.get("HMM_PHASE_LOG")
    if log:
        with open(log, "a") as f:
            f.write(f"{name}\t{start:.3f}\t{end:.3f}\t{note}\n")


def phase_first_tx(c: chain.Chain, height: int) -> None:
    """The time of the block holding the run's first transaction (fresh clone to there: docs/first-run.md)."""
    try:
        h = c.rest_get(f"/cosmos/base/tendermint/v1beta1/blocks/{height}")["block"]["header"]
    except (chain.ChainError, KeyError):
        return
    t = chain.parse_time(h["time"])
    phase(f"first transaction in a block (height {height})", t, t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deployment", default=str(REPO / ".devnet" / "deployment.json"),
                    help="manifest path (written by the deployment)")
    ap.add_argument("--reuse-deployment", action="store_true",
                    help="use the manifest as is instead of deploying fresh instances (only on a fresh deployment)")
    ap.add_argument("--report-dir", default=str(REPO / ".devnet"))
    ap.add_argument("--quiet", action="store_true", help="do not print every passed check")
    ap.add_argument("--crash-restart", action="store_true",
                    help="kill -9 the local devnet node in the middle of job 1, restart it, check nothing was lost")
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    c = chain.Chain()
    m: dict[str, Any] | None = None
    story: Story | None = None
    try:
        if a.reuse_deployment:
            m = json.loads(Path(a.deployment).read_text())
        else:
            print("== deploy (fresh instances; codes reused when already stored)", flush=True)
            ts = time.time()
            m = deploy_mod.deploy(c, profile="fast", say=lambda s: print(f"   {s}", flush=True))
            p = Path(a.deployment)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(m, indent=1) + "\n")
            print(f"   manifest {p} ({m['seconds']} s)")
            stores = sum(1 for t in m["txs"] if t["step"].startswith("store"))
            phase("deploy (scripts/deploy.py --profile fast)", ts, time.time(), f"{len(m['txs'])} txs, {stores} stores")
            if m["txs"]:
                phase_first_tx(c, int(m["txs"][0]["height"]))
        story = Story(c, m, verbose=not a.quiet, crash_restart=a.crash_restart)
        ts = time.time()
        story.run()
        phase("the demo's story (scripts/demo.py)", ts, time.time(), f"{len(story.txs)} txs, {len(story.checks)} checks")
    except (StoryFailed, chain.ChainError, AssertionError, KeyError, ValueError) as e:
        msg = f"{type(e).__name__}: {e}"
        print(f"\nDEMO FAILED: {msg}", file=sys.stderr)
        if not isinstance(e, StoryFailed):
            traceback.print_exc()
        write_report(story, m, False, msg, time.monotonic() - t0, Path(a.report_dir))
        return 1
    print_summary(story)
    write_report(story, m, True, None, time.monotonic() - t0, Path(a.report_dir))
    print(f"\nDEMO PASSED: {len(story.txs)} transactions, {len(story.checks)} checks, "
          f"{time.monotonic() - t0:.0f} s; report {a.report_dir}/demo-report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
