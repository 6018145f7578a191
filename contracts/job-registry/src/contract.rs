//! Entry points: a thin dispatcher onto `execute/`, `reply.rs` and `query.rs`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, Uint128,
};
use hmm::job::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::ContractResult;
use crate::execute::{admin, attest, cancel, settle, submit, take, timeout};
use crate::query;
use crate::state::{Config, CONFIG, JOB_COUNT, OPEN_JOBS, TOTAL_AI};

pub const CONTRACT_NAME: &str = "crates.io:job-registry";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version whose state `migrate` converts: 0.3.0 (compact records, which 0.4.0 stores as JSON; 0.3.0 added
/// `Limits.job_fee_rate` and `Job.fee`). Older layouts are refused rather than left unreadable.
const OLDEST_MIGRATABLE: &str = "0.3.0";

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
        router: deps.api.addr_validate(&msg.router)?,
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
        QueryMsg::EfeRank {
            policies,
            beta,
            cost_sensitivity,
        } => to_json_binary(&query::efe_rank(deps, policies, beta, cost_sensitivity)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> ContractResult<Response> {
    let router = msg.router.map(|r| deps.api.addr_validate(&r)).transpose()?;
    Ok(hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |storage, from| {
            // Refused before anything is rewritten.
            let router = match (from < &hmm_record::Version::parse("0.5.0")?, router) {
                (true, None) => {
                    return Err(hmm_record::MigrateError::MissingField { field: "router" })
                }
                (true, Some(router)) => Some(router),
                (false, _) => None,
            };
            let mut converted = 0;
            if from < &hmm_record::Version::parse("0.4.0")? {
                converted += crate::state::convert_records(storage)?;
            }
            if let Some(router) = router {
                // The config is rewritten, not added to: it was counted once already if it was just versioned.
                converted = converted.max(crate::state::add_router(storage, router)?);
            }
            Ok(converted)
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{mock_dependencies, mock_env};

    /// 0.2.x stored another layout, which this code cannot read: refused, not half-migrated (the policy itself is
    /// tested in hmm-record). A 0.3.0 contract's config (no version byte) reads back after `migrate`.
    #[test]
    fn migrate_converts_0_3_records_and_refuses_older_layouts() {
        use crate::state::jobs;
        use cosmwasm_std::{Binary, Storage};
        let mut deps = mock_dependencies();
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.2.0").unwrap();
        let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg { router: None });
        assert!(matches!(
            refused,
            Err(crate::error::ContractError::Migrate(
                hmm_record::MigrateError::TooOld { .. }
            ))
        ));

        let info = cosmwasm_std::testing::message_info(&deps.api.addr_make("admin"), &[]);
        let msg = InstantiateMsg {
            admin: None,
            ai_token: deps.api.addr_make("ai").to_string(),
            pool: deps.api.addr_make("pool").to_string(),
            router: deps.api.addr_make("router").to_string(),
            poai: None,
            limits: None,
        };
        instantiate(deps.as_mut(), mock_env(), info, msg).unwrap();
        let config = CONFIG.load(&deps.storage).unwrap();
        // As 0.3 stored it: no version byte, and no router (the fields of record version 1).
        let v1 = (
            &config.admin,
            &config.ai_token,
            &config.pool,
            &config.poai,
            &config.limits,
        );
        let compact = Binary::new(postcard::to_allocvec(&v1).unwrap()).to_base64();
        deps.storage.set(
            CONFIG.as_slice(),
            &cosmwasm_std::to_json_vec(&compact).unwrap(),
        );
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.3.0").unwrap();
        // Without the router the migration is refused, and changes nothing.
        let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg { router: None });
        assert!(matches!(
            refused,
            Err(crate::error::ContractError::Migrate(
                hmm_record::MigrateError::MissingField { field: "router" }
            ))
        ));
        let msg = MigrateMsg {
            router: Some(config.router.to_string()),
        };
        let res = migrate(deps.as_mut(), mock_env(), msg).unwrap();
        assert!(res
            .attributes
            .iter()
            .any(|a| a.key == "records_converted" && a.value == "1"));
        assert_eq!(CONFIG.load(&deps.storage).unwrap(), config);
        assert!(jobs().may_load(&deps.storage, 1).unwrap().is_none());
        let stored = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(stored.version, CONTRACT_VERSION);
    }
}
