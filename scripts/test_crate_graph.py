"""Unit tests of scripts/check-crate-graph.py on made-up `cargo metadata` and made-up crates (run by
scripts/test.sh), and the check itself on this workspace.

    python3 -m unittest scripts/test_crate_graph.py
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
SCRIPT = Path(__file__).resolve().parent / "check-crate-graph.py"
_spec = importlib.util.spec_from_file_location("check_crate_graph", SCRIPT)
graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graph)

ROOT = "/ws"


def crate(name: str, folder: str, deps: list[tuple[str, str, str | None]]) -> dict:
    """A package of `cargo metadata`: `deps` are (name, folder, kind) with kind None (normal), "dev" or "build"."""
    return {
        "name": name,
        "manifest_path": f"{ROOT}/{folder}/Cargo.toml",
        "dependencies": [{"name": d, "path": f"{ROOT}/{f}", "kind": k} for d, f, k in deps]
        + [{"name": "serde", "kind": None}],
    }


def metadata(*packages: dict) -> dict:
    return {"workspace_root": ROOT, "packages": list(packages)}


class Layers(unittest.TestCase):
    def test_the_intended_graph_passes(self):
        m = metadata(
            crate("hmm-math", "packages/hmm-math", []),
            crate("engine", "packages/engine", [("hmm-math", "packages/hmm-math", None)]),
            crate("sim", "packages/sim", [("engine", "packages/engine", None)]),
            crate(
                "pool",
                "contracts/pool",
                [("engine", "packages/engine", None), ("token", "contracts/token", "dev")],
            ),
            crate("token", "contracts/token", []),
            crate("it", "tests/it", [("pool", "contracts/pool", None), ("sim", "packages/sim", None)]),
        )
        self.assertEqual(graph.violations(m), [])

    def test_a_package_linking_a_contract_fails(self):
        for kind in (None, "build"):
            m = metadata(crate("sim", "packages/sim", [("pool", "contracts/pool", kind)]))
            [line] = graph.violations(m)
            self.assertIn("sim (packages/) depends on pool (contracts/)", line)

    def test_a_package_may_use_a_contract_in_its_tests_only(self):
        m = metadata(crate("sim", "packages/sim", [("pool", "contracts/pool", "dev")]))
        self.assertEqual(graph.violations(m), [])

    def test_the_harness_is_only_a_dev_dependency(self):
        harness = crate("hmm-testing", "tests/support", [("pool", "contracts/pool", None)])
        ok = metadata(
            harness,
            crate("pool", "contracts/pool", [("hmm-testing", "tests/support", "dev")]),
            crate("it", "tests/it", [("hmm-testing", "tests/support", "dev")]),
        )
        self.assertEqual(graph.violations(ok), [])
        for kind in (None, "build"):
            bad = metadata(harness, crate("it", "tests/it", [("hmm-testing", "tests/support", kind)]))
            [line] = graph.violations(bad)
            self.assertIn("it (tests/) depends on hmm-testing (tests/)", line)
            self.assertIn("only ever a dev-dependency", line)

    def test_contracts_do_not_link_each_other_or_tests(self):
        m = metadata(
            crate("registry", "contracts/registry", [("pool", "contracts/pool", None)]),
            crate("pool", "contracts/pool", [("it", "tests/it", None)]),
        )
        self.assertEqual(len(graph.violations(m)), 2)

class Modules(unittest.TestCase):
    def crate(self, files: dict[str, str]) -> list[list[str]]:
        """The module cycles of a crate made of `files` (path under src/ -> source)."""
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in files.items():
                path = Path(tmp, "src", name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            modules = graph.crate_modules(str(Path(tmp, "src", "lib.rs")))
            return graph.cycles(graph.module_edges(modules))

    def test_a_dispatcher_in_a_module_that_its_callees_import_is_a_cycle(self):
        files = {
            "lib.rs": "pub mod contract;\npub mod execute;\n",
            "contract.rs": "use crate::execute::{swap, route};\n",
            "execute/mod.rs": "pub mod route;\npub mod swap;\npub fn load() {}\n",
            "execute/swap.rs": "use super::{load, route};\npub fn receive() { route::buy(); }\n",
            "execute/route.rs": "use super::swap::receive;\npub fn buy() {}\n",
        }
        self.assertEqual(self.crate(files), [["execute::route", "execute::swap"]])
        # The dispatcher moved up to contract.rs: a DAG.
        files["execute/swap.rs"] = "use super::load;\npub fn swap() {}\n"
        files["execute/route.rs"] = "use super::{load, swap::swap};\npub fn buy() {}\n"
        self.assertEqual(self.crate(files), [])

    def test_the_facade_comments_strings_and_tests_do_not_count(self):
        files = {
            "lib.rs": "pub mod a;\npub mod b;\n#[cfg(test)]\nmod tests;\npub use a::A;\npub use b::B;\n",
            # A path through the crate root (its facade) and one in a comment or a string: no edges.
            "a.rs": "use crate::B;\n/// See [`crate::b`].\npub struct A;\nconst S: &str = \"crate::b::x\";\n",
            "b.rs": "use crate::a::A;\npub struct B;\n#[cfg(test)]\nmod tests {\n    use crate::b::B;\n}\n",
            "tests.rs": "use crate::a::A;\nuse crate::b::B;\n",
        }
        self.assertEqual(self.crate(files), [])
        files["a.rs"] = "use crate::b::B;\npub struct A;\n"
        self.assertEqual(self.crate(files), [["a", "b"]])


class Workspace(unittest.TestCase):
    def test_this_workspace_passes(self):
        out = subprocess.run(
            [sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=SCRIPT.parent.parent
        )
        self.assertEqual(out.returncode, 0, out.stderr)


if __name__ == "__main__":
    unittest.main()
