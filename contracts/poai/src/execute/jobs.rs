//! The registry's hooks: a worker takes a job (`JobAssigned`), a job fails (`JobFailed`).

use cosmwasm_std::{DepsMut, Env, MessageInfo, Order, Response, StdResult, Uint128};
use hmm::poai::{AssignmentState, CuAmount, FailureReason};
use hmm::pool::SlaRequirement;
use hmm_math::Udec;

use crate::error::{ContractError, ContractResult};
use crate::execute::{
    apply_quality, check_eligibility, decrement, load_job, load_worker, observe_metrics,
    release_reservation, slash_worker,
};
use crate::helpers::{burn_msg, current_epoch};
use crate::state::{Config, Job, CONFIG, JOBS, OBLIGATIONS, PARAMS, VERDICTS, VERIFIERS, WORKERS};

fn only_registry(config: &Config, info: &MessageInfo) -> ContractResult<()> {
    match &config.job_registry {
        Some(r) if *r == info.sender => Ok(()),
        Some(_) => Err(ContractError::Unauthorized("the job registry")),
        None => Err(ContractError::RegistryNotSet),
    }
}

/// The registry's `JobAssigned`, as received.
pub struct Assignment {
    pub job_id: u64,
    pub worker: String,
    pub client: String,
    pub cu: Vec<CuAmount>,
    pub sla: SlaRequirement,
    pub value: Uint128,
    pub fee: Uint128,
    pub finish_by: u64,
}

pub fn job_assigned(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    a: Assignment,
) -> ContractResult<Response> {
    let Assignment {
        job_id,
        cu,
        sla,
        value,
        fee,
        finish_by,
        ..
    } = a;
    let config = CONFIG.load(deps.storage)?;
    only_registry(&config, &info)?;
    let params = PARAMS.load(deps.storage)?;
    if JOBS.has(deps.storage, job_id) {
        return Err(ContractError::JobExists(job_id));
    }
    let now = env.block.time.seconds();
    if finish_by <= now {
        return Err(ContractError::DeadlinePassed {
            deadline: finish_by,
            now,
        });
    }
    let worker = deps.api.addr_validate(&a.worker)?;
    let client = deps.api.addr_validate(&a.client)?;
    // Trading with yourself earns no PoAI bonus or emission weight (one party cannot be both sides).
    if worker == client {
        return Err(ContractError::ClientIsWorker);
    }
    let (mut w, lines) =
        check_eligibility(deps.as_ref(), &env, &config, &params, &worker, &cu, &sla)?;
    for (token, amount) in &lines {
        let mut ob = OBLIGATIONS
            .may_load(deps.storage, (&worker, token))?
            .unwrap_or_default();
        ob.reserved = ob.reserved.checked_add(*amount)?;
        OBLIGATIONS.save(deps.storage, (&worker, token), &ob)?;
    }
    w.active_jobs = w.active_jobs.saturating_add(1);
    WORKERS.save(deps.storage, &worker, &w)?;
    let job = Job {
        worker: worker.clone(),
        client,
        cu: lines.clone(),
        used: lines,
        value,
        fee,
        assigned_at: now,
        finish_by,
        state: AssignmentState::Assigned,
        attestation: None,
    };
    JOBS.save(deps.storage, job_id, &job)?;
    Ok(Response::new()
        .add_attribute("action", "job_assigned")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("worker", worker))
}

pub fn job_failed(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    worker: String,
    reason: FailureReason,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    only_registry(&config, &info)?;
    let params = PARAMS.load(deps.storage)?;
    let mut job = load_job(deps.storage, job_id)?;
    let worker = deps.api.addr_validate(&worker)?;
    if worker != job.worker {
        return Err(ContractError::JobMismatch {
            job_id,
            reason: format!("the worker is {}", job.worker),
        });
    }
    let attested = match job.state {
        AssignmentState::Assigned => false,
        AssignmentState::Attested => true,
        _ => return Err(ContractError::AlreadyFinalized(job_id)),
    };
    let now = env.block.time.seconds();
    let mut w = load_worker(deps.storage, &worker)?;
    release_reservation(deps.storage, &job, &[])?;
    w.active_jobs = decrement(w.active_jobs, "active_jobs")?;
    let mut resp = Response::new()
        .add_attribute("action", "job_failed")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("worker", worker.as_str());
    // A timeout before the attestation is the worker's failure: failed attestation (a = 0), slash, denial.
    // After the attestation the delay is poai's (verification), and a cancellation is nobody's fault, unless the
    // verifiers' reveals already refute the attestation: a refuted worker does not escape its slash because nobody
    // called `Finalize` before the registry's timeout (the registry's grace outlasts the reveals: `check_timelines`).
    let refuted = attested
        && job
            .attestation
            .as_ref()
            .is_some_and(|a| a.invalid_weight > a.valid_weight);
    if reason == FailureReason::Timeout && (!attested || refuted) {
        let epoch = current_epoch(&config, &params, &env);
        apply_quality(&mut w, false, &params, epoch)?;
        observe_metrics(
            deps.storage,
            &mut w,
            Some(Udec::ZERO),
            Some(Udec::ZERO),
            None,
        )?;
        w.jobs_failed = w.jobs_failed.saturating_add(1);
        let burned = slash_worker(deps.storage, &worker, &mut w, &params, now)?;
        if !burned.is_zero() {
            resp = resp.add_message(burn_msg(&config.ai_token, burned)?);
        }
        resp = resp
            .add_attribute("slashed", burned)
            .add_attribute("quality", w.quality.to_string());
    }
    if attested {
        // Open commitments on this job are void: free the verifiers.
        let records = VERDICTS
            .prefix_range(deps.storage, job_id, Order::Ascending)
            .collect::<StdResult<Vec<_>>>()?;
        for (verifier, rec) in records {
            if rec.revealed.is_none() {
                if let Some(mut v) = VERIFIERS.may_load(deps.storage, &verifier)? {
                    v.open_commits = decrement(v.open_commits, "open_commits")?;
                    VERIFIERS.save(deps.storage, &verifier, &v)?;
                }
            }
        }
        if let Some(d) = job.attestation.as_ref().and_then(|a| a.disputed_by.clone()) {
            if let Some(mut v) = VERIFIERS.may_load(deps.storage, &d)? {
                v.open_disputes = decrement(v.open_disputes, "open_disputes")?;
                VERIFIERS.save(deps.storage, &d, &v)?;
            }
        }
    }
    WORKERS.save(deps.storage, &worker, &w)?;
    job.state = AssignmentState::Failed;
    job.used = vec![];
    JOBS.save(deps.storage, job_id, &job)?;
    Ok(resp.add_attribute(
        "reason",
        match reason {
            FailureReason::Timeout => "timeout",
            FailureReason::Cancelled => "cancelled",
        },
    ))
}
