// The shared poai test vectors (docs/test-vectors/attestation.json, also checked against the contract's code by
// `cargo test -p poai` and against scripts/attestation.py by scripts/test_vectors.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  attestationDigest,
  encodeUsed,
  fromBase64,
  fromHex,
  merkleComputeRoot,
  merkleProof,
  merkleRoot,
  publicKeyOf,
  registrationDigest,
  signDigest,
  toHex,
  verdictCommitment,
  verdictMessages,
  type KeyType,
} from '../src/index';

// Job ids up to 2^64 - 1 do not fit a JSON number read by JSON.parse: read them as strings.
const vectors = JSON.parse(
  readFileSync(new URL('../../docs/test-vectors/attestation.json', import.meta.url), 'utf8').replace(
    /"job_id": (\d+)/g,
    '"job_id": "$1"',
  ),
);

test('attestation digests match the shared vectors', () => {
  assert.ok(vectors.attestation.length >= 4);
  for (const c of vectors.attestation) {
    assert.equal(toHex(encodeUsed(c.used)), c.used_encoding, `${c.name}: used`);
    const d = attestationDigest({
      chainId: c.chain_id,
      poai: c.poai,
      jobId: BigInt(c.job_id),
      worker: c.worker,
      inputCommitment: c.input_commitment,
      outputCommitment: c.output_commitment,
      ioMerkleRoot: c.io_merkle_root,
      teeReportHash: c.tee_report_hash,
      proofHash: c.proof_hash,
      used: c.used,
    });
    assert.equal(toHex(d), c.digest, c.name);
  }
});

test('registration digests match the shared vectors', () => {
  assert.ok(vectors.registration.length >= 3);
  for (const c of vectors.registration) {
    const d = registrationDigest({
      chainId: c.chain_id,
      poai: c.poai,
      worker: c.worker,
      keyType: c.key_type,
      key: fromHex(c.key),
    });
    assert.equal(toHex(d), c.digest, c.name);
  }
});

test('merkle roots and proofs match the shared vectors', () => {
  assert.ok(vectors.merkle.length >= 5);
  for (const c of vectors.merkle) {
    const leaves = c.leaves.map(fromHex);
    const root = merkleRoot(leaves);
    assert.equal(root === null ? null : toHex(root), c.root, `${c.name}: root`);
    assert.equal(c.proofs.length, leaves.length);
    c.proofs.forEach((proof: string[], i: number) => {
      assert.deepEqual(merkleProof(leaves, i).map(toHex), proof, `${c.name}: proof ${i}`);
      const siblings = proof.map(fromHex);
      const computed = merkleComputeRoot(leaves[i], i, leaves.length, siblings);
      assert.equal(computed && toHex(computed), c.root, `${c.name}: computed root ${i}`);
      if (leaves.length > 1) {
        const other = merkleComputeRoot(leaves[i], (i + 1) % leaves.length, leaves.length, siblings);
        assert.notEqual(other && toHex(other), c.root);
        assert.equal(merkleComputeRoot(leaves[i], i, leaves.length, siblings.slice(0, -1)), null);
      }
    });
  }
});

test('verdict commitments match the shared vectors', () => {
  assert.ok(vectors.verdict.length >= 4);
  for (const c of vectors.verdict) {
    assert.equal(verdictCommitment(BigInt(c.job_id), c.verdict, fromHex(c.salt), c.verifier), c.commitment, c.name);
  }
});

test('verdict messages: the commit carries the local commitment, the reveal the salt', () => {
  const salt = fromHex('000102030405060708090a0b0c0d0e0f');
  const c = vectors.verdict.find((x: { name: string }) => x.name === 'valid, 16-byte salt');
  const m = verdictMessages({ jobId: 1, verdict: 'valid', verifier: c.verifier, salt });
  assert.deepEqual(m.commit, { commit_verdict: { job_id: 1, commitment: c.commitment } });
  assert.deepEqual(m.reveal, {
    reveal_verdict: { job_id: 1, verdict: 'valid', salt: 'AAECAwQFBgcICQoLDA0ODw==', audit: null },
  });
  const fresh = verdictMessages({ jobId: 1, verdict: 'invalid', verifier: c.verifier });
  assert.equal(fresh.salt.length, 32);
  assert.throws(() => verdictCommitment(1, 'valid', new Uint8Array(15), 'v'), /16 to 64/);
});

test('signatures over a digest verify as poai verifies them', () => {
  const digest = sha256(new TextEncoder().encode('a digest'));
  const keys: [KeyType, Uint8Array][] = [
    ['secp256k1', secp256k1.utils.randomSecretKey()],
    ['secp256r1', p256.utils.randomSecretKey()],
    ['ed25519', ed25519.utils.randomSecretKey()],
  ];
  for (const [kt, sk] of keys) {
    const sig = fromBase64(signDigest(kt, sk, digest));
    assert.equal(sig.length, 64, kt);
    const pk = publicKeyOf(kt, sk);
    if (kt === 'secp256k1') assert.ok(secp256k1.verify(sig, digest, pk, { prehash: false, lowS: true }));
    if (kt === 'secp256r1') assert.ok(p256.verify(sig, digest, pk, { prehash: false }));
    if (kt === 'ed25519') assert.ok(ed25519.verify(sig, digest, pk));
  }
});

test('a worker registration carries each key and its proof of possession', async () => {
  const { enclaveRegistration } = await import('../src/index');
  const sk = secp256k1.utils.randomSecretKey();
  const ed = ed25519.utils.randomSecretKey();
  const reg = enclaveRegistration({ chainId: 'c', poai: 'p', worker: 'w', secretKeys: { secp256k1: sk, ed25519: ed } });
  assert.equal(reg.enclave_keys.secp256r1, null);
  assert.equal(reg.possession.secp256r1, null);
  const pk = fromBase64(reg.enclave_keys.secp256k1!);
  assert.equal(pk.length, 33);
  const digest = registrationDigest({ chainId: 'c', poai: 'p', worker: 'w', keyType: 'secp256k1', key: pk });
  assert.ok(secp256k1.verify(fromBase64(reg.possession.secp256k1!), digest, pk, { prehash: false }));
  const edPk = fromBase64(reg.enclave_keys.ed25519!);
  const edDigest = registrationDigest({ chainId: 'c', poai: 'p', worker: 'w', keyType: 'ed25519', key: edPk });
  assert.ok(ed25519.verify(fromBase64(reg.possession.ed25519!), edDigest, edPk));
  assert.throws(() => enclaveRegistration({ chainId: 'c', poai: 'p', worker: 'w', secretKeys: {} }));
});
