//! Entry points: a thin dispatcher onto `execute/` and `query.rs`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use hmm::pool::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, batch, create, liquidity, swap};
use crate::query;
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:hmm-pool";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let config = Config {
        owner,
        pending_owner: None,
        ai_token: deps.api.addr_validate(&msg.ai_token)?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        permissionless_pools: msg.permissionless_pools,
        paused: false,
        pool_count: 0,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", config.owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Every action is paid in cw20 tokens: native funds would be stranded.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Receive(wrapper) => swap::receive(deps, env, info, wrapper),
        ExecuteMsg::CreatePool(msg) => create::create_pool(deps, env, info, msg),
        ExecuteMsg::AddLiquidity {
            pool_id,
            deposits,
            min_shares,
            deadline,
        } => liquidity::add_liquidity(deps, env, info, pool_id, deposits, min_shares, deadline),
        ExecuteMsg::RemoveLiquidity {
            pool_id,
            shares,
            min_credits,
            min_resources,
            deadline,
        } => liquidity::remove_liquidity(
            deps,
            env,
            info,
            pool_id,
            shares,
            min_credits,
            min_resources,
            deadline,
        ),
        ExecuteMsg::ClaimFees { pool_id } => liquidity::claim_fees(deps, info, pool_id),
        ExecuteMsg::SettleBatch { pool_id } => batch::settle_batch(deps, env, pool_id),
        ExecuteMsg::CollectProtocolFees {} => admin::collect_protocol_fees(deps),
        ExecuteMsg::UpdatePool { pool_id, update } => {
            admin::update_pool(deps, info, pool_id, update)
        }
        ExecuteMsg::SetPaused { pool_id, paused } => admin::set_paused(deps, info, pool_id, paused),
        ExecuteMsg::UpdateConfig {
            treasury,
            permissionless_pools,
        } => admin::update_config(deps, info, treasury, permissionless_pools),
        ExecuteMsg::ProposeOwner { owner } => admin::propose_owner(deps, info, owner),
        ExecuteMsg::AcceptOwner {} => admin::accept_owner(deps, info),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Pool { pool_id } => to_json_binary(&query::pool(deps, pool_id)?)?,
        QueryMsg::Pools { start_after, limit } => {
            to_json_binary(&query::pools(deps, start_after, limit)?)?
        }
        QueryMsg::SpotPrice { pool_id, cu_token } => {
            to_json_binary(&query::spot_price(deps, pool_id, cu_token)?)?
        }
        QueryMsg::CrossPrice {
            pool_id,
            offer_cu,
            ask_cu,
        } => to_json_binary(&query::cross_price(deps, pool_id, offer_cu, ask_cu)?)?,
        QueryMsg::Quote {
            pool_id,
            offer,
            ask,
            offer_amount,
        } => to_json_binary(&query::quote(
            deps,
            &env,
            pool_id,
            offer,
            ask,
            offer_amount,
            false,
        )?)?,
        QueryMsg::ReverseQuote {
            pool_id,
            offer,
            ask,
            ask_amount,
        } => to_json_binary(&query::quote(
            deps, &env, pool_id, offer, ask, ask_amount, true,
        )?)?,
        QueryMsg::Share { pool_id, owner } => to_json_binary(&query::share(deps, pool_id, owner)?)?,
        QueryMsg::Twap {
            pool_id,
            cu_token,
            window,
        } => to_json_binary(&query::twap(deps, &env, pool_id, cu_token, window)?)?,
        QueryMsg::ImpermanentLoss { pool_id, owner } => {
            to_json_binary(&query::impermanent_loss(deps, pool_id, owner)?)?
        }
        QueryMsg::Batch { pool_id } => to_json_binary(&batch::batch_query(deps, &env, pool_id)?)?,
        QueryMsg::Route { items, sla } => {
            to_json_binary(&crate::execute::route::route_query(deps, items, sla)?)?
        }
        QueryMsg::EfeRank {
            policies,
            beta,
            cost_sensitivity,
        } => to_json_binary(&query::efe_rank(deps, policies, beta, cost_sensitivity)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if stored.contract != CONTRACT_NAME
        || version_key(&stored.version) > version_key(CONTRACT_VERSION)
    {
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

/// `major.minor.patch` as numbers, so "0.10.0" > "0.9.0" (unparsable parts count as 0).
fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-'])
        .take(3)
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}
