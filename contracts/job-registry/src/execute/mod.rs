//! One file per action; shared helpers here (loading, authorisation, token messages, closing a job).

pub mod admin;
pub mod attest;
pub mod cancel;
pub mod settle;
pub mod submit;
pub mod take;
pub mod timeout;

use cosmwasm_std::{to_json_binary, Addr, Binary, CosmosMsg, Env, Storage, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;
use hmm::job::{CloseReason, JobState};

use crate::error::{ContractError, ContractResult};
use crate::state::{jobs, Config, Job, OPEN_JOBS, TOTAL_AI, TOTAL_CU};

pub fn load_job(storage: &dyn Storage, job_id: u64) -> ContractResult<Job> {
    jobs()
        .may_load(storage, job_id)?
        .map(|stored| stored.0)
        .ok_or(ContractError::UnknownJob(job_id))
}

/// The job must be in one of `allowed` states to `action`.
pub fn require_state(job: &Job, allowed: &[JobState], action: &'static str) -> ContractResult<()> {
    if allowed.contains(&job.state) {
        Ok(())
    } else {
        Err(ContractError::InvalidState {
            job_id: job.id,
            state: job.state,
            action,
        })
    }
}

/// The sender must be the configured poai contract.
pub fn require_poai(config: &Config, sender: &Addr) -> ContractResult<Addr> {
    match &config.poai {
        Some(poai) if poai == sender => Ok(poai.clone()),
        _ => Err(ContractError::Unauthorized("the poai contract")),
    }
}

/// Refuse when the block time is past `deadline`.
pub fn check_not_past(env: &Env, deadline: u64) -> ContractResult<()> {
    let now = env.block.time.seconds();
    if now > deadline {
        Err(ContractError::DeadlinePassed { deadline, now })
    } else {
        Ok(())
    }
}

/// Least time a worker has between taking a job and its `start_by`, in seconds. A timeout before the start is
/// the worker's failure (poai slashes it), so a client must not be able to bait a worker into a take it cannot
/// follow with a start: a take is refused in the last minute before `start_by`, and a job submitted with less
/// than a minute to its `start_by` could never be taken and is refused.
pub const MIN_START_WINDOW: u64 = 60;

/// Refuse a take (or a submission) at `now` that would leave less than [`MIN_START_WINDOW`] before `start_by`.
pub fn check_start_window(now: u64, start_by: u64) -> ContractResult<()> {
    if now.saturating_add(MIN_START_WINDOW) > start_by {
        return Err(ContractError::StartWindowTooShort {
            start_by,
            now,
            min: MIN_START_WINDOW,
        });
    }
    Ok(())
}

/// A cw20 `Transfer`; `None` for a zero amount (nothing to move).
pub fn transfer_msg(
    token: &Addr,
    recipient: &Addr,
    amount: Uint128,
) -> ContractResult<Option<CosmosMsg>> {
    if amount.is_zero() {
        return Ok(None);
    }
    Ok(Some(
        WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                recipient: recipient.to_string(),
                amount,
            })?,
            funds: vec![],
        }
        .into(),
    ))
}

/// A cw20 `Send` of `amount` of `token` to `contract` with the hook `msg` (JSON).
pub fn send_msg(
    token: &Addr,
    contract: &Addr,
    amount: Uint128,
    msg: Binary,
) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Send {
            contract: contract.to_string(),
            amount,
            msg,
        })?,
        funds: vec![],
    }
    .into())
}

/// A cw20 `Burn` from the registry's balance; `None` for a zero amount.
pub fn burn_msg(token: &Addr, amount: Uint128) -> ContractResult<Option<CosmosMsg>> {
    if amount.is_zero() {
        return Ok(None);
    }
    Ok(Some(
        WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Burn { amount })?,
            funds: vec![],
        }
        .into(),
    ))
}

/// Transfers of every locked CU line and of the escrowed $AI to the client.
pub fn refund_all_msgs(config: &Config, job: &Job) -> ContractResult<Vec<CosmosMsg>> {
    let mut msgs = Vec::with_capacity(job.purchase.len() + 1);
    for leg in &job.purchase {
        msgs.extend(transfer_msg(&leg.cu_token, &job.client, leg.amount)?);
    }
    msgs.extend(transfer_msg(&config.ai_token, &job.client, job.escrow)?);
    Ok(msgs)
}

/// Close a job: it releases everything it held (the caller sends the tokens), records the reason and time.
pub fn close_job(
    storage: &mut dyn Storage,
    env: &Env,
    mut job: Job,
    state: JobState,
    reason: CloseReason,
) -> ContractResult<Job> {
    let old = job.clone();
    TOTAL_AI.update(storage, |t| -> ContractResult<_> {
        Ok(t.checked_sub(job.escrow)?)
    })?;
    for leg in &job.purchase {
        let held = TOTAL_CU
            .may_load(storage, &leg.cu_token)?
            .unwrap_or_default()
            .checked_sub(leg.amount)?;
        if held.is_zero() {
            TOTAL_CU.remove(storage, &leg.cu_token);
        } else {
            TOTAL_CU.save(storage, &leg.cu_token, &held)?;
        }
    }
    OPEN_JOBS.update(storage, |n| {
        n.checked_sub(1)
            .ok_or_else(|| cosmwasm_std::StdError::generic_err("open job count underflow"))
    })?;
    job.state = state;
    job.escrow = Uint128::zero();
    job.closed_at = Some(env.block.time.seconds());
    job.close_reason = Some(reason);
    save_job(storage, &old, &job)?;
    Ok(job)
}

/// Save a job whose state (or other indexed field) changed.
pub fn save_job(storage: &mut dyn Storage, old: &Job, job: &Job) -> ContractResult<()> {
    // The old value tells the indexes which entries to drop.
    let (old, new) = (
        hmm_record::Stored(old.clone()),
        hmm_record::Stored(job.clone()),
    );
    jobs().replace(storage, job.id, Some(&new), Some(&old))?;
    Ok(())
}
