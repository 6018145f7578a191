//! `ClaimTimeout`: anyone, once the current state's deadline has passed (the exit from every non-final state).
//! The client gets the CU and the escrowed $AI back; an assigned worker is reported to poai (`JobFailed`).

use cosmwasm_std::{DepsMut, Env, Response, SubMsg};
use hmm::job::{CloseReason, JobState};

use super::{close_job, load_job, refund_all_msgs};
use crate::error::{ContractError, ContractResult};
use crate::poai::{poai_msg, FailureReason, PoaiExecuteMsg};
use crate::reply::ReplyId;
use crate::state::CONFIG;

pub fn claim_timeout(deps: DepsMut, env: Env, job_id: u64) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let job = load_job(deps.storage, job_id)?;
    let state = job.state;
    let deadline = job.timeout_at().ok_or(ContractError::InvalidState {
        job_id,
        state,
        action: "time out",
    })?;
    let now = env.block.time.seconds();
    if now <= deadline {
        return Err(ContractError::DeadlineNotReached {
            job_id,
            deadline,
            now,
        });
    }
    let msgs = refund_all_msgs(&config, &job)?;
    // The report is sent with a reply on error: a poai that refuses it cannot keep the refund locked.
    let report = match (&job.worker, &config.poai) {
        (Some(worker), Some(poai)) => Some(SubMsg::reply_on_error(
            poai_msg(
                poai,
                &PoaiExecuteMsg::JobFailed {
                    job_id,
                    worker: worker.to_string(),
                    reason: FailureReason::Timeout,
                },
            )?,
            ReplyId::JobFailed.id(),
        )),
        _ => None,
    };
    close_job(
        deps.storage,
        &env,
        job,
        JobState::Expired,
        CloseReason::Timeout { state },
    )?;
    let mut resp = Response::new()
        .add_messages(msgs)
        .add_attribute("action", "claim_timeout")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("timed_out_in", format!("{state:?}"));
    if let Some(report) = report {
        resp = resp.add_submessage(report);
    }
    Ok(resp)
}
