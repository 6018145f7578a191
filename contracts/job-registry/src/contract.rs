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
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let limits = msg.limits.unwrap_or_else(admin::default_limits);
    admin::validate_limits(&limits)?;
    let config = Config {
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
        .add_attribute("owner", owner))
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
            poai,
            limits,
            orderbook,
        } => admin::update_config(deps, info, poai, limits, orderbook),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
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
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
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
    let api = deps.api;
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
            if from < &hmm_record::Version::parse("0.6.0")? {
                // Config v2 → v3: the admin becomes the cw-ownable owner.
                converted = converted.max(crate::state::move_admin_to_cw_ownable(storage, api)?);
            }
            Ok(converted)
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{mock_dependencies, mock_env};

    type MockDeps = cosmwasm_std::OwnedDeps<
        cosmwasm_std::MemoryStorage,
        cosmwasm_std::testing::MockApi,
        cosmwasm_std::testing::MockQuerier,
    >;

    /// A registry instantiated by `admin` (returned with its config), then without cw-ownable's item, as the code
    /// before 0.6 left it (the migration writes the item).
    fn instantiated_without_ownership(
        deps: &mut MockDeps,
    ) -> (cosmwasm_std::Addr, crate::state::Config) {
        use cosmwasm_std::Storage;
        let admin = deps.api.addr_make("admin");
        let msg = InstantiateMsg {
            owner: None,
            ai_token: deps.api.addr_make("ai").to_string(),
            pool: deps.api.addr_make("pool").to_string(),
            router: deps.api.addr_make("router").to_string(),
            poai: None,
            limits: None,
        };
        let info = cosmwasm_std::testing::message_info(&admin, &[]);
        instantiate(deps.as_mut(), mock_env(), info, msg).unwrap();
        deps.storage.remove(cw_ownable::OWNERSHIP_KEY.as_bytes());
        (admin, CONFIG.load(&deps.storage).unwrap())
    }

    /// The migration converted one record (the config), which reads back as `config`, and `admin` owns the
    /// registry with no transfer pending.
    fn assert_migrated(
        deps: &MockDeps,
        res: Response,
        config: &crate::state::Config,
        admin: &cosmwasm_std::Addr,
    ) {
        assert!(res
            .attributes
            .iter()
            .any(|a| a.key == "records_converted" && a.value == "1"));
        assert_eq!(&CONFIG.load(&deps.storage).unwrap(), config);
        let owner = cw_ownable::get_ownership(&deps.storage).unwrap();
        assert_eq!(
            (owner.owner, owner.pending_owner),
            (Some(admin.clone()), None)
        );
    }

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

        let (admin, config) = instantiated_without_ownership(&mut deps);
        // As 0.3 stored it: no version byte, and no router (the fields of record version 1).
        let v1 = (
            &admin,
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
        assert_migrated(&deps, res, &config, &admin);
        assert!(jobs().may_load(&deps.storage, 1).unwrap().is_none());
        let stored = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(stored.version, CONTRACT_VERSION);
    }

    /// A 0.5 config (record version 2: the admin in it) becomes version 3 with the admin as the cw-ownable owner,
    /// who keeps its rights; no router is needed from 0.5.
    #[test]
    fn migrate_from_0_5_moves_the_admin_to_cw_ownable() {
        use cosmwasm_std::Storage;
        let mut deps = mock_dependencies();
        let (admin, config) = instantiated_without_ownership(&mut deps);
        let info = cosmwasm_std::testing::message_info(&admin, &[]);
        let v2 = (
            &admin,
            &config.ai_token,
            &config.pool,
            &config.router,
            &config.poai,
            &config.limits,
        );
        deps.storage.set(
            CONFIG.as_slice(),
            &cosmwasm_std::to_json_vec(&hmm_record::Stored::<_, 2>(v2)).unwrap(),
        );
        assert!(CONFIG.load(&deps.storage).is_err(), "version 2 is not read");
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.5.0").unwrap();
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg { router: None }).unwrap();
        assert_migrated(&deps, res, &config, &admin);
        // The owner's rights survive: it may still change the limits.
        let update = hmm::job::ExecuteMsg::UpdateConfig {
            poai: None,
            limits: Some(crate::execute::admin::default_limits()),
            orderbook: None,
        };
        execute(deps.as_mut(), mock_env(), info, update).unwrap();
    }
}
