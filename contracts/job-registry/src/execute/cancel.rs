//! `CancelJob`: the client takes back a job nobody has taken. The CU are returned as CU or sold back to the pools
//! they were bought from (the client's choice); the escrowed $AI is returned.

use cosmwasm_std::{to_json_binary, DepsMut, Env, MessageInfo, Response};
use hmm::job::{CloseReason, JobState, RefundMode};
use hmm::pool::{Ask, ReceiveMsg as PoolReceiveMsg};

use super::{close_job, load_job, refund_all_msgs, require_state, send_msg, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::CONFIG;

pub fn cancel_job(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    refund: RefundMode,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let job = load_job(deps.storage, job_id)?;
    if info.sender != job.client {
        return Err(ContractError::Unauthorized("the job's client"));
    }
    require_state(&job, &[JobState::Open], "cancel")?;
    let (msgs, sold_back) = match refund {
        RefundMode::ReturnCu => (refund_all_msgs(&config, &job)?, false),
        RefundMode::SellToPool { min_out } => {
            if !min_out.is_empty() && min_out.len() != job.purchase.len() {
                return Err(ContractError::InvalidRefund(format!(
                    "min_out needs one entry per CU line ({}) or none",
                    job.purchase.len()
                )));
            }
            let mut msgs = Vec::with_capacity(job.purchase.len() + 1);
            for (i, leg) in job.purchase.iter().enumerate() {
                // Each line back to the pool it came from, exact in; the $AI goes straight to the client.
                let swap = PoolReceiveMsg::Swap {
                    pool_id: leg.pool_id,
                    ask: Ask::Ai,
                    exact_out: None,
                    min_out: min_out.get(i).copied(),
                    deadline: None,
                    to: Some(job.client.to_string()),
                };
                msgs.push(send_msg(
                    &leg.cu_token,
                    &config.pool,
                    leg.amount,
                    to_json_binary(&swap)?,
                )?);
            }
            msgs.extend(transfer_msg(&config.ai_token, &job.client, job.escrow)?);
            (msgs, true)
        }
    };
    close_job(
        deps.storage,
        &env,
        job,
        JobState::Cancelled,
        CloseReason::Cancelled { sold_back },
    )?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "cancel_job")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("sold_back", sold_back.to_string()))
}
