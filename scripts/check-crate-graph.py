#!/usr/bin/env python3
"""The crate and module graphs show the architecture (issue 19, part 1). Run by scripts/test.sh; exit 1 with one
line per offending dependency or module cycle.

1. Crates keep their layers, lowest first: packages/ (math, messages, the pool engine, the simulator) < contracts/ <
   tests/. A crate's normal and build dependencies come from a lower layer, or from its own layer for packages; a
   contract talks to another contract through messages (packages/hmm), never by linking its code. The crates under
   tests/ are leaves: none is a normal or build dependency of another crate, so the test harness (tests/support,
   `hmm-testing`, which links every contract) is only ever a dev-dependency (issue 19, part 3). Dev-dependencies
   are free: a contract's tests may deploy the others (through `hmm-testing`), and a package's tests may too.
2. Within each workspace library, the modules' imports form no cycle: module A depends on module B when A names a
   path into B (`crate::b::…`, `super::…`). Re-exports at the crate root (its facade) and `#[cfg(test)]` modules
   are left out. The paths are read from the source as text (comments and strings dropped), not compiled.

    python3 scripts/check-crate-graph.py            # checks `cargo metadata --format-version 1 --no-deps`
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

# Lower layers first; the second field: whether a crate may depend on another crate of its own layer.
LAYERS = [("packages", True), ("contracts", False), ("tests", False)]


def layer_of(path: str, root: str) -> int | None:
    """Index in LAYERS of the top folder holding `path` (a manifest or a crate directory), None outside them."""
    rel = os.path.relpath(path, root)
    top = rel.split(os.sep, 1)[0]
    for i, (name, _) in enumerate(LAYERS):
        if top == name:
            return i
    return None


def violations(metadata: dict) -> list[str]:
    """One line per normal or build dependency of a workspace crate that breaks the layering."""
    root = metadata["workspace_root"]
    found = []
    for pkg in metadata["packages"]:
        own = layer_of(os.path.dirname(pkg["manifest_path"]), root)
        if own is None:
            continue
        for dep in pkg["dependencies"]:
            if dep.get("kind") == "dev" or not dep.get("path"):
                continue
            target = layer_of(dep["path"], root)
            if target is None:
                continue
            same_allowed = LAYERS[own][1]
            if target == own == len(LAYERS) - 1:
                found.append(
                    f"{pkg['name']} (tests/) depends on {dep['name']} (tests/): a test crate, the harness "
                    "(tests/support) included, is only ever a dev-dependency"
                )
            elif target > own or (target == own and not same_allowed):
                found.append(
                    f"{pkg['name']} ({LAYERS[own][0]}/) depends on {dep['name']} ({LAYERS[target][0]}/): make it "
                    "a dev-dependency, or move the code both need into a crate under packages/"
                )
    return found


def strip_source(text: str) -> str:
    """Rust source without comments, string and char literals, and `#[cfg(test)]` items."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'\br#*"(?:.|\n)*?"#*|"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "' '", text)
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        j = m.end()
        # The item after the attribute: up to its `;`, or its `{ … }` block.
        while j < len(text) and text[j] not in ";{":
            j += 1
        if j < len(text) and text[j] == "{":
            depth = 0
            while j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
        else:
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def crate_modules(lib_rs: str) -> dict[str, str]:
    """Module path ("" for the root, "a::b") -> stripped source, following `mod x;` from the crate root."""
    modules: dict[str, str] = {}

    def visit(path: str, file: str, child_dir: str) -> None:
        with open(file, encoding="utf-8") as f:
            text = strip_source(f.read())
        modules[path] = text
        for name in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, flags=re.M):
            child = f"{path}::{name}" if path else name
            flat = os.path.join(child_dir, name + ".rs")
            nested = os.path.join(child_dir, name, "mod.rs")
            if os.path.exists(flat):
                visit(child, flat, os.path.join(child_dir, name))
            elif os.path.exists(nested):
                visit(child, nested, os.path.join(child_dir, name))

    visit("", lib_rs, os.path.dirname(lib_rs))
    return modules


def module_edges(modules: dict[str, str]) -> dict[str, set[str]]:
    """Module -> the modules it names paths into (the root, a facade, is left out on both sides)."""
    edges: dict[str, set[str]] = {m: set() for m in modules if m}

    def resolve(current: list[str], segs: list[str]) -> str | None:
        if segs[0] == "crate":
            base, rest = [], segs[1:]
        else:  # super / self
            base, rest = list(current), list(segs)
            while rest and rest[0] in ("super", "self"):
                if rest.pop(0) == "super":
                    base = base[:-1]
        for k in range(len(rest), -1, -1):
            cand = "::".join(base + rest[:k])
            if cand in modules:
                return cand
        return None

    for m, text in modules.items():
        if not m:
            continue
        current = m.split("::")
        # `use crate::a::{b, c::d}`: each name in the braces, behind the path before them.
        for head, body in re.findall(r"\b((?:crate|super|self)(?:::\w+)*)::\{([^{}]*)\}", text):
            for name in re.findall(r"(?:^|,)\s*(\w+)", body):
                target = resolve(current, head.split("::") + [name])
                if target and target != m:
                    edges[m].add(target)
        for path in re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text):
            target = resolve(current, path.split("::"))
            if target and target != m:
                edges[m].add(target)
        edges[m].discard("")
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def module_cycles(metadata: dict) -> list[str]:
    """One line per module cycle in a workspace crate's library."""
    found = []
    for pkg in metadata["packages"]:
        for target in pkg["targets"]:
            if {"lib", "rlib", "cdylib"} & set(target["kind"]):
                edges = module_edges(crate_modules(target["src_path"]))
                for cycle in cycles(edges):
                    found.append(f"{pkg['name']}: modules import each other: {' <-> '.join(cycle)}")
                break
    return found


def main() -> int:
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    metadata = json.loads(out)
    found = violations(metadata) + module_cycles(metadata)
    for line in found:
        print(f"ERROR check-crate-graph: {line}", file=sys.stderr)
    if not found:
        print(
            "check-crate-graph: packages/ link no contract, contracts/ link no other contract, tests/ crates "
            "are only dev-dependencies, no crate's modules import each other"
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
