"""Checks the published poai test vectors (docs/test-vectors/attestation.json) against the reference implementation
(scripts/attestation.py). The same file is checked against the contract's code by `cargo test -p poai` (digest.rs).
Also the pool-record vectors (docs/test-vectors/pool-record.json) against the client decoder (scripts/pool_record.py);
`cargo test -p hmm-pool` checks the same file against the contract's encoder (record.rs).

    python3 -m unittest scripts/test_vectors.py     (or: python3 scripts/test_vectors.py)
"""

from __future__ import annotations

import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attestation as ref  # noqa: E402
import pool_record  # noqa: E402

VECTORS = Path(__file__).resolve().parent.parent / "docs" / "test-vectors" / "attestation.json"


def load() -> dict:
    return json.loads(VECTORS.read_text())


class Vectors(unittest.TestCase):
    def setUp(self) -> None:
        self.v = load()

    def test_attestation_digests(self) -> None:
        self.assertGreaterEqual(len(self.v["attestation"]), 4)
        for c in self.v["attestation"]:
            with self.subTest(c["name"]):
                self.assertEqual(ref.encode_used(c["used"]).hex(), c["used_encoding"])
                d = ref.attestation_digest(c["chain_id"], c["poai"], c["job_id"], c["worker"],
                                           c["input_commitment"], c["output_commitment"], c["io_merkle_root"],
                                           c["tee_report_hash"], c["proof_hash"], c["used"])
                self.assertEqual(d.hex(), c["digest"])

    def test_digests_are_distinct(self) -> None:
        digests = [c["digest"] for c in self.v["attestation"]] + [c["digest"] for c in self.v["registration"]]
        self.assertEqual(len(digests), len(set(digests)), "every case changes the digest")

    def test_registration_digests(self) -> None:
        self.assertGreaterEqual(len(self.v["registration"]), 3)
        for c in self.v["registration"]:
            with self.subTest(c["name"]):
                d = ref.registration_digest(c["chain_id"], c["poai"], c["worker"], c["key_type"],
                                            bytes.fromhex(c["key"]))
                self.assertEqual(d.hex(), c["digest"])

    def test_merkle(self) -> None:
        self.assertGreaterEqual(len(self.v["merkle"]), 5)
        for c in self.v["merkle"]:
            with self.subTest(c["name"]):
                leaves = [bytes.fromhex(x) for x in c["leaves"]]
                root = ref.merkle_root(leaves)
                self.assertEqual(root.hex() if root is not None else None, c["root"])
                self.assertEqual(len(c["proofs"]), len(leaves))
                for i, proof in enumerate(c["proofs"]):
                    self.assertEqual([s.hex() for s in ref.merkle_proof(leaves, i)], proof)
                    siblings = [bytes.fromhex(s) for s in proof]
                    self.assertEqual(ref.merkle_compute_root(leaves[i], i, len(leaves), siblings), root)
                    # The same data at another index, or a proof with a sibling missing, does not lead to the root.
                    if len(leaves) > 1:
                        other = (i + 1) % len(leaves)
                        self.assertNotEqual(ref.merkle_compute_root(leaves[i], other, len(leaves), siblings), root)
                        self.assertIsNone(ref.merkle_compute_root(leaves[i], i, len(leaves), siblings[:-1]))

    def test_the_file_is_what_the_reference_generates(self) -> None:
        self.assertEqual(ref.vectors(), self.v, "regenerate with: python3 scripts/attestation.py > " + str(VECTORS))

    def test_old_digest_is_not_accepted_shape(self) -> None:
        # The pre-v1 digest sha256(job_id || input || output) differs from the v1 digest of the same job.
        c = self.v["attestation"][0]
        old = ref.sha256(c["job_id"].to_bytes(8, "big"), bytes.fromhex(c["input_commitment"]),
                         bytes.fromhex(c["output_commitment"]))
        self.assertNotEqual(old.hex(), c["digest"])


class PoolRecords(unittest.TestCase):
    def setUp(self) -> None:
        self.v = json.loads((VECTORS.parent / "pool-record.json").read_text())

    def test_records_decode_to_the_contracts_pools(self) -> None:
        self.assertGreaterEqual(len(self.v["records"]), 4)
        for c in self.v["records"]:
            with self.subTest(c["name"]):
                self.assertEqual(pool_record.decode(bytes.fromhex(c["record"])), c["pool"])
        self.assertEqual(pool_record.pool_key(7).hex(), self.v["key_of_pool_7"])

    def test_malformed_records_are_refused(self) -> None:
        good = bytes.fromhex(self.v["records"][0]["record"])
        for bad in [good[:-1], good + b"\x00", b"\x02" + good[1:], b""]:
            with self.assertRaises(pool_record.Malformed):
                pool_record.decode(bad)


if __name__ == "__main__":
    unittest.main()
