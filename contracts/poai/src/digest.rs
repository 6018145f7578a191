//! The digests enclave keys sign: an attestation (bound to the chain, this poai, the job, the worker and every
//! attested field) and a registration (proof of possession of a key, bound to the chain, this poai and the worker).
//!
//! Layout: `sha256` over a sequence of items, each written as its length (u32 big-endian) then its bytes; the first
//! item is a fixed ASCII domain tag, so a digest of one kind can never be taken for another kind (or for the old
//! unprefixed `sha256(job_id ‖ input ‖ output)`). Strings (chain id, addresses, key type) are UTF-8; hashes their 32
//! raw bytes; integers big-endian. The reference implementation is `scripts/attestation.py`; the published vectors
//! `docs/test-vectors/attestation.json` are checked by this module's tests and by `scripts/test_vectors.py`.

use hmm::poai::CuAmount;
use sha2::{Digest, Sha256};

/// Domain tag of the attestation digest.
pub const ATTEST_TAG: &[u8] = b"hmm-poai/attest/v1";
/// Domain tag of the registration (proof of possession) digest.
pub const REGISTER_TAG: &[u8] = b"hmm-poai/register/v1";

/// A hash fed with length-prefixed items.
struct Items(Sha256);

impl Items {
    fn new(tag: &[u8]) -> Items {
        let mut i = Items(Sha256::new());
        i.item(tag);
        i
    }

    fn item(&mut self, bytes: &[u8]) -> &mut Self {
        // Every item of a transaction is far below 4 GiB; saturating keeps this total.
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.0.update(len.to_be_bytes());
        self.0.update(bytes);
        self
    }

    fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The `used` item: `0x00` when absent; otherwise `0x01`, the entry count (u32 BE), then per entry in the order
/// given the token address (u32 BE length, UTF-8) and the amount (u128 BE, 16 bytes).
pub fn encode_used(used: Option<&[CuAmount]>) -> Vec<u8> {
    let Some(lines) = used else {
        return vec![0];
    };
    let mut out = Vec::with_capacity(5 + lines.len() * 80);
    out.push(1);
    let count = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&count.to_be_bytes());
    for line in lines {
        let token = line.token.as_bytes();
        let len = u32::try_from(token.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(token);
        out.extend_from_slice(&line.amount.u128().to_be_bytes());
    }
    out
}

/// What an attestation signs, besides the deployment (chain id and poai address).
pub struct AttestationFields<'a> {
    pub job_id: u64,
    pub worker: &'a str,
    pub input: &'a [u8; 32],
    pub output: &'a [u8; 32],
    pub io_merkle_root: &'a [u8; 32],
    pub tee_report_hash: &'a [u8; 32],
    pub proof_hash: Option<&'a [u8; 32]>,
    pub used: Option<&'a [CuAmount]>,
}

/// The attestation digest: items `ATTEST_TAG`, chain id, poai address, job id (8 bytes), worker, input, output,
/// io Merkle root, TEE report hash, proof hash (32 bytes or empty), [`encode_used`].
pub fn attestation_digest(chain_id: &str, poai: &str, f: &AttestationFields) -> [u8; 32] {
    let mut h = Items::new(ATTEST_TAG);
    h.item(chain_id.as_bytes())
        .item(poai.as_bytes())
        .item(&f.job_id.to_be_bytes())
        .item(f.worker.as_bytes())
        .item(f.input)
        .item(f.output)
        .item(f.io_merkle_root)
        .item(f.tee_report_hash)
        .item(f.proof_hash.map(|p| p.as_slice()).unwrap_or(&[]))
        .item(&encode_used(f.used));
    h.finish()
}

/// The registration digest a key signs to prove possession: items `REGISTER_TAG`, chain id, poai address, worker,
/// key type (`"secp256k1"`, `"secp256r1"`, `"ed25519"`), public key bytes.
pub fn registration_digest(
    chain_id: &str,
    poai: &str,
    worker: &str,
    key_type: &str,
    key: &[u8],
) -> [u8; 32] {
    let mut h = Items::new(REGISTER_TAG);
    h.item(chain_id.as_bytes())
        .item(poai.as_bytes())
        .item(worker.as_bytes())
        .item(key_type.as_bytes())
        .item(key);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helpers::{parse_hash, to_hex};
    use crate::merkle;
    use cosmwasm_std::{from_json, Uint128};
    use serde::Deserialize;

    const VECTORS: &str = include_str!("../../../docs/test-vectors/attestation.json");

    #[derive(Deserialize)]
    struct Vectors {
        attestation: Vec<AttestationCase>,
        registration: Vec<RegistrationCase>,
        merkle: Vec<MerkleCase>,
        verdict: Vec<VerdictCase>,
    }

    #[derive(Deserialize)]
    struct VerdictCase {
        name: String,
        job_id: u64,
        verdict: hmm::poai::Verdict,
        salt: String,
        verifier: String,
        commitment: String,
    }

    #[derive(Deserialize)]
    struct UsedLine {
        token: String,
        amount: Uint128,
    }

    #[derive(Deserialize)]
    struct AttestationCase {
        name: String,
        chain_id: String,
        poai: String,
        job_id: u64,
        worker: String,
        input_commitment: String,
        output_commitment: String,
        io_merkle_root: String,
        tee_report_hash: String,
        proof_hash: Option<String>,
        used: Option<Vec<UsedLine>>,
        used_encoding: String,
        digest: String,
    }

    #[derive(Deserialize)]
    struct RegistrationCase {
        name: String,
        chain_id: String,
        poai: String,
        worker: String,
        key_type: String,
        key: String,
        digest: String,
    }

    #[derive(Deserialize)]
    struct MerkleCase {
        name: String,
        leaves: Vec<String>,
        root: Option<String>,
        proofs: Vec<Vec<String>>,
    }

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    fn vectors() -> Vectors {
        from_json(VECTORS.as_bytes()).expect("docs/test-vectors/attestation.json parses")
    }

    #[test]
    fn attestation_vectors() {
        let v = vectors();
        assert!(v.attestation.len() >= 4);
        for c in &v.attestation {
            let h = |s: &str| parse_hash("vector", s).unwrap();
            let used: Option<Vec<CuAmount>> = c.used.as_ref().map(|l| {
                l.iter()
                    .map(|u| CuAmount {
                        token: u.token.clone(),
                        amount: u.amount,
                    })
                    .collect()
            });
            let encoded = encode_used(used.as_deref());
            assert_eq!(to_hex(&encoded), c.used_encoding, "{}: used", c.name);
            let proof = c.proof_hash.as_deref().map(h);
            let d = attestation_digest(
                &c.chain_id,
                &c.poai,
                &AttestationFields {
                    job_id: c.job_id,
                    worker: &c.worker,
                    input: &h(&c.input_commitment),
                    output: &h(&c.output_commitment),
                    io_merkle_root: &h(&c.io_merkle_root),
                    tee_report_hash: &h(&c.tee_report_hash),
                    proof_hash: proof.as_ref(),
                    used: used.as_deref(),
                },
            );
            assert_eq!(to_hex(&d), c.digest, "{}", c.name);
        }
    }

    #[test]
    fn registration_vectors() {
        let v = vectors();
        assert!(v.registration.len() >= 3);
        for c in &v.registration {
            let d =
                registration_digest(&c.chain_id, &c.poai, &c.worker, &c.key_type, &bytes(&c.key));
            assert_eq!(to_hex(&d), c.digest, "{}", c.name);
        }
    }

    #[test]
    fn verdict_commitment_vectors() {
        let v = vectors();
        assert!(v.verdict.len() >= 4);
        for c in &v.verdict {
            let addr = cosmwasm_std::Addr::unchecked(&c.verifier);
            let got =
                crate::helpers::verdict_commitment(c.job_id, c.verdict, &bytes(&c.salt), &addr);
            assert_eq!(to_hex(&got), c.commitment, "{}", c.name);
        }
    }

    #[test]
    fn merkle_vectors() {
        let v = vectors();
        assert!(v.merkle.len() >= 5);
        for c in &v.merkle {
            let data: Vec<Vec<u8>> = c.leaves.iter().map(|l| bytes(l)).collect();
            let leaves: Vec<&[u8]> = data.iter().map(|d| d.as_slice()).collect();
            let root = merkle::root(&leaves);
            assert_eq!(root.map(|r| to_hex(&r)), c.root, "{}: root", c.name);
            assert_eq!(c.proofs.len(), leaves.len(), "{}", c.name);
            for (i, expected) in c.proofs.iter().enumerate() {
                let p: Vec<String> = merkle::proof(&leaves, i)
                    .unwrap()
                    .iter()
                    .map(|s| to_hex(s))
                    .collect();
                assert_eq!(&p, expected, "{}: proof {i}", c.name);
                let siblings: Vec<[u8; 32]> = expected
                    .iter()
                    .map(|s| parse_hash("vector", s).unwrap())
                    .collect();
                let n = leaves.len() as u64;
                let r = merkle::compute_root(leaves[i], i as u64, n, &siblings).unwrap();
                assert_eq!(Some(to_hex(&r)), c.root, "{}: computed root {i}", c.name);
            }
        }
    }

    #[test]
    fn every_field_and_the_deployment_change_the_digest() {
        let (a, b, c, d, e) = ([1u8; 32], [2u8; 32], [3u8; 32], [4u8; 32], [5u8; 32]);
        let used = vec![CuAmount {
            token: "cu".to_string(),
            amount: Uint128::new(7),
        }];
        let base = AttestationFields {
            job_id: 1,
            worker: "w",
            input: &a,
            output: &b,
            io_merkle_root: &c,
            tee_report_hash: &d,
            proof_hash: Some(&e),
            used: Some(&used),
        };
        let h0 = attestation_digest("chain", "poai", &base);
        let zero = [0u8; 32];
        let none: Vec<CuAmount> = vec![];
        let variants = [
            attestation_digest("chain2", "poai", &base),
            attestation_digest("chain", "poai2", &base),
            attestation_digest("chain", "poai", &AttestationFields { job_id: 2, ..base }),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    worker: "v",
                    ..base
                },
            ),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    input: &zero,
                    ..base
                },
            ),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    output: &zero,
                    ..base
                },
            ),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    io_merkle_root: &zero,
                    ..base
                },
            ),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    tee_report_hash: &zero,
                    ..base
                },
            ),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    proof_hash: None,
                    ..base
                },
            ),
            attestation_digest("chain", "poai", &AttestationFields { used: None, ..base }),
            attestation_digest(
                "chain",
                "poai",
                &AttestationFields {
                    used: Some(&none),
                    ..base
                },
            ),
            // Moving bytes between adjacent items changes the digest (length prefixes).
            attestation_digest("chai", "npoai", &base),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(*v, h0, "variant {i}");
        }
        // The old digest is not the new one, and the two kinds of digest never coincide.
        assert_ne!(crate::helpers::sha256(&[&1u64.to_be_bytes(), &a, &b]), h0);
        assert_ne!(
            registration_digest("chain", "poai", "w", "ed25519", &a),
            registration_digest("chain", "poai", "w", "secp256k1", &a)
        );
    }
}
