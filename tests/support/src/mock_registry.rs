//! The mock job registry of poai's tests: it keeps jobs, answers `Job` and `Config`, accepts `RecordAttestation`,
//! `RecordVerdict` and `Settle` from poai only, and calls poai's `JobAssigned` / `JobFailed` on the test's request.

use anyhow::{bail, Result};
use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, Uint128,
    WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};
use hmm::job::{
    CloseReason, CuAmount as JobCuAmount, JobResponse, JobState, QueryMsg as JobQueryMsg,
    SettlementOutcome, Verdict as JobVerdict,
};
use hmm::poai::{CuAmount, ExecuteMsg, FailureReason};
use hmm::pool::SlaRequirement;

#[cw_serde]
pub struct MockInit {}

#[cw_serde]
pub enum MockExec {
    /// Test only: create a job; the CU (`cu`) must already be held by the registry (the client transfers them).
    CreateJob {
        job_id: u64,
        client: String,
        cu: Vec<JobCuAmount>,
        value: Uint128,
        finish_by: u64,
        input_commitment: String,
        sla: SlaRequirement,
    },
    /// Test only: the worker takes the job: the registry calls poai `JobAssigned`.
    Take {
        job_id: u64,
        worker: String,
    },
    /// Test only: a timeout: the registry calls poai `JobFailed`.
    Fail {
        job_id: u64,
        reason: FailureReason,
    },
    /// Test only: set poai.
    SetPoai {
        poai: String,
    },
    // The registry's real messages poai sends (same JSON as `hmm::job::ExecuteMsg`).
    RecordAttestation {
        job_id: u64,
    },
    RecordVerdict {
        job_id: u64,
        verdict: JobVerdict,
    },
    Settle {
        job_id: u64,
        outcome: SettlementOutcome,
    },
}

const MOCK_POAI: Item<Addr> = Item::new("poai");
const MOCK_JOBS: Map<u64, JobResponse> = Map::new("jobs");
/// How often each poai hook was received.
pub const MOCK_CALLS: Map<&str, u32> = Map::new("calls");

fn bump(deps: &mut DepsMut, name: &str) -> Result<()> {
    let n = MOCK_CALLS.may_load(deps.storage, name)?.unwrap_or(0);
    MOCK_CALLS.save(deps.storage, name, &(n + 1))?;
    Ok(())
}

fn mock_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: MockInit) -> Result<Response> {
    Ok(Response::new())
}

fn only_poai(deps: &DepsMut, info: &MessageInfo) -> Result<()> {
    if MOCK_POAI.load(deps.storage)? != info.sender {
        bail!("mock registry: only poai");
    }
    Ok(())
}

fn mock_execute(mut deps: DepsMut, env: Env, info: MessageInfo, msg: MockExec) -> Result<Response> {
    match msg {
        MockExec::SetPoai { poai } => {
            MOCK_POAI.save(deps.storage, &Addr::unchecked(poai))?;
            Ok(Response::new())
        }
        MockExec::CreateJob {
            job_id,
            client,
            cu,
            value,
            finish_by,
            input_commitment,
            sla,
        } => {
            let now = env.block.time.seconds();
            let job = JobResponse {
                job_id,
                client: Addr::unchecked(client),
                worker: None,
                state: JobState::Open,
                cu,
                purchase: vec![],
                sla,
                input_commitment,
                max_spend: value,
                value,
                escrow: Uint128::zero(),
                // The registry's largest job fee (10 %): the reward credit (9 % of V) then covers the default
                // PoAI bonus (5 % of V), so most tests see the uncapped bonus; the cap has its own tests.
                fee: value.multiply_ratio(MOCK_FEE_PERCENT, 100u128),
                start_by: finish_by,
                finish_by,
                settle_by: finish_by + 86_400,
                timeout_at: Some(finish_by),
                submitted_at: now,
                assigned_at: None,
                started_at: None,
                attested_at: None,
                closed_at: None,
                close_reason: None,
                used: vec![],
            };
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(Response::new())
        }
        MockExec::Take { job_id, worker } => {
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            job.worker = Some(Addr::unchecked(&worker));
            job.state = JobState::Assigned;
            job.assigned_at = Some(env.block.time.seconds());
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            let poai = MOCK_POAI.load(deps.storage)?;
            let msg = ExecuteMsg::JobAssigned {
                job_id,
                worker,
                client: job.client.to_string(),
                cu: job
                    .cu
                    .iter()
                    .map(|c| CuAmount {
                        token: c.token.clone(),
                        amount: c.amount,
                    })
                    .collect(),
                sla: job.sla.clone(),
                value: job.value,
                fee: job.fee,
                finish_by: job.finish_by,
            };
            Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: poai.to_string(),
                msg: to_json_binary(&msg)?,
                funds: vec![],
            }))
        }
        MockExec::Fail { job_id, reason } => {
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            let worker = job
                .worker
                .clone()
                .map(|w| w.to_string())
                .unwrap_or_default();
            let state = job.state;
            job.state = JobState::Expired;
            job.close_reason = Some(CloseReason::Timeout { state });
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            let poai = MOCK_POAI.load(deps.storage)?;
            let mut resp = refund_all(&job)?;
            resp = resp.add_message(WasmMsg::Execute {
                contract_addr: poai.to_string(),
                msg: to_json_binary(&ExecuteMsg::JobFailed {
                    job_id,
                    worker,
                    reason,
                })?,
                funds: vec![],
            });
            Ok(resp)
        }
        MockExec::RecordAttestation { job_id } => {
            only_poai(&deps, &info)?;
            bump(&mut deps, "record_attestation")?;
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            if !matches!(job.state, JobState::Assigned | JobState::Running) {
                bail!("mock registry: job {job_id} is not assigned");
            }
            job.state = JobState::Attested;
            job.attested_at = Some(env.block.time.seconds());
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(Response::new())
        }
        MockExec::RecordVerdict { job_id, verdict } => {
            only_poai(&deps, &info)?;
            bump(&mut deps, "record_verdict")?;
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            job.state = match verdict {
                JobVerdict::Verified => JobState::Verified,
                JobVerdict::Disputed => JobState::Disputed,
            };
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(Response::new())
        }
        MockExec::Settle { job_id, outcome } => {
            only_poai(&deps, &info)?;
            bump(&mut deps, "settle")?;
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            if job.state.is_final() {
                bail!("mock registry: job {job_id} is closed");
            }
            let resp = match &outcome {
                SettlementOutcome::Success { used } => {
                    let mut resp = Response::new();
                    for line in &job.cu {
                        let u = used
                            .iter()
                            .find(|x| x.token == line.token)
                            .map(|x| x.amount)
                            .unwrap_or_default();
                        if u > line.amount {
                            bail!("mock registry: used more than locked");
                        }
                        if !u.is_zero() {
                            resp = resp.add_message(WasmMsg::Execute {
                                contract_addr: line.token.clone(),
                                msg: to_json_binary(&Cw20ExecuteMsg::Burn { amount: u })?,
                                funds: vec![],
                            });
                        }
                        let rebate = line.amount - u;
                        if !rebate.is_zero() {
                            resp = resp.add_message(transfer(&line.token, &job.client, rebate)?);
                        }
                    }
                    job.state = JobState::Settled;
                    job.used = used.clone();
                    job.close_reason = Some(CloseReason::Completed);
                    resp
                }
                SettlementOutcome::Failure { reason } => {
                    job.state = JobState::Failed;
                    job.close_reason = Some(CloseReason::Failed {
                        reason: reason.clone(),
                    });
                    refund_all(&job)?
                }
            };
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(resp)
        }
    }
}

fn transfer(token: &str, to: &Addr, amount: Uint128) -> Result<WasmMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
            recipient: to.to_string(),
            amount,
        })?,
        funds: vec![],
    })
}

fn refund_all(job: &JobResponse) -> Result<Response> {
    let mut resp = Response::new();
    for line in &job.cu {
        resp = resp.add_message(transfer(&line.token, &job.client, line.amount)?);
    }
    Ok(resp)
}

#[derive(serde::Serialize)]
struct MockConfig {
    limits: hmm::job::Limits,
}

/// The mock registry's limits: a day of settlement grace, jobs up to 1500 s (the test unbonding period is 2000 s,
/// verification 200 s).
pub const MOCK_LIMITS: hmm::job::Limits = hmm::job::Limits {
    max_resources: 8,
    max_job_duration: 1_500,
    settlement_grace: 86_400,
    job_fee_rate: cosmwasm_std::Decimal::percent(MOCK_FEE_PERCENT),
};

/// The mock registry's job fee, in percent of a job's value.
pub const MOCK_FEE_PERCENT: u64 = 10;

fn mock_query(deps: Deps, _: Env, msg: JobQueryMsg) -> Result<Binary> {
    match msg {
        JobQueryMsg::Job { job_id } => Ok(to_json_binary(&MOCK_JOBS.load(deps.storage, job_id)?)?),
        // What poai reads of the registry's config: its limits (checked against poai's timeline).
        JobQueryMsg::Config {} => Ok(to_json_binary(&MockConfig {
            limits: MOCK_LIMITS,
        })?),
        _ => bail!("mock registry: unsupported query"),
    }
}

pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        mock_execute,
        mock_instantiate,
        mock_query,
    ))
}
