//! poai hooks before settlement: `RecordAttestation` and the optional `RecordVerdict`.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use hmm::job::{JobState, Verdict};

use super::{check_not_past, load_job, require_poai, require_state, save_job};
use crate::error::ContractResult;
use crate::state::CONFIG;

/// poai verified the worker's attestation: the job is `Attested` (only before `finish_by`, so that a late
/// attestation cannot beat a timeout that is already claimable).
pub fn record_attestation(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    require_poai(&config, &info.sender)?;
    let old = load_job(deps.storage, job_id)?;
    require_state(
        &old,
        &[JobState::Assigned, JobState::Running],
        "record an attestation",
    )?;
    check_not_past(&env, old.finish_by)?;
    let mut job = old.clone();
    job.state = JobState::Attested;
    job.attested_at = Some(env.block.time.seconds());
    save_job(deps.storage, &old, &job)?;
    Ok(Response::new()
        .add_attribute("action", "record_attestation")
        .add_attribute("job_id", job_id.to_string()))
}

/// poai reports the interim verification status of an attested job.
pub fn record_verdict(
    deps: DepsMut,
    info: MessageInfo,
    job_id: u64,
    verdict: Verdict,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    require_poai(&config, &info.sender)?;
    let old = load_job(deps.storage, job_id)?;
    require_state(
        &old,
        &[JobState::Attested, JobState::Verified, JobState::Disputed],
        "record a verdict",
    )?;
    let mut job = old.clone();
    job.state = match verdict {
        Verdict::Verified => JobState::Verified,
        Verdict::Disputed => JobState::Disputed,
    };
    save_job(deps.storage, &old, &job)?;
    Ok(Response::new()
        .add_attribute("action", "record_verdict")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("verdict", format!("{verdict:?}")))
}
