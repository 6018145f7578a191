//! Entry points: a thin dispatcher onto `execute/` and `query.rs`, and the cw20 `Receive` hook's dispatcher.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use cw20::Cw20ReceiveMsg;
use hmm::router::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{book, buy, pools, sell};
use crate::query;
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:router";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version whose state `migrate` reads: the first.
const OLDEST_MIGRATABLE: &str = "0.1.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let config = Config {
        pool_contract: deps.api.addr_validate(&msg.pool_contract)?,
        ai_token: deps.api.addr_validate(&msg.ai_token)?,
    };
    CONFIG.save(deps.storage, &config)?;
    let tiers = match msg.tiers {
        Some(tiers) => tiers,
        None => crate::tiers::default_tiers(deps.as_ref(), &config.ai_token)?,
    };
    crate::tiers::validate(&tiers)?;
    crate::state::TIERS.save(deps.storage, &tiers)?;
    if let Some(book) = msg.orderbook {
        crate::execute::book::check_and_save(deps, &config, &book)?;
    }
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner)
        .add_attribute("pool_contract", config.pool_contract))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Bundles are paid in cw20 $AI: native funds would be stranded.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Receive(wrapper) => receive(deps, env, info, wrapper),
        ExecuteMsg::RegisterPools { pool_ids } => pools::register(deps, pool_ids),
        ExecuteMsg::DeregisterPools { pool_ids } => pools::deregister(deps, &info, pool_ids),
        ExecuteMsg::SetOrderbook { orderbook } => book::set_orderbook(deps, &info, orderbook),
        ExecuteMsg::SetTiers { tiers } => {
            cw_ownable::assert_owner(deps.storage, &info.sender)?;
            crate::tiers::validate(&tiers)?;
            crate::state::TIERS.save(deps.storage, &tiers)?;
            Ok(Response::new()
                .add_attribute("action", "set_tiers")
                .add_attribute("tiers", tiers.len().to_string()))
        }
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
    }
}

/// The cw20 hook (the token contract is the sender; the trader is `wrapper.sender`): `BuyBundle` is paid in $AI,
/// `Sell` sells the CU token sent.
fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let trader = deps.api.addr_validate(&wrapper.sender)?;
    let now = env.block.time.seconds();
    let check_deadline = |deadline: Option<u64>| match deadline.filter(|d| now > *d) {
        Some(deadline) => Err(ContractError::DeadlinePassed { deadline, now }),
        None => Ok(()),
    };
    match from_json(&wrapper.msg)? {
        ReceiveMsg::BuyBundle {
            items,
            sla,
            deadline,
            to,
        } => {
            if info.sender != config.ai_token {
                return Err(ContractError::WrongToken {
                    token: info.sender.to_string(),
                });
            }
            check_deadline(deadline)?;
            let to = match to {
                Some(to) => deps.api.addr_validate(&to)?,
                None => trader.clone(),
            };
            buy::buy_bundle(
                deps,
                &env,
                buy::BundleRequest {
                    trader,
                    amount: wrapper.amount,
                    items,
                    sla,
                    to,
                },
            )
        }
        ReceiveMsg::Sell {
            min_out,
            deadline,
            to,
        } => {
            check_deadline(deadline)?;
            let to = match to {
                Some(to) => deps.api.addr_validate(&to)?,
                None => trader.clone(),
            };
            sell::sell(
                deps,
                &env,
                sell::SellRequest {
                    seller: trader,
                    token: info.sender,
                    amount: wrapper.amount,
                    min_out,
                    to,
                },
            )
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Route { items, sla, trader } => {
            to_json_binary(&query::route(deps, &env, items, sla, trader)?)?
        }
        QueryMsg::SellQuote { cu_token, amount } => {
            to_json_binary(&query::sell_quote(deps, cu_token, amount)?)?
        }
        QueryMsg::Tier { trader } => {
            let trader = deps.api.addr_validate(&trader)?;
            to_json_binary(&crate::tiers::tier_of(
                deps.storage,
                &trader,
                env.block.time,
            )?)?
        }
        QueryMsg::ClassPools {
            cu_token,
            start_after,
            limit,
        } => to_json_binary(&query::class_pools(deps, cu_token, start_after, limit)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> ContractResult<Response> {
    let resp = hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |_, _| Ok(0),
    )?;
    // 0.1 had no tiers: HIP-8's defaults.
    if crate::state::TIERS.may_load(deps.storage)?.is_none() {
        let config = CONFIG.load(deps.storage)?;
        let tiers = crate::tiers::default_tiers(deps.as_ref(), &config.ai_token)?;
        crate::state::TIERS.save(deps.storage, &tiers)?;
    }
    match msg.orderbook {
        Some(orderbook) => {
            let config = CONFIG.load(deps.storage)?;
            let book = book::check_and_save(deps, &config, &orderbook)?;
            Ok(resp.add_attribute("orderbook", book))
        }
        None => Ok(resp),
    }
}
