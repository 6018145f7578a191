//! Entry points: a thin dispatcher onto `execute/`, `reply.rs` and `query.rs`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, Uint128,
};
use hmm::job::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, attest, cancel, settle, submit, take, timeout};
use crate::query;
use crate::state::{Config, CONFIG, JOB_COUNT, OPEN_JOBS, TOTAL_AI};

pub const CONTRACT_NAME: &str = "crates.io:job-registry";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The first version whose stored layout this code reads: 0.3.0 (issue 18: `Limits.job_fee_rate` and `Job.fee` were
/// added to the positional `hmm_record` records); 0.2.x and older layouts are not read, so `migrate` refuses them
/// rather than leave unreadable jobs behind.
const LAYOUT_SINCE: &str = "0.3.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let admin = match msg.admin {
        Some(a) => deps.api.addr_validate(&a)?,
        None => info.sender,
    };
    let limits = msg.limits.unwrap_or_else(admin::default_limits);
    admin::validate_limits(&limits)?;
    let config = Config {
        admin,
        ai_token: deps.api.addr_validate(&msg.ai_token)?,
        pool: deps.api.addr_validate(&msg.pool)?,
        poai: msg.poai.map(|p| deps.api.addr_validate(&p)).transpose()?,
        limits,
    };
    CONFIG.save(deps.storage, &config)?;
    JOB_COUNT.save(deps.storage, &0)?;
    OPEN_JOBS.save(deps.storage, &0)?;
    TOTAL_AI.save(deps.storage, &Uint128::zero())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("admin", config.admin))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Everything is paid in cw20 tokens: native funds would be stranded.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Receive(wrapper) => submit::receive(deps, env, info, wrapper),
        ExecuteMsg::TakeJob { job_id } => take::take_job(deps, env, info, job_id),
        ExecuteMsg::StartJob { job_id } => take::start_job(deps, env, info, job_id),
        ExecuteMsg::CancelJob { job_id, refund } => {
            cancel::cancel_job(deps, env, info, job_id, refund)
        }
        ExecuteMsg::ClaimTimeout { job_id } => timeout::claim_timeout(deps, env, job_id),
        ExecuteMsg::RecordAttestation { job_id } => {
            attest::record_attestation(deps, env, info, job_id)
        }
        ExecuteMsg::RecordVerdict { job_id, verdict } => {
            attest::record_verdict(deps, info, job_id, verdict)
        }
        ExecuteMsg::Settle { job_id, outcome } => settle::settle(deps, env, info, job_id, outcome),
        ExecuteMsg::UpdateConfig {
            admin,
            poai,
            limits,
        } => admin::update_config(deps, info, admin, poai, limits),
    }
}

/// Replies to sub-messages: `reply.rs` (the ids are [`crate::reply::ReplyId`]).
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    crate::reply::reply(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Job { job_id } => to_json_binary(&query::job(deps, job_id)?)?,
        QueryMsg::Jobs { start_after, limit } => {
            to_json_binary(&query::all_jobs(deps, start_after, limit)?)?
        }
        QueryMsg::JobsByClient {
            client,
            start_after,
            limit,
        } => to_json_binary(&query::jobs_by_client(deps, client, start_after, limit)?)?,
        QueryMsg::JobsByWorker {
            worker,
            start_after,
            limit,
        } => to_json_binary(&query::jobs_by_worker(deps, worker, start_after, limit)?)?,
        QueryMsg::JobsByState {
            state,
            start_after,
            limit,
        } => to_json_binary(&query::jobs_by_state(deps, state, start_after, limit)?)?,
        QueryMsg::Escrow { job_id } => to_json_binary(&query::escrow(deps, job_id)?)?,
        QueryMsg::TotalEscrow {} => to_json_binary(&query::total_escrow(deps)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if !hmm_record::can_migrate(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        LAYOUT_SINCE,
    ) {
        return Err(ContractError::CannotMigrate {
            from: stored.contract,
            from_version: stored.version,
        });
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("version", CONTRACT_VERSION))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{mock_dependencies, mock_env};

    /// 0.1.x stored JSON records, which this code cannot read: refused, not half-migrated (the rules themselves
    /// are tested in hmm-record).
    #[test]
    fn migrate_refuses_the_json_layout_and_accepts_this_one() {
        let mut deps = mock_dependencies();
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.1.0").unwrap();
        let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg {});
        assert!(matches!(refused, Err(ContractError::CannotMigrate { .. })));
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, LAYOUT_SINCE).unwrap();
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        let stored = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(stored.version, CONTRACT_VERSION);
    }
}
