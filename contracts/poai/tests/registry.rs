//! poai with the real `job-registry` (and the real pool and tokens): the cross-contract interface of
//! `docs/interfaces.md` exercised end to end — submit (escrow, CU bought through the pool), take (`JobAssigned`),
//! attest (`Job` query, `RecordAttestation`), finalize (`Settle`: used CU burned, escrow refunded) and a timeout
//! (`ClaimTimeout` → `JobFailed` → slash).

mod suite;

use cosmwasm_std::{to_json_binary, Addr, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::{ContractWrapper, Executor};
use hmm::job::{
    ExecuteMsg as JobExec, JobSpec, JobState, QueryMsg as JobQuery, ReceiveMsg as JobReceive,
};
use hmm::poai::{AssignmentState, ConfigUpdate, ExecuteMsg};
use hmm::pool::BundleItem;
use suite::*;

const BOND: u128 = 10_000 * UNIT;
const RAW: u128 = 2_000 * UNIT;

/// The suite with poai wired to a real job-registry instead of the mock.
fn with_registry() -> (Suite, Addr) {
    let mut s = Suite::without_registry();
    let code = s.app.store_code(Box::new(ContractWrapper::new(
        job_registry::contract::execute,
        job_registry::contract::instantiate,
        job_registry::contract::query,
    )));
    let owner = s.owner.clone();
    let registry = s
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &hmm::job::InstantiateMsg {
                admin: None,
                ai_token: s.ai.to_string(),
                pool: s.pool.to_string(),
                poai: Some(s.poai.to_string()),
                // Jobs and bonds on the test suite's scale (poai refuses a registry whose longest job plus
                // verification outlives its unbonding period).
                limits: Some(MOCK_LIMITS),
            },
            &[],
            "job-registry",
            None,
        )
        .unwrap();
    s.exec(
        &owner,
        &ExecuteMsg::UpdateConfig(ConfigUpdate {
            job_registry: Some(registry.to_string()),
            ..Default::default()
        }),
    )
    .unwrap();
    s.holders_extra.push(registry.clone());
    (s, registry)
}

fn submit(s: &mut Suite, registry: &Addr, cu: u128, duration: u64) -> u64 {
    let client = s.client.clone();
    let now = s.now();
    let spec = JobSpec {
        resources: vec![BundleItem {
            cu_token: s.cu.to_string(),
            amount: Uint128::new(cu),
            pools: vec![],
        }],
        sla: sla(),
        max_spend: Uint128::new(1_000 * UNIT),
        start_by: now + duration / 2,
        finish_by: now + duration,
        input_commitment: hex(&input_of(0)),
    };
    let res = s
        .app
        .execute_contract(
            client,
            s.ai.clone(),
            &Cw20ExecuteMsg::Send {
                contract: registry.to_string(),
                amount: Uint128::new(2_000 * UNIT),
                msg: to_json_binary(&JobReceive::SubmitJob { spec }).unwrap(),
            },
            &[],
        )
        .unwrap();
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "job_id")
        .and_then(|a| a.value.parse().ok())
        .expect("job id")
}

fn registry_job(s: &Suite, registry: &Addr, job_id: u64) -> hmm::job::JobResponse {
    s.app
        .wrap()
        .query_wasm_smart(registry, &JobQuery::Job { job_id })
        .unwrap()
}

/// Attestation for a job whose input commitment is `input_of(0)` (what `submit` commits to).
fn attest(
    s: &mut Suite,
    w: &Addr,
    job_id: u64,
    key: &Key,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let signed = Signed {
        job_id,
        worker: w.to_string(),
        input: input_of(0),
        output: output_of(job_id),
        io_root: sha(b"io"),
        tee: sha(b"tee"),
        proof: None,
        used: None,
    };
    let msg = s.attest_signed(&signed, key);
    s.exec(w, &msg)
}

#[test]
fn a_job_through_the_real_registry_settles() {
    let (mut s, registry) = with_registry();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let job_id = submit(&mut s, &registry, 100 * UNIT, 1_000);
    let job = registry_job(&s, &registry, job_id);
    assert_eq!(job.state, JobState::Open);
    let value = job.value;
    s.app
        .execute_contract(
            w.clone(),
            registry.clone(),
            &JobExec::TakeJob { job_id },
            &[],
        )
        .unwrap();
    assert_eq!(s.job(job_id).value, value);
    assert_eq!(s.job(job_id).state, AssignmentState::Assigned);
    attest(&mut s, &w, job_id, &key).unwrap();
    assert_eq!(
        registry_job(&s, &registry, job_id).state,
        JobState::Attested
    );
    s.wait(2 * EPOCH);
    let cu_supply = s.supply(&s.cu.clone());
    s.finalize(job_id).unwrap();
    let job = registry_job(&s, &registry, job_id);
    assert_eq!(job.state, JobState::Settled);
    assert_eq!(
        s.supply(&s.cu.clone()),
        cu_supply - 100 * UNIT,
        "used CU burned by the registry"
    );
    assert_eq!(job.escrow, Uint128::zero());
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

#[test]
fn a_timeout_at_the_real_registry_slashes_through_poai() {
    let (mut s, registry) = with_registry();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    let job_id = submit(&mut s, &registry, 100 * UNIT, 200);
    s.app
        .execute_contract(
            w.clone(),
            registry.clone(),
            &JobExec::TakeJob { job_id },
            &[],
        )
        .unwrap();
    s.wait(201);
    let supply = s.supply(&s.ai.clone());
    let anyone = s.anyone.clone();
    s.app
        .execute_contract(
            anyone,
            registry.clone(),
            &JobExec::ClaimTimeout { job_id },
            &[],
        )
        .unwrap();
    assert_eq!(registry_job(&s, &registry, job_id).state, JobState::Expired);
    assert_eq!(s.job(job_id).state, AssignmentState::Failed);
    assert_eq!(
        s.supply(&s.ai.clone()),
        supply - 1_000 * UNIT,
        "σ of the bond burned"
    );
    assert_eq!(s.worker(&w).slash_count, 1);
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

#[test]
fn an_ineligible_worker_cannot_take_at_the_real_registry() {
    let (mut s, registry) = with_registry();
    let w = s.workers[0].clone();
    s.register(&w, &Key::secp(1)).unwrap(); // registered, never bonded, nothing offered
    let job_id = submit(&mut s, &registry, 100 * UNIT, 1_000);
    let e = s
        .app
        .execute_contract(
            w.clone(),
            registry.clone(),
            &JobExec::TakeJob { job_id },
            &[],
        )
        .unwrap_err();
    assert!(matches!(
        err(e),
        ContractError::InsufficientObligation { .. }
    ));
    assert_eq!(
        registry_job(&s, &registry, job_id).state,
        JobState::Open,
        "the take failed as a whole"
    );
}
