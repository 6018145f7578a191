// poai: the digests enclave keys sign, the index-bound io Merkle tree and verdict commitments, computed exactly as
// the contract checks them (contracts/poai/src/digest.rs, merkle.rs, helpers.rs; reference scripts/attestation.py;
// test vectors docs/test-vectors/attestation.json, which test/poai.test.ts passes).

import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { concat, fromHex, toBase64, toHex, uintBE, utf8 } from './encoding';
import type { Amount } from './cw20';

/** Domain tag of the attestation digest. */
export const ATTEST_TAG = 'hmm-poai/attest/v1';
/** Domain tag of the registration (proof of possession) digest. */
export const REGISTER_TAG = 'hmm-poai/register/v1';
/** Enclave key types. */
export type KeyType = 'secp256k1' | 'secp256r1' | 'ed25519';

/** sha256 over items, each written as its length (4 bytes big-endian) then its bytes. */
function itemsHash(items: readonly Uint8Array[]): Uint8Array {
  const h = sha256.create();
  for (const item of items) {
    h.update(uintBE(item.length, 4));
    h.update(item);
  }
  return h.digest();
}

function hash32(name: string, value: string | Uint8Array): Uint8Array {
  const b = typeof value === 'string' ? fromHex(value) : value;
  if (b.length !== 32) throw new Error(`${name}: 32 bytes expected, got ${b.length}`);
  return b;
}

/** One `used` entry of `Attest`: CU atoms of a token actually consumed. */
export interface UsedLine {
  token: string;
  amount: Amount;
}

/**
 * `used` as `Attest` sends it, as the digest covers it: absent (`null`/`undefined`) → `0x00`; a list → `0x01`, the
 * count (4 bytes BE), then per entry in the order given the token address (4-byte BE length, UTF-8) and the amount
 * (16 bytes BE).
 */
export function encodeUsed(used: readonly UsedLine[] | null | undefined): Uint8Array {
  if (used === null || used === undefined) return Uint8Array.of(0);
  const parts: Uint8Array[] = [Uint8Array.of(1), uintBE(used.length, 4)];
  for (const line of used) {
    const token = utf8(line.token);
    parts.push(uintBE(token.length, 4), token, uintBE(BigInt(line.amount), 16));
  }
  return concat(...parts);
}

/** The fields of an attestation as the digest covers them (hashes as hex or 32 bytes). */
export interface AttestationFields {
  chainId: string;
  poai: string;
  jobId: number | bigint;
  worker: string;
  inputCommitment: string | Uint8Array;
  outputCommitment: string | Uint8Array;
  ioMerkleRoot: string | Uint8Array;
  teeReportHash: string | Uint8Array;
  proofHash?: string | Uint8Array | null;
  used?: readonly UsedLine[] | null;
}

/** The 32-byte digest an enclave signs for `Attest` (what poai's `AttestationDigest` query returns, computed here). */
export function attestationDigest(f: AttestationFields): Uint8Array {
  const proof = f.proofHash === null || f.proofHash === undefined ? new Uint8Array(0) : hash32('proofHash', f.proofHash);
  return itemsHash([
    utf8(ATTEST_TAG),
    utf8(f.chainId),
    utf8(f.poai),
    uintBE(BigInt(f.jobId), 8),
    utf8(f.worker),
    hash32('inputCommitment', f.inputCommitment),
    hash32('outputCommitment', f.outputCommitment),
    hash32('ioMerkleRoot', f.ioMerkleRoot),
    hash32('teeReportHash', f.teeReportHash),
    proof,
    encodeUsed(f.used),
  ]);
}

/** The 32-byte digest an enclave key signs to prove possession when `worker` registers it. */
export function registrationDigest(f: {
  chainId: string;
  poai: string;
  worker: string;
  keyType: KeyType;
  key: Uint8Array;
}): Uint8Array {
  if (!['secp256k1', 'secp256r1', 'ed25519'].includes(f.keyType)) throw new Error(`unknown key type ${f.keyType}`);
  return itemsHash([
    utf8(REGISTER_TAG),
    utf8(f.chainId),
    utf8(f.poai),
    utf8(f.worker),
    utf8(f.keyType),
    f.key,
  ]);
}

/**
 * Signs a 32-byte digest as poai verifies it: secp256k1 and secp256r1 as 64-byte compact `r ‖ s` over the digest as
 * the prehash (low-s), ed25519 over the 32 digest bytes as the message. Returns base64 (the `signature` field).
 */
export function signDigest(keyType: KeyType, secretKey: Uint8Array, digest: Uint8Array): string {
  if (digest.length !== 32) throw new Error('a digest is 32 bytes');
  switch (keyType) {
    case 'secp256k1':
      return toBase64(secp256k1.sign(digest, secretKey, { prehash: false, lowS: true }));
    case 'secp256r1':
      return toBase64(p256.sign(digest, secretKey, { prehash: false, lowS: true }));
    case 'ed25519':
      return toBase64(ed25519.sign(digest, secretKey));
    default:
      throw new Error(`unknown key type ${keyType as string}`);
  }
}

/** The public key poai registers for a secret key (compressed SEC1 for the ECDSA curves, 32 bytes for ed25519). */
export function publicKeyOf(keyType: KeyType, secretKey: Uint8Array): Uint8Array {
  switch (keyType) {
    case 'secp256k1':
      return secp256k1.getPublicKey(secretKey, true);
    case 'secp256r1':
      return p256.getPublicKey(secretKey, true);
    case 'ed25519':
      return ed25519.getPublicKey(secretKey);
    default:
      throw new Error(`unknown key type ${keyType as string}`);
  }
}

// -- the index-bound io Merkle tree --------------------------------------------------------------------------------

function leafHash(index: number, data: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), uintBE(index, 8), data));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right));
}

function rootHash(leafCount: number, top: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(2), uintBE(leafCount, 8), top));
}

/** Every level of the tree, leaves first (a node without a right sibling moves up unchanged). */
export function merkleLevels(leaves: readonly Uint8Array[]): Uint8Array[][] {
  let level = leaves.map((d, i) => leafHash(i, d));
  const levels = [level];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i]);
    level = next;
    levels.push(level);
  }
  return levels;
}

/** The io Merkle root (`io_merkle_root`), or `null` for no leaves (poai refuses an empty tree). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array | null {
  if (leaves.length === 0) return null;
  const levels = merkleLevels(leaves);
  return rootHash(leaves.length, levels[levels.length - 1][0]);
}

/** The siblings of leaf `index` from the leaf up (a level where the node has no sibling contributes none). */
export function merkleProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new Error(`no leaf ${index}`);
  const out: Uint8Array[] = [];
  let i = index;
  const levels = merkleLevels(leaves);
  for (const level of levels.slice(0, -1)) {
    const sib = i % 2 === 0 ? i + 1 : i - 1;
    if (sib < level.length) out.push(level[sib]);
    i = Math.floor(i / 2);
  }
  return out;
}

/** The root a proof leads to (what poai's `VerifyInclusion` computes); `null` if the proof has the wrong shape. */
export function merkleComputeRoot(
  data: Uint8Array,
  index: number,
  leafCount: number,
  siblings: readonly Uint8Array[],
): Uint8Array | null {
  if (index >= leafCount) return null;
  let node = leafHash(index, data);
  let i = index;
  let n = leafCount;
  let used = 0;
  while (n > 1) {
    if (i % 2 === 1 || i + 1 < n) {
      if (used >= siblings.length) return null;
      const s = siblings[used++];
      node = i % 2 === 1 ? nodeHash(s, node) : nodeHash(node, s);
    }
    i = Math.floor(i / 2);
    n = Math.ceil(n / 2);
  }
  if (used !== siblings.length) return null;
  return rootHash(leafCount, node);
}

// -- commit-reveal verdicts ----------------------------------------------------------------------------------------

/** A verifier's verdict. */
export type Verdict = 'valid' | 'invalid';

/**
 * The verdict commitment for `CommitVerdict`, hex: `sha256(job_id (8 bytes BE) ‖ verdict (1 valid, 0 invalid) ‖ salt
 * ‖ verifier address UTF-8)`. Compute it here rather than with poai's `VerdictCommitment` query: the query sends
 * the secret salt to an RPC node, which can then read the verdict before the reveal.
 */
export function verdictCommitment(jobId: number | bigint, verdict: Verdict, salt: Uint8Array, verifier: string): string {
  if (salt.length < 16 || salt.length > 64) throw new Error(`the salt must be 16 to 64 bytes, got ${salt.length}`);
  if (verdict !== 'valid' && verdict !== 'invalid') throw new Error(`unknown verdict ${verdict as string}`);
  return toHex(sha256(concat(uintBE(BigInt(jobId), 8), Uint8Array.of(verdict === 'valid' ? 1 : 0), salt, utf8(verifier))));
}

/** A fresh random salt (32 bytes) for a verdict commitment; keep it secret until the reveal. */
export function randomSalt(bytes = 32): Uint8Array {
  if (bytes < 16 || bytes > 64) throw new Error('the salt must be 16 to 64 bytes');
  return crypto.getRandomValues(new Uint8Array(bytes));
}

/**
 * The `commit_verdict` and the later `reveal_verdict` execute messages for one verdict, with the commitment computed
 * locally. Keep `reveal` (it holds the salt) secret until the reveal period.
 */
export function verdictMessages(args: {
  jobId: number;
  verdict: Verdict;
  verifier: string;
  salt?: Uint8Array;
}): { commit: Record<string, unknown>; reveal: Record<string, unknown>; salt: Uint8Array; commitment: string } {
  const salt = args.salt ?? randomSalt();
  const commitment = verdictCommitment(args.jobId, args.verdict, salt, args.verifier);
  return {
    commit: { commit_verdict: { job_id: args.jobId, commitment } },
    reveal: { reveal_verdict: { job_id: args.jobId, verdict: args.verdict, salt: toBase64(salt), audit: null } },
    salt,
    commitment,
  };
}

/**
 * The `enclave_keys` and `possession` of a worker's `Register` (hook or execute message) for the given enclave
 * secret keys: each public key and its signature over the registration digest (chain id, poai address, worker, key
 * type, key), base64.
 */
export function enclaveRegistration(args: {
  chainId: string;
  poai: string;
  worker: string;
  secretKeys: Partial<Record<KeyType, Uint8Array>>;
}): {
  enclave_keys: { secp256k1: string | null; ed25519: string | null; secp256r1: string | null };
  possession: { secp256k1: string | null; ed25519: string | null; secp256r1: string | null };
} {
  const keys = { secp256k1: null, ed25519: null, secp256r1: null } as Record<KeyType, string | null>;
  const sigs = { secp256k1: null, ed25519: null, secp256r1: null } as Record<KeyType, string | null>;
  const types = (Object.keys(args.secretKeys) as KeyType[]).filter((k) => args.secretKeys[k] !== undefined);
  if (types.length === 0) throw new Error('at least one enclave key is required');
  for (const kt of types) {
    const sk = args.secretKeys[kt] as Uint8Array;
    const pk = publicKeyOf(kt, sk);
    keys[kt] = toBase64(pk);
    const digest = registrationDigest({ chainId: args.chainId, poai: args.poai, worker: args.worker, keyType: kt, key: pk });
    sigs[kt] = signDigest(kt, sk, digest);
  }
  return {
    enclave_keys: { secp256k1: keys.secp256k1, ed25519: keys.ed25519, secp256r1: keys.secp256r1 },
    possession: { secp256k1: sigs.secp256k1, ed25519: sigs.ed25519, secp256r1: sigs.secp256r1 },
  };
}
