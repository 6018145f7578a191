//! `TakeJob` (a worker, through poai's eligibility check) and `StartJob` (the assigned worker).

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use hmm::job::JobState;

use super::{check_not_past, check_start_window, load_job, require_state, save_job};
use crate::error::{ContractError, ContractResult};
use crate::poai::{poai_msg, PoaiExecuteMsg};
use crate::state::CONFIG;

/// Assign an `Open` job to the sender. poai's `JobAssigned` runs in the same transaction and errors if the worker
/// is not eligible (bonded, SLA match, enough open obligation, not in a denial window), which reverts the take.
pub fn take_job(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let old = load_job(deps.storage, job_id)?;
    require_state(&old, &[JobState::Open], "take")?;
    check_start_window(env.block.time.seconds(), old.start_by)?;
    if info.sender == old.client {
        return Err(ContractError::ClientIsWorker);
    }
    let poai = config.poai.clone().ok_or(ContractError::PoaiNotSet)?;
    let mut job = old.clone();
    job.worker = Some(info.sender.clone());
    job.state = JobState::Assigned;
    job.assigned_at = Some(env.block.time.seconds());
    save_job(deps.storage, &old, &job)?;
    let assigned = poai_msg(
        &poai,
        &PoaiExecuteMsg::JobAssigned {
            job_id,
            worker: info.sender.to_string(),
            client: job.client.to_string(),
            cu: job.cu(),
            sla: job.sla.clone(),
            value: job.value,
            fee: job.fee,
            finish_by: job.finish_by,
        },
    )?;
    Ok(Response::new()
        .add_message(assigned)
        .add_attribute("action", "take_job")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("worker", info.sender))
}

/// The assigned worker starts the job (by `start_by`).
pub fn start_job(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
) -> ContractResult<Response> {
    let old = load_job(deps.storage, job_id)?;
    if old.worker.as_ref() != Some(&info.sender) {
        return Err(ContractError::Unauthorized("the assigned worker"));
    }
    require_state(&old, &[JobState::Assigned], "start")?;
    check_not_past(&env, old.start_by)?;
    let mut job = old.clone();
    job.state = JobState::Running;
    job.started_at = Some(env.block.time.seconds());
    save_job(deps.storage, &old, &job)?;
    Ok(Response::new()
        .add_attribute("action", "start_job")
        .add_attribute("job_id", job_id.to_string()))
}
