//! Enclave keys and the signed digests of poai (attestation v1, registration proof of possession), written here
//! independently of the contract (`contracts/poai/src/digest.rs`, `scripts/attestation.py`).

use cosmwasm_std::{Addr, Binary};
use hmm::poai::{CuAmount, EnclaveKeySignatures, EnclaveKeys};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use sha2::{Digest, Sha256};

/// An enclave key pair.
pub enum Key {
    Secp(k256::ecdsa::SigningKey),
    Ed(ed25519_zebra::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl Key {
    pub fn secp(seed: u8) -> Key {
        let bytes = [seed.max(1); 32];
        Key::Secp(k256::ecdsa::SigningKey::from_bytes(&bytes.into()).expect("valid scalar"))
    }

    pub fn p256(seed: u8) -> Key {
        let bytes = [seed.max(1); 32];
        Key::P256(p256::ecdsa::SigningKey::from_bytes(&bytes.into()).expect("valid scalar"))
    }

    pub fn ed(seed: u8) -> Key {
        Key::Ed(ed25519_zebra::SigningKey::from([seed; 32]))
    }

    pub fn public(&self) -> Binary {
        match self {
            Key::Secp(k) => {
                Binary::from(k.verifying_key().to_encoded_point(true).as_bytes().to_vec())
            }
            Key::P256(k) => {
                Binary::from(k.verifying_key().to_encoded_point(true).as_bytes().to_vec())
            }
            Key::Ed(k) => {
                let vk = ed25519_zebra::VerificationKeyBytes::from(k);
                Binary::from(vk.as_ref().to_vec())
            }
        }
    }

    pub fn keys(&self) -> EnclaveKeys {
        match self {
            Key::Secp(_) => EnclaveKeys {
                secp256k1: Some(self.public()),
                ed25519: None,
                secp256r1: None,
            },
            Key::Ed(_) => EnclaveKeys {
                secp256k1: None,
                ed25519: Some(self.public()),
                secp256r1: None,
            },
            Key::P256(_) => EnclaveKeys {
                secp256k1: None,
                ed25519: None,
                secp256r1: Some(self.public()),
            },
        }
    }

    /// "secp256k1", "secp256r1" or "ed25519".
    pub fn key_type(&self) -> &'static str {
        match self {
            Key::Secp(_) => "secp256k1",
            Key::P256(_) => "secp256r1",
            Key::Ed(_) => "ed25519",
        }
    }

    /// The proof of possession of this key for `worker` registering at `poai` on `chain_id`.
    pub fn possession(&self, chain_id: &str, poai: &Addr, worker: &Addr) -> EnclaveKeySignatures {
        let sig = Some(self.sign(&registration_digest(
            chain_id,
            poai.as_str(),
            worker.as_str(),
            self.key_type(),
            &self.public(),
        )));
        let mut p = EnclaveKeySignatures::default();
        match self {
            Key::Secp(_) => p.secp256k1 = sig,
            Key::P256(_) => p.secp256r1 = sig,
            Key::Ed(_) => p.ed25519 = sig,
        }
        p
    }

    /// Signs a 32-byte digest (secp256k1: the prehash, low-s; ed25519: the digest as the message).
    pub fn sign(&self, digest: &[u8; 32]) -> Binary {
        match self {
            Key::Secp(k) => {
                let sig: k256::ecdsa::Signature = k.sign_prehash(digest).expect("signs");
                let sig = sig.normalize_s().unwrap_or(sig);
                Binary::from(sig.to_bytes().to_vec())
            }
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest).expect("signs");
                let sig = sig.normalize_s().unwrap_or(sig);
                Binary::from(sig.to_bytes().to_vec())
            }
            Key::Ed(k) => {
                let sig: [u8; 64] = k.sign(digest).into();
                Binary::from(sig.to_vec())
            }
        }
    }
}

pub fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The pre-v1 attestation digest `sha256(job_id BE ‖ input ‖ output)` (no longer accepted).
pub fn old_digest(job_id: u64, input: &[u8; 32], output: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(job_id.to_be_bytes());
    h.update(input);
    h.update(output);
    h.finalize().into()
}

/// Length-prefixed items (u32 BE length ‖ bytes), hashed: the layout of poai's signed digests, written here
/// independently of the contract (`contracts/poai/src/digest.rs`, `scripts/attestation.py`).
fn items(items: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for i in items {
        h.update((i.len() as u32).to_be_bytes());
        h.update(i);
    }
    h.finalize().into()
}

/// What an attestation signs besides the deployment.
#[derive(Clone)]
pub struct Signed {
    pub job_id: u64,
    pub worker: String,
    pub input: [u8; 32],
    pub output: [u8; 32],
    pub io_root: [u8; 32],
    pub tee: [u8; 32],
    pub proof: Option<[u8; 32]>,
    pub used: Option<Vec<CuAmount>>,
}

/// The v1 attestation digest.
pub fn attest_digest(chain_id: &str, poai: &str, s: &Signed) -> [u8; 32] {
    let used = match &s.used {
        None => vec![0u8],
        Some(lines) => {
            let mut out = vec![1u8];
            out.extend_from_slice(&(lines.len() as u32).to_be_bytes());
            for l in lines {
                out.extend_from_slice(&(l.token.len() as u32).to_be_bytes());
                out.extend_from_slice(l.token.as_bytes());
                out.extend_from_slice(&l.amount.u128().to_be_bytes());
            }
            out
        }
    };
    items(&[
        b"hmm-poai/attest/v1",
        chain_id.as_bytes(),
        poai.as_bytes(),
        &s.job_id.to_be_bytes(),
        s.worker.as_bytes(),
        &s.input,
        &s.output,
        &s.io_root,
        &s.tee,
        s.proof.as_ref().map(|p| p.as_slice()).unwrap_or(&[]),
        &used,
    ])
}

/// The v1 registration (proof of possession) digest.
pub fn registration_digest(
    chain_id: &str,
    poai: &str,
    worker: &str,
    key_type: &str,
    key: &[u8],
) -> [u8; 32] {
    items(&[
        b"hmm-poai/register/v1",
        chain_id.as_bytes(),
        poai.as_bytes(),
        worker.as_bytes(),
        key_type.as_bytes(),
        key,
    ])
}

pub fn input_of(job_id: u64) -> [u8; 32] {
    sha(format!("input of job {job_id}").as_bytes())
}

pub fn output_of(job_id: u64) -> [u8; 32] {
    sha(format!("output of job {job_id}").as_bytes())
}
