//! Entry points: a thin dispatcher onto `execute/` and `query.rs`, and the cw20 `Receive` hook's dispatcher.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use cw20::Cw20ReceiveMsg;
use hmm::asset::AssetInfo;
use hmm::orderbook::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, cancel, market, place};
use crate::query;
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:orderbook";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version whose state `migrate` reads: the first one (no layout has changed yet).
const OLDEST_MIGRATABLE: &str = "0.1.0";

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
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let config = Config {
        quote: msg.quote.check(deps.api)?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        burn_share: admin::check_burn_share(msg.burn_share)?,
        market_count: 0,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attributes(ownership.into_attributes()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    if let ExecuteMsg::PlaceOrder(order) = msg {
        // Paid in native funds: exactly one coin, the order's escrow (its asset is checked against the market's).
        let coin = match info.funds.as_slice() {
            [coin] => coin.clone(),
            _ => {
                return Err(ContractError::Funds(hmm::asset::FundsError::WrongFunds {
                    expected: "one coin".to_string(),
                    got: hmm::asset::describe(&info.funds),
                }))
            }
        };
        let paid = AssetInfo::native(coin.denom).with(coin.amount);
        return place::place_order(deps, env, info.sender, order, paid);
    }
    // Every other message takes no native funds (a cw20 hook's tokens come through the token contract).
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::PlaceOrder(_) => Err(ContractError::NothingToCancel),
        ExecuteMsg::Receive(wrapper) => receive(deps, env, info, wrapper),
        ExecuteMsg::Cancel { order_ids } => cancel::cancel(deps, env, info, order_ids),
        ExecuteMsg::CreateMarket(msg) => market::create_market(deps, info, msg),
        ExecuteMsg::UpdateMarket {
            market_id,
            maker_fee,
            taker_fee,
            min_lots,
            min_notional,
        } => market::update_market(
            deps,
            info,
            market_id,
            market::MarketUpdate {
                maker_fee,
                taker_fee,
                min_lots,
                min_notional,
            },
        ),
        ExecuteMsg::UpdateConfig {
            treasury,
            burn_share,
        } => admin::update_config(deps, info, treasury, burn_share),
        ExecuteMsg::CollectFees { assets } => admin::collect_fees(deps, assets),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
    }
}

/// A cw20 `Send` to the book: the tokens sent (the calling token contract, `amount`) pay the hook's order.
fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    let owner = deps.api.addr_validate(&wrapper.sender)?;
    let paid = AssetInfo::cw20(info.sender).with(wrapper.amount);
    match from_json(&wrapper.msg)? {
        ReceiveMsg::PlaceOrder(order) => place::place_order(deps, env, owner, order, paid),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Market { market_id } => to_json_binary(&query::market(deps, market_id)?)?,
        QueryMsg::Markets { start_after, limit } => {
            to_json_binary(&query::markets(deps, start_after, limit)?)?
        }
        QueryMsg::Order { order_id } => to_json_binary(&query::order(deps, order_id)?)?,
        QueryMsg::OrdersByOwner {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::orders_by_owner(deps, owner, start_after, limit)?)?,
        QueryMsg::Depth {
            market_id,
            bid_start_after,
            ask_start_after,
            limit,
        } => to_json_binary(&query::depth(
            deps,
            market_id,
            bid_start_after,
            ask_start_after,
            limit,
        )?)?,
        QueryMsg::BestPrices { market_id } => {
            to_json_binary(&query::best_prices(deps, market_id)?)?
        }
        QueryMsg::Fees {} => to_json_binary(&query::fees(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    Ok(hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |_, _| Ok(0),
    )?)
}
