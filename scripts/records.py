"""Decoder of the contracts' stored records (hmm-pool, job-registry, poai), for indexers and raw queries.

Every stored struct but the pool record (scripts/pool_record.py) is a versioned compact record
(`packages/hmm-record`): the storage value is a JSON string holding the base64 of

    [layout version, 1 byte][the struct's fields in declaration order, postcard]

Postcard (https://postcard.jamesmunns.com/wire-format): u8 one byte; u16/u32/u64 LEB128 varints; i16/i32/i64 zigzag
varints; bool one byte (0 or 1); strings varint length + UTF-8; Option 0x00 (None) or 0x01 + value; sequences varint
count + items; tuples and structs their fields in order, no names; enums the varint variant index then its payload.
cosmwasm-std's Uint128, Decimal, Decimal256 and Addr serialize as strings, so they are strings here too; Binary
serializes as a string (base64) only to human-readable formats: in postcard it is bytes (varint length + the raw
bytes), in the JSON base64.

`decode` returns what the Rust value's JSON serialization is (`cosmwasm_std::to_json`): field names as declared,
enums externally tagged with their `rename_all` (snake_case for every `#[cw_serde]` enum), numbers as numbers,
cosmwasm-std types as their strings. `docs/test-vectors/records.json` holds records read from a cw-multi-test run
with their JSON (`contracts/poai/tests/records.rs`); `scripts/test_vectors.py` checks this decoder against them.

    python3 scripts/records.py <contract> <type> <stored value>     prints the record as JSON
    python3 scripts/records.py --key <contract> <hex key>           names the collection and key parts of a key

The stored value may be given as the JSON string itself ("AQ..."), as the base64 inside it, or as the base64 of
the value that `wasmd query wasm contract-state raw <contract> <hex key>` prints (`data:`, or `{"data": ...}` with
`-o json`).
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from typing import Any, Union

# ---------------------------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------------------------
# A shape is one of:
#   "u8" "u16" "u32" "u64" "i32" "i64" "bool" "String"        postcard primitives
#   "Addr" "Uint128" "Decimal" "Decimal256"                  cosmwasm-std types: strings
#   "Binary"                                                 bytes in postcard, base64 in JSON
#   ("Option", S) ("Vec", S) ("Tuple", S1, S2, ...)
#   a name of TYPES (a nested struct or enum), or a struct/enum shape itself:
#   {"struct": [(field, S), ...]}
#   {"enum": [(variant, payload), ...], "rename_all": "snake_case" | None}
#       payload None (unit), [(field, S), ...] (struct variant) or S (newtype variant)

STRINGS = {"String", "Addr", "Uint128", "Decimal", "Decimal256"}
UNSIGNED = {"u16": 16, "u32": 32, "u64": 64}
SIGNED = {"i16": 16, "i32": 32, "i64": 64}

Shape = Union[str, tuple, dict]


def struct(*fields: tuple[str, Shape]) -> dict:
    return {"struct": list(fields)}


def enum(*variants: tuple[str, Any], rename_all: str | None = "snake_case") -> dict:
    return {"enum": list(variants), "rename_all": rename_all}


def option(shape: Shape) -> tuple:
    return ("Option", shape)


def vec(shape: Shape) -> tuple:
    return ("Vec", shape)


U128 = "Uint128"
DEC = "Decimal256"

# Types nested in the records, from `packages/hmm` (all `#[cw_serde]`) and poai's `state.rs`.
TYPES: dict[str, Shape] = {
    # hmm::pool
    "LatencyClass": enum(("Realtime", None), ("Interactive", None), ("Batch", None)),
    "SlaRequirement": struct(
        ("regions", vec("String")),
        ("max_latency", option("LatencyClass")),
        ("min_privacy_tier", "u8"),
        ("tee_required", "bool"),
    ),
    "RoutePart": struct(("pool_id", "u64"), ("amount", U128), ("cost", U128)),
    "RouteLeg": struct(
        ("pool_id", "u64"),
        ("cu_token", "Addr"),
        ("amount", U128),
        ("cost", U128),
        ("parts", vec("RoutePart")),
        ("marginal_price", DEC),
    ),
    # hmm::job
    "Limits": struct(
        ("max_resources", "u32"),
        ("max_job_duration", "u64"),
        ("settlement_grace", "u64"),
        ("job_fee_rate", "Decimal"),
    ),
    "JobState": enum(
        ("Open", None),
        ("Assigned", None),
        ("Running", None),
        ("Attested", None),
        ("Verified", None),
        ("Disputed", None),
        ("Settled", None),
        ("Cancelled", None),
        ("Expired", None),
        ("Failed", None),
    ),
    "CloseReason": enum(
        ("Completed", None),
        ("Cancelled", [("sold_back", "bool")]),
        ("Timeout", [("state", "JobState")]),
        ("Failed", [("reason", "String")]),
    ),
    # hmm::poai (hmm::job::CuAmount is this type)
    "CuAmount": struct(("token", "String"), ("amount", U128)),
    "TeeType": enum(
        ("None", None),
        ("IntelSgx", None),
        ("IntelTdx", None),
        ("AmdSevSnp", None),
        ("NvidiaCc", None),
        ("ArmCca", None),
    ),
    "Capabilities": struct(
        ("gpu_model", "String"),
        ("gpu_count", "u32"),
        ("vram_gb", "u32"),
        ("cpu_cores", "u32"),
        ("bandwidth_mbps", "u64"),
        ("disk_gb", "u64"),
        ("region", "String"),
        ("latency", "LatencyClass"),
        ("privacy_tier", "u8"),
        ("tee", "TeeType"),
    ),
    "EnclaveKeys": struct(
        ("secp256k1", option("Binary")), ("ed25519", option("Binary")), ("secp256r1", option("Binary"))
    ),
    "Hip8Metrics": struct(
        ("latency", option(DEC)), ("throughput", option(DEC)), ("availability", option(DEC)), ("accuracy", option(DEC))
    ),
    "AssignmentState": enum(
        ("Assigned", None), ("Attested", None), ("Succeeded", None), ("Refuted", None), ("Failed", None)
    ),
    "Verdict": enum(("Valid", None), ("Invalid", None)),
    "AuditKind": enum(("TeeReport", None), ("ZkProof", None), ("CanaryPrompt", None), ("SeedReplay", None)),
    "AuditRecord": struct(("kind", "AuditKind"), ("evidence_hash", "String")),
    "RewardPool": struct(("remaining", U128), ("remaining_weight", U128)),
    # poai's state.rs
    "StoredAttestation": struct(
        ("output_commitment", "String"),
        ("io_merkle_root", "String"),
        ("tee_report_hash", "String"),
        ("proof_hash", option("String")),
        ("key_type", "String"),
        ("attested_at", "u64"),
        ("epoch", "u64"),
        ("commit_end", "u64"),
        ("reveal_end", "u64"),
        ("disputed_by", option("Addr")),
        ("dispute_evidence", option("String")),
        ("commits", "u32"),
        ("valid_weight", U128),
        ("invalid_weight", U128),
    ),
}

# The stored record types of each contract: fields in declaration order (the contracts' `state.rs`; poai's `Params`
# is `hmm::poai::Params`).
SHAPES: dict[str, dict[str, dict]] = {
    "hmm-pool": {
        # Layout version 2 (0.6): the owner is cw-ownable's (its own JSON item `ownership`). Version 1: OLDER_SHAPES.
        "Config": struct(
            ("ai_token", "Addr"),
            ("treasury", "Addr"),
            ("permissionless_pools", "bool"),
            ("paused", "bool"),
            ("pool_count", "u64"),
        ),
        "Position": struct(
            ("shares", U128),
            ("fee_checkpoint_credits", DEC),
            ("fee_checkpoint_resources", vec(DEC)),
            ("owed_credits", U128),
            ("owed_resources", vec(U128)),
            ("deposited_credits", U128),
            ("deposited_resources", vec(U128)),
        ),
        "Observation": struct(("time", "u64"), ("cumulative", DEC)),
        "Intent": struct(
            ("trader", "Addr"), ("class", "u8"), ("buy", "bool"), ("amount", U128), ("min_out", option(U128))
        ),
    },
    "job-registry": {
        # Layout version 3 (0.6): the admin is cw-ownable's owner (its own JSON item `ownership`). Version 2 (0.5)
        # had the admin first, version 1 (0.4) no router either: OLDER_SHAPES.
        "Config": struct(
            ("ai_token", "Addr"), ("pool", "Addr"), ("router", "Addr"), ("poai", option("Addr")), ("limits", "Limits"),
        ),
        "Job": struct(
            ("id", "u64"),
            ("client", "Addr"),
            ("worker", option("Addr")),
            ("state", "JobState"),
            ("purchase", vec("RouteLeg")),
            ("sla", "SlaRequirement"),
            ("input_commitment", "String"),
            ("max_spend", U128),
            ("value", U128),
            ("escrow", U128),
            ("fee", U128),
            ("start_by", "u64"),
            ("finish_by", "u64"),
            ("settle_by", "u64"),
            ("submitted_at", "u64"),
            ("assigned_at", option("u64")),
            ("started_at", option("u64")),
            ("attested_at", option("u64")),
            ("closed_at", option("u64")),
            ("close_reason", option("CloseReason")),
            ("used", vec("CuAmount")),
        ),
    },
    "poai": {
        "Config": struct(
            ("owner", "Addr"),
            ("ai_token", "Addr"),
            ("pool", "Addr"),
            ("job_registry", option("Addr")),
            ("treasury", "Addr"),
            ("experience_oracle", "Addr"),
            ("genesis_time", "u64"),
        ),
        "Params": struct(
            ("collateral_ratio", DEC),
            ("quality_alpha", DEC),
            ("initial_quality", DEC),
            ("low_quality_threshold", DEC),
            ("low_quality_epochs", "u64"),
            ("heartbeat_timeout", "u64"),
            ("slash_fraction", DEC),
            ("denial_window", "u64"),
            ("unbonding_period", "u64"),
            ("epoch_length", "u64"),
            ("sample_rate", DEC),
            ("commit_period", "u64"),
            ("reveal_period", "u64"),
            ("max_verifiers_per_job", "u32"),
            ("verifier_min_bond", U128),
            ("worker_min_bond", U128),
            ("poai_bonus_rate", DEC),
            ("verifier_bonus_share", DEC),
            ("emission_per_epoch", U128),
            ("emission_validators", DEC),
            ("emission_workers", DEC),
            ("emission_curators", DEC),
            ("experience_deposit", U128),
        ),
        "Worker": struct(
            ("capabilities", "Capabilities"),
            ("enclave_keys", "EnclaveKeys"),
            ("bond", U128),
            ("quality", DEC),
            ("metrics", "Hip8Metrics"),
            ("score_bucket", "u8"),
            ("low_quality_since", option("u64")),
            ("last_heartbeat", "u64"),
            ("denied_until", "u64"),
            ("active_jobs", "u32"),
            ("jobs_succeeded", "u64"),
            ("jobs_failed", "u64"),
            ("slash_count", "u32"),
            ("slashed_total", U128),
            ("registered_at", "u64"),
        ),
        "ObligationState": struct(("minted", U128), ("used", U128), ("withdrawn", U128), ("reserved", U128)),
        "Job": struct(
            ("worker", "Addr"),
            ("client", "Addr"),
            ("cu", vec(("Tuple", "Addr", U128))),
            ("used", vec(("Tuple", "Addr", U128))),
            ("value", U128),
            ("fee", U128),
            ("assigned_at", "u64"),
            ("finish_by", "u64"),
            ("state", "AssignmentState"),
            ("attestation", option("StoredAttestation")),
        ),
        "VerifierState": struct(
            ("bond", U128),
            ("open_commits", "u32"),
            ("open_disputes", "u32"),
            ("verdicts", "u64"),
            ("correct", "u64"),
            ("slash_count", "u32"),
            ("registered_at", "u64"),
        ),
        "VerdictRecord": struct(
            ("commitment", "String"),
            ("revealed", option("Verdict")),
            ("weight", U128),
            ("audit", option("AuditRecord")),
        ),
        "EpochState": struct(
            ("accumulator", "String"),
            ("attestations", "u64"),
            ("work", U128),
            ("verifier_points", U128),
            ("curator_points", U128),
            ("seed", option("String")),
            ("sample_rate", option(DEC)),
            ("workers", "RewardPool"),
            ("verifiers", "RewardPool"),
            ("curators", "RewardPool"),
            ("treasury", U128),
        ),
        "Points": struct(("work", U128), ("verifier", U128), ("curator", U128), ("credit", U128)),
        "Experience": struct(
            ("submitter", "Addr"),
            ("content_hash", "String"),
            ("uri", option("String")),
            ("deposit", U128),
            ("utility", option(DEC)),
            ("refunded", U128),
            ("submitted_at", "u64"),
        ),
        "Totals": struct(
            ("worker_bonds", U128),
            ("verifier_bonds", U128),
            ("claims", U128),
            ("deposits", U128),
            ("reward_reserve", U128),
            ("minted", U128),
            ("burned", U128),
        ),
    },
}

# Older layout versions of records whose fields changed, as (contract, record type, version) → shape: what a
# contract not migrated yet still stores (`migrate` rewrites them in the current layout).
OLDER_SHAPES: dict[tuple[str, str, int], dict] = {
    ("hmm-pool", "Config", 1): struct(
        ("owner", "Addr"),
        ("pending_owner", option("Addr")),
        *SHAPES["hmm-pool"]["Config"]["struct"],
    ),
    ("job-registry", "Config", 1): struct(
        ("admin", "Addr"), ("ai_token", "Addr"), ("pool", "Addr"), ("poai", option("Addr")), ("limits", "Limits"),
    ),
    ("job-registry", "Config", 2): struct(("admin", "Addr"), *SHAPES["job-registry"]["Config"]["struct"]),
}

# Where each contract keeps its records: namespace → (kind, record type, layout version, key parts). An `item`'s
# storage key is its name; a `map`'s is the namespace's length (2 bytes, big-endian), the namespace, then the key
# parts, every part but the last behind its own 2-byte length. (job-registry's `jobs` is the primary map of an
# `IndexedMap`; its indexes `jobs__client`, `jobs__worker`, `jobs__state` hold keys only.)
COLLECTIONS: dict[str, dict[str, tuple[str, str, int, tuple[str, ...]]]] = {
    "hmm-pool": {
        "config": ("item", "Config", 2, ()),
        "positions": ("map", "Position", 1, ("u64", "Addr")),
        "obs": ("map", "Observation", 1, ("u64", "u8", "u16")),
        "intents": ("map", "Intent", 1, ("u64", "u32")),
    },
    "job-registry": {
        "config": ("item", "Config", 3, ()),
        "jobs": ("map", "Job", 1, ("u64",)),
    },
    "poai": {
        "config": ("item", "Config", 1, ()),
        "params": ("item", "Params", 1, ()),
        "totals": ("item", "Totals", 1, ()),
        "workers": ("map", "Worker", 1, ("Addr",)),
        "obligations": ("map", "ObligationState", 1, ("Addr", "Addr")),
        "jobs": ("map", "Job", 1, ("u64",)),
        "verifiers": ("map", "VerifierState", 1, ("Addr",)),
        "verdicts": ("map", "VerdictRecord", 1, ("u64", "Addr")),
        "epochs": ("map", "EpochState", 1, ("u64",)),
        "points": ("map", "Points", 1, ("Addr", "u64")),
        "experiences": ("map", "Experience", 1, ("u64",)),
    },
}

KEY_WIDTHS = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}


class Malformed(ValueError):
    """The bytes are not a record of the expected type and version."""


def collection_of(contract: str, namespace: str) -> tuple[str, int]:
    """The record type and layout version stored under `namespace` (an item's key or a map's namespace)."""
    try:
        _, record_type, version, _ = COLLECTIONS[contract][namespace]
    except KeyError:
        raise KeyError(f"{contract} keeps no compact record under {namespace!r}") from None
    return record_type, version


def storage_key(contract: str, namespace: str, *parts: Any) -> bytes:
    """The storage key of a record: `storage_key("poai", "verdicts", 3, "cosmwasm1...")`."""
    kind, _, _, shapes = COLLECTIONS[contract][namespace]
    if kind == "item":
        if parts:
            raise ValueError(f"{namespace} is an item: no key parts")
        return namespace.encode()
    if len(parts) != len(shapes):
        raise ValueError(f"{namespace} keys have {len(shapes)} parts")
    out = _prefixed(namespace.encode())
    for i, (shape, part) in enumerate(zip(shapes, parts)):
        raw = part.encode() if shape == "Addr" else int(part).to_bytes(KEY_WIDTHS[shape], "big")
        out += raw if i == len(shapes) - 1 else _prefixed(raw)
    return out


def parse_key(contract: str, key: bytes) -> tuple[str, list[Any]]:
    """The namespace and key parts of a record's storage key."""
    for namespace, (kind, _, _, shapes) in COLLECTIONS[contract].items():
        if kind == "item":
            if key == namespace.encode():
                return namespace, []
            continue
        prefix = _prefixed(namespace.encode())
        if not key.startswith(prefix):
            continue
        rest, parts = key[len(prefix) :], []
        for i, shape in enumerate(shapes):
            if i == len(shapes) - 1:
                raw, rest = rest, b""
            else:
                if len(rest) < 2:
                    raise Malformed(f"key of {namespace} ends in part {i}")
                n = int.from_bytes(rest[:2], "big")
                raw, rest = rest[2 : 2 + n], rest[2 + n :]
                if len(raw) != n:
                    raise Malformed(f"key of {namespace} ends in part {i}")
            if shape == "Addr":
                parts.append(raw.decode("utf-8"))
            else:
                if len(raw) != KEY_WIDTHS[shape]:
                    raise Malformed(f"key part {i} of {namespace}: {len(raw)} bytes for a {shape}")
                parts.append(int.from_bytes(raw, "big"))
        return namespace, parts
    raise KeyError(f"no compact-record collection of {contract} has the key {key.hex()}")


def _prefixed(raw: bytes) -> bytes:
    return len(raw).to_bytes(2, "big") + raw


# ---------------------------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------------------------


def snake_case(name: str) -> str:
    """serde's `rename_all = "snake_case"` of a variant name."""
    return "".join(("_" + c.lower()) if c.isupper() and i > 0 else c.lower() for i, c in enumerate(name))


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise Malformed(f"truncated: the record ends inside a field at byte {self.at}")
        part = self.data[self.at : self.at + n]
        self.at += n
        return part

    def varint(self, bits: int) -> int:
        value, shift, max_bytes = 0, 0, (bits + 6) // 7
        for _ in range(max_bytes):
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if b < 0x80:
                if value >= 1 << bits:
                    raise Malformed(f"varint at byte {self.at} does not fit {bits} bits")
                return value
            shift += 7
        raise Malformed(f"varint at byte {self.at} longer than {max_bytes} bytes")

    def value(self, shape: Shape) -> Any:
        if isinstance(shape, str):
            if shape in STRINGS:
                raw = self.take(self.varint(64))
                try:
                    return raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise Malformed(f"string before byte {self.at} is not UTF-8") from None
            if shape == "Binary":
                return base64.b64encode(self.take(self.varint(64))).decode()
            if shape == "u8":
                return self.take(1)[0]
            if shape in UNSIGNED:
                return self.varint(UNSIGNED[shape])
            if shape in SIGNED:
                z = self.varint(SIGNED[shape])
                return (z >> 1) ^ -(z & 1)
            if shape == "bool":
                b = self.take(1)[0]
                if b > 1:
                    raise Malformed(f"bool {b} at byte {self.at - 1}")
                return b == 1
            if shape in TYPES:
                return self.value(TYPES[shape])
            raise KeyError(f"unknown shape {shape!r}")
        if isinstance(shape, tuple):
            head = shape[0]
            if head == "Option":
                tag = self.take(1)[0]
                if tag > 1:
                    raise Malformed(f"option tag {tag} at byte {self.at - 1}")
                return self.value(shape[1]) if tag == 1 else None
            if head == "Vec":
                return [self.value(shape[1]) for _ in range(self.varint(64))]
            if head == "Tuple":
                return [self.value(s) for s in shape[1:]]
            raise KeyError(f"unknown shape {shape!r}")
        if "struct" in shape:
            return self.fields(shape["struct"])
        variants = shape["enum"]
        index = self.varint(32)
        if index >= len(variants):
            raise Malformed(f"enum variant {index} of {len(variants)} at byte {self.at}")
        name, payload = variants[index]
        if shape["rename_all"] == "snake_case":
            name = snake_case(name)
        if payload is None:
            return name
        if isinstance(payload, list):
            return {name: self.fields(payload)}
        return {name: self.value(payload)}

    def fields(self, fields: list) -> dict:
        return {field: self.value(s) for field, s in fields}


def record_bytes(stored: Union[bytes, str]) -> bytes:
    """The record (version byte and fields) inside a storage value: a JSON string of base64."""
    try:
        text = json.loads(stored)
    except (ValueError, UnicodeDecodeError):
        raise Malformed("the stored value is not JSON") from None
    if not isinstance(text, str):
        raise Malformed("the stored value is not a JSON string (a plain JSON record of an older build?)")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise Malformed("the stored string is not base64") from None


def decode_record(contract: str, record_type: str, record: bytes, version: int = 1) -> dict:
    """A record from its bytes: `version` (the current layout) or an older layout of `OLDER_SHAPES`, then the fields.
    Refused on another version, trailing or missing bytes."""
    shape = SHAPES[contract][record_type]
    if not record:
        raise Malformed("empty record")
    if record[0] != version:
        older = OLDER_SHAPES.get((contract, record_type, record[0]))
        if older is None or record[0] > version:
            raise Malformed(f"layout version {record[0]}, this decoder reads {version} for {contract} {record_type}")
        shape = older
    r = _Reader(record[1:])
    value = r.value(shape)
    if r.at != len(r.data):
        raise Malformed(f"{len(r.data) - r.at} bytes left after the {record_type} record")
    return value


def decode(contract: str, record_type: str, stored: Union[bytes, str]) -> dict:
    """A stored value (the raw storage value: a JSON string holding base64 of the record) as the contract's JSON."""
    if contract not in SHAPES or record_type not in SHAPES[contract]:
        raise KeyError(f"no record type {record_type!r} in {contract!r}: {sorted(SHAPES.get(contract, {}))}")
    versions = {v for _, t, v, _ in COLLECTIONS[contract].values() if t == record_type}
    (version,) = versions
    return decode_record(contract, record_type, record_bytes(stored), version)


def stored_value(argument: str) -> bytes:
    """The storage value from what a user pastes: the JSON string, the base64 inside it, `wasmd`'s raw-query output
    (`data: <base64 of the value>` or `{"data": "<base64 of the value>"}`)."""
    text = argument.strip()
    if text.startswith("data:"):
        text = text[len("data:") :].strip()
    if text.startswith("{"):
        text = json.loads(text)["data"]
    if text.startswith('"'):
        return text.encode()
    try:
        outer = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise Malformed("not a stored value: neither a JSON string nor base64") from None
    if outer.startswith(b'"') and outer.endswith(b'"'):
        return outer  # the raw query's base64 of the JSON string
    return json.dumps(text).encode()  # the record's base64 itself


def to_json(value: Any) -> str:
    """Compact JSON as `cosmwasm_std::to_json_string` prints it (fields in declaration order)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[-2], file=sys.stderr)
        return 2
    try:
        if argv[0] == "--key":
            namespace, parts = parse_key(argv[1], bytes.fromhex(argv[2]))
            record_type, version = collection_of(argv[1], namespace)
            print(json.dumps({"namespace": namespace, "key": parts, "type": record_type, "version": version}))
        else:
            contract, record_type, value = argv
            print(json.dumps(decode(contract, record_type, stored_value(value)), indent=2, ensure_ascii=False))
    except (Malformed, KeyError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
