#!/usr/bin/env python3
"""Deploy the HMM exchange to a CosmWasm chain and write a deployment manifest (JSON).

Stores every artifact (a code already stored with the same sha256 is reused), then instantiates, wired to each other:

  $AI          ai-token code, fixed initial balances, minter = poai (emissions and PoAI bonuses)
  CU tokens    ai-token code, one per resource class, minter = poai (capacity offers); optional bootstrap balances
               (the seed liquidity an LP puts into the pools: without it no pool has a price and no worker can offer)
  hmm-pool     ai_token = $AI, treasury; then one pool per class (owner-created)
  router       pool_contract, ai_token (pools join its index once funded: `register_pools`, anyone); the order
               book once deployed (`set_orderbook`)
  orderbook    quote = $AI (cw20), treasury, burn share 0.25; one market per class (lot 1 CU, tick 0.001 $AI)
  job-registry ai_token, pool, router, poai; the order book it pays for the book's part of a plan
  poai         ai_token, pool, job_registry, treasury, params; every class declared (SetResourceClass)

poai is created with `instantiate2`, so its address is known before the tokens and the registry that name it: the
minter of every token is poai from its first block, and nobody else can ever mint.

Configuration (flags, else environment, else the local devnet): see `scripts/chain.py` (CHAIN_NODE, CHAIN_REST,
CHAIN_ID, CHAIN_FEE_DENOM, CHAIN_GAS_PRICE, CHAIN_KEY, CHAIN_KEYRING_BACKEND, CHAIN_HOME, INJECTIVED).

    scripts/deploy                                  # local devnet, manifest .devnet/deployment.json
    scripts/deploy --profile fast --force           # short epochs/verification windows (the demo's deployment)
    scripts/deploy --node https://rpc.example:443 --rest https://lcd.example --chain-id X --from mykey \\
        --keyring-backend os --home ~/.injectived --ai-balance mykey=1000000 --cu-bootstrap none --out deploy.json

Idempotent: with a manifest at --out for the same chain whose contracts exist and whose code checksums match the
artifacts, nothing is sent (use --force for a new deployment).
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import chain  # noqa: E402

ARTIFACTS = {"ai_token": "ai_token.wasm", "hmm_pool": "hmm_pool.wasm", "job_registry": "job_registry.wasm",
             "poai": "poai.wasm", "router": "router.wasm", "orderbook": "orderbook.wasm"}
DEFAULT_OUT = REPO / ".devnet" / "deployment.json"
DECIMALS = 6

# The default resource classes: one CU token and one pool each. Curves differ per pool to exercise the invariants
# (docs/design.md): constant product, target-reserve (2026 eq.4, normalised) and the augmented form (eq.9).
SLA_TAGS = {"region": "eu-west", "latency": "interactive", "privacy_tier": 2, "tee": True}
DEFAULT_CLASSES: list[dict[str, Any]] = [
    {"kind": "h100-hour", "unit": "GPU-hour", "symbol": "CUHGPU", "name": "H100 GPU-hour",
     "description": "One hour of one NVIDIA H100 80GB GPU (SXM), confidential computing on", "curve": "target_reserve"},
    {"kind": "a100-hour", "unit": "GPU-hour", "symbol": "CUAGPU", "name": "A100 GPU-hour",
     "description": "One hour of one NVIDIA A100 80GB GPU", "curve": "bilinear"},
    {"kind": "vram-gb-hour", "unit": "GB-hour", "symbol": "CUVRAM", "name": "VRAM GB-hour",
     "description": "One GB of GPU memory for one hour", "curve": "augmented"},
    {"kind": "cpu-core-hour", "unit": "core-hour", "symbol": "CUCPU", "name": "CPU core-hour",
     "description": "One x86-64 CPU core for one hour", "curve": "target_reserve"},
]

# Default $AI initial balances (whole tokens) on the local devnet, by key name; the bootstrap CU (per class) for the LP.
DEVNET_AI_BALANCES = {"admin": 1_000_000, "lp": 2_000_000, "client": 200_000, "worker1": 100_000,
                      "worker2": 100_000, "verifier": 20_000}
DEVNET_CU_BOOTSTRAP = {"lp": 100_000}


def fast_params(decimals: int = DECIMALS) -> dict[str, Any]:
    """poai parameters for a demo or test chain: 60 s epochs (the smallest poai accepts), every attestation
    sampled, 6 s commit and reveal windows, 5 min heartbeat timeout and denial window (poai requires the denial window
    to be at least the heartbeat timeout), 2 min unbonding (it must exceed epoch + commit + reveal); the rest are the
    contract's defaults."""
    one = 10 ** decimals
    return {
        "collateral_ratio": "1.5", "quality_alpha": "0.1", "initial_quality": "0.5",
        "low_quality_threshold": "0.5", "low_quality_epochs": 7, "heartbeat_timeout": 300,
        "slash_fraction": "0.1", "denial_window": 300, "unbonding_period": 120, "epoch_length": 60,
        "sample_rate": "1", "commit_period": 6, "reveal_period": 6, "max_verifiers_per_job": 7,
        "verifier_min_bond": str(1_000 * one), "worker_min_bond": str(1_000 * one),
        "poai_bonus_rate": "0.05", "verifier_bonus_share": "0.2",
        "emission_per_epoch": str(1_000 * one), "emission_validators": "0.35", "emission_workers": "0.5",
        "emission_curators": "0.1", "experience_deposit": str(25 * one),
    }


def curvature(curve: str) -> dict[str, Any] | None:
    if curve == "bilinear":
        return {"lambda": "0", "mu": "0", "alpha": "0", "beta": "0", "lambda_max": "0"}
    return None  # the pool's defaults: λ 0.5, μ 0.05, λ_max 1.5


def sha256_file(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def log(msg: str) -> None:
    print(f"[deploy] {msg}", file=sys.stderr, flush=True)


@dataclasses.dataclass
class Step:
    step: str
    gas_used: int
    txhash: str
    height: int


class Deployer:
    def __init__(self, c: chain.Chain, say: Callable[[str], None] = log):
        self.c = c
        self.say = say
        self.steps: list[Step] = []

    def record(self, step: str) -> dict[str, Any]:
        tx = self.c.last_tx or {}
        s = Step(step, int(tx.get("gas_used", 0)), tx.get("txhash", ""), int(tx.get("height", 0)))
        self.steps.append(s)
        self.say(f"{step}: gas {s.gas_used:,}  tx {s.txhash[:12]}…")
        return tx

    def resolve(self, name: str) -> str:
        """A key name of the keyring, or an address as is."""
        if name.startswith(("inj1", "wasm1", "cosmos1", "osmo1", "neutron1", "juno1")) and len(name) > 30:
            return name
        return self.c.address(name)


def parse_balances(items: list[str] | None, default: dict[str, int]) -> dict[str, int]:
    if items is None:
        return dict(default)
    out: dict[str, int] = {}
    for it in items:
        if it in ("none", ""):
            continue
        name, _, amount = it.partition("=")
        if not amount:
            raise SystemExit(f"error: expected NAME=WHOLE_TOKENS, got {it!r}")
        out[name] = out.get(name, 0) + int(amount)
    return out


def existing_deployment(c: chain.Chain, out: Path, checksums: dict[str, str]) -> dict[str, Any] | None:
    """The manifest at `out` if it describes a live deployment of these artifacts on this chain."""
    try:
        m = json.loads(out.read_text())
    except (OSError, ValueError):
        return None
    if m.get("chain_id") != c.cfg.chain_id:
        return None
    if any(m.get("codes", {}).get(k, {}).get("checksum") != v for k, v in checksums.items()):
        return None
    try:
        addrs = [m["contracts"][k] for k in ("ai_token", "pool", "router", "orderbook", "job_registry", "poai")]
        addrs += [cl["token"] for cl in m["classes"]]
        for a in addrs:
            c.contract_info(a)
    except (KeyError, chain.ChainError):
        return None
    return m


def deploy(c: chain.Chain, *, profile: str = "default", classes: list[dict[str, Any]] | None = None,
           ai_balances: dict[str, int] | None = None, cu_bootstrap: dict[str, int] | None = None,
           treasury: str | None = None, admin: str | None = "", artifacts: Path = REPO / "artifacts",
           decimals: int = DECIMALS, say: Callable[[str], None] = log) -> dict[str, Any]:
    """Deploy everything; return the manifest. `admin`: migration admin ("" = the deployer, None = no admin)."""
    t0 = time.monotonic()
    d = Deployer(c, say)
    classes = classes or DEFAULT_CLASSES
    ai_balances = DEVNET_AI_BALANCES if ai_balances is None else ai_balances
    cu_bootstrap = DEVNET_CU_BOOTSTRAP if cu_bootstrap is None else cu_bootstrap
    deployer = c.address()
    treasury_addr = d.resolve(treasury) if treasury else deployer
    admin_addr = deployer if admin == "" else (d.resolve(admin) if admin else None)
    one = 10 ** decimals

    # Snapshot the artifacts (another build may replace them meanwhile; each file is replaced atomically).
    codes: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="hmm-deploy-") as tmp:
        for name, fname in ARTIFACTS.items():
            src = artifacts / fname
            if not src.is_file():
                raise SystemExit(f"error: {src} not found: run `bash scripts/build-wasm.sh` first")
            dst = Path(tmp) / fname
            shutil.copyfile(src, dst)
            checksum = sha256_file(dst)
            code_id = c.find_code(checksum)
            store_gas = None
            if code_id is None:
                code_id = c.store(dst)
                store_gas = d.record(f"store {fname}").get("gas_used")
            else:
                say(f"store {fname}: already stored as code {code_id} (same sha256)")
            codes[name] = {"code_id": code_id, "checksum": checksum, "bytes": dst.stat().st_size,
                           "store_gas": int(store_gas) if store_gas is not None else None}

    # poai's address, before the contracts that name it.
    salt = hashlib.sha256(f"hmm-poai|{deployer}|{time.time_ns()}".encode()).hexdigest()[:32]
    poai_addr = c.build_address(codes["poai"]["checksum"], deployer, salt)
    say(f"poai will be at {poai_addr} (instantiate2, salt {salt})")

    balances = [{"address": d.resolve(k), "amount": str(v * one)} for k, v in ai_balances.items() if v > 0]
    ai_token = c.instantiate(codes["ai_token"]["code_id"], {
        "name": "HMM AI", "symbol": "HMMAI", "decimals": decimals, "initial_balances": balances,
        "mint": {"minter": poai_addr}, "marketing": None, "resource": None,
    }, label="hmm $AI", admin=admin_addr)
    d.record("instantiate $AI (ai-token)")

    class_out: list[dict[str, Any]] = []
    for cl in classes:
        bal = [{"address": d.resolve(k), "amount": str(v * one)} for k, v in cu_bootstrap.items() if v > 0]
        token = c.instantiate(codes["ai_token"]["code_id"], {
            "name": cl["name"], "symbol": cl["symbol"], "decimals": decimals, "initial_balances": bal,
            "mint": {"minter": poai_addr}, "marketing": None,
            "resource": {"kind": cl["kind"], "unit": cl["unit"], "description": cl["description"]},
        }, label=f"hmm CU {cl['kind']}", admin=admin_addr)
        d.record(f"instantiate CU {cl['kind']} (ai-token)")
        class_out.append({**cl, "token": token})

    pool = c.instantiate(codes["hmm_pool"]["code_id"], {
        "owner": None, "ai_token": ai_token, "treasury": treasury_addr, "permissionless_pools": False,
    }, label="hmm-pool", admin=admin_addr)
    d.record("instantiate hmm-pool")

    router = c.instantiate(codes["router"]["code_id"], {
        "owner": None, "pool_contract": pool, "ai_token": ai_token,
    }, label="hmm router", admin=admin_addr)
    d.record("instantiate router")

    registry = c.instantiate(codes["job_registry"]["code_id"], {
        "owner": None, "ai_token": ai_token, "pool": pool, "router": router, "poai": poai_addr, "limits": None,
    }, label="hmm job-registry", admin=admin_addr)
    d.record("instantiate job-registry")

    params = fast_params(decimals) if profile == "fast" else None
    poai = c.instantiate2(codes["poai"]["code_id"], {
        "owner": None, "ai_token": ai_token, "pool": pool, "job_registry": registry, "treasury": treasury_addr,
        "experience_oracle": None, "params": params,
    }, label="hmm poai", salt_hex=salt, admin=admin_addr)
    d.record("instantiate2 poai")
    if poai != poai_addr:
        raise chain.ChainError(f"poai landed at {poai}, not at the predicted {poai_addr}")

    for cl in class_out:
        tx, _ = c.execute(pool, {"create_pool": {
            "kind": cl["curve"], "classes": [{"cu_token": cl["token"], "weight": "1"}],
            "curvature": curvature(cl["curve"]), "fees": None, "execution": None, "sla": SLA_TAGS,
            "max_price_impact": None, "batch_window": None}})
        cl["pool_id"] = int(chain.event_attr(tx, "wasm", "pool_id"))
        d.record(f"create pool {cl['pool_id']} ({cl['kind']}, {cl['curve']})")
    for cl in class_out:
        c.execute(poai, {"set_resource_class": {"cu_token": cl["token"], "pool_id": cl["pool_id"]}})
        d.record(f"poai set_resource_class {cl['kind']}")

    # The order book: one market per class, 1 CU lots, prices in steps of 0.001 $AI per CU, at least 1 $AI an order.
    book = c.instantiate(codes["orderbook"]["code_id"], {
        "owner": None, "quote": {"cw20": {"contract_addr": ai_token}}, "treasury": treasury_addr,
        "burn_share": "0.25",
    }, label="hmm orderbook", admin=admin_addr)
    d.record("instantiate orderbook")
    for cl in class_out:
        tx, _ = c.execute(book, {"create_market": {
            "base": {"cw20": {"contract_addr": cl["token"]}}, "lot_size": str(one), "tick_size": str(one // 1000),
            "min_lots": "1", "min_notional": str(one), "maker_fee": None, "taker_fee": None}})
        cl["market_id"] = int(chain.event_attr(tx, "wasm", "market_id"))
        d.record(f"orderbook create_market {cl['kind']}")

    # The router plans with the book and the registry pays it for the book's part of a job's plan.
    c.execute(router, {"set_orderbook": {"orderbook": book}})
    d.record("router set_orderbook")
    c.execute(registry, {"update_config": {"poai": None, "limits": None, "orderbook": book}})
    d.record("job-registry update_config orderbook")
    # The pools and the book honour the router's volume discounts (HIP-8 tiers), and only the router's.
    c.execute(pool, {"update_config": {"treasury": None, "permissionless_pools": None, "router": router}})
    d.record("hmm-pool update_config router")
    c.execute(book, {"update_config": {"treasury": None, "burn_share": None, "router": router}})
    d.record("orderbook update_config router")

    # Check the wiring as deployed.
    for t in [ai_token] + [cl["token"] for cl in class_out]:
        m = c.query_smart(t, {"minter": {}})
        if not m or m.get("minter") != poai:
            raise chain.ChainError(f"minter of {t} is {m}, not poai")
    rc = c.query_smart(registry, {"config": {}})
    pc = c.query_smart(poai, {"config": {}})
    if (rc.get("poai") != poai or rc.get("router") != router or pc.get("job_registry") != registry
            or pc.get("pool") != pool or rc.get("orderbook") != book
            or c.query_smart(router, {"config": {}}).get("orderbook") != book):
        raise chain.ChainError("registry/poai wiring mismatch")
    if len(pc.get("classes", [])) != len(class_out):
        raise chain.ChainError(f"poai declares {len(pc.get('classes', []))} classes, expected {len(class_out)}")

    height, _ = c.latest_block()
    return {
        "chain_id": c.cfg.chain_id, "node": c.cfg.node, "rest": c.cfg.rest, "fee_denom": c.cfg.fee_denom,
        "gas_price": c.cfg.gas_price, "deployer": deployer, "deployed_at_height": height,
        "deployed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "profile": profile,
        "decimals": decimals,
        "codes": codes,
        "contracts": {"ai_token": ai_token, "pool": pool, "router": router, "orderbook": book,
                      "job_registry": registry, "poai": poai,
                      "treasury": treasury_addr, "admin": admin_addr},
        "classes": [{k: cl[k] for k in ("kind", "unit", "symbol", "name", "curve", "token", "pool_id", "market_id")}
                    for cl in class_out],
        "sla_tags": SLA_TAGS,
        "poai_params": pc.get("params"), "poai_genesis_time": pc.get("genesis_time"),
        "registry_limits": rc.get("limits"),
        "initial_balances": {"ai": {d.resolve(k): v * one for k, v in ai_balances.items() if v > 0},
                             "cu_each_class": {d.resolve(k): v * one for k, v in cu_bootstrap.items() if v > 0}},
        "txs": [dataclasses.asdict(s) for s in d.steps],
        "seconds": round(time.monotonic() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="deploy", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    for flag, dest in (("--binary", "binary"), ("--node", "node"), ("--rest", "rest"), ("--chain-id", "chain_id"),
                       ("--fee-denom", "fee_denom"), ("--gas-price", "gas_price"),
                       ("--gas-adjustment", "gas_adjustment"), ("--from", "key"),
                       ("--keyring-backend", "keyring_backend"), ("--home", "home")):
        ap.add_argument(flag, dest=dest)
    ap.add_argument("--gas-margin", dest="gas_margin", type=int,
                    help="gas added to ceil(simulated x adjustment) (default 40000: the fee payment; env CHAIN_GAS_MARGIN)")
    ap.add_argument("--out", default=os.environ.get("DEPLOY_OUT", str(DEFAULT_OUT)),
                    help="manifest path (default .devnet/deployment.json; env DEPLOY_OUT)")
    ap.add_argument("--profile", choices=("default", "fast"), default=os.environ.get("DEPLOY_PROFILE", "default"),
                    help="poai parameters: the contract's defaults (1 h epochs) or fast (60 s epochs, all sampled)")
    ap.add_argument("--classes", help="JSON file: list of {kind, unit, symbol, name, description, curve}")
    ap.add_argument("--ai-balance", action="append", metavar="KEY_OR_ADDR=TOKENS",
                    help="$AI initial balance in whole tokens (repeatable; default: the devnet's test keys)")
    ap.add_argument("--cu-bootstrap", action="append", metavar="KEY_OR_ADDR=TOKENS",
                    help="bootstrap CU of every class for pool seeding (repeatable; 'none' for none; default lp=100000)")
    ap.add_argument("--treasury", help="treasury key or address (default: the deployer)")
    ap.add_argument("--admin", default="", help="migration admin key or address (default: the deployer)")
    ap.add_argument("--no-admin", action="store_true", help="instantiate without a migration admin")
    ap.add_argument("--artifacts", default=str(REPO / "artifacts"))
    ap.add_argument("--force", action="store_true", help="deploy anew even if --out describes a live deployment")
    a = ap.parse_args(argv)

    cfg_keys = {f.name for f in dataclasses.fields(chain.Config)}
    c = chain.Chain(chain.Config.load(**{k: v for k, v in vars(a).items() if k in cfg_keys}))
    out = Path(a.out)
    artifacts = Path(a.artifacts)
    checksums = {k: sha256_file(artifacts / f) for k, f in ARTIFACTS.items() if (artifacts / f).is_file()}
    try:
        if not a.force and len(checksums) == len(ARTIFACTS):
            m = existing_deployment(c, out, checksums)
            if m is not None and m.get("profile") == a.profile:
                log(f"{out} describes a live deployment of these artifacts on {c.cfg.chain_id}: nothing to do "
                    "(--force deploys anew)")
                print(json.dumps(m, indent=1))
                return 0
        classes = json.loads(Path(a.classes).read_text()) if a.classes else None
        m = deploy(c, profile=a.profile, classes=classes,
                   ai_balances=parse_balances(a.ai_balance, DEVNET_AI_BALANCES),
                   cu_bootstrap=parse_balances(a.cu_bootstrap, DEVNET_CU_BOOTSTRAP),
                   treasury=a.treasury, admin=None if a.no_admin else a.admin, artifacts=artifacts)
    except chain.ChainError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(m, indent=1) + "\n")
    tmp.replace(out)
    log(f"deployed in {m['seconds']} s; manifest {out}")
    print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
