"""Checks the published poai test vectors (docs/test-vectors/attestation.json) against the reference implementation
(scripts/attestation.py). The same file is checked against the contract's code by `cargo test -p poai` (digest.rs).
Also the pool-record vectors (docs/test-vectors/pool-record.json) against the client decoder (scripts/pool_record.py);
`cargo test -p hmm-pool` checks the same file against the contract's encoder (record.rs). And the compact-record
vectors (docs/test-vectors/records.json, read from the contracts' storage by `cargo test -p poai --test records`)
against the client decoder (scripts/records.py).

    python3 -m unittest scripts/test_vectors.py     (or: python3 scripts/test_vectors.py)
"""

from __future__ import annotations

import base64
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attestation as ref  # noqa: E402
import pool_record  # noqa: E402
import records  # noqa: E402

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

    def test_verdict_commitments(self) -> None:
        self.assertGreaterEqual(len(self.v["verdict"]), 4)
        for c in self.v["verdict"]:
            with self.subTest(c["name"]):
                d = ref.verdict_commitment(c["job_id"], c["verdict"], bytes.fromhex(c["salt"]), c["verifier"])
                self.assertEqual(d.hex(), c["commitment"])
        commitments = [c["commitment"] for c in self.v["verdict"]]
        self.assertEqual(len(commitments), len(set(commitments)), "every case changes the commitment")

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


class Records(unittest.TestCase):
    def setUp(self) -> None:
        self.v = json.loads((VECTORS.parent / "records.json").read_text())["records"]

    def test_records_decode_to_the_contracts_json(self) -> None:
        for c in self.v:
            with self.subTest(f"{c['contract']} {c['type']} {c['key']}"):
                decoded = records.decode(c["contract"], c["type"], c["stored"].encode())
                self.assertEqual(decoded, json.loads(c["json"]))
                # Field for field and in order, as cosmwasm_std::to_json_string prints it.
                self.assertEqual(records.to_json(decoded), c["json"])

    def test_every_record_type_has_vectors(self) -> None:
        seen = {(c["contract"], c["type"]) for c in self.v}
        for contract, types in records.SHAPES.items():
            for record_type in types:
                self.assertIn((contract, record_type), seen)

    def test_keys_name_their_collection(self) -> None:
        for c in self.v:
            with self.subTest(f"{c['contract']} {c['key']}"):
                key = bytes.fromhex(c["key"])
                namespace, parts = records.parse_key(c["contract"], key)
                self.assertEqual(namespace, c["namespace"])
                # The layout version is the collection's (job-registry's config is version 3); decoding checks it.
                self.assertEqual(records.collection_of(c["contract"], namespace)[0], c["type"])
                self.assertEqual(records.storage_key(c["contract"], namespace, *parts), key)

    def test_the_cli_reads_what_a_raw_query_prints(self) -> None:
        c = next(c for c in self.v if c["contract"] == "poai" and c["type"] == "Job")
        stored = c["stored"].encode()
        inner = json.loads(c["stored"])
        for pasted in [c["stored"], inner, base64.b64encode(stored).decode(),
                       "data: " + base64.b64encode(stored).decode(),
                       json.dumps({"data": base64.b64encode(stored).decode()})]:
            self.assertEqual(records.stored_value(pasted), stored)

    def test_older_layouts_decode(self) -> None:
        # A config as the code before cw-ownable stored it: the owner first (and the pool's proposed owner), then the
        # fields of the current layout.
        owner = "cosmwasm1owner"
        prefix = bytes([len(owner)]) + owner.encode()
        for c in self.v:
            if c["type"] != "Config" or c["contract"] == "poai":  # poai's config keeps its owner (version 1)
                continue
            with self.subTest(c["contract"]):
                record = records.record_bytes(c["stored"].encode())
                current = json.loads(c["json"])
                if c["contract"] == "hmm-pool":
                    old, expected = b"\x01" + prefix + b"\x00" + record[1:], {"owner": owner, "pending_owner": None}
                else:
                    old, expected = b"\x02" + prefix + record[1:], {"admin": owner}
                stored = json.dumps(base64.b64encode(old).decode()).encode()
                self.assertEqual(records.decode(c["contract"], "Config", stored), {**expected, **current})
                # A layout newer than this decoder's is refused.
                newer = json.dumps(base64.b64encode(bytes([record[0] + 1]) + record[1:]).decode()).encode()
                with self.assertRaises(records.Malformed):
                    records.decode(c["contract"], "Config", newer)

    def test_malformed_records_are_refused(self) -> None:
        c = next(c for c in self.v if records.record_bytes(c["stored"].encode())[0] == 1)
        record = records.record_bytes(c["stored"].encode())
        self.assertEqual(record[0], 1)

        def stored(r: bytes) -> bytes:
            return json.dumps(base64.b64encode(r).decode()).encode()

        cases = {
            "wrong version": b"\x02" + record[1:],
            "trailing byte": record + b"\x00",
            "truncated": record[:-1],
            "empty": b"",
        }
        for name, bad in cases.items():
            with self.subTest(name), self.assertRaises(records.Malformed):
                records.decode(c["contract"], c["type"], stored(bad))
        with self.assertRaisesRegex(records.Malformed, "layout version 2"):
            records.decode(c["contract"], c["type"], stored(b"\x02" + record[1:]))
        # Every truncation of every record is refused, never misread.
        for c in self.v:
            record = records.record_bytes(c["stored"].encode())
            for cut in range(1, len(record)):
                with self.assertRaises(records.Malformed):
                    records.decode_record(c["contract"], c["type"], record[:cut])
        for bad in [b'{"owner":"x"}', b'"not base64!"', b"\xff"]:
            with self.assertRaises(records.Malformed):
                records.decode(c["contract"], c["type"], bad)


if __name__ == "__main__":
    unittest.main()
