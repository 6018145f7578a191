//! `Settle` (poai only): the final outcome of an assigned job.
//! Success: burn the `used` CU, rebate the unused CU and return the escrowed $AI to the client.
//! Failure: return every locked CU and the escrow to the client.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use hmm::job::{CloseReason, CuAmount, JobState, SettlementOutcome};

use super::{
    burn_msg, close_job, load_job, refund_all_msgs, require_poai, require_state, transfer_msg,
};
use crate::error::{ContractError, ContractResult};
use crate::state::{Job, CONFIG};

/// Longest failure reason stored, in bytes.
pub const MAX_REASON_LEN: usize = 256;

pub fn settle(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    outcome: SettlementOutcome,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    require_poai(&config, &info.sender)?;
    let job = load_job(deps.storage, job_id)?;
    match outcome {
        SettlementOutcome::Success { used } => {
            require_state(
                &job,
                &[JobState::Attested, JobState::Verified, JobState::Disputed],
                "settle as a success",
            )?;
            let used = used_per_line(&deps, &job, &used)?;
            let mut msgs = Vec::with_capacity(2 * job.purchase.len() + 1);
            let mut recorded = Vec::with_capacity(job.purchase.len());
            for (leg, burn) in job.purchase.iter().zip(&used) {
                msgs.extend(burn_msg(&leg.cu_token, *burn)?);
                let rebate = leg.amount.checked_sub(*burn)?;
                msgs.extend(transfer_msg(&leg.cu_token, &job.client, rebate)?);
                recorded.push(CuAmount {
                    token: leg.cu_token.to_string(),
                    amount: *burn,
                });
            }
            // The job fee is burned; the rest of the escrow goes back to the client.
            msgs.extend(burn_msg(&config.ai_token, job.fee)?);
            msgs.extend(transfer_msg(
                &config.ai_token,
                &job.client,
                job.escrow.checked_sub(job.fee)?,
            )?);
            let mut job = job;
            job.used = recorded;
            close_job(
                deps.storage,
                &env,
                job,
                JobState::Settled,
                CloseReason::Completed,
            )?;
            Ok(Response::new()
                .add_messages(msgs)
                .add_attribute("action", "settle")
                .add_attribute("job_id", job_id.to_string())
                .add_attribute("outcome", "success"))
        }
        SettlementOutcome::Failure { reason } => {
            require_state(
                &job,
                &[
                    JobState::Assigned,
                    JobState::Running,
                    JobState::Attested,
                    JobState::Verified,
                    JobState::Disputed,
                ],
                "settle as a failure",
            )?;
            if reason.len() > MAX_REASON_LEN {
                return Err(ContractError::InvalidOutcome(format!(
                    "the reason is longer than {MAX_REASON_LEN} bytes"
                )));
            }
            let msgs = refund_all_msgs(&config, &job)?;
            close_job(
                deps.storage,
                &env,
                job,
                JobState::Failed,
                CloseReason::Failed { reason },
            )?;
            Ok(Response::new()
                .add_messages(msgs)
                .add_attribute("action", "settle")
                .add_attribute("job_id", job_id.to_string())
                .add_attribute("outcome", "failure"))
        }
    }
}

/// The used amount of each locked line (in line order): every listed token must be locked in the job, listed
/// once, and used at most what is locked; unlisted lines used nothing.
fn used_per_line(deps: &DepsMut, job: &Job, used: &[CuAmount]) -> ContractResult<Vec<Uint128>> {
    let mut by_token: BTreeMap<Addr, Uint128> = BTreeMap::new();
    for u in used {
        let token = deps.api.addr_validate(&u.token)?;
        if by_token.insert(token.clone(), u.amount).is_some() {
            return Err(ContractError::InvalidOutcome(format!(
                "token {token} listed twice"
            )));
        }
    }
    let mut out = Vec::with_capacity(job.purchase.len());
    for leg in &job.purchase {
        let burn = by_token.remove(&leg.cu_token).unwrap_or_default();
        if burn > leg.amount {
            return Err(ContractError::InvalidOutcome(format!(
                "used {burn} of {} but only {} are locked",
                leg.cu_token, leg.amount
            )));
        }
        out.push(burn);
    }
    if let Some(token) = by_token.keys().next() {
        return Err(ContractError::InvalidOutcome(format!(
            "token {token} is not locked in job {}",
            job.id
        )));
    }
    Ok(out)
}
