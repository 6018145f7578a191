//! Issue 18, item 5: everything a worker attests is signed, for this deployment only, and a key is registered only
//! with a proof of possession made for this worker, this poai and this chain. Every attack here was accepted by the
//! pre-v1 code (which signed only `sha256(job_id ‖ input ‖ output)` and registered any key): a signature over the old
//! digest, fields swapped after signing, a signature made for another chain or another poai instance, a key without
//! (or with a wrong) proof of possession, and someone else's key. Each refusal changes nothing.

use cosmwasm_std::{Addr, Binary, Uint128};
use cw_multi_test::{AppResponse, Executor};
use hmm::poai::{
    CommitmentResponse, CuAmount, EnclaveKeySignatures, ExecuteMsg, InstantiateMsg, QueryMsg,
};
use hmm_testing::poai::*;
use poai::ContractError;

const BOND: u128 = 10_000 * UNIT;
const RAW: u128 = 2_000 * UNIT;
const JOB_CU: u128 = 100 * UNIT;
const JOB_VALUE: u128 = 200 * UNIT;

/// A suite with `workers[0]` onboarded with `key` and job 1 taken by it.
fn assigned(key: &Key) -> (Suite, Addr) {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    (s, w)
}

/// A second poai instance on the same chain (another deployment, same code): only its address differs.
fn another_poai(s: &mut Suite) -> Addr {
    let code = s.app.store_code(poai_contract());
    let owner = s.owner.clone();
    s.app
        .instantiate_contract(
            code,
            owner,
            &InstantiateMsg {
                owner: None,
                ai_token: s.ai.to_string(),
                pool: s.pool.to_string(),
                job_registry: Some(s.registry.to_string()),
                treasury: s.treasury.to_string(),
                experience_oracle: None,
                params: Some(test_params()),
            },
            &[],
            "poai 2",
            None,
        )
        .unwrap()
}

/// The digest `poai` (any instance) says an enclave signs for `signed`.
fn queried_digest(s: &Suite, poai: &Addr, signed: &Signed) -> [u8; 32] {
    let r: CommitmentResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            poai,
            &QueryMsg::AttestationDigest {
                job_id: signed.job_id,
                worker: signed.worker.clone(),
                input_commitment: hex(&signed.input),
                output_commitment: hex(&signed.output),
                io_merkle_root: hex(&signed.io_root),
                tee_report_hash: hex(&signed.tee),
                proof_hash: signed.proof.map(|p| hex(&p)),
                used: signed.used.clone(),
            },
        )
        .unwrap();
    let b: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&r.hash[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    b.try_into().unwrap()
}

fn refused(s: &mut Suite, w: &Addr, msg: &ExecuteMsg, what: &str) {
    let snap = s.snapshot();
    assert_eq!(
        err(s.exec(w, msg).unwrap_err()),
        ContractError::InvalidSignature,
        "{what}"
    );
    assert_eq!(s.snapshot(), snap, "{what}: nothing changed");
}

fn cu_line(s: &Suite, amount: u128) -> CuAmount {
    CuAmount {
        token: s.cu.to_string(),
        amount: Uint128::new(amount),
    }
}

#[test]
fn the_query_and_an_independent_implementation_agree() {
    let (mut s, _) = assigned(&Key::secp(1));
    let mut signed = s.signed(1, None);
    signed.proof = Some(sha(b"proof"));
    signed.used = Some(vec![cu_line(&s, 3)]);
    assert_eq!(
        queried_digest(&s, &s.poai.clone(), &signed),
        s.digest_of(&signed)
    );
    let p2 = another_poai(&mut s);
    assert_ne!(queried_digest(&s, &p2, &signed), s.digest_of(&signed));
}

#[test]
fn a_signature_over_the_old_digest_is_refused() {
    for key in [Key::secp(1), Key::p256(2), Key::ed(3)] {
        let (mut s, w) = assigned(&key);
        let signed = s.signed(1, None);
        let old = key.sign(&old_digest(1, &signed.input, &signed.output));
        let msg = Suite::attest_with(&signed, old);
        refused(&mut s, &w, &msg, key.key_type());
        assert_eq!(s.calls("record_attestation"), 0);
        s.exec(&w, &s.attest_signed(&signed, &key)).unwrap();
    }
}

#[test]
fn fields_swapped_after_signing_are_refused() {
    let key = Key::secp(1);
    let (mut s, w) = assigned(&key);
    let mut genuine = s.signed(1, None);
    genuine.proof = Some(sha(b"proof"));
    genuine.used = Some(vec![cu_line(&s, 40 * UNIT)]);
    // The enclave signs what poai publishes as the digest of its attestation.
    let poai = s.poai.clone();
    let sig = key.sign(&queried_digest(&s, &poai, &genuine));

    let mut swaps: Vec<(&str, Signed)> = vec![];
    let mut x = genuine.clone();
    x.io_root = sha(b"the host's io root");
    swaps.push(("io root", x));
    let mut x = genuine.clone();
    x.tee = sha(b"the host's TEE report");
    swaps.push(("TEE report hash", x));
    let mut x = genuine.clone();
    x.proof = Some(sha(b"the host's proof"));
    swaps.push(("proof hash replaced", x));
    let mut x = genuine.clone();
    x.proof = None;
    swaps.push(("proof hash dropped", x));
    let mut x = genuine.clone();
    x.used = None;
    swaps.push(("used: all of it", x));
    let mut x = genuine.clone();
    x.used = Some(vec![]);
    swaps.push(("used: none of it", x));
    let mut x = genuine.clone();
    x.used = Some(vec![cu_line(&s, 41 * UNIT)]);
    swaps.push(("used: another amount", x));
    let mut x = genuine.clone();
    x.output = sha(b"the host's output");
    swaps.push(("output", x));
    for (what, fields) in &swaps {
        let msg = Suite::attest_with(fields, sig.clone());
        refused(&mut s, &w, &msg, what);
    }
    // Added to a genuine attestation without any: a proof hash or a used list.
    let bare = s.signed(1, None);
    let bare_sig = key.sign(&queried_digest(&s, &poai, &bare));
    let mut x = bare.clone();
    x.proof = Some(sha(b"proof"));
    refused(
        &mut s,
        &w,
        &Suite::attest_with(&x, bare_sig.clone()),
        "proof added",
    );
    let mut x = bare.clone();
    x.used = Some(vec![cu_line(&s, 1)]);
    refused(&mut s, &w, &Suite::attest_with(&x, bare_sig), "used added");

    // The genuine one passes and poai stores exactly what was signed.
    s.exec(&w, &Suite::attest_with(&genuine, sig)).unwrap();
    let job = s.job(1);
    let a = job.attestation.unwrap();
    assert_eq!(a.io_merkle_root, hex(&genuine.io_root));
    assert_eq!(a.tee_report_hash, hex(&genuine.tee));
    assert_eq!(a.proof_hash, genuine.proof.map(|p| hex(&p)));
    assert_eq!(job.used, genuine.used.clone().unwrap());
    assert_eq!(queried_digest(&s, &poai, &genuine), s.digest_of(&genuine));
}

#[test]
fn a_signature_for_another_worker_chain_or_poai_is_refused() {
    let key = Key::ed(7);
    let (mut s, w) = assigned(&key);
    let signed = s.signed(1, None);

    // Made for another poai instance on this chain (the same key registered there): what that instance's
    // AttestationDigest answers is what the enclave signed.
    let p2 = another_poai(&mut s);
    let there = queried_digest(&s, &p2, &signed);
    refused(
        &mut s,
        &w,
        &Suite::attest_with(&signed, key.sign(&there)),
        "another poai",
    );

    // Made for the same poai address on another chain: poai's own answer while the chain id differs.
    let chain = s.chain_id();
    s.app
        .update_block(|b| b.chain_id = "hmm-other-1".to_string());
    let other_chain = queried_digest(&s, &s.poai.clone(), &signed);
    s.app.update_block(|b| b.chain_id = chain.clone());
    refused(
        &mut s,
        &w,
        &Suite::attest_with(&signed, key.sign(&other_chain)),
        "another chain",
    );
    assert_eq!(
        other_chain,
        attest_digest("hmm-other-1", s.poai.as_str(), &signed)
    );

    // Made for another worker (the same key registered by two workers).
    let mut for_other = signed.clone();
    for_other.worker = s.workers[1].to_string();
    let sig = key.sign(&queried_digest(&s, &s.poai.clone(), &for_other));
    refused(
        &mut s,
        &w,
        &Suite::attest_with(&signed, sig),
        "another worker",
    );

    let sig = key.sign(&queried_digest(&s, &s.poai.clone(), &signed));
    s.exec(&w, &Suite::attest_with(&signed, sig)).unwrap();
}

/// Sends a registration: a registered worker's update as `ExecuteMsg::Register`, a new worker's through the $AI
/// hook with the minimum bond.
fn registration(s: &mut Suite, who: &Addr, msg: &ExecuteMsg) -> anyhow::Result<AppResponse> {
    let registered = s
        .q::<hmm::poai::WorkerResponse>(&hmm::poai::QueryMsg::Worker {
            worker: who.to_string(),
        })
        .is_ok();
    match msg.clone() {
        ExecuteMsg::Register {
            capabilities,
            enclave_keys,
            possession,
        } if !registered => {
            let ai = s.ai.clone();
            let hook = hmm::poai::ReceiveMsg::Register {
                capabilities,
                enclave_keys,
                possession,
            };
            s.send(who, &ai, WORKER_MIN, &hook)
        }
        _ => s.exec(who, msg),
    }
}

fn refused_registration(s: &mut Suite, who: &Addr, msg: &ExecuteMsg, expected: ContractError) {
    let snap = s.snapshot();
    assert_eq!(err(registration(s, who, msg).unwrap_err()), expected);
    assert_eq!(s.snapshot(), snap, "{expected:?}: nothing changed");
}

fn with_possession(msg: &ExecuteMsg, p: EnclaveKeySignatures) -> ExecuteMsg {
    match msg.clone() {
        ExecuteMsg::Register {
            capabilities,
            enclave_keys,
            ..
        } => ExecuteMsg::Register {
            capabilities,
            enclave_keys,
            possession: p,
        },
        _ => unreachable!(),
    }
}

#[test]
fn a_key_without_or_with_a_wrong_proof_of_possession_is_refused() {
    for key in [Key::secp(1), Key::p256(2), Key::ed(3)] {
        let mut s = Suite::new();
        let w = s.workers[0].clone();
        let kt = key.key_type();
        let good = s.register_msg(&w, &key);

        // No proof.
        let msg = with_possession(&good, EnclaveKeySignatures::default());
        refused_registration(&mut s, &w, &msg, ContractError::MissingPossessionProof(kt));
        // Signed by another key of the same type.
        let imposter = match key {
            Key::Secp(_) => Key::secp(9),
            Key::P256(_) => Key::p256(9),
            Key::Ed(_) => Key::ed(9),
        };
        let msg = with_possession(&good, imposter.possession(&s.chain_id(), &s.poai, &w));
        refused_registration(&mut s, &w, &msg, ContractError::InvalidPossessionProof(kt));
        // Malformed.
        let mut p = key.possession(&s.chain_id(), &s.poai, &w);
        for sig in [&mut p.secp256k1, &mut p.secp256r1, &mut p.ed25519] {
            if sig.is_some() {
                *sig = Some(Binary::from(vec![1u8; 63]));
            }
        }
        let msg = with_possession(&good, p);
        refused_registration(&mut s, &w, &msg, ContractError::InvalidPossessionProof(kt));
        // Made for another chain, or for another poai instance.
        let msg = with_possession(&good, key.possession("hmm-other-1", &s.poai, &w));
        refused_registration(&mut s, &w, &msg, ContractError::InvalidPossessionProof(kt));
        let p2 = another_poai(&mut s);
        let msg = with_possession(&good, key.possession(&s.chain_id(), &p2, &w));
        refused_registration(&mut s, &w, &msg, ContractError::InvalidPossessionProof(kt));
        // The key's signature over the attestation-style old message (its bare public key hash) is no proof.
        let mut p = key.possession(&s.chain_id(), &s.poai, &w);
        let bare = key.sign(&sha(&key.public()));
        for sig in [&mut p.secp256k1, &mut p.secp256r1, &mut p.ed25519] {
            if sig.is_some() {
                *sig = Some(bare.clone());
            }
        }
        refused_registration(
            &mut s,
            &w,
            &with_possession(&good, p),
            ContractError::InvalidPossessionProof(kt),
        );
        // A proof for a key that is not given.
        let mut p = key.possession(&s.chain_id(), &s.poai, &w);
        let extra = Some(Binary::from(vec![0u8; 64]));
        match key {
            Key::Ed(_) => p.secp256k1 = extra,
            _ => p.ed25519 = extra,
        }
        let unexpected = if matches!(key, Key::Ed(_)) {
            "secp256k1"
        } else {
            "ed25519"
        };
        refused_registration(
            &mut s,
            &w,
            &with_possession(&good, p),
            ContractError::UnexpectedPossessionProof(unexpected),
        );
        assert!(s
            .q::<hmm::poai::WorkerResponse>(&QueryMsg::Worker {
                worker: w.to_string()
            })
            .is_err());

        // The right proof registers.
        registration(&mut s, &w, &good).unwrap();
        assert_eq!(s.worker(&w).enclave_keys, key.keys());
    }
}

#[test]
fn registering_someone_elses_key_is_refused() {
    let mut s = Suite::new();
    let victim = s.workers[0].clone();
    let thief = s.workers[1].clone();
    let key = Key::secp(1);
    // The victim's registration, as seen in the mempool or on chain.
    let victims = s.register_msg(&victim, &key);
    refused_registration(
        &mut s,
        &thief,
        &victims,
        ContractError::InvalidPossessionProof("secp256k1"),
    );
    registration(&mut s, &victim, &victims).unwrap();
    // Replayed after the victim registered: still refused.
    refused_registration(
        &mut s,
        &thief,
        &victims,
        ContractError::InvalidPossessionProof("secp256k1"),
    );
    // Two keys, one proof copied from the victim: refused for that key.
    let own = Key::ed(2);
    let mut keys = key.keys();
    keys.ed25519 = own.keys().ed25519;
    let mut p = key.possession(&s.chain_id(), &s.poai, &victim);
    p.ed25519 = own.possession(&s.chain_id(), &s.poai, &thief).ed25519;
    let msg = ExecuteMsg::Register {
        capabilities: caps(),
        enclave_keys: keys,
        possession: p,
    };
    refused_registration(
        &mut s,
        &thief,
        &msg,
        ContractError::InvalidPossessionProof("secp256k1"),
    );
}

#[test]
fn key_rotation_needs_a_proof_of_possession() {
    let key = Key::secp(1);
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &key, BOND, RAW);
    let new_key = Key::p256(5);
    let good = s.register_msg(&w, &new_key);
    refused_registration(
        &mut s,
        &w,
        &with_possession(&good, EnclaveKeySignatures::default()),
        ContractError::MissingPossessionProof("secp256r1"),
    );
    let other = s.workers[1].clone();
    let for_other = new_key.possession(&s.chain_id(), &s.poai, &other);
    refused_registration(
        &mut s,
        &w,
        &with_possession(&good, for_other),
        ContractError::InvalidPossessionProof("secp256r1"),
    );
    assert_eq!(s.worker(&w).enclave_keys, key.keys());
    registration(&mut s, &w, &good).unwrap();
    assert_eq!(s.worker(&w).enclave_keys, new_key.keys());
    // The old key no longer attests; the new one does.
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    let msg = s.attest_msg(1, &key, None);
    refused(&mut s, &w, &msg, "rotated-out key");
    s.attest(&w, 1, &new_key).unwrap();
}
