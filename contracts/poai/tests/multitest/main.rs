//! poai end to end on cw-multi-test with real `ai-token` and `hmm-pool` code and a mock job registry: workers,
//! CU obligations, attestations with real enclave signatures, verification, slashing, settlement, emissions, and
//! every refusal leaving the state unchanged.
//!
//! One module per message (or family of messages); the shared setups are here.

mod attest;
mod capacity;
mod conservation;
mod emissions;
mod flow;
mod job_assigned;
mod register;
mod slash;
mod update_config;
mod verify;

use cosmwasm_std::{Binary, Decimal256, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::Executor;
use hmm::job::{JobState, SettlementOutcome};
use hmm::poai::{
    AssignmentState, ClaimsResponse, ConfigUpdate, CuAmount, EpochResponse, ExecuteMsg,
    ExpertWeightsResponse, FailureReason, InclusionResponse, ObligationsResponse,
    PendingRewardsResponse, QueryMsg, ReceiveMsg, ReportCondition, Verdict, VerifierResponse,
};
use hmm_testing::poai::*;
use poai::ContractError;
use sha2::{Digest, Sha256};

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
