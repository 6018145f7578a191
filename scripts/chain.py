#!/usr/bin/env python3
"""A small library (and CLI) around the `injectived` CLI: store, instantiate, execute, query CosmWasm contracts.

Python 3.11 standard library only. Works against any chain the `injectived` CLI can talk to; with no configuration it
talks to the local devnet started by `scripts/devnet` (it reads `.devnet/endpoints.json`).

Configuration, strongest first: keyword arguments / CLI flags, environment variables, `.devnet/endpoints.json`, defaults.

    env                     flag                 default
    INJECTIVED              --binary             .venv/injectived-bin/injectived, else `injectived` on PATH
    CHAIN_NODE              --node               tcp://127.0.0.1:26657   (CometBFT RPC)
    CHAIN_REST              --rest               http://127.0.0.1:1317   (REST/LCD, used for queries)
    CHAIN_ID                --chain-id           hmm-local-1
    CHAIN_FEE_DENOM         --fee-denom          inj
    CHAIN_GAS_PRICE         --gas-price          160000000 (amount of fee denom per gas unit)
    CHAIN_GAS_ADJUSTMENT    --gas-adjustment     1.3     (gas limit = ceil(simulated gas x this) + the margin)
    CHAIN_GAS_MARGIN        --gas-margin         40000   (covers the fee payment, which the simulation leaves out)
    CHAIN_KEY               --from               admin
    CHAIN_KEYRING_BACKEND   --keyring-backend    test
    CHAIN_HOME              --home               .devnet/home (holds the keyring)
    CHAIN_TX_TIMEOUT        --tx-timeout         60 (seconds to wait for a tx to be included)

Library use:

    import chain
    c = chain.Chain()                     # or chain.Chain(chain.Config.load(node=..., key=...))
    code_id = c.store("artifacts/ai_token.wasm")
    addr = c.instantiate(code_id, {...}, label="ai", admin=c.address("admin"))
    tx, gas = c.execute(addr, {"transfer": {...}}, funds="100inj")
    c.query_smart(addr, {"token_info": {}})

Every transaction is first simulated (`--gas auto --generate-only`: nothing signed or sent), then sent with
`--gas ceil(simulated x A) + M --gas-prices P -y -o json` and awaited; a transaction that fails (in simulation, in
CheckTx or in the block) raises `TxError` with its raw log. Why the margin M: the node simulates a tx with a zero fee
(the fee is derived from the gas limit, unknown before the simulation), so the fee payment (about 28-29 k gas on this
chain) is never in the estimate; a factor alone does not cover it for small txs (docs/devnet.md, "The gas rule").

Every `injectived` command goes through `Chain.run`, which adds the configured `--home` to all of them and the
configured `--node` to every command that talks to a node, so no call can reach a default node or keyring by
accident (scripts/test_chain.py checks every public method).
"""
from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from fractions import Fraction
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEVNET_DIR = REPO / ".devnet"
ENDPOINTS_FILE = DEVNET_DIR / "endpoints.json"
LOCAL_BINARY = REPO / ".venv" / "injectived-bin" / "injectived"

# Commands that never contact a node (no --node flag; the CLI refuses one). Every other `query`/`tx` gets --node.
OFFLINE_QUERIES = (("query", "wasm", "build-address"),)
NODE_COMMANDS = ("query", "q", "tx")


class ChainError(Exception):
    """A CLI call or a query failed."""


class TxError(ChainError):
    """A transaction failed: in simulation (gas estimation), in CheckTx, or in DeliverTx/FinalizeBlock."""

    def __init__(self, stage: str, raw_log: str, code: int | None = None, codespace: str = "",
                 txhash: str = "", gas_used: int | None = None):
        self.stage, self.raw_log, self.code, self.codespace = stage, raw_log, code, codespace
        self.txhash, self.gas_used = txhash, gas_used
        where = f" code={code} codespace={codespace}" if code is not None else ""
        tx = f" tx={txhash}" if txhash else ""
        super().__init__(f"transaction failed in {stage}{where}{tx}: {raw_log}")


class QueryError(ChainError):
    """A REST query answered with an error (for a smart query: the contract's error)."""

    def __init__(self, url: str, status: int, message: str):
        self.url, self.status, self.message = url, status, message
        super().__init__(f"query failed (HTTP {status}): {message}  [{url}]")


def _devnet_endpoints() -> dict[str, Any]:
    try:
        return json.loads(ENDPOINTS_FILE.read_text())
    except (OSError, ValueError):
        return {}


def default_binary() -> str:
    if LOCAL_BINARY.exists():
        return str(LOCAL_BINARY)
    return shutil.which("injectived") or str(LOCAL_BINARY)


@dataclasses.dataclass
class Config:
    binary: str
    node: str
    rest: str
    chain_id: str
    fee_denom: str = "inj"
    gas_price: str = "160000000"
    gas_adjustment: str = "1.3"
    gas_margin: int = 40000
    key: str = "admin"
    keyring_backend: str = "test"
    home: str | None = None
    tx_timeout: float = 60.0

    @classmethod
    def load(cls, **overrides: Any) -> "Config":
        """Defaults < `.devnet/endpoints.json` < environment < overrides (None values are ignored).

        The devnet's file is only used when no node is given (CHAIN_NODE or node=...): pointing at another chain
        never picks up the local chain's id, REST endpoint or keyring by accident."""
        env = os.environ.get
        dev = {} if (env("CHAIN_NODE") or overrides.get("node")) else _devnet_endpoints()
        values: dict[str, Any] = {
            "binary": env("INJECTIVED") or default_binary(),
            "node": env("CHAIN_NODE") or dev.get("rpc_node") or "tcp://127.0.0.1:26657",
            "rest": env("CHAIN_REST") or dev.get("rest") or "http://127.0.0.1:1317",
            "chain_id": env("CHAIN_ID") or dev.get("chain_id") or "hmm-local-1",
            "fee_denom": env("CHAIN_FEE_DENOM") or dev.get("fee_denom") or "inj",
            "gas_price": env("CHAIN_GAS_PRICE") or dev.get("gas_price") or "160000000",
            "gas_adjustment": env("CHAIN_GAS_ADJUSTMENT") or "1.3",
            "gas_margin": int(env("CHAIN_GAS_MARGIN") or 40000),
            "key": env("CHAIN_KEY") or "admin",
            "keyring_backend": env("CHAIN_KEYRING_BACKEND") or "test",
            "home": env("CHAIN_HOME") or dev.get("home"),
            "tx_timeout": float(env("CHAIN_TX_TIMEOUT") or 60),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["rest"] = values["rest"].rstrip("/")
        return cls(**values)

    @property
    def gas_prices(self) -> str:
        return f"{self.gas_price}{self.fee_denom}"


def coins(funds: str | dict[str, int] | list[dict[str, Any]] | None) -> str:
    """'100inj' | {'inj': 100} | [{'denom': 'inj', 'amount': '100'}] -> '100inj' (the CLI's coin string)."""
    if not funds:
        return ""
    if isinstance(funds, str):
        return funds
    if isinstance(funds, dict):
        return ",".join(f"{int(a)}{d}" for d, a in sorted(funds.items()))
    return ",".join(f"{int(c['amount'])}{c['denom']}" for c in sorted(funds, key=lambda c: c["denom"]))


def event_attr(tx: dict[str, Any], event_type: str, key: str) -> str:
    """The first value of attribute `key` in an event of type `event_type` of a tx response."""
    for ev in tx.get("events") or []:
        if ev.get("type") == event_type:
            for a in ev.get("attributes") or []:
                if a.get("key") == key:
                    return a.get("value", "")
    for log in tx.get("logs") or []:  # older SDKs
        for ev in log.get("events") or []:
            if ev.get("type") == event_type:
                for a in ev.get("attributes") or []:
                    if a.get("key") == key:
                        return a.get("value", "")
    raise ChainError(f"no attribute {key!r} in event {event_type!r} of tx {tx.get('txhash')}")


def wasm_events(tx: dict[str, Any]) -> list[dict[str, Any]]:
    """The `wasm` events of a tx response, each as {"contract": address, "attrs": [(key, value), ...],
    plus the first value of each key}: one per contract execution, in execution order."""
    out = []
    for ev in tx.get("events") or []:
        if ev.get("type") != "wasm":
            continue
        attrs = [(a.get("key", ""), a.get("value", "")) for a in ev.get("attributes") or []]
        d: dict[str, Any] = {"attrs": attrs}
        for k, v in attrs:
            d.setdefault(k, v)
        d["contract"] = d.get("_contract_address", "")
        out.append(d)
    return out


def parse_time(s: str) -> float:
    """An RFC 3339 time with up to nanoseconds (as CometBFT prints it) -> seconds since the epoch."""
    import datetime as _dt
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$", s)
    if not m:
        raise ChainError(f"unparsable time {s!r}")
    tz = "+00:00" if m.group(3) == "Z" else m.group(3)
    base = _dt.datetime.fromisoformat(m.group(1) + tz).timestamp()
    frac = m.group(2) or "0"
    return base + int(frac) / 10 ** len(frac)


class Chain:
    def __init__(self, config: Config | None = None):
        self.cfg = config or Config.load()
        self.last_tx: dict[str, Any] | None = None
        self.last_gas_simulated: int | None = None  # the simulation of the last tx (gas_limit of it was sent)

    # -- raw CLI ---------------------------------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        bindir = os.path.dirname(os.path.realpath(self.cfg.binary))
        if any(Path(bindir, n).exists() for n in ("libwasmvm.x86_64.so", "libwasmvm.aarch64.so")):
            env["LD_LIBRARY_PATH"] = bindir + (os.pathsep + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        return env

    def command(self, *args: str) -> list[str]:
        """The argv of `injectived ARGS` for the configured chain: the configured `--home` on every command (keyring
        and client config: without it the CLI reads ~/.injectived and its node, issue 24), and the configured `--node`
        on every query/tx that talks to a node. Flags already in ARGS are kept as they are."""
        cmd = [self.cfg.binary, *args]
        if self.cfg.home and "--home" not in args:
            cmd += ["--home", self.cfg.home]
        if args[:1] and args[0] in NODE_COMMANDS and "--node" not in args and \
                not any(tuple(args[:len(o)]) == o for o in OFFLINE_QUERIES):
            cmd += ["--node", self.cfg.node]
        return cmd

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run `injectived ARGS` (no stdin) with the configured home and node (`command`); raise ChainError on a
        non-zero exit if `check`."""
        cmd = self.command(*args)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                               env=self._env(), timeout=timeout)
        except FileNotFoundError:
            raise ChainError(f"injectived not found at {self.cfg.binary}: run `scripts/devnet install` "
                             "or set INJECTIVED") from None
        if check and p.returncode != 0:
            raise ChainError(f"`{' '.join(cmd)}` exited {p.returncode}: {(p.stderr or p.stdout).strip()}")
        return p

    def run_json(self, *args: str) -> Any:
        p = self.run(*args)
        return _parse_json(p.stdout, args)

    def query_cli(self, *args: str) -> Any:
        """`injectived query ARGS -o json` on the configured node, parsed."""
        return self.run_json("query", *args, "-o", "json")

    # -- keys ------------------------------------------------------------------------------------------------------
    def address(self, key: str | None = None) -> str:
        p = self.run("keys", "show", key or self.cfg.key, "-a", "--keyring-backend", self.cfg.keyring_backend)
        return p.stdout.strip()

    # -- transactions ----------------------------------------------------------------------------------------------
    def _signer(self, key: str | None) -> list[str]:
        return ["--from", key or self.cfg.key, "--keyring-backend", self.cfg.keyring_backend,
                "--chain-id", self.cfg.chain_id]

    def simulate(self, *args: str, key: str | None = None) -> int:
        """The gas the node's simulation of `injectived tx ARGS` uses (`--gas auto --generate-only`: nothing is signed
        or sent). It leaves out the fee payment (the simulated tx carries no fee): see `gas_limit`. A tx that fails in
        simulation (e.g. a contract error) raises TxError(stage="simulation")."""
        p = self.run("tx", *args, *self._signer(key), "--gas", "auto", "--gas-adjustment", "1", "--generate-only",
                     check=False)
        m = re.search(r"gas estimate: (\d+)", p.stderr + p.stdout)
        if p.returncode != 0 or not m:
            raise _cli_tx_error((p.stderr or p.stdout).strip())
        return int(m.group(1))

    def gas_limit(self, simulated: int) -> int:
        """The gas rule: ceil(simulated x gas_adjustment) + gas_margin. The margin pays for the fee payment that the
        simulation leaves out (27,564-29,279 gas measured on the devnet, whatever the tx); the factor covers state
        that changes between the simulation and the block (docs/devnet.md)."""
        return math.ceil(simulated * Fraction(str(self.cfg.gas_adjustment))) + int(self.cfg.gas_margin)

    def tx(self, *args: str, key: str | None = None) -> dict[str, Any]:
        """Simulate, sign and broadcast `injectived tx ARGS` with the gas of `gas_limit`, wait for inclusion, return
        the tx response; raise TxError."""
        self.last_gas_simulated = self.simulate(*args, key=key)
        cmd = ["tx", *args, *self._signer(key), "--gas", str(self.gas_limit(self.last_gas_simulated)),
               "--gas-prices", self.cfg.gas_prices, "-y", "-o", "json"]
        p = self.run(*cmd, check=False)
        if p.returncode != 0:
            raise _cli_tx_error((p.stderr or p.stdout).strip())
        res = _parse_json(p.stdout, cmd)
        if int(res.get("code", 0)) != 0:
            raise TxError("CheckTx", res.get("raw_log", ""), int(res["code"]), res.get("codespace", ""),
                          res.get("txhash", ""))
        tx = self.wait_tx(res["txhash"])
        self.last_tx = tx
        if int(tx.get("code", 0)) != 0:
            raise TxError("block", tx.get("raw_log", ""), int(tx["code"]), tx.get("codespace", ""),
                          tx.get("txhash", ""), int(tx.get("gas_used", 0)))
        return tx

    def wait_tx(self, txhash: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait until the tx is in a block and return its tx response (whatever its code).

        Polls the REST endpoint (`/cosmos/tx/v1beta1/txs/HASH`, every 50 ms: no process start per tx); if REST is
        unreachable, falls back to the CLI's `q wait-tx` over the RPC node."""
        t = self.cfg.tx_timeout if timeout is None else timeout
        end = time.monotonic() + t
        while True:
            try:
                return self.rest_get(f"/cosmos/tx/v1beta1/txs/{txhash}", timeout=10)["tx_response"]
            except QueryError as e:
                if e.status not in (400, 404):  # 404 / "tx not found" until it is in a block
                    break
            except (ChainError, KeyError):
                break
            if time.monotonic() > end:
                raise ChainError(f"tx {txhash} not included within {t:.0f}s")
            time.sleep(0.05)
        return self._wait_tx_cli(txhash, max(1.0, end - time.monotonic()))

    def _wait_tx_cli(self, txhash: str, t: float) -> dict[str, Any]:
        p = self.run("query", "wait-tx", txhash, "--timeout", f"{int(t)}s", "-o", "json", check=False, timeout=t + 30)
        if p.returncode != 0:
            raise ChainError(f"tx {txhash} not included within {t:.0f}s: {(p.stderr or p.stdout).strip()}")
        return _parse_json(p.stdout, ("wait-tx", txhash))

    def store(self, wasm_path: str | os.PathLike, key: str | None = None) -> int:
        """Upload a wasm file; return its code id."""
        tx = self.tx("wasm", "store", str(wasm_path), key=key)
        return int(event_attr(tx, "store_code", "code_id"))

    def instantiate(self, code_id: int, msg: Any, label: str, admin: str | None = None,
                    funds: Any = None, key: str | None = None) -> str:
        """Instantiate `code_id` with `msg` (a JSON-able value or a JSON string); return the contract address.

        `admin` is the address allowed to migrate the contract; None means no admin (`--no-admin`)."""
        args = ["wasm", "instantiate", str(code_id), _json(msg), "--label", label]
        args += ["--admin", admin] if admin else ["--no-admin"]
        if funds:
            args += ["--amount", coins(funds)]
        tx = self.tx(*args, key=key)
        return event_attr(tx, "instantiate", "_contract_address")

    def instantiate2(self, code_id: int, msg: Any, label: str, salt_hex: str, admin: str | None = None,
                     funds: Any = None, key: str | None = None) -> str:
        """Instantiate at a predictable address (`instantiate2`, salt given as hex); return the contract address.

        The address depends only on the code checksum, the creator and the salt: see `build_address`."""
        args = ["wasm", "instantiate2", str(code_id), _json(msg), salt_hex, "--hex", "--label", label]
        args += ["--admin", admin] if admin else ["--no-admin"]
        if funds:
            args += ["--amount", coins(funds)]
        tx = self.tx(*args, key=key)
        return event_attr(tx, "instantiate", "_contract_address")

    def build_address(self, checksum_hex: str, creator: str, salt_hex: str) -> str:
        """The address `instantiate2` gives a contract of this code checksum, creator and salt (computed offline)."""
        p = self.run("query", "wasm", "build-address", checksum_hex.lower(), creator, salt_hex, "--hex")
        m = re.search(r"(\w+1[02-9ac-hj-np-z]{20,})", p.stdout)
        if not m:
            raise ChainError(f"unexpected build-address output: {p.stdout!r}")
        return m.group(1)

    def execute(self, contract: str, msg: Any, funds: Any = None, key: str | None = None) -> tuple[dict[str, Any], int]:
        """Execute `msg` on `contract`; return (tx response, gas used)."""
        args = ["wasm", "execute", contract, _json(msg)]
        if funds:
            args += ["--amount", coins(funds)]
        tx = self.tx(*args, key=key)
        return tx, int(tx.get("gas_used", 0))

    def send(self, to: str, amount: Any, key: str | None = None) -> dict[str, Any]:
        """Bank send from `key` to address `to`."""
        # The key's name, not its address: with an address, the simulation (--generate-only) cannot find the key.
        return self.tx("bank", "send", key or self.cfg.key, to, coins(amount), key=key)

    # -- queries (REST) --------------------------------------------------------------------------------------------
    def rest_get(self, path: str, timeout: float = 30) -> Any:
        url = self.cfg.rest + path
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = e.read().decode(errors="replace")
            try:
                message = json.loads(body).get("message", body)
            except ValueError:
                message = body
            raise QueryError(url, e.code, message) from None
        except urllib.error.URLError as e:
            raise ChainError(f"cannot reach REST endpoint {self.cfg.rest}: {e.reason}") from None

    def query_smart(self, contract: str, msg: Any) -> Any:
        """A smart query over REST; returns the contract's JSON answer; raises QueryError with the contract's error."""
        b64 = base64.urlsafe_b64encode(_json(msg).encode()).decode()
        return self.rest_get(f"/cosmwasm/wasm/v1/contract/{contract}/smart/{urllib.parse.quote(b64)}")["data"]

    def balances(self, address: str) -> dict[str, int]:
        """Native bank balances of an address: {denom: amount}."""
        out: dict[str, int] = {}
        key = ""
        while True:
            q = "?pagination.key=" + urllib.parse.quote(key) if key else ""
            r = self.rest_get(f"/cosmos/bank/v1beta1/balances/{address}{q}")
            out.update({c["denom"]: int(c["amount"]) for c in r.get("balances", [])})
            key = (r.get("pagination") or {}).get("next_key") or ""
            if not key:
                return out

    def balance(self, address: str, denom: str | None = None) -> int:
        return self.balances(address).get(denom or self.cfg.fee_denom, 0)

    def cw20_balance(self, token: str, address: str) -> int:
        return int(self.query_smart(token, {"balance": {"address": address}})["balance"])

    def codes(self) -> list[dict[str, Any]]:
        """Every stored code's info (code_id, creator, data_hash = upper-case hex sha256 of the wasm)."""
        out: list[dict[str, Any]] = []
        key = ""
        while True:
            q = "?pagination.limit=200" + ("&pagination.key=" + urllib.parse.quote(key) if key else "")
            r = self.rest_get(f"/cosmwasm/wasm/v1/code{q}")
            out.extend(r.get("code_infos") or [])
            key = (r.get("pagination") or {}).get("next_key") or ""
            if not key:
                return out

    def find_code(self, checksum_hex: str) -> int | None:
        """The lowest code id whose wasm has this sha256, if one is stored."""
        want = checksum_hex.upper()
        ids = [int(c["code_id"]) for c in self.codes() if c.get("data_hash", "").upper() == want]
        return min(ids) if ids else None

    def token_info(self, token: str) -> dict[str, Any]:
        return self.query_smart(token, {"token_info": {}})

    def total_supply(self, token: str) -> int:
        return int(self.token_info(token)["total_supply"])

    def latest_block(self) -> tuple[int, float]:
        """(height, block time in seconds since the epoch) of the latest block."""
        h = self.rest_get("/cosmos/base/tendermint/v1beta1/blocks/latest")["block"]["header"]
        return int(h["height"]), parse_time(h["time"])

    def block_time(self) -> float:
        return self.latest_block()[1]

    def wait_block_time(self, t: float, timeout: float = 120) -> float:
        """Wait until a block with time >= t (seconds since the epoch) is committed; return that block's time."""
        end = time.monotonic() + timeout
        while True:
            try:
                bt = self.block_time()
                if bt >= t:
                    return bt
            except ChainError:
                bt = 0.0
            if time.monotonic() > end:
                raise ChainError(f"block time {t:.0f} not reached within {timeout:.0f}s (last {bt:.0f})")
            time.sleep(min(0.2, max(0.05, t - bt)))

    def contract_info(self, contract: str) -> dict[str, Any]:
        return self.rest_get(f"/cosmwasm/wasm/v1/contract/{contract}")["contract_info"]

    def height(self) -> int:
        r = self.rest_get("/cosmos/base/tendermint/v1beta1/blocks/latest")
        return int(r["block"]["header"]["height"])

    def wait_height(self, h: int, timeout: float = 30) -> int:
        end = time.monotonic() + timeout
        while True:
            try:
                cur = self.height()
                if cur >= h:
                    return cur
            except ChainError:
                pass
            if time.monotonic() > end:
                raise ChainError(f"height {h} not reached within {timeout:.0f}s")
            time.sleep(0.1)


def _cli_tx_error(err: str) -> TxError:
    """A tx command that exited non-zero: refused by CheckTx at broadcast, or failed in gas estimation (simulation)."""
    err = re.sub(r"^gas estimate: \d+\s*", "", err)
    m = re.search(r"broadcast error on transaction validation: tx ([0-9A-F]+) is invalid: code=(\d+), data=.*?, "
                  r"log='(.*)', codespace='([^']*)'", err, re.S)
    if m:
        return TxError("CheckTx", m.group(3), int(m.group(2)), m.group(4), m.group(1))
    # Gas estimation simulates the whole tx: a contract error or a bad message ends here, before broadcasting.
    return TxError("simulation", err)


def _json(msg: Any) -> str:
    return msg if isinstance(msg, str) else json.dumps(msg, separators=(",", ":"))


def _parse_json(out: str, what: Any) -> Any:
    # The CLI sometimes prints a line such as "gas estimate: N" before the JSON document.
    s = out.strip()
    for start in (0, s.find("{"), s.find("[")):
        if start >= 0:
            try:
                return json.loads(s[start:])
            except ValueError:
                continue
    raise ChainError(f"unparsable output of {' '.join(map(str, what))}: {out[:500]!r}")


# -- CLI -------------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="chain.py", description=__doc__.split("\n\n")[0])
    for flag, dest in (("--binary", "binary"), ("--node", "node"), ("--rest", "rest"), ("--chain-id", "chain_id"),
                       ("--fee-denom", "fee_denom"), ("--gas-price", "gas_price"),
                       ("--gas-adjustment", "gas_adjustment"), ("--from", "key"),
                       ("--keyring-backend", "keyring_backend"), ("--home", "home")):
        ap.add_argument(flag, dest=dest)
    ap.add_argument("--gas-margin", dest="gas_margin", type=int)
    ap.add_argument("--tx-timeout", dest="tx_timeout", type=float)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("store", help="upload a wasm; prints {code_id, gas_used, txhash}")
    s.add_argument("wasm")
    s = sub.add_parser("instantiate", help="prints {address, gas_used, txhash}")
    s.add_argument("code_id", type=int)
    s.add_argument("msg")
    s.add_argument("--label", required=True)
    s.add_argument("--admin", help="admin address (default: none)")
    s.add_argument("--funds")
    s = sub.add_parser("execute", help="prints {gas_used, txhash, events}")
    s.add_argument("contract")
    s.add_argument("msg")
    s.add_argument("--funds")
    s = sub.add_parser("query", help="smart query over REST; prints the answer")
    s.add_argument("contract")
    s.add_argument("msg")
    s = sub.add_parser("wait-tx")
    s.add_argument("txhash")
    s = sub.add_parser("balances")
    s.add_argument("address")
    s = sub.add_parser("address", help="address of a key of the keyring")
    s.add_argument("key", nargs="?")
    sub.add_parser("height")
    sub.add_parser("config", help="print the effective configuration")
    a = ap.parse_args(argv)

    cfg_keys = {f.name for f in dataclasses.fields(Config)}
    c = Chain(Config.load(**{k: v for k, v in vars(a).items() if k in cfg_keys}))

    def summary(tx: dict[str, Any]) -> dict[str, Any]:
        return {"txhash": tx.get("txhash"), "height": int(tx.get("height", 0)), "gas_used": int(tx.get("gas_used", 0)),
                "gas_wanted": int(tx.get("gas_wanted", 0))}

    try:
        if a.cmd == "store":
            out: Any = {"code_id": c.store(a.wasm), **summary(c.last_tx or {})}
        elif a.cmd == "instantiate":
            addr = c.instantiate(a.code_id, a.msg, a.label, a.admin, a.funds)
            out = {"address": addr, **summary(c.last_tx or {})}
        elif a.cmd == "execute":
            tx, _ = c.execute(a.contract, a.msg, a.funds)
            out = {**summary(tx), "events": tx.get("events", [])}
        elif a.cmd == "query":
            out = c.query_smart(a.contract, a.msg)
        elif a.cmd == "wait-tx":
            out = c.wait_tx(a.txhash)
        elif a.cmd == "balances":
            out = c.balances(a.address)
        elif a.cmd == "address":
            print(c.address(a.key))
            return 0
        elif a.cmd == "height":
            out = c.height()
        else:
            out = dataclasses.asdict(c.cfg)
    except ChainError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
