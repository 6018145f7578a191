//! poai end to end on cw-multi-test with real `ai-token` and `hmm-pool` code and a mock job registry: workers,
//! CU obligations, attestations with real enclave signatures, verification, slashing, settlement, emissions, and
//! every refusal leaving the state unchanged.

mod suite;

use cosmwasm_std::{Binary, Decimal256, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::Executor;
use hmm::job::{JobState, SettlementOutcome};
use hmm::poai::{
    AssignmentState, ClaimsResponse, ConfigUpdate, CuAmount, EligibilityResponse, EpochResponse,
    ExecuteMsg, ExpertWeightsResponse, FailureReason, InclusionResponse, ObligationsResponse,
    PendingRewardsResponse, QueryMsg, ReceiveMsg, ReportCondition, Verdict, VerifierResponse,
};
use poai::ContractError;
use sha2::{Digest, Sha256};
use suite::*;

const BOND: u128 = 10_000 * UNIT;
const RAW: u128 = 2_000 * UNIT; // q = 0.5 → 1000 CU minted, worth 2000 $AI, bond required 3000 $AI
const JOB_CU: u128 = 100 * UNIT;
const JOB_VALUE: u128 = 200 * UNIT;

fn obligation(s: &Suite, w: &cosmwasm_std::Addr) -> hmm::poai::Obligation {
    let r: ObligationsResponse = s
        .q(&QueryMsg::Obligations {
            worker: w.to_string(),
        })
        .unwrap();
    r.obligations.into_iter().next().expect("an obligation")
}

/// A worker onboarded with a secp256k1 key, a job created, taken and attested.
fn attested_job(sample_all: bool) -> (Suite, cosmwasm_std::Addr, Key) {
    let mut s = Suite::new();
    if sample_all {
        s.set_params(|p| p.sample_rate = Decimal256::one());
    }
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    s.attest(&w, 1, &key).unwrap();
    (s, w, key)
}

fn bond_verifiers(s: &mut Suite, n: usize) {
    for i in 0..n {
        let v = s.verifiers[i].clone();
        s.register_verifier(&v, VERIFIER_MIN).unwrap();
    }
}

fn salt(i: u8) -> Vec<u8> {
    vec![i; 32]
}

fn commit(
    s: &mut Suite,
    i: usize,
    job_id: u64,
    verdict: Verdict,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let v = s.verifiers[i].clone();
    let c = s.commitment(job_id, verdict, &salt(i as u8), &v);
    s.exec(
        &v,
        &ExecuteMsg::CommitVerdict {
            job_id,
            commitment: c,
        },
    )
}

fn reveal(
    s: &mut Suite,
    i: usize,
    job_id: u64,
    verdict: Verdict,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let v = s.verifiers[i].clone();
    s.exec(
        &v,
        &ExecuteMsg::RevealVerdict {
            job_id,
            verdict,
            salt: Binary::from(salt(i as u8)),
            audit: Some(hmm::poai::AuditRecord {
                kind: hmm::poai::AuditKind::SeedReplay,
                evidence_hash: hex(&sha(b"replay transcript")),
            }),
        },
    )
}

// ---------------------------------------------------------------------------------------------------------------
// The honest flow
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn honest_worker_flow_settles_pays_and_emits() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    // eq.10/23: q = 0.5, so 2000 raw CU mint 1000 CU; eq.36: 1.5 · 1000 CU · 2 $AI = 3000 $AI required.
    assert_eq!(s.balance(&s.cu.clone(), &w), 1_000 * UNIT);
    let req: hmm::poai::BondRequirementResponse = s
        .q(&QueryMsg::BondRequirement {
            worker: w.to_string(),
        })
        .unwrap();
    assert_eq!(req.obligation_value.u128(), 2_000 * UNIT);
    assert_eq!(req.required.u128(), 3_000 * UNIT);
    assert!(req.covered);

    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    let elig: EligibilityResponse = s
        .q(&QueryMsg::Eligibility {
            worker: w.to_string(),
            cu: vec![CuAmount {
                token: s.cu.to_string(),
                amount: Uint128::new(JOB_CU),
            }],
            sla: sla(),
        })
        .unwrap();
    assert!(elig.eligible, "{:?}", elig.reason);
    s.take(1, &w).unwrap();
    assert_eq!(obligation(&s, &w).reserved.u128(), JOB_CU);
    assert_eq!(s.worker(&w).active_jobs, 1);

    s.attest(&w, 1, &key).unwrap();
    assert_eq!(s.calls("record_attestation"), 1);
    assert_eq!(s.registry_job(1).state, JobState::Attested);
    let job = s.job(1);
    assert_eq!(job.state, AssignmentState::Attested);
    let att = job.attestation.clone().unwrap();
    assert_eq!(att.key_type, "secp256k1");
    assert_eq!(att.output_commitment, hex(&output_of(1)));

    // Not final before the reveal period of its epoch ends.
    let e = err(s.finalize(1).unwrap_err());
    assert_eq!(
        e,
        ContractError::VerificationOpen {
            job_id: 1,
            until: att.reveal_end
        }
    );
    s.wait(att.reveal_end - s.now());

    let cu_supply = s.supply(&s.cu.clone());
    let ai_before = s.balance(&s.ai.clone(), &w);
    s.finalize(1).unwrap();
    // The registry settled with everything used: the CU are burned against the obligation.
    let rj = s.registry_job(1);
    assert_eq!(rj.state, JobState::Settled);
    assert_eq!(rj.used.first().map(|u| u.amount.u128()), Some(JOB_CU));
    assert_eq!(s.supply(&s.cu.clone()), cu_supply - JOB_CU);
    let ob = obligation(&s, &w);
    assert_eq!(
        (ob.open.u128(), ob.reserved.u128(), ob.used.u128()),
        (900 * UNIT, 0, JOB_CU)
    );
    // PoAI bonus ρ·V = 5 % · 200 = 10 $AI; the worker's 80 % (no HIP-8 band with one worker) = 8 $AI.
    assert_eq!(s.balance(&s.ai.clone(), &w), ai_before + 8 * UNIT);
    let wr = s.worker(&w);
    assert_eq!(wr.quality, Decimal256::percent(55)); // eq.24: 0.1·1 + 0.9·0.5
    assert_eq!((wr.jobs_succeeded, wr.active_jobs), (1, 0));
    assert_eq!(s.job(1).state, AssignmentState::Succeeded);
    assert_eq!(
        err(s.finalize(1).unwrap_err()),
        ContractError::AlreadyFinalized(1)
    );
    s.assert_ai_conserved();
    s.assert_cu_conserved();

    // Emissions: the worker's verified work sits in the current epoch; close it and claim γR.
    let epoch_now = s.config().current_epoch;
    let pending: PendingRewardsResponse = s
        .q(&QueryMsg::PendingRewards {
            address: w.to_string(),
        })
        .unwrap();
    assert_eq!(pending.pending_epochs, vec![epoch_now]);
    s.wait(EPOCH);
    let anyone = s.anyone.clone();
    s.exec(&anyone, &ExecuteMsg::DistributeEmissions {})
        .unwrap();
    assert_eq!(
        err(s
            .exec(&anyone, &ExecuteMsg::DistributeEmissions {})
            .unwrap_err()),
        ContractError::NoEpochToClose
    );
    let before = s.balance(&s.ai.clone(), &w);
    let supply = s.supply(&s.ai.clone());
    s.exec(&w, &ExecuteMsg::ClaimRewards {}).unwrap();
    // The worker's share of γR (all of it: the only worker) is capped by the job's reward credit: 9/10 of the
    // 20 $AI job fee, the worker's 80 % (14.4 $AI), less the 8 $AI bonus already paid. The rest is burned.
    let credit = JOB_VALUE / 10 * 9 / 10 * 8 / 10 - 8 * UNIT;
    assert_eq!(s.balance(&s.ai.clone(), &w), before + credit);
    assert_eq!(s.supply(&s.ai.clone()), supply - (EMISSION / 2 - credit));
    assert_eq!(
        err(s.exec(&w, &ExecuteMsg::ClaimRewards {}).unwrap_err()),
        ContractError::NothingToClaim
    );
    // Every closed epoch minted exactly R: the treasury has everything nobody earned.
    let closed = s.config().next_epoch_to_close as u128;
    assert_eq!(closed, 3);
    assert_eq!(
        s.balance(&s.ai.clone(), &s.treasury.clone()),
        closed * EMISSION - EMISSION / 2
    );
    s.assert_ai_conserved();
}

#[test]
fn secp256r1_enclave_attests() {
    let mut s = Suite::new();
    let w = s.workers[2].clone();
    let key = Key::p256(4);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(3, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(3, &w).unwrap();
    // A secp256k1 signature with the same secret does not pass for the P-256 key.
    let msg = s.attest_msg(3, &Key::secp(4), None);
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    s.attest(&w, 3, &key).unwrap();
    assert_eq!(s.job(3).attestation.unwrap().key_type, "secp256r1");
}

#[test]
fn ed25519_enclave_and_partial_use_rebates_the_rest() {
    let mut s = Suite::new();
    let w = s.workers[1].clone();
    let key = Key::ed(9);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(7, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(7, &w).unwrap();
    let mut signed = s.signed(7, None);
    signed.used = Some(vec![CuAmount {
        token: s.cu.to_string(),
        amount: Uint128::new(40 * UNIT),
    }]);
    let msg = s.attest_signed(&signed, &key);
    s.exec(&w, &msg).unwrap();
    assert_eq!(s.job(7).attestation.unwrap().key_type, "ed25519");
    s.wait(2 * EPOCH);
    let client_cu = s.balance(&s.cu.clone(), &s.client.clone());
    s.finalize(7).unwrap();
    // 40 CU burned against the obligation, 60 rebated to the client.
    assert_eq!(
        s.balance(&s.cu.clone(), &s.client.clone()),
        client_cu + 60 * UNIT
    );
    let ob = obligation(&s, &w);
    assert_eq!(
        (ob.used.u128(), ob.open.u128(), ob.reserved.u128()),
        (40 * UNIT, 960 * UNIT, 0)
    );
    s.assert_cu_conserved();
    s.assert_ai_conserved();
}

// ---------------------------------------------------------------------------------------------------------------
// Attestation refusals
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn bad_signatures_replays_and_strangers_are_refused_without_change() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let other = s.workers[1].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.onboard(&other, &Key::secp(2), BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    let snap = s.snapshot();

    // Wrong key: signed by a key the worker did not register.
    let msg = s.attest_msg(1, &Key::secp(3), None);
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    // Wrong scheme: an ed25519 signature against a secp256k1 registration.
    let msg = s.attest_msg(1, &Key::ed(1), None);
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    // A proof for another job: the signature covers job 2's digest.
    let mut for_job2 = s.signed(1, None);
    for_job2.job_id = 2;
    for_job2.input = input_of(2);
    let msg = Suite::attest_with(&s.signed(1, None), key.sign(&s.digest_of(&for_job2)));
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    // Another output than the one signed.
    let mut msg = s.attest_msg(1, &key, None);
    if let ExecuteMsg::Attest {
        output_commitment, ..
    } = &mut msg
    {
        *output_commitment = hex(&sha(b"forged output"));
    }
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    // Malformed signature and commitments.
    let mut msg = s.attest_msg(1, &key, None);
    if let ExecuteMsg::Attest { signature, .. } = &mut msg {
        *signature = Binary::from(vec![1u8; 63]);
    }
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    let mut msg = s.attest_msg(1, &key, None);
    if let ExecuteMsg::Attest {
        tee_report_hash, ..
    } = &mut msg
    {
        *tee_report_hash = "not hex".to_string();
    }
    assert!(matches!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidInput {
            field: "tee_report_hash",
            ..
        }
    ));
    // Using more CU than reserved.
    let mut msg = s.attest_msg(1, &key, None);
    if let ExecuteMsg::Attest { used, .. } = &mut msg {
        *used = Some(vec![CuAmount {
            token: s.cu.to_string(),
            amount: Uint128::new(JOB_CU + 1),
        }]);
    }
    assert!(matches!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidInput { field: "used", .. }
    ));
    // Someone else attests the job, even with a valid signature of their own.
    let msg = s.attest_msg(1, &Key::secp(2), None);
    assert_eq!(
        err(s.exec(&other, &msg).unwrap_err()),
        ContractError::Unauthorized("the job's worker")
    );
    // Unknown job (and a job nobody took).
    let msg = s.attest_msg(99, &key, None);
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::UnknownJob(99)
    );
    let msg = s.attest_msg(2, &key, None);
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::UnknownJob(2)
    );
    // Native funds are refused.
    let msg = s.attest_msg(1, &key, None);
    assert!(s
        .app
        .execute_contract(
            w.clone(),
            s.poai.clone(),
            &msg,
            &[cosmwasm_std::coin(1, "uatom")]
        )
        .is_err());
    assert_eq!(s.snapshot(), snap, "refusals changed nothing");

    // The real one passes, and replaying it is refused.
    s.attest(&w, 1, &key).unwrap();
    let snap = s.snapshot();
    assert_eq!(
        err(s.attest(&w, 1, &key).unwrap_err()),
        ContractError::AlreadyAttested(1)
    );
    assert_eq!(s.snapshot(), snap);
    assert_eq!(s.calls("record_attestation"), 1);
}

#[test]
fn attestation_after_the_deadline_is_refused() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 100).unwrap();
    s.take(1, &w).unwrap();
    let finish_by = s.job(1).finish_by;
    s.wait(101);
    let snap = s.snapshot();
    assert_eq!(
        err(s.attest(&w, 1, &key).unwrap_err()),
        ContractError::DeadlinePassed {
            deadline: finish_by,
            now: s.now()
        }
    );
    assert_eq!(s.snapshot(), snap);
}

#[test]
fn io_merkle_inclusion_proofs() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let data: Vec<Vec<u8>> = (0..7u8)
        .map(|i| format!("io record {i}").into_bytes())
        .collect();
    let leaves: Vec<&[u8]> = data.iter().map(|d| d.as_slice()).collect();
    let root = hex(&poai::merkle::root(&leaves).unwrap());
    for job in [1u64, 2] {
        s.create_job(job, JOB_CU, JOB_VALUE, 1_000).unwrap();
        s.take(job, &w).unwrap();
    }
    let msg = s.attest_msg(1, &key, Some(root.clone()));
    s.exec(&w, &msg).unwrap();
    s.attest(&w, 2, &key).unwrap(); // another io root
    let proof: Vec<String> = poai::merkle::proof(&leaves, 3)
        .unwrap()
        .iter()
        .map(|h| hex(h))
        .collect();
    let check = |s: &Suite, job_id: u64, leaf: &[u8], index: u64| -> InclusionResponse {
        s.q(&QueryMsg::VerifyInclusion {
            job_id,
            leaf: Binary::from(leaf.to_vec()),
            index,
            leaf_count: 7,
            proof: proof.clone(),
        })
        .unwrap()
    };
    let ok = check(&s, 1, &data[3], 3);
    assert!(ok.included);
    assert_eq!(ok.root, root);
    assert!(!check(&s, 1, b"never committed", 3).included);
    assert!(!check(&s, 1, &data[3], 4).included, "index-bound");
    assert!(
        !check(&s, 2, &data[3], 3).included,
        "a proof for another job"
    );
    assert!(s
        .q::<InclusionResponse>(&QueryMsg::VerifyInclusion {
            job_id: 1,
            leaf: Binary::from(data[3].clone()),
            index: 9,
            leaf_count: 7,
            proof: proof.clone(),
        })
        .is_err());
}

// ---------------------------------------------------------------------------------------------------------------
// Workers: registration, capacity, bonds
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn capacity_is_quality_weighted_and_bond_capped() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.register(&w, &key).unwrap();
    let snap = s.snapshot();
    // The registration's minimum bond covers little: the offer is refused.
    assert_eq!(
        err(s.offer(&w, RAW).unwrap_err()),
        ContractError::InsufficientBond {
            bond: Uint128::new(WORKER_MIN),
            required: Uint128::new(3_000 * UNIT)
        }
    );
    assert_eq!(s.snapshot(), snap);
    s.bond(&w, BOND - WORKER_MIN).unwrap();
    // 20 000 raw → 10 000 CU → 20 000 $AI of obligation → 30 000 $AI required > 10 000 bonded.
    let snap = s.snapshot();
    assert_eq!(
        err(s.offer(&w, 20_000 * UNIT).unwrap_err()),
        ContractError::InsufficientBond {
            bond: Uint128::new(BOND),
            required: Uint128::new(30_000 * UNIT)
        }
    );
    assert_eq!(err(s.offer(&w, 0).unwrap_err()), ContractError::ZeroAmount);
    assert_eq!(
        err(s.offer(&w, 1).unwrap_err()),
        ContractError::ZeroAmount,
        "⌊0.5·1⌋ = 0"
    );
    let ai = s.ai.to_string();
    assert!(matches!(
        err(s
            .exec(
                &w,
                &ExecuteMsg::OfferCapacity {
                    cu_token: ai,
                    raw_amount: Uint128::new(RAW)
                }
            )
            .unwrap_err()),
        ContractError::UnknownClass(_)
    ));
    let stranger = s.anyone.clone();
    assert!(matches!(
        err(s.offer(&stranger, RAW).unwrap_err()),
        ContractError::NotRegistered(_)
    ));
    assert_eq!(s.snapshot(), snap);
    // Up to the cap: 6666 raw → 3333 CU → 6666 $AI → 9999 $AI required ≤ 10 000, minted over four epochs: at
    // most the pool's CU reserve (1000 CU) per epoch.
    s.offer(&w, 2_000 * UNIT).unwrap();
    let snap = s.snapshot();
    assert_eq!(
        err(s.offer(&w, 2 * UNIT).unwrap_err()),
        ContractError::MintLimit {
            token: s.cu.to_string(),
            limit: Uint128::new(POOL_CU),
            minted: Uint128::new(POOL_CU),
        }
    );
    assert_eq!(s.snapshot(), snap);
    let epoch = s.config().params.epoch_length;
    for raw in [2_000, 2_000, 666] {
        s.wait(epoch);
        s.offer(&w, raw * UNIT).unwrap();
    }
    assert_eq!(obligation(&s, &w).minted.u128(), 3_333 * UNIT);
    assert!(matches!(
        err(s.offer(&w, 2 * UNIT).unwrap_err()),
        ContractError::InsufficientBond { .. }
    ));
    s.assert_cu_conserved();
}

/// A new worker's registration through the $AI hook, with `bond`, of the fields of an `ExecuteMsg::Register`.
fn register_new(
    s: &mut Suite,
    w: &cosmwasm_std::Addr,
    msg: &ExecuteMsg,
    bond: u128,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let ExecuteMsg::Register {
        capabilities,
        enclave_keys,
        possession,
    } = msg.clone()
    else {
        unreachable!("a registration")
    };
    let ai = s.ai.clone();
    let hook = ReceiveMsg::Register {
        capabilities,
        enclave_keys,
        possession,
    };
    s.send(w, &ai, bond, &hook)
}

/// Registering costs a bond (issue 18, item 8): a new worker registers only through the $AI hook with at least
/// `worker_min_bond` (which becomes its bond), so Sybil identities cannot join the HIP-8 histogram for free; the
/// plain message only updates a registered worker; a second registration is refused.
#[test]
fn registering_a_worker_needs_its_first_bond() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    let msg = s.register_msg(&w, &key);
    let snap = s.snapshot();
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::RegisterWithBond {
            min: Uint128::new(WORKER_MIN)
        }
    );
    assert_eq!(
        err(register_new(&mut s, &w, &msg, WORKER_MIN - 1).unwrap_err()),
        ContractError::BondTooSmall {
            bond: Uint128::new(WORKER_MIN - 1),
            min: Uint128::new(WORKER_MIN)
        }
    );
    // Paid in a CU token (by a holder of one): refused.
    let (cu, lp) = (s.cu.clone(), s.lp.clone());
    let hook = s.register_hook(&lp, &key);
    assert!(matches!(
        err(s.send(&lp, &cu, WORKER_MIN, &hook).unwrap_err()),
        ContractError::WrongToken(_)
    ));
    assert_eq!(s.snapshot(), snap, "refused registrations change nothing");
    register_new(&mut s, &w, &msg, WORKER_MIN).unwrap();
    assert_eq!(s.worker(&w).bond.u128(), WORKER_MIN);
    assert_eq!(s.totals().worker_bonds.u128(), WORKER_MIN);
    assert_eq!(
        err(register_new(&mut s, &w, &msg, WORKER_MIN).unwrap_err()),
        ContractError::AlreadyRegistered
    );
    s.exec(&w, &msg).unwrap();
    s.assert_ai_conserved();
}

#[test]
fn registration_is_validated_and_updates_wait_for_jobs() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let mut c = caps();
    c.region = "EU West".to_string();
    let bad = ExecuteMsg::Register {
        capabilities: c,
        enclave_keys: Key::secp(1).keys(),
        possession: Default::default(),
    };
    assert!(matches!(
        err(register_new(&mut s, &w, &bad, BOND).unwrap_err()),
        ContractError::InvalidInput {
            field: "region",
            ..
        }
    ));
    let no_keys = ExecuteMsg::Register {
        capabilities: caps(),
        enclave_keys: hmm::poai::EnclaveKeys {
            secp256k1: None,
            ed25519: None,
            secp256r1: None,
        },
        possession: Default::default(),
    };
    assert!(matches!(
        err(register_new(&mut s, &w, &no_keys, BOND).unwrap_err()),
        ContractError::InvalidInput {
            field: "enclave_keys",
            ..
        }
    ));
    let short_key = ExecuteMsg::Register {
        capabilities: caps(),
        enclave_keys: hmm::poai::EnclaveKeys {
            secp256k1: Some(Binary::from(vec![2u8; 20])),
            ed25519: None,
            secp256r1: None,
        },
        possession: Default::default(),
    };
    assert!(matches!(
        err(register_new(&mut s, &w, &short_key, BOND).unwrap_err()),
        ContractError::InvalidInput {
            field: "secp256k1",
            ..
        }
    ));
    // Bonding before registering is refused.
    assert!(matches!(
        err(s.bond(&w, BOND).unwrap_err()),
        ContractError::NotRegistered(_)
    ));

    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    assert_eq!(
        err(s.register(&w, &Key::secp(5)).unwrap_err()),
        ContractError::WorkerBusy(1)
    );
    s.attest(&w, 1, &key).unwrap();
    s.wait(2 * EPOCH);
    s.finalize(1).unwrap();
    // With no job reserved the keys may rotate; the old key no longer verifies.
    let new_key = Key::ed(5);
    s.register(&w, &new_key).unwrap();
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(2, &w).unwrap();
    assert_eq!(
        err(s.attest(&w, 2, &key).unwrap_err()),
        ContractError::InvalidSignature
    );
    s.attest(&w, 2, &new_key).unwrap();
}

#[test]
fn withdraw_capacity_burns_unsold_cu() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    let cu = s.cu.clone();
    let ai = s.ai.clone();
    let snap = s.snapshot();
    // Free obligation is 1000 − 100 reserved = 900.
    assert_eq!(
        err(s
            .send(&w, &cu, 901 * UNIT, &ReceiveMsg::WithdrawCapacity {})
            .unwrap_err()),
        ContractError::InsufficientObligation {
            token: cu.to_string(),
            free: Uint128::new(900 * UNIT),
            needed: Uint128::new(901 * UNIT)
        }
    );
    // Wrong token for each hook.
    assert_eq!(
        err(s
            .send(&w, &ai, UNIT, &ReceiveMsg::WithdrawCapacity {})
            .unwrap_err()),
        ContractError::WrongToken(ai.to_string())
    );
    assert_eq!(
        err(s.send(&w, &cu, UNIT, &ReceiveMsg::Bond {}).unwrap_err()),
        ContractError::WrongToken(cu.to_string())
    );
    let client = s.client.clone();
    assert!(matches!(
        err(s
            .send(&client, &cu, UNIT, &ReceiveMsg::WithdrawCapacity {})
            .unwrap_err()),
        ContractError::NotRegistered(_)
    ));
    assert_eq!(s.snapshot(), snap);
    let supply = s.supply(&cu);
    s.send(&w, &cu, 300 * UNIT, &ReceiveMsg::WithdrawCapacity {})
        .unwrap();
    assert_eq!(s.supply(&cu), supply - 300 * UNIT);
    let ob = obligation(&s, &w);
    assert_eq!(
        (ob.withdrawn.u128(), ob.open.u128(), ob.free.u128()),
        (300 * UNIT, 700 * UNIT, 600 * UNIT)
    );
    s.assert_cu_conserved();
    s.assert_ai_conserved();
}

// ---------------------------------------------------------------------------------------------------------------
// Assignment (the registry's JobAssigned)
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn ineligible_workers_cannot_take_jobs() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let stranger = s.workers[2].clone();
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    let mut far = sla();
    far.regions = vec!["us-east".to_string()];
    let finish_by = s.now() + 1_000;
    s.create_job_with(2, JOB_CU, JOB_VALUE, finish_by, far)
        .unwrap();
    s.create_job(3, 2_000 * UNIT, JOB_VALUE, 1_000).unwrap();
    let snap = s.snapshot();

    assert!(matches!(
        err(s.take(1, &stranger).unwrap_err()),
        ContractError::NotRegistered(_)
    ));
    assert!(matches!(
        err(s.take(2, &w).unwrap_err()),
        ContractError::SlaMismatch(_)
    ));
    assert!(matches!(
        err(s.take(3, &w).unwrap_err()),
        ContractError::InsufficientObligation { .. }
    ));
    // Only the registry may assign.
    let direct = ExecuteMsg::JobAssigned {
        job_id: 1,
        worker: w.to_string(),
        client: s.client.to_string(),
        cu: vec![CuAmount {
            token: s.cu.to_string(),
            amount: Uint128::new(JOB_CU),
        }],
        sla: sla(),
        value: Uint128::new(JOB_VALUE),
        fee: Uint128::new(JOB_VALUE / 10),
        finish_by: s.now() + 100,
    };
    assert_eq!(
        err(s.exec(&w, &direct).unwrap_err()),
        ContractError::Unauthorized("the job registry")
    );
    let fail = ExecuteMsg::JobFailed {
        job_id: 1,
        worker: w.to_string(),
        reason: FailureReason::Timeout,
    };
    assert_eq!(
        err(s.exec(&w, &fail).unwrap_err()),
        ContractError::Unauthorized("the job registry")
    );
    assert_eq!(s.snapshot(), snap);

    // A stale heartbeat makes the worker ineligible; a heartbeat restores it.
    s.wait(601);
    let last = s.worker(&w).last_heartbeat;
    assert_eq!(
        err(s.take(1, &w).unwrap_err()),
        ContractError::HeartbeatStale { last, timeout: 600 }
    );
    let elig: EligibilityResponse = s
        .q(&QueryMsg::Eligibility {
            worker: w.to_string(),
            cu: vec![CuAmount {
                token: s.cu.to_string(),
                amount: Uint128::new(JOB_CU),
            }],
            sla: sla(),
        })
        .unwrap();
    assert!(!elig.eligible && elig.reason.unwrap().contains("heartbeat"));
    s.exec(&w, &ExecuteMsg::Heartbeat {}).unwrap();
    s.take(1, &w).unwrap();
    // The same job twice.
    let registry = s.registry.clone();
    assert_eq!(
        err(s
            .app
            .execute_contract(registry, s.poai.clone(), &direct, &[])
            .unwrap_err()),
        ContractError::JobExists(1)
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Slashing
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn timeout_slashes_burns_and_denies() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 100).unwrap();
    s.create_job(2, JOB_CU, JOB_VALUE, 10_000).unwrap();
    s.take(1, &w).unwrap();
    s.wait(101);
    let supply = s.supply(&s.ai.clone());
    s.fail(1, FailureReason::Timeout).unwrap();
    // σ = 10 % of the 10 000 bond burned.
    assert_eq!(s.supply(&s.ai.clone()), supply - 1_000 * UNIT);
    let wr = s.worker(&w);
    assert_eq!(wr.bond.u128(), 9_000 * UNIT);
    assert_eq!(wr.quality, Decimal256::percent(45)); // eq.24 with a = 0
    assert_eq!(wr.denied_until, s.now() + 600);
    assert_eq!((wr.jobs_failed, wr.active_jobs, wr.slash_count), (1, 0, 1));
    assert_eq!(obligation(&s, &w).reserved.u128(), 0);
    assert_eq!(s.job(1).state, AssignmentState::Failed);
    // In the denial window: no jobs, no new capacity.
    let until = wr.denied_until;
    assert_eq!(
        err(s.take(2, &w).unwrap_err()),
        ContractError::Denied { until }
    );
    assert_eq!(
        err(s.offer(&w, RAW).unwrap_err()),
        ContractError::Denied { until }
    );
    s.wait(600);
    s.exec(&w, &ExecuteMsg::Heartbeat {}).unwrap();
    s.take(2, &w).unwrap();
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

#[test]
fn timeout_after_attestation_and_cancellation_do_not_slash() {
    let (mut s, w, _key) = attested_job(false);
    let bond = s.worker(&w).bond;
    // poai did not settle in time: the registry times the job out; the worker is not at fault.
    s.fail(1, FailureReason::Timeout).unwrap();
    let wr = s.worker(&w);
    assert_eq!(
        (wr.bond, wr.slash_count, wr.quality),
        (bond, 0, Decimal256::percent(50))
    );
    assert_eq!(obligation(&s, &w).reserved.u128(), 0);
    assert_eq!(
        err(s.finalize(1).unwrap_err()),
        ContractError::AlreadyFinalized(1)
    );
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(2, &w).unwrap();
    s.fail(2, FailureReason::Cancelled).unwrap();
    assert_eq!(s.worker(&w).slash_count, 0);
    s.assert_ai_conserved();
}

#[test]
fn missed_heartbeat_is_reported_and_slashed_once_per_timeout() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let idle = s.workers[1].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    s.onboard(&idle, &Key::secp(2), BOND, 0); // bonded, no capacity offered
    let anyone = s.anyone.clone();
    let report = |who: &cosmwasm_std::Addr| ExecuteMsg::ReportWorker {
        worker: who.to_string(),
        condition: ReportCondition::MissedHeartbeat,
    };
    assert!(matches!(
        err(s.exec(&anyone, &report(&w)).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.wait(601);
    let snap = s.snapshot();
    assert!(matches!(
        err(s.exec(&anyone, &report(&idle)).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    assert_eq!(s.snapshot(), snap);
    let supply = s.supply(&s.ai.clone());
    s.exec(&anyone, &report(&w)).unwrap();
    assert_eq!(s.supply(&s.ai.clone()), supply - 1_000 * UNIT);
    assert!(matches!(
        err(s.exec(&anyone, &report(&w)).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.assert_ai_conserved();
}

#[test]
fn low_quality_for_seven_epochs_is_slashed() {
    let mut params = test_params();
    params.initial_quality = Decimal256::percent(40);
    let mut s = Suite::with_params(params);
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, 0);
    assert_eq!(s.worker(&w).low_quality_since, Some(0));
    let anyone = s.anyone.clone();
    let report = ExecuteMsg::ReportWorker {
        worker: w.to_string(),
        condition: ReportCondition::LowQuality,
    };
    s.wait(6 * EPOCH);
    assert!(matches!(
        err(s.exec(&anyone, &report).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.wait(EPOCH);
    s.exec(&anyone, &report).unwrap();
    let wr = s.worker(&w);
    assert_eq!(
        (wr.bond.u128(), wr.slash_count, wr.low_quality_since),
        (9_000 * UNIT, 1, Some(7))
    );
    assert!(matches!(
        err(s.exec(&anyone, &report).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.assert_ai_conserved();
}

#[test]
fn slashing_reaches_pending_unbonding_claims() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    // Required 3000: unbonding 8000 of 10 000 would leave too little.
    assert_eq!(
        err(s
            .exec(
                &w,
                &ExecuteMsg::Unbond {
                    amount: Uint128::new(8_000 * UNIT)
                }
            )
            .unwrap_err()),
        ContractError::InsufficientBond {
            bond: Uint128::new(2_000 * UNIT),
            required: Uint128::new(3_000 * UNIT)
        }
    );
    assert!(matches!(
        err(s
            .exec(
                &w,
                &ExecuteMsg::Unbond {
                    amount: Uint128::new(BOND + 1)
                }
            )
            .unwrap_err()),
        ContractError::UnbondTooLarge { .. }
    ));
    s.exec(
        &w,
        &ExecuteMsg::Unbond {
            amount: Uint128::new(5_000 * UNIT),
        },
    )
    .unwrap();
    assert_eq!(
        err(s.exec(&w, &ExecuteMsg::ClaimUnbonded {}).unwrap_err()),
        ContractError::NothingToClaim
    );
    // A timeout while the claim is pending: σ of the bond and of the claim are burned.
    s.create_job(1, JOB_CU, JOB_VALUE, 100).unwrap();
    s.take(1, &w).unwrap();
    s.wait(101);
    let supply = s.supply(&s.ai.clone());
    s.fail(1, FailureReason::Timeout).unwrap();
    assert_eq!(s.supply(&s.ai.clone()), supply - 1_000 * UNIT);
    let claims: ClaimsResponse = s
        .q(&QueryMsg::Claims {
            address: w.to_string(),
        })
        .unwrap();
    assert_eq!(claims.claims[0].amount.u128(), 4_500 * UNIT);
    assert_eq!(s.worker(&w).unbonding.u128(), 4_500 * UNIT);
    s.wait(2_000);
    let before = s.balance(&s.ai.clone(), &w);
    s.exec(&w, &ExecuteMsg::ClaimUnbonded {}).unwrap();
    assert_eq!(s.balance(&s.ai.clone(), &w), before + 4_500 * UNIT);
    s.assert_ai_conserved();
}

// ---------------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn refuted_attestation_fails_the_job_and_pays_the_verifiers() {
    let (mut s, w, _key) = attested_job(true);
    // Three equal bonds and three seats: each sits on the committee with probability 1.
    bond_verifiers(&mut s, 3);
    let att = s.job(1).attestation.unwrap();
    // Commits open at the end of the attestation's epoch.
    assert!(matches!(
        err(commit(&mut s, 0, 1, Verdict::Invalid).unwrap_err()),
        ContractError::OutsideWindow { what: "commit", .. }
    ));
    s.wait(EPOCH);
    commit(&mut s, 0, 1, Verdict::Invalid).unwrap();
    commit(&mut s, 1, 1, Verdict::Invalid).unwrap();
    commit(&mut s, 2, 1, Verdict::Valid).unwrap();
    assert_eq!(
        err(commit(&mut s, 0, 1, Verdict::Valid).unwrap_err()),
        ContractError::AlreadyCommitted(1)
    );
    // A fourth verifier bonded tenfold is drawn (probability min(1, 3·10/13) = 1) but the seats are taken.
    let v3 = s.verifiers[3].clone();
    s.register_verifier(&v3, 10 * VERIFIER_MIN).unwrap();
    assert_eq!(
        err(commit(&mut s, 3, 1, Verdict::Valid).unwrap_err()),
        ContractError::CommitteeFull(1)
    );
    assert_eq!(s.job(1).attestation.unwrap().sampled, Some(true));
    // The worker itself cannot verify; verifiers cannot leave with open commitments.
    let v0 = s.verifiers[0].clone();
    assert_eq!(
        err(s
            .exec(
                &v0,
                &ExecuteMsg::UnbondVerifier {
                    amount: Uint128::new(VERIFIER_MIN)
                }
            )
            .unwrap_err()),
        ContractError::VerifierBusy
    );
    assert!(matches!(
        err(reveal(&mut s, 0, 1, Verdict::Invalid).unwrap_err()),
        ContractError::OutsideWindow { what: "reveal", .. }
    ));
    s.wait(att.commit_end - s.now());
    assert!(matches!(
        err(commit(&mut s, 3, 1, Verdict::Valid).unwrap_err()),
        ContractError::OutsideWindow { what: "commit", .. }
    ));
    reveal(&mut s, 0, 1, Verdict::Invalid).unwrap();
    reveal(&mut s, 1, 1, Verdict::Invalid).unwrap();
    assert_eq!(
        err(reveal(&mut s, 1, 1, Verdict::Invalid).unwrap_err()),
        ContractError::AlreadyRevealed(1)
    );
    assert_eq!(
        err(reveal(&mut s, 3, 1, Verdict::Invalid).unwrap_err()),
        ContractError::NoCommitment(1)
    );
    // Verifier 2 never reveals.
    s.wait(att.reveal_end - s.now());
    assert!(matches!(
        err(reveal(&mut s, 2, 1, Verdict::Valid).unwrap_err()),
        ContractError::OutsideWindow { what: "reveal", .. }
    ));

    let supply = s.supply(&s.ai.clone());
    let (b0, b1) = (
        s.balance(&s.ai.clone(), &s.verifiers[0].clone()),
        s.balance(&s.ai.clone(), &s.verifiers[1].clone()),
    );
    let client_cu = s.balance(&s.cu.clone(), &s.client.clone());
    s.finalize(1).unwrap();
    let rj = s.registry_job(1);
    assert_eq!(rj.state, JobState::Failed);
    assert_eq!(s.job(1).state, AssignmentState::Refuted);
    assert_eq!(
        s.balance(&s.cu.clone(), &s.client.clone()),
        client_cu + JOB_CU,
        "CU back to the client"
    );
    // Worker slashed 1000, silent verifier 100; the verifiers' 20 % of the 10 $AI bonus split between the two.
    assert_eq!(s.balance(&s.ai.clone(), &s.verifiers[0].clone()), b0 + UNIT);
    assert_eq!(s.balance(&s.ai.clone(), &s.verifiers[1].clone()), b1 + UNIT);
    // (Epoch 0 was closed, and its emission minted, by the first commit; finalizing closes nothing more.)
    assert_eq!(s.supply(&s.ai.clone()), supply + 2 * UNIT - 1_100 * UNIT);
    let wr = s.worker(&w);
    assert_eq!(
        (wr.bond.u128(), wr.quality, wr.jobs_failed),
        (9_000 * UNIT, Decimal256::percent(45), 1)
    );
    let v2: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: s.verifiers[2].to_string(),
        })
        .unwrap();
    assert_eq!(
        (v2.bond.u128(), v2.slash_count, v2.open_commits),
        (900 * UNIT, 1, 0)
    );
    let v0r: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: s.verifiers[0].to_string(),
        })
        .unwrap();
    assert_eq!((v0r.verdicts, v0r.correct, v0r.open_commits), (1, 1, 0));
    assert_eq!(obligation(&s, &w).reserved.u128(), 0);
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

#[test]
fn copying_another_verifiers_commitment_cannot_be_revealed() {
    let (mut s, _w, _key) = attested_job(true);
    bond_verifiers(&mut s, 2);
    s.wait(EPOCH);
    commit(&mut s, 0, 1, Verdict::Valid).unwrap();
    // Verifier 1 copies verifier 0's commitment and, after 0 reveals, its verdict and salt.
    let (v0, v1) = (s.verifiers[0].clone(), s.verifiers[1].clone());
    let copied = s.commitment(1, Verdict::Valid, &salt(0), &v0);
    s.exec(
        &v1,
        &ExecuteMsg::CommitVerdict {
            job_id: 1,
            commitment: copied,
        },
    )
    .unwrap();
    s.wait(COMMIT);
    reveal(&mut s, 0, 1, Verdict::Valid).unwrap();
    let copy = ExecuteMsg::RevealVerdict {
        job_id: 1,
        verdict: Verdict::Valid,
        salt: Binary::from(salt(0)),
        audit: None,
    };
    assert_eq!(
        err(s.exec(&v1, &copy).unwrap_err()),
        ContractError::CommitmentMismatch
    );
    s.wait(REVEAL);
    s.finalize(1).unwrap();
    // The copier never revealed: slashed; the honest verifier is paid the whole verifier share.
    let r1: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: v1.to_string(),
        })
        .unwrap();
    assert_eq!((r1.slash_count, r1.bond.u128()), (1, 900 * UNIT));
    assert_eq!(s.registry_job(1).state, JobState::Settled);
    s.assert_ai_conserved();
}

#[test]
fn failed_dispute_costs_the_disputer_and_unsampled_jobs_need_no_verdict() {
    let (mut s, w, key) = attested_job(false);
    bond_verifiers(&mut s, 3);
    let v0 = s.verifiers[0].clone();
    let att = s.job(1).attestation.unwrap();
    // Not sampled and not disputed: nothing to commit on.
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(2, &w).unwrap();
    s.attest(&w, 2, &key).unwrap();
    let dispute = ExecuteMsg::Dispute {
        job_id: 1,
        evidence_hash: hex(&sha(b"my evidence")),
    };
    let anyone = s.anyone.clone();
    assert!(matches!(
        err(s.exec(&anyone, &dispute).unwrap_err()),
        ContractError::NotVerifier(_)
    ));
    s.exec(&v0, &dispute).unwrap();
    assert_eq!(s.calls("record_verdict"), 1);
    assert_eq!(s.registry_job(1).state, JobState::Disputed);
    assert_eq!(
        err(s.exec(&v0, &dispute).unwrap_err()),
        ContractError::AlreadyDisputed(1)
    );
    s.wait(EPOCH);
    assert_eq!(
        err(commit(&mut s, 1, 2, Verdict::Valid).unwrap_err()),
        ContractError::NotSampled(2)
    );
    commit(&mut s, 0, 1, Verdict::Invalid).unwrap();
    commit(&mut s, 1, 1, Verdict::Valid).unwrap();
    commit(&mut s, 2, 1, Verdict::Valid).unwrap();
    s.wait(COMMIT);
    // Disputes close with the commit period.
    let v1 = s.verifiers[1].clone();
    let late = ExecuteMsg::Dispute {
        job_id: 2,
        evidence_hash: hex(&sha(b"late")),
    };
    assert!(matches!(
        err(s.exec(&v1, &late).unwrap_err()),
        ContractError::OutsideWindow {
            what: "dispute",
            ..
        }
    ));
    for (i, v) in [
        (0, Verdict::Invalid),
        (1, Verdict::Valid),
        (2, Verdict::Valid),
    ] {
        reveal(&mut s, i, 1, v).unwrap();
    }
    s.wait(att.reveal_end - s.now());
    s.finalize(1).unwrap();
    s.finalize(2).unwrap();
    assert_eq!(s.registry_job(1).state, JobState::Settled);
    assert_eq!(s.registry_job(2).state, JobState::Settled);
    let r0: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: v0.to_string(),
        })
        .unwrap();
    // The disputer lost σ twice: its dispute was not upheld, and its revealed verdict went against the outcome.
    assert_eq!(
        (r0.slash_count, r0.bond.u128(), r0.correct),
        (2, 810 * UNIT, 0)
    );
    assert_eq!(s.worker(&w).jobs_succeeded, 2);
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

// ---------------------------------------------------------------------------------------------------------------
// Quality, expert weights, emissions, experiences
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn expert_weights_follow_eq5() {
    let (mut s, w0, _key) = attested_job(false);
    let w1 = s.workers[1].clone();
    s.onboard(&w1, &Key::secp(2), BOND, RAW);
    s.wait(2 * EPOCH);
    s.finalize(1).unwrap(); // w0: q = 0.55
    let r: ExpertWeightsResponse = s
        .q(&QueryMsg::ExpertWeights {
            workers: vec![w0.to_string(), w1.to_string()],
        })
        .unwrap();
    // η ∝ q/(1−q): 0.55/0.45 = 1.2222… and 0.5/0.5 = 1 → 0.55 and 0.45 of the total.
    let sum = r.weights[0].weight + r.weights[1].weight;
    assert_eq!(sum, Decimal256::one());
    let w0_weight = r.weights[0].weight;
    assert!(
        w0_weight > Decimal256::percent(54) && w0_weight < Decimal256::percent(56),
        "{w0_weight}"
    );
    assert!(s
        .q::<ExpertWeightsResponse>(&QueryMsg::ExpertWeights { workers: vec![] })
        .is_err());
}

#[test]
fn emissions_sum_exactly_to_r_and_pools_empty_out() {
    let (mut s, w0, _key) = attested_job(true);
    bond_verifiers(&mut s, 3);
    let w1 = s.workers[1].clone();
    let key1 = Key::ed(3);
    s.onboard(&w1, &key1, BOND, RAW);
    s.create_job(2, JOB_CU, 333 * UNIT + 7, 1_000).unwrap();
    s.take(2, &w1).unwrap();
    s.attest(&w1, 2, &key1).unwrap();
    // An experience, scored in the same epoch as the finalizations.
    let ai = s.ai.clone();
    let lp = s.lp.clone();
    let submit = ReceiveMsg::SubmitExperience {
        content_hash: hex(&sha(b"trace")),
        uri: Some("ipfs://x".to_string()),
    };
    assert_eq!(
        err(s.send(&lp, &ai, DEPOSIT - 1, &submit).unwrap_err()),
        ContractError::WrongDeposit {
            expected: Uint128::new(DEPOSIT),
            got: Uint128::new(DEPOSIT - 1)
        }
    );
    s.send(&lp, &ai, DEPOSIT, &submit).unwrap();
    s.wait(EPOCH);
    for i in 0..3 {
        commit(&mut s, i, 1, Verdict::Valid).unwrap();
        commit(
            &mut s,
            i,
            2,
            if i == 2 {
                Verdict::Invalid
            } else {
                Verdict::Valid
            },
        )
        .unwrap();
    }
    s.wait(COMMIT);
    for i in 0..3 {
        reveal(&mut s, i, 1, Verdict::Valid).unwrap();
        reveal(
            &mut s,
            i,
            2,
            if i == 2 {
                Verdict::Invalid
            } else {
                Verdict::Valid
            },
        )
        .unwrap();
    }
    s.wait(REVEAL);
    s.finalize(1).unwrap();
    s.finalize(2).unwrap();
    let anyone = s.anyone.clone();
    assert_eq!(
        err(s
            .exec(
                &anyone,
                &ExecuteMsg::ScoreExperience {
                    id: 1,
                    utility: Decimal256::percent(50)
                }
            )
            .unwrap_err()),
        ContractError::Unauthorized("the experience oracle")
    );
    let owner = s.owner.clone();
    let (lp_before, tr_before) = (s.balance(&ai, &lp), s.balance(&ai, &s.treasury.clone()));
    s.exec(
        &owner,
        &ExecuteMsg::ScoreExperience {
            id: 1,
            utility: Decimal256::percent(50),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&ai, &lp), lp_before + DEPOSIT / 2);
    assert_eq!(s.balance(&ai, &s.treasury.clone()), tr_before + DEPOSIT / 2);
    assert_eq!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::ScoreExperience {
                    id: 1,
                    utility: Decimal256::percent(50)
                }
            )
            .unwrap_err()),
        ContractError::AlreadyScored(1)
    );
    let epoch = s.config().current_epoch;
    s.wait(EPOCH);
    s.exec(&anyone, &ExecuteMsg::DistributeEmissions {})
        .unwrap();
    let e: EpochResponse = s.q(&QueryMsg::Epoch { epoch: Some(epoch) }).unwrap();
    assert!(e.closed);
    // Points are reward credit: 9/10 of each job's fee (10 % of its value), 80 % to the worker, 20 % to the
    // verifiers who judged right (job 1: three; job 2: two, one wrong).
    let credit = |value: u128| value / 10 * 9 / 10;
    assert_eq!(
        e.work.u128(),
        credit(JOB_VALUE) * 8 / 10 + credit(333 * UNIT + 7) * 8 / 10
    );
    assert_eq!(
        e.verifier_points.u128(),
        credit(JOB_VALUE) * 2 / 10 + credit(333 * UNIT + 7) * 2 / 10
    );
    let parts = e.workers.remaining + e.verifiers.remaining + e.curators.remaining + e.treasury;
    assert_eq!(parts.u128(), EMISSION, "the parts sum exactly to R");
    // Everybody claims; every pool ends at exactly zero.
    let mut claimants = vec![w0.clone(), w1.clone(), lp.clone()];
    claimants.extend(s.verifiers[..3].iter().cloned());
    for c in &claimants {
        s.exec(c, &ExecuteMsg::ClaimRewards {}).unwrap();
    }
    let e: EpochResponse = s.q(&QueryMsg::Epoch { epoch: Some(epoch) }).unwrap();
    for pool in [&e.workers, &e.verifiers, &e.curators] {
        assert_eq!(
            (pool.remaining, pool.remaining_weight),
            (Uint128::zero(), Uint128::zero())
        );
    }
    assert_eq!(s.totals().reward_reserve, Uint128::zero());
    // Minted emissions: exactly R per closed epoch.
    let closed = s.config().next_epoch_to_close as u128;
    let bonuses: u128 = 10 * UNIT + (333 * UNIT + 7) * 5 / 100; // both jobs' full ρ·V (verifiers took 20 %)
    assert_eq!(s.totals().minted.u128(), closed * EMISSION + bonuses);
    s.assert_ai_conserved();
}

// ---------------------------------------------------------------------------------------------------------------
// Admin
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn parameters_are_bounded_and_owner_only() {
    let mut s = Suite::new();
    let anyone = s.anyone.clone();
    let owner = s.owner.clone();
    let mut p = s.config().params;
    let upd = |p: hmm::poai::Params| {
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            params: Some(p),
            ..Default::default()
        })
    };
    assert_eq!(
        err(s.exec(&anyone, &upd(p.clone())).unwrap_err()),
        ContractError::Unauthorized("the owner")
    );
    p.poai_bonus_rate = Decimal256::percent(20);
    assert!(matches!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::InvalidParam {
            name: "poai_bonus_rate",
            ..
        }
    ));
    p.poai_bonus_rate = Decimal256::percent(10);
    p.emission_curators = Decimal256::percent(20);
    assert!(matches!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::InvalidParam {
            name: "emission shares",
            ..
        }
    ));
    p.emission_curators = Decimal256::percent(10);
    p.collateral_ratio = Decimal256::percent(90);
    assert!(matches!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::InvalidParam {
            name: "collateral_ratio",
            ..
        }
    ));
    p.collateral_ratio = Decimal256::percent(200);
    p.epoch_length = 200;
    assert_eq!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::EpochLengthImmutable
    );
    p.epoch_length = EPOCH;
    s.exec(&owner, &upd(p)).unwrap();
    assert_eq!(s.config().params.collateral_ratio, Decimal256::percent(200));
    // Classes: owner only, and only a token the pool trades.
    let cu = s.cu.to_string();
    assert_eq!(
        err(s
            .exec(
                &anyone,
                &ExecuteMsg::SetResourceClass {
                    cu_token: cu,
                    pool_id: s.pool_id
                }
            )
            .unwrap_err()),
        ContractError::Unauthorized("the owner")
    );
    let ai = s.ai.to_string();
    assert!(matches!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::SetResourceClass {
                    cu_token: ai,
                    pool_id: s.pool_id
                }
            )
            .unwrap_err()),
        ContractError::WrongToken(_)
    ));
    let lp = s.lp.to_string();
    assert!(matches!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::SetResourceClass {
                    cu_token: lp,
                    pool_id: s.pool_id
                }
            )
            .unwrap_err()),
        ContractError::InvalidInput {
            field: "pool_id",
            ..
        }
    ));
    // Defaults at instantiation come from the token's decimals (6 here): D = 25 $AI.
    let code = s.app.store_code(poai_contract());
    let fresh = s
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &hmm::poai::InstantiateMsg {
                owner: None,
                ai_token: s.ai.to_string(),
                pool: s.pool.to_string(),
                job_registry: None,
                treasury: s.treasury.to_string(),
                experience_oracle: None,
                params: None,
            },
            &[],
            "poai2",
            None,
        )
        .unwrap();
    let c: hmm::poai::ConfigResponse = s
        .app
        .wrap()
        .query_wasm_smart(&fresh, &QueryMsg::Config {})
        .unwrap();
    assert_eq!(c.params.experience_deposit.u128(), DEPOSIT);
    assert_eq!(c.params.collateral_ratio, Decimal256::percent(150));
    assert_eq!(c.params.quality_alpha, Decimal256::percent(10));
    assert_eq!(c.params.emission_workers, Decimal256::percent(50));
    let _ = Cw20ExecuteMsg::Burn {
        amount: Uint128::zero(),
    };
    let _ = SettlementOutcome::Failure {
        reason: String::new(),
    };
}

#[test]
fn migrate_keeps_state() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    let code = s.app.store_code(poai_contract());
    let owner = s.owner.clone();
    s.app
        .migrate_contract(owner, s.poai.clone(), &hmm::poai::MigrateMsg {}, code)
        .unwrap();
    assert_eq!(s.worker(&w).bond.u128(), BOND);
}

// ---------------------------------------------------------------------------------------------------------------
// Property: conservation of $AI and CU under random operation sequences
// ---------------------------------------------------------------------------------------------------------------

mod conservation {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Bond(usize, u128),
        Offer(usize, u128),
        Unbond(usize, u128),
        ClaimUnbonded(usize),
        /// Create a job for a worker, take it, and attest it (or not).
        Job(usize, u128, bool),
        FinalizeAll,
        TimeoutAll,
        ReportHeartbeat(usize),
        Wait(u64),
        Distribute,
        ClaimRewards(usize),
        Withdraw(usize, u128),
        Experience(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        let w = 0usize..3;
        prop_oneof![
            (w.clone(), 1u128..5_000).prop_map(|(w, a)| Op::Bond(w, a * UNIT)),
            (w.clone(), 1u128..4_000).prop_map(|(w, a)| Op::Offer(w, a * UNIT)),
            (w.clone(), 1u128..6_000).prop_map(|(w, a)| Op::Unbond(w, a * UNIT)),
            w.clone().prop_map(Op::ClaimUnbonded),
            (w.clone(), 1u128..300, any::<bool>()).prop_map(|(w, c, h)| Op::Job(w, c * UNIT, h)),
            Just(Op::FinalizeAll),
            Just(Op::TimeoutAll),
            w.clone().prop_map(Op::ReportHeartbeat),
            (1u64..800).prop_map(Op::Wait),
            Just(Op::Distribute),
            (0usize..4).prop_map(Op::ClaimRewards),
            (w, 1u128..500).prop_map(|(w, a)| Op::Withdraw(w, a * UNIT)),
            (0u8..=100).prop_map(Op::Experience),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn ai_and_cu_are_conserved(ops in proptest::collection::vec(op(), 1..30)) {
            let mut s = Suite::new();
            let keys: Vec<Key> = (0..3u8).map(|i| Key::secp(i + 1)).collect();
            for (w, key) in s.workers.clone().iter().zip(&keys) {
                s.onboard(w, key, BOND, RAW);
            }
            let mut jobs: Vec<u64> = vec![];
            let mut next_job = 1u64;
            let mut experiences = 0u64;
            for op in ops {
                match op {
                    Op::Bond(i, a) => { let w = s.workers[i].clone(); let _ = s.bond(&w, a); }
                    Op::Offer(i, a) => { let w = s.workers[i].clone(); let _ = s.offer(&w, a); }
                    Op::Unbond(i, a) => {
                        let w = s.workers[i].clone();
                        let _ = s.exec(&w, &ExecuteMsg::Unbond { amount: Uint128::new(a) });
                    }
                    Op::ClaimUnbonded(i) => { let w = s.workers[i].clone(); let _ = s.exec(&w, &ExecuteMsg::ClaimUnbonded {}); }
                    Op::Job(i, cu, honest) => {
                        let w = s.workers[i].clone();
                        let id = next_job;
                        next_job += 1;
                        let _ = s.exec(&w, &ExecuteMsg::Heartbeat {});
                        if s.create_job(id, cu, 2 * cu, 300).is_ok() && s.take(id, &w).is_ok() {
                            jobs.push(id);
                            if honest {
                                let _ = s.attest(&w, id, &keys[i]);
                            }
                        }
                    }
                    Op::FinalizeAll => { for id in jobs.clone() { let _ = s.finalize(id); } }
                    Op::TimeoutAll => {
                        for id in jobs.clone() {
                            if s.now() > s.job(id).finish_by {
                                let _ = s.fail(id, FailureReason::Timeout);
                            }
                        }
                    }
                    Op::ReportHeartbeat(i) => {
                        let (anyone, w) = (s.anyone.clone(), s.workers[i].clone());
                        let _ = s.exec(&anyone, &ExecuteMsg::ReportWorker { worker: w.to_string(), condition: ReportCondition::MissedHeartbeat });
                    }
                    Op::Wait(t) => s.wait(t),
                    Op::Distribute => { let a = s.anyone.clone(); let _ = s.exec(&a, &ExecuteMsg::DistributeEmissions {}); }
                    Op::ClaimRewards(i) => {
                        let who = if i < 3 { s.workers[i].clone() } else { s.lp.clone() };
                        let _ = s.exec(&who, &ExecuteMsg::ClaimRewards {});
                    }
                    Op::Withdraw(i, a) => {
                        let (w, cu) = (s.workers[i].clone(), s.cu.clone());
                        let _ = s.send(&w, &cu, a, &ReceiveMsg::WithdrawCapacity {});
                    }
                    Op::Experience(u) => {
                        let (lp, ai, owner) = (s.lp.clone(), s.ai.clone(), s.owner.clone());
                        let hook = ReceiveMsg::SubmitExperience { content_hash: hex(&sha(&[u])), uri: None };
                        if s.send(&lp, &ai, DEPOSIT, &hook).is_ok() {
                            experiences += 1;
                            let _ = s.exec(&owner, &ExecuteMsg::ScoreExperience { id: experiences, utility: Decimal256::percent(u64::from(u)) });
                        }
                    }
                }
                s.assert_ai_conserved();
                s.assert_cu_conserved();
            }
            // Drain: every job ends (settled, refuted or timed out), every epoch closes, every reward is claimed.
            s.wait(2_000);
            let anyone = s.anyone.clone();
            // More than 20 epochs may be pending: Finalize then asks for DistributeEmissions first.
            while s.exec(&anyone, &ExecuteMsg::DistributeEmissions {}).is_ok() {}
            for id in jobs.clone() {
                if s.finalize(id).is_err() && s.job(id).state == AssignmentState::Assigned {
                    s.fail(id, FailureReason::Timeout).unwrap();
                }
                s.assert_ai_conserved();
            }
            while s.exec(&anyone, &ExecuteMsg::DistributeEmissions {}).is_ok() {}
            let mut claimants = s.workers.clone();
            claimants.push(s.lp.clone());
            for c in claimants {
                while s.exec(&c, &ExecuteMsg::ClaimRewards {}).is_ok() {}
            }
            prop_assert_eq!(s.totals().reward_reserve, Uint128::zero());
            for w in s.workers.clone() {
                prop_assert_eq!(s.worker(&w).active_jobs, 0);
                prop_assert_eq!(obligation(&s, &w).reserved, Uint128::zero());
            }
            s.assert_ai_conserved();
            s.assert_cu_conserved();
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Issue 18: verdict weight, heartbeat reports, timelines, owner bounds
// ---------------------------------------------------------------------------------------------------------------

/// A verifier who sees the honest reveals cannot top up its bond and outvote them: its weight is its bond at
/// commit (before: the bond at reveal).
#[test]
fn topping_up_after_commit_buys_no_verdict_weight() {
    let (mut s, _w, _key) = attested_job(true);
    bond_verifiers(&mut s, 2);
    let att = s.job(1).attestation.unwrap();
    s.wait(EPOCH);
    commit(&mut s, 0, 1, Verdict::Valid).unwrap();
    commit(&mut s, 1, 1, Verdict::Invalid).unwrap();
    s.wait(att.commit_end - s.now());
    reveal(&mut s, 0, 1, Verdict::Valid).unwrap();
    // Verifier 1 tops up tenfold before revealing.
    let (v1, ai) = (s.verifiers[1].clone(), s.ai.clone());
    s.send(
        &v1,
        &ai,
        10 * VERIFIER_MIN,
        &ReceiveMsg::RegisterVerifier {},
    )
    .unwrap();
    reveal(&mut s, 1, 1, Verdict::Invalid).unwrap();
    let att = s.job(1).attestation.unwrap();
    assert_eq!(att.valid_weight, att.invalid_weight);
    assert_eq!(att.invalid_weight.u128(), VERIFIER_MIN);
    // A tie leaves the attestation standing.
    s.wait(att.reveal_end - s.now());
    s.finalize(1).unwrap();
    assert_eq!(s.job(1).state, AssignmentState::Succeeded);
}

/// Reporting a missed heartbeat slashes once per silence, but it is not a heartbeat: the silent worker stays
/// ineligible (before: the report reset `last_heartbeat` and made it eligible again).
#[test]
fn a_heartbeat_report_does_not_make_a_silent_worker_eligible() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.wait(601);
    let anyone = s.anyone.clone();
    let report = ExecuteMsg::ReportWorker {
        worker: w.to_string(),
        condition: ReportCondition::MissedHeartbeat,
    };
    s.exec(&anyone, &report).unwrap();
    assert!(matches!(
        err(s.exec(&anyone, &report).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    // Denied, and once the denial window is over still stale.
    s.wait(s.config().params.denial_window);
    s.create_job(1, JOB_CU, JOB_VALUE, 3_000).unwrap();
    assert!(matches!(
        err(s.take(1, &w).unwrap_err()),
        ContractError::HeartbeatStale { .. }
    ));
}

#[test]
fn timelines_must_fit_across_contracts() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let update = |p: hmm::poai::Params| {
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            params: Some(p),
            ..ConfigUpdate::default()
        })
    };
    let base = s.config().params;
    let snap = s.snapshot();
    // The denial window shorter than the heartbeat timeout.
    let mut p = base.clone();
    p.denial_window = p.heartbeat_timeout - 1;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "denial_window",
            ..
        }
    ));
    // Unbonding before a refuted attestation could be slashed.
    let mut p = base.clone();
    p.unbonding_period = p.epoch_length + p.commit_period + p.reveal_period;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "unbonding_period",
            ..
        }
    ));
    // Verification longer than the registry's settlement grace (1 day in the mock).
    let mut p = base.clone();
    p.commit_period = 86_400;
    p.unbonding_period = 10 * 86_400;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "verification timeline",
            ..
        }
    ));
    // Unbonding shorter than the registry's longest job plus verification.
    let mut p = base.clone();
    p.unbonding_period = p.epoch_length + p.commit_period + p.reveal_period + 1;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "unbonding_period",
            ..
        }
    ));
    assert_eq!(s.snapshot(), snap);
}

#[test]
fn the_owner_cannot_repoint_contracts_or_inflate_at_once() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let stranger = s.anyone.to_string();
    let snap = s.snapshot();
    for (update, what) in [
        (
            ConfigUpdate {
                pool: Some(stranger.clone()),
                ..ConfigUpdate::default()
            },
            "pool",
        ),
        (
            ConfigUpdate {
                job_registry: Some(stranger.clone()),
                ..ConfigUpdate::default()
            },
            "job_registry",
        ),
    ] {
        assert_eq!(
            err(s
                .exec(&owner, &ExecuteMsg::UpdateConfig(update))
                .unwrap_err()),
            ContractError::Immutable(what)
        );
    }
    let mut p = s.config().params;
    p.emission_per_epoch *= Uint128::new(3);
    assert!(matches!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::UpdateConfig(ConfigUpdate {
                    params: Some(p.clone()),
                    ..ConfigUpdate::default()
                })
            )
            .unwrap_err()),
        ContractError::InvalidParam {
            name: "emission_per_epoch",
            ..
        }
    ));
    assert_eq!(s.snapshot(), snap);
    // Doubling is allowed.
    p.emission_per_epoch = s.config().params.emission_per_epoch * Uint128::new(2);
    s.exec(
        &owner,
        &ExecuteMsg::UpdateConfig(ConfigUpdate {
            params: Some(p),
            ..ConfigUpdate::default()
        }),
    )
    .unwrap();
}

/// One party cannot be both client and worker of a job (the self-dealing loop of issue 18 started here).
#[test]
fn a_client_cannot_work_its_own_job() {
    let mut s = Suite::new();
    s.create_job(1, JOB_CU, JOB_VALUE, 500).unwrap();
    let client = s.client.clone();
    assert_eq!(
        err(s.take(1, &client).unwrap_err()),
        ContractError::ClientIsWorker
    );
}

/// The committee rule of `helpers::on_committee`, written again here: seat iff the first 8 bytes of
/// sha256("poai/committee" ‖ seed ‖ job id ‖ verifier), as x < 2⁶⁴, satisfy x·total < seats·bond·2⁶⁴.
fn drawn(seed: &str, job_id: u64, verifier: &cosmwasm_std::Addr, bond: u128, total: u128) -> bool {
    let mut h = Sha256::new();
    h.update(b"poai/committee");
    h.update(seed.as_bytes());
    h.update(job_id.to_be_bytes());
    h.update(verifier.as_bytes());
    let d = h.finalize();
    let x = u64::from_be_bytes(d[..8].try_into().unwrap());
    let seats = u128::from(s_max_verifiers());
    // x·total < seats·bond·2⁶⁴ ⇔ x < seats·bond·2⁶⁴/total (exact in 256 bits; here both sides fit u128 scaled).
    cosmwasm_std::Uint256::from(x) * cosmwasm_std::Uint256::from(total)
        < cosmwasm_std::Uint256::from(seats * bond) * cosmwasm_std::Uint256::from(1u128 << 64)
}

fn s_max_verifiers() -> u32 {
    test_params().max_verifiers_per_job
}

/// A client's three Sybil verifiers (minimum bonds) try to take every seat of a sampled job in the first block of
/// the commit window. The committee is drawn by bond from the epoch seed: each sits only if drawn, first-come
/// takes nothing (before: the three took every seat, revealed Invalid, and the honest worker was slashed).
#[test]
fn sybil_verifiers_cannot_take_the_seats_they_want() {
    let (mut s, _w, _key) = attested_job(true);
    let ai = s.ai.clone();
    // Three honest verifiers with three times the bond, and three Sybils at the minimum.
    for i in 0..3 {
        let v = s.verifiers[i].clone();
        s.register_verifier(&v, 3 * VERIFIER_MIN).unwrap();
    }
    let sybils: Vec<cosmwasm_std::Addr> = (0..3)
        .map(|n| s.app.api().addr_make(&format!("sybil-verifier{n}")))
        .collect();
    let client = s.client.clone();
    for sybil in &sybils {
        s.app
            .execute_contract(
                client.clone(),
                ai.clone(),
                &Cw20ExecuteMsg::Transfer {
                    recipient: sybil.to_string(),
                    amount: Uint128::new(VERIFIER_MIN),
                },
                &[],
            )
            .unwrap();
        s.send(sybil, &ai, VERIFIER_MIN, &ReceiveMsg::RegisterVerifier {})
            .unwrap();
    }
    s.wait(EPOCH);
    // The epoch closes (its seed is fixed); the Sybils commit first.
    let anyone = s.anyone.clone();
    s.exec(&anyone, &ExecuteMsg::DistributeEmissions {})
        .unwrap();
    let total = 12 * VERIFIER_MIN;
    let mut sybil_seats = 0;
    for (n, sybil) in sybils.iter().enumerate() {
        let c = s.commitment(1, Verdict::Invalid, &salt(10 + n as u8), sybil);
        let res = s.exec(
            sybil,
            &ExecuteMsg::CommitVerdict {
                job_id: 1,
                commitment: c,
            },
        );
        let epoch = s.job(1).attestation.unwrap().epoch;
        let e: EpochResponse = s.q(&QueryMsg::Epoch { epoch: Some(epoch) }).unwrap();
        let seed = e.seed.expect("closed by the first commit");
        let expected = drawn(&seed, 1, sybil, VERIFIER_MIN, total);
        match res {
            Ok(_) => {
                assert!(expected, "an undrawn Sybil sat");
                sybil_seats += 1;
            }
            Err(e) => {
                assert!(!expected, "a drawn Sybil was refused: {e}");
                assert_eq!(err(e), ContractError::NotOnCommittee(1));
            }
        }
    }
    // Each Sybil sits with probability 3·1/12 = 1/4; the three cannot take every seat by arriving first.
    assert!(sybil_seats < 3, "every Sybil was drawn");
}

/// A dispute puts at least the job's value at stake.
#[test]
fn a_dispute_needs_a_bond_of_the_jobs_value() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let value = 2 * VERIFIER_MIN;
    s.create_job(1, JOB_CU, value, 1_000).unwrap();
    s.take(1, &w).unwrap();
    s.attest(&w, 1, &key).unwrap();
    bond_verifiers(&mut s, 1);
    let v0 = s.verifiers[0].clone();
    let dispute = ExecuteMsg::Dispute {
        job_id: 1,
        evidence_hash: hex(&sha(b"evidence")),
    };
    assert_eq!(
        err(s.exec(&v0, &dispute).unwrap_err()),
        ContractError::DisputeBondTooSmall {
            bond: Uint128::new(VERIFIER_MIN),
            needed: Uint128::new(value),
        }
    );
    let ai = s.ai.clone();
    s.send(&v0, &ai, VERIFIER_MIN, &ReceiveMsg::RegisterVerifier {})
        .unwrap();
    s.exec(&v0, &dispute).unwrap();
}

/// An attestation the verifiers refuted cannot escape its slash by a timeout at the registry before anyone calls
/// `Finalize` (before: a timeout after the attestation never slashed).
#[test]
fn a_refuted_attestation_is_slashed_at_its_timeout() {
    let (mut s, w, _key) = attested_job(true);
    bond_verifiers(&mut s, 3);
    let att = s.job(1).attestation.unwrap();
    s.wait(EPOCH);
    for i in 0..3 {
        commit(&mut s, i, 1, Verdict::Invalid).unwrap();
    }
    s.wait(att.commit_end - s.now());
    for i in 0..3 {
        reveal(&mut s, i, 1, Verdict::Invalid).unwrap();
    }
    s.wait(att.reveal_end - s.now());
    let bond = s.worker(&w).bond.u128();
    s.fail(1, FailureReason::Timeout).unwrap();
    assert_eq!(s.worker(&w).bond.u128(), bond - bond / 10);
    assert!(s.worker(&w).denied_until > s.now());
}
