#!/usr/bin/env python3
"""Where the bytes of a contract's wasm go: code size per crate, from the function names.

Reads the *unoptimised* build that scripts/build-wasm.sh leaves in target/wasm (it still has its `name` section;
the artifacts in artifacts/ are stripped), attributes every function body to the first crate named in its symbol
(so `serde_json_wasm::…::deserialize_map::<hmm_pool::state::Pool>` counts as serde_json_wasm: the JSON code
generated for our types), and prints a markdown table. wasm-opt -Oz shrinks the total by about 10 %, roughly
evenly, so the shares carry over to the artifacts.

It also sorts the same bytes by role (a symbol counts for the first role whose marker it contains): reading JSON
(serde `Deserialize` impls, visitors, serde_json_wasm's deserializer), writing JSON, `Display` and `Debug`
formatting, panics, and the rest.

Usage: python3 scripts/wasm-size.py [CONTRACT ...] [--top N]   (default: every wasm in target/wasm/.../release)
"""

import glob
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "wasm", "wasm32-unknown-unknown", "release")

# Checked in this order: a generic function counts for the first crate found in its symbol.
CRATES = [
    "serde_json_wasm",
    "rustc_demangle",
    "backtrace",
    "hmm_math",
    "hmm_record",
    "postcard",
    "bnum",
    "cosmwasm_std",
    "cw_storage_plus",
    "cw20_base",
    "cw20",
    "hmm_pool_engine",
    "hmm_pool",
    "job_registry",
    "poai",
    "ai_token",
    "3hmm",  # packages/hmm (mangled as `3hmm`)
    "sha2",
    "dlmalloc",
    "base64",
    "core",
    "alloc",
    "std",
]


def leb128(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def functions(path):
    """(body size, symbol) of every defined function."""
    data = open(path, "rb").read()
    i, imported, names, bodies = 8, 0, {}, []
    while i < len(data):
        section = data[i]
        size, i = leb128(data, i + 1)
        start, end = i, i + size
        if section == 2:  # imports: count the imported functions (they come first in the index space)
            j = start
            count, j = leb128(data, j)
            for _ in range(count):
                for _ in range(2):  # module, field
                    n, j = leb128(data, j)
                    j += n
                kind = data[j]
                j += 1
                if kind == 0:
                    _, j = leb128(data, j)
                    imported += 1
                elif kind == 1:  # table: elemtype, limits
                    flags, j = leb128(data, j + 1)
                    _, j = leb128(data, j)
                    if flags & 1:
                        _, j = leb128(data, j)
                elif kind == 2:  # memory: limits
                    flags, j = leb128(data, j)
                    _, j = leb128(data, j)
                    if flags & 1:
                        _, j = leb128(data, j)
                else:  # global: valtype, mutability
                    j += 2
        elif section == 10:  # code
            j = start
            count, j = leb128(data, j)
            for _ in range(count):
                n, j = leb128(data, j)
                bodies.append(n)
                j += n
        elif section == 0:  # custom: the `name` section, subsection 1 = function names
            n, j = leb128(data, start)
            if data[j : j + n] == b"name":
                j += n
                while j < end:
                    sub = data[j]
                    n, j = leb128(data, j + 1)
                    sub_end = j + n
                    if sub == 1:
                        count, j = leb128(data, j)
                        for _ in range(count):
                            index, j = leb128(data, j)
                            n, j = leb128(data, j)
                            names[index] = data[j : j + n].decode("utf-8", "replace")
                            j += n
                    j = sub_end
        i = end
    return [(size, names.get(imported + k, "?")) for k, size in enumerate(bodies)]


def crate_of(symbol):
    for crate in CRATES:
        if crate in symbol:
            return "hmm" if crate == "3hmm" else crate
    return "other"


# Markers of a role in a (v0-mangled) symbol, checked in this order.
ROLES = [
    ("reading JSON (Deserialize, visitors)", ("eserializ", "Visitor")),
    ("writing JSON (Serialize)", ("9Serialize9serialize", "ser10Serializer", "serialize_")),
    ("Display formatting", ("7Display3fmt",)),
    ("Debug formatting", ("5Debug3fmt",)),
    ("panics", ("panic",)),
]


def role_of(symbol):
    for role, markers in ROLES:
        if any(m in symbol for m in markers):
            return role
    return "the rest (logic, math, storage, allocator, std)"


def main(argv):
    top = 0
    if "--top" in argv:
        k = argv.index("--top")
        top = int(argv[k + 1])
        argv = argv[:k] + argv[k + 2 :]
    if argv:
        paths = [os.path.join(RELEASE, f"{name.replace('-', '_')}.wasm") for name in argv]
    else:
        paths = sorted(glob.glob(os.path.join(RELEASE, "*.wasm")))
    if not paths:
        sys.exit(f"no wasm in {RELEASE}: run scripts/build-wasm.sh first")
    for path in paths:
        if not os.path.exists(path):
            sys.exit(f"{path} does not exist: run scripts/build-wasm.sh first")
        funcs = functions(path)
        total = sum(size for size, _ in funcs)
        per_crate = Counter()
        for size, symbol in funcs:
            per_crate[crate_of(symbol)] += size
        print(f"\n### {os.path.basename(path)}: {total:,} bytes of code in {len(funcs):,} functions (before wasm-opt)\n")
        print("| crate | bytes | share |")
        print("| --- | ---: | ---: |")
        for crate, size in per_crate.most_common():
            print(f"| {crate} | {size:,} | {100 * size / total:.1f} % |")
        per_role = Counter()
        for size, symbol in funcs:
            per_role[role_of(symbol)] += size
        print("\n| role | bytes | share |")
        print("| --- | ---: | ---: |")
        for role, size in per_role.most_common():
            print(f"| {role} | {size:,} | {100 * size / total:.1f} % |")
        if top:
            print(f"\nlargest {top} functions:\n")
            for size, symbol in sorted(funcs, reverse=True)[:top]:
                print(f"    {size:>7,}  {symbol[:160]}")


if __name__ == "__main__":
    main(sys.argv[1:])
