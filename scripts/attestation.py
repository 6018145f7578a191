"""Reference implementation of what poai's enclave keys sign, and of poai's io Merkle tree (standard library only).

Digests (contracts/poai/src/digest.rs, documented in packages/hmm/src/poai.rs): sha256 over a sequence of items,
each written as its length (4 bytes big-endian) followed by its bytes; the first item is a fixed ASCII domain tag.
Strings (chain id, addresses, key type) are UTF-8, hashes their 32 raw bytes, integers big-endian.

- attestation: "hmm-poai/attest/v1", chain id, poai address, job id (8 bytes), worker address, input commitment,
  output commitment, io Merkle root, TEE report hash, proof hash (32 bytes, or 0 bytes when there is none), and
  `used` as sent in `Attest` (`encode_used`);
- registration (proof of possession of an enclave key): "hmm-poai/register/v1", chain id, poai address, worker
  address, key type ("secp256k1", "secp256r1" or "ed25519"), public key bytes.

Signatures: secp256k1 and secp256r1 are 64-byte compact r||s (low-s for secp256k1) over the 32-byte digest as the
prehash; ed25519 signs the 32 digest bytes as the message.

Merkle tree (contracts/poai/src/merkle.rs): leaf i = sha256(0x00 || i as 8 bytes BE || data), node =
sha256(0x01 || left || right), a node without a right sibling moves up unchanged, root = sha256(0x02 ||
leaf count as 8 bytes BE || top).

Verdict commitment (contracts/poai/src/helpers.rs, `CommitVerdict`): sha256(job id as 8 bytes BE || verdict byte
(1 valid, 0 invalid) || salt || verifier address UTF-8), plain concatenation (no length prefixes).

`python3 scripts/attestation.py` prints the test vectors (docs/test-vectors/attestation.json);
`scripts/test_vectors.py` checks the published file against this module.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable, Optional, Sequence

ATTEST_TAG = b"hmm-poai/attest/v1"
REGISTER_TAG = b"hmm-poai/register/v1"
KEY_TYPES = ("secp256k1", "secp256r1", "ed25519")


def sha256(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def _items(items: Iterable[bytes]) -> bytes:
    h = hashlib.sha256()
    for item in items:
        h.update(len(item).to_bytes(4, "big"))
        h.update(item)
    return h.digest()


def _hash32(name: str, value: str | bytes) -> bytes:
    b = bytes.fromhex(value) if isinstance(value, str) else bytes(value)
    if len(b) != 32:
        raise ValueError(f"{name}: 32 bytes expected, got {len(b)}")
    return b


def encode_used(used: Optional[Sequence[dict]]) -> bytes:
    """`used` as `Attest` sends it: None -> 0x00; a list -> 0x01, count (4 bytes BE), then per entry in the order
    given: token address (4-byte BE length, UTF-8) and amount (16 bytes BE). Entries are {"token", "amount"}."""
    if used is None:
        return b"\x00"
    out = bytearray(b"\x01")
    out += len(used).to_bytes(4, "big")
    for line in used:
        token = line["token"].encode()
        out += len(token).to_bytes(4, "big") + token
        out += int(line["amount"]).to_bytes(16, "big")
    return bytes(out)


def attestation_digest(chain_id: str, poai: str, job_id: int, worker: str, input_commitment: str | bytes,
                       output_commitment: str | bytes, io_merkle_root: str | bytes, tee_report_hash: str | bytes,
                       proof_hash: str | bytes | None, used: Optional[Sequence[dict]]) -> bytes:
    """The 32-byte digest an enclave signs for `Attest` (hashes as hex strings or bytes)."""
    proof = b"" if proof_hash is None else _hash32("proof_hash", proof_hash)
    return _items([
        ATTEST_TAG,
        chain_id.encode(),
        poai.encode(),
        int(job_id).to_bytes(8, "big"),
        worker.encode(),
        _hash32("input_commitment", input_commitment),
        _hash32("output_commitment", output_commitment),
        _hash32("io_merkle_root", io_merkle_root),
        _hash32("tee_report_hash", tee_report_hash),
        proof,
        encode_used(used),
    ])


def registration_digest(chain_id: str, poai: str, worker: str, key_type: str, key: bytes) -> bytes:
    """The 32-byte digest an enclave key signs to prove possession when `worker` registers it."""
    if key_type not in KEY_TYPES:
        raise ValueError(f"unknown key type {key_type}")
    return _items([REGISTER_TAG, chain_id.encode(), poai.encode(), worker.encode(), key_type.encode(), bytes(key)])


def verdict_commitment(job_id: int, verdict: str, salt: bytes, verifier: str) -> bytes:
    """The commitment a verifier submits with `CommitVerdict` (verdict "valid" or "invalid")."""
    if verdict not in ("valid", "invalid"):
        raise ValueError(f"unknown verdict {verdict}")
    return sha256(int(job_id).to_bytes(8, "big"), b"\x01" if verdict == "valid" else b"\x00", bytes(salt),
                  verifier.encode())


# -- the index-bound io Merkle tree ---------------------------------------------------------------------------------
def merkle_levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    level = [sha256(b"\x00", i.to_bytes(8, "big"), d) for i, d in enumerate(leaves)]
    levels = [level]
    while len(level) > 1:
        level = [sha256(b"\x01", level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
        levels.append(level)
    return levels


def merkle_root(leaves: Sequence[bytes]) -> Optional[bytes]:
    """The root, or None for no leaves (poai refuses an empty tree)."""
    if not leaves:
        return None
    return sha256(b"\x02", len(leaves).to_bytes(8, "big"), merkle_levels(leaves)[-1][0])


def merkle_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """Siblings from the leaf up (a level where the node has no sibling contributes none)."""
    out = []
    i = index
    for level in merkle_levels(leaves)[:-1]:
        sib = i + 1 if i % 2 == 0 else i - 1
        if sib < len(level):
            out.append(level[sib])
        i //= 2
    return out


def merkle_compute_root(data: bytes, index: int, leaf_count: int, siblings: Sequence[bytes]) -> Optional[bytes]:
    """The root a proof leads to (what poai's VerifyInclusion computes); None if the proof has the wrong shape."""
    if index >= leaf_count:
        return None
    node = sha256(b"\x00", index.to_bytes(8, "big"), data)
    i, n, used = index, leaf_count, 0
    while n > 1:
        if i % 2 == 1 or i + 1 < n:
            if used >= len(siblings):
                return None
            s = siblings[used]
            node = sha256(b"\x01", s, node) if i % 2 == 1 else sha256(b"\x01", node, s)
            used += 1
        i //= 2
        n = (n + 1) // 2
    if used != len(siblings):
        return None
    return sha256(b"\x02", leaf_count.to_bytes(8, "big"), node)


# -- test vectors ---------------------------------------------------------------------------------------------------
def _h(label: str) -> str:
    return sha256(label.encode()).hex()


def vectors() -> dict:
    """The published vectors, computed by this module (deterministic)."""
    chain_a, chain_b = "hmm-devnet-1", "hmm-mainnet-1"
    poai_a = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"
    poai_b = "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrq0kdhcj"
    worker = "wasm1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du"
    other = "wasm1zgfpyysjzgfpyysjzgfpyysjzgfpyysjmw2rh4"
    cu_a = "wasm1suhgf5svhu4usrurvxzlgn54ksxmn8gljarjtxqnapv8kjnp4nrss5maay"
    cu_b = "wasm1yyca08xqdgvjz0psg56z67ejh9xms6l436u8y58m82npdqqhmmtqas0cl7"
    base = {
        "chain_id": chain_a, "poai": poai_a, "job_id": 1, "worker": worker,
        "input_commitment": _h("input of job 1"), "output_commitment": _h("output of job 1"),
        "io_merkle_root": _h("io root"), "tee_report_hash": _h("tee report"), "proof_hash": None, "used": None,
    }
    cases = [
        ("minimal: no proof hash, used absent", {}),
        ("with proof hash", {"proof_hash": _h("succinct proof")}),
        ("used: two tokens in the order sent",
         {"used": [{"token": cu_a, "amount": "40000000"}, {"token": cu_b, "amount": "1"}]}),
        ("used: the same two tokens in the other order",
         {"used": [{"token": cu_b, "amount": "1"}, {"token": cu_a, "amount": "40000000"}]}),
        ("used: present and empty (nothing consumed)", {"used": []}),
        ("used: u128 max amount",
         {"used": [{"token": cu_a, "amount": str(2**128 - 1)}], "proof_hash": _h("succinct proof")}),
        ("another chain id", {"chain_id": chain_b}),
        ("another poai address", {"poai": poai_b}),
        ("another worker", {"worker": other}),
        ("large job id", {"job_id": 2**64 - 1}),
    ]
    attestation = []
    for name, change in cases:
        c = dict(base, **change)
        d = attestation_digest(**c)
        attestation.append({"name": name, **c, "used_encoding": encode_used(c["used"]).hex(), "digest": d.hex()})

    keys = {
        "secp256k1": bytes.fromhex("02" + "11" * 32),
        "secp256r1": bytes.fromhex("03" + "22" * 32),
        "ed25519": bytes.fromhex("33" * 32),
    }
    registration = []
    for key_type, key in keys.items():
        registration.append({"name": f"{key_type} key", "chain_id": chain_a, "poai": poai_a, "worker": worker,
                             "key_type": key_type, "key": key.hex()})
    registration.append({"name": "secp256k1 key, another worker", "chain_id": chain_a, "poai": poai_a,
                         "worker": other, "key_type": "secp256k1", "key": keys["secp256k1"].hex()})
    registration.append({"name": "secp256k1 key, another chain", "chain_id": chain_b, "poai": poai_a,
                         "worker": worker, "key_type": "secp256k1", "key": keys["secp256k1"].hex()})
    registration.append({"name": "secp256k1 key, another poai", "chain_id": chain_a, "poai": poai_b,
                         "worker": worker, "key_type": "secp256k1", "key": keys["secp256k1"].hex()})
    for r in registration:
        r["digest"] = registration_digest(r["chain_id"], r["poai"], r["worker"], r["key_type"],
                                          bytes.fromhex(r["key"])).hex()

    merkle = []
    shapes = [("no leaves", []), ("one leaf", [b"only"]), ("two leaves", [b"a", b"b"]),
              ("three leaves (odd: the last node moves up)", [b"a", b"b", b"c"]),
              ("five leaves (odd at two levels)", [f"io record {i}".encode() for i in range(5)]),
              ("seven leaves", [f"io record {i}".encode() for i in range(7)]),
              ("eight leaves (full tree)", [f"io record {i}".encode() for i in range(8)]),
              ("empty leaf data", [b"", b""])]
    for name, leaves in shapes:
        root = merkle_root(leaves)
        merkle.append({"name": name, "leaves": [d.hex() for d in leaves],
                       "root": root.hex() if root is not None else None,
                       "proofs": [[s.hex() for s in merkle_proof(leaves, i)] for i in range(len(leaves))]})

    verdict = []
    for name, job_id, v, salt, verifier in [
        ("valid, 16-byte salt", 1, "valid", bytes(range(16)), worker),
        ("invalid, same salt", 1, "invalid", bytes(range(16)), worker),
        ("another verifier", 1, "valid", bytes(range(16)), other),
        ("large job id, 64-byte salt", 2**64 - 1, "valid", bytes(range(64)), worker),
        ("32-byte salt", 42, "invalid", sha256(b"salt"), other),
    ]:
        verdict.append({"name": name, "job_id": job_id, "verdict": v, "salt": salt.hex(), "verifier": verifier,
                        "commitment": verdict_commitment(job_id, v, salt, verifier).hex()})

    return {
        "description": "Test vectors for poai: the attestation digest and the registration (proof of possession) "
                       "digest enclave keys sign, the index-bound io Merkle tree, and verdict commitments. Layouts: "
                       "packages/hmm/src/poai.rs (module doc), contracts/poai/src/digest.rs, "
                       "contracts/poai/src/merkle.rs; reference implementation scripts/attestation.py. Hashes, "
                       "keys, leaves and digests are hex; amounts are decimal strings; used_encoding is the `used` "
                       "item's bytes (before its length prefix); proofs[i] are the siblings of leaf i from the "
                       "leaf up; verdict salts are hex. Addresses are hashed as the strings given (these need not be valid bech32). "
                       "Generated by `python3 scripts/attestation.py`.",
        "attestation": attestation,
        "registration": registration,
        "merkle": merkle,
        "verdict": verdict,
    }


if __name__ == "__main__":
    print(json.dumps(vectors(), indent=2))
