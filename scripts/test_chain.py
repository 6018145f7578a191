"""Unit tests of scripts/chain.py, without a chain (run by scripts/test.sh; well under a second).

1. Every `injectived` command that chain.py builds reaches the configured chain (issue 24): each public method of
   `chain.Chain` is called with `subprocess` replaced by a fake CLI, and every argv it ran must carry the configured
   `--home`, and `--node` when it talks to a node (only `query wasm build-address` is offline; the CLI refuses
   `--node` there). A public method missing from CALLS fails the test, so a new method is checked as soon as it exists.
2. The gas rule: the gas limit sent is ceil(simulated x adjustment) + margin, and it covers the gas that the devnet
   measured for the transactions whose simulation left out the fee payment (docs/devnet.md).

    python3 -m unittest scripts/test_chain.py
"""
from __future__ import annotations

import inspect
import json
import math
import os
import subprocess
import sys
import unittest
import urllib.error
from pathlib import Path
from unittest import mock

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import chain  # noqa: E402

BINARY = "/opt/fake/injectived"
HOME = "/srv/devnet-offset-1000/home"
NODE = "tcp://127.0.0.1:27657"
REST = "http://127.0.0.1:2317"
CHAIN_ID = "hmm-test-9"
ADDR = "inj1ct2g8ns52qrffyggzum45sfsm6d2al76ht5vtf"
SIMULATED = 131571  # the fake CLI's "gas estimate" (a cw20 transfer on the devnet)
TX_RESPONSE = {
    "txhash": "AB" * 32, "code": 0, "height": "42", "gas_used": "160687", "gas_wanted": "211043", "raw_log": "",
    "events": [{"type": "store_code", "attributes": [{"key": "code_id", "value": "7"}]},
               {"type": "instantiate", "attributes": [{"key": "_contract_address", "value": ADDR}]}],
}

# Every public method of chain.Chain, called once with plausible arguments. REST is unreachable in these tests, so a
# method that only uses REST raises ChainError (expected); wait_tx then falls back to the CLI's `q wait-tx`.
CALLS = {
    "command": lambda c: c.command("version"),
    "run": lambda c: c.run("version"),
    "run_json": lambda c: c.run_json("query", "bank", "balances", ADDR, "-o", "json"),
    "query_cli": lambda c: c.query_cli("wasm", "code-info", "1"),
    "address": lambda c: c.address("client"),
    "simulate": lambda c: c.simulate("bank", "send", "admin", ADDR, "1inj"),
    "gas_limit": lambda c: c.gas_limit(1000),
    "tx": lambda c: c.tx("bank", "send", "admin", ADDR, "1inj"),
    "wait_tx": lambda c: c.wait_tx("AB" * 32, timeout=1),
    "store": lambda c: c.store("artifacts/ai_token.wasm"),
    "instantiate": lambda c: c.instantiate(7, {"name": "x"}, "label", admin=ADDR, funds="5inj"),
    "instantiate2": lambda c: c.instantiate2(7, {"name": "x"}, "label", "00ff", admin=None),
    "build_address": lambda c: c.build_address("AB" * 32, ADDR, "00ff"),
    "execute": lambda c: c.execute(ADDR, {"transfer": {"recipient": ADDR, "amount": "1"}}, funds={"inj": 3}),
    "send": lambda c: c.send(ADDR, "1inj", key="client"),
    "rest_get": lambda c: c.rest_get("/x"),
    "query_smart": lambda c: c.query_smart(ADDR, {"token_info": {}}),
    "balances": lambda c: c.balances(ADDR),
    "balance": lambda c: c.balance(ADDR),
    "cw20_balance": lambda c: c.cw20_balance(ADDR, ADDR),
    "codes": lambda c: c.codes(),
    "find_code": lambda c: c.find_code("AB" * 32),
    "token_info": lambda c: c.token_info(ADDR),
    "total_supply": lambda c: c.total_supply(ADDR),
    "latest_block": lambda c: c.latest_block(),
    "block_time": lambda c: c.block_time(),
    "wait_block_time": lambda c: c.wait_block_time(1e12, timeout=0),
    "contract_info": lambda c: c.contract_info(ADDR),
    "height": lambda c: c.height(),
    "wait_height": lambda c: c.wait_height(10**9, timeout=0),
}
# The methods that must run the CLI at least once (the others use REST only).
CLI_METHODS = {"run", "run_json", "query_cli", "address", "simulate", "tx", "wait_tx", "store", "instantiate",
               "instantiate2", "build_address", "execute", "send"}


class FakeCLI:
    """Stands in for subprocess.run: records every argv and answers like injectived would."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, cmd, *_, **__) -> subprocess.CompletedProcess:
        cmd = [str(x) for x in cmd]
        self.calls.append(cmd)
        args, out, err = cmd[1:], "", ""
        if args[:1] == ["keys"]:
            out = ADDR + "\n"
        elif args[:3] == ["query", "wasm", "build-address"]:
            out = "address: " + ADDR + "\n"
        elif args[:1] == ["tx"] and "--generate-only" in args:
            err, out = f"gas estimate: {SIMULATED}\n", json.dumps({"body": {}, "auth_info": {}})
        elif args[:1] == ["tx"]:
            out = json.dumps({"txhash": TX_RESPONSE["txhash"], "code": 0, "raw_log": ""})
        elif args[:2] == ["query", "wait-tx"]:
            out = json.dumps(TX_RESPONSE)
        elif args[:1] == ["version"]:
            out = "v1.20.1\n"
        else:
            out = json.dumps({})
        return subprocess.CompletedProcess(cmd, 0, out, err)


def no_popen(*a, **k):
    raise AssertionError(f"chain.py started a process with Popen: {a}")


def unreachable(*a, **k):
    raise urllib.error.URLError("REST is unreachable in unit tests")


class EveryCommandReachesTheConfiguredChain(unittest.TestCase):
    def configs(self) -> dict[str, chain.Config]:
        """The same chain configured in each of the three ways chain.py supports."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CHAIN_") and k != "INJECTIVED"}
        out = {}
        with mock.patch.dict(os.environ, clean, clear=True), \
                mock.patch.object(chain, "_devnet_endpoints", return_value={
                    "rpc_node": NODE, "rest": REST, "chain_id": CHAIN_ID, "home": HOME}):
            out["devnet endpoints.json (as scripts/demo on an offset devnet)"] = chain.Config.load(binary=BINARY)
        env = dict(clean, CHAIN_NODE=NODE, CHAIN_REST=REST, CHAIN_ID=CHAIN_ID, CHAIN_HOME=HOME, INJECTIVED=BINARY)
        with mock.patch.dict(os.environ, env, clear=True), \
                mock.patch.object(chain, "_devnet_endpoints", return_value={"home": "/wrong/home"}):
            out["environment"] = chain.Config.load()
        with mock.patch.dict(os.environ, clean, clear=True), \
                mock.patch.object(chain, "_devnet_endpoints", return_value={}):
            out["keyword arguments"] = chain.Config.load(binary=BINARY, node=NODE, rest=REST, chain_id=CHAIN_ID,
                                                         home=HOME)
        for cfg in out.values():
            self.assertEqual((cfg.binary, cfg.node, cfg.home, cfg.chain_id), (BINARY, NODE, HOME, CHAIN_ID))
        return out

    def test_calls_table_lists_every_public_method(self):
        public = {n for n, _ in inspect.getmembers(chain.Chain, inspect.isfunction) if not n.startswith("_")}
        self.assertEqual(set(CALLS), public, "add each new public method of chain.Chain to CALLS (and to "
                                             "CLI_METHODS if it runs injectived)")

    def test_every_invocation_has_home_and_node(self):
        for how, cfg in self.configs().items():
            for name, call in CALLS.items():
                with self.subTest(config=how, method=name):
                    fake = FakeCLI()
                    with mock.patch.object(subprocess, "run", fake), mock.patch.object(subprocess, "Popen", no_popen), \
                            mock.patch("urllib.request.urlopen", unreachable), mock.patch("time.sleep"):
                        try:
                            result = call(chain.Chain(cfg))
                        except chain.ChainError:
                            self.assertNotIn(name, CLI_METHODS - {"wait_tx"}, "a CLI method failed on the fake CLI")
                            result = None
                    if name == "command":
                        fake.calls.append(result)
                    if name in CLI_METHODS:
                        self.assertTrue(fake.calls, f"{name} ran no injectived command")
                    for argv in fake.calls:
                        self.check_argv(argv)

    def check_argv(self, argv: list[str]) -> None:
        self.assertEqual(argv[0], BINARY)
        self.assertEqual(flag_values(argv, "--home"), [HOME], f"--home in {argv}")
        offline = argv[1:4] == ["query", "wasm", "build-address"]
        if argv[1] in ("query", "q", "tx") and not offline:
            self.assertEqual(flag_values(argv, "--node"), [NODE], f"--node in {argv}")
        else:
            self.assertNotIn("--node", argv, f"{argv[1:3]} does not accept --node")
        if argv[1] == "tx":
            self.assertEqual(flag_values(argv, "--chain-id"), [CHAIN_ID], f"--chain-id in {argv}")
        if argv[1] in ("tx", "keys"):
            self.assertEqual(flag_values(argv, "--keyring-backend"), ["test"], f"--keyring-backend in {argv}")

    def test_explicit_flags_are_not_doubled(self):
        c = chain.Chain(chain.Config(binary=BINARY, node=NODE, rest=REST, chain_id=CHAIN_ID, home=HOME))
        argv = c.command("query", "bank", "balances", ADDR, "--node", "tcp://other:1", "--home", "/other")
        self.assertEqual(flag_values(argv, "--node"), ["tcp://other:1"])
        self.assertEqual(flag_values(argv, "--home"), ["/other"])

    def test_no_home_configured_adds_no_home(self):
        c = chain.Chain(chain.Config(binary=BINARY, node=NODE, rest=REST, chain_id=CHAIN_ID, home=None))
        self.assertEqual(c.command("keys", "list"), [BINARY, "keys", "list"])
        self.assertEqual(c.command("tx", "bank", "send")[-2:], ["--node", NODE])


class GasRule(unittest.TestCase):
    # (simulated, gas_used) measured on the devnet (docs/devnet.md, "The gas rule"): the simulation runs with a zero
    # fee, so gas_used - simulated is the fee payment, 27,860 (bank send) to 29,185 (wasm txs).
    MEASURED = {
        "bank send": (85785, 113645),
        "bank send, the account's first tx": (100493, 128353),
        "cw20 transfer": (131584, 160700),
        "cw20 transfer, the account's first tx": (146040, 175225),
        "instantiate ai_token": (183028, 212144),
        "store ai_token.wasm": (2014225, 2043356),
    }

    def chain(self, **kw) -> chain.Chain:
        return chain.Chain(chain.Config(binary=BINARY, node=NODE, rest=REST, chain_id=CHAIN_ID, home=HOME, **kw))

    def test_rule(self):
        c = self.chain()
        self.assertEqual((c.cfg.gas_adjustment, c.cfg.gas_margin), ("1.3", 40000))
        self.assertEqual(c.gas_limit(85785), math.ceil(85785 * 13 / 10) + 40000)
        self.assertEqual(c.gas_limit(100), 130 + 40000)  # exact decimal arithmetic, no float rounding up to 131
        self.assertEqual(self.chain(gas_adjustment="1.5", gas_margin=0).gas_limit(1001), 1502)

    def test_rule_covers_every_measured_tx(self):
        c = self.chain()
        for what, (sim, used) in self.MEASURED.items():
            with self.subTest(what):
                self.assertGreaterEqual(c.gas_limit(sim), used)
                self.assertLess(used - sim, c.cfg.gas_margin, "the margin alone covers the fee payment")
        sim, used = self.MEASURED["bank send"]
        self.assertLess(math.ceil(sim * 1.3), used, "the old rule (x1.3 only) ran a bank send out of gas")

    def test_tx_sends_the_gas_limit_of_its_simulation(self):
        fake = FakeCLI()
        with mock.patch.object(subprocess, "run", fake), mock.patch("urllib.request.urlopen", unreachable):
            c = self.chain()
            tx = c.tx("bank", "send", "admin", ADDR, "1inj")
        self.assertEqual(tx["txhash"], TX_RESPONSE["txhash"])
        sim_argv, tx_argv = fake.calls[0], fake.calls[1]
        self.assertIn("--generate-only", sim_argv)
        self.assertEqual(flag_values(sim_argv, "--gas"), ["auto"])
        self.assertEqual(flag_values(tx_argv, "--gas"), [str(c.gas_limit(SIMULATED))])
        self.assertNotIn("--generate-only", tx_argv)
        self.assertEqual(c.last_gas_simulated, SIMULATED)

    def test_a_failed_simulation_is_a_simulation_error(self):
        err = ("rpc error: code = Unknown desc = failed to execute message; message index: 0: Overflow: Cannot Sub "
               "with given operands: execute wasm contract failed [keeper.go:457] With gas wanted: '10000000' and "
               "gas used: '121333' : unknown request")

        def failing(cmd, *_, **__):
            return subprocess.CompletedProcess(cmd, 1, "", err + "\n")

        with mock.patch.object(subprocess, "run", failing):
            with self.assertRaises(chain.TxError) as e:
                self.chain().tx("wasm", "execute", ADDR, "{}")
        self.assertEqual(e.exception.stage, "simulation")
        self.assertIn("Cannot Sub", e.exception.raw_log)


def flag_values(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == flag]


if __name__ == "__main__":
    unittest.main()
