//! Reports of slashable conditions (2026 §12.3) that no transaction of the worker reveals: a missed heartbeat and
//! a long run of low quality. Anyone may report; the condition is checked on chain.

use cosmwasm_std::{DepsMut, Env, Response};
use hmm::poai::ReportCondition;

use crate::error::{ContractError, ContractResult};
use crate::execute::{load_worker, open_obligations, slash_worker};
use crate::helpers::{burn_msg, current_epoch};
use crate::state::{CONFIG, HEARTBEAT_REPORTS, PARAMS, WORKERS};

pub fn report_worker(
    deps: DepsMut,
    env: Env,
    worker: String,
    condition: ReportCondition,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let addr = deps.api.addr_validate(&worker)?;
    let mut w = load_worker(deps.storage, &addr)?;
    let now = env.block.time.seconds();
    let epoch = current_epoch(&config, &params, &env);
    match condition {
        ReportCondition::MissedHeartbeat => {
            // Silent since its last heartbeat or the last report of it, whichever is later: a report is not a
            // heartbeat (eligibility still reads `last_heartbeat`), but one silence is slashed once.
            let reported = HEARTBEAT_REPORTS
                .may_load(deps.storage, &addr)?
                .unwrap_or_default();
            let silent = now.saturating_sub(w.last_heartbeat.max(reported));
            if silent <= params.heartbeat_timeout {
                return Err(ContractError::ConditionNotMet(format!(
                    "last heartbeat {silent} s ago, the timeout is {} s",
                    params.heartbeat_timeout
                )));
            }
            let has_obligation = open_obligations(deps.storage, &addr)?
                .iter()
                .any(|(_, ob)| !ob.open().is_zero());
            if !has_obligation {
                return Err(ContractError::ConditionNotMet(
                    "the worker has no open obligation".to_string(),
                ));
            }
            // One slash per timeout: the next report needs another full silent period.
            HEARTBEAT_REPORTS.save(deps.storage, &addr, &now)?;
        }
        ReportCondition::LowQuality => {
            let since = w.low_quality_since.ok_or_else(|| {
                ContractError::ConditionNotMet(format!(
                    "quality {} is not below {}",
                    w.quality, params.low_quality_threshold
                ))
            })?;
            let epochs = epoch.saturating_sub(since);
            if epochs < params.low_quality_epochs {
                return Err(ContractError::ConditionNotMet(format!(
                    "below the threshold for {epochs} epoch(s), {} needed",
                    params.low_quality_epochs
                )));
            }
            // The count restarts: another full run is needed for the next slash.
            w.low_quality_since = Some(epoch);
        }
    }
    let burned = slash_worker(deps.storage, &addr, &mut w, &params, now)?;
    WORKERS.save(deps.storage, &addr, &w)?;
    let mut resp = Response::new()
        .add_attribute("action", "report_worker")
        .add_attribute("worker", addr)
        .add_attribute(
            "condition",
            match condition {
                ReportCondition::MissedHeartbeat => "missed_heartbeat",
                ReportCondition::LowQuality => "low_quality",
            },
        )
        .add_attribute("slashed", burned);
    if !burned.is_zero() {
        resp = resp.add_message(burn_msg(&config.ai_token, burned)?);
    }
    Ok(resp)
}
