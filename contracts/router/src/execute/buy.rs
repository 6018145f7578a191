//! `BuyBundle` (a cw20 `Send` of $AI): plan the bundle across the order book and the pools (HIP-8 best execution;
//! 2025 §6, 2026 eq.22) and buy it in the same transaction: one `Buy` of the pool contract (one order per pool) and
//! one fill-or-kill bid on the book per line the book sells part of; refund what the plan did not spend.

use cosmwasm_std::{
    to_json_binary, Addr, CosmosMsg, Decimal, DepsMut, Env, Response, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use hmm::orderbook::ReceiveMsg as BookReceiveMsg;
use hmm::pool::{BuyOrder, ReceiveMsg as PoolReceiveMsg, SlaRequirement};
use hmm::router::{BookFill, BundleItem, PoolOrder};
use hmm_pool_engine::route::plan_bundle;

use crate::error::{ContractError, ContractResult};
use crate::source::RawPools;
use crate::state::{Config, CONFIG, ORDERBOOK};
use crate::tiers::{record, tier_of};

pub struct BundleRequest {
    pub trader: Addr,
    pub amount: Uint128,
    pub items: Vec<BundleItem>,
    pub sla: SlaRequirement,
    pub to: Addr,
}

pub fn buy_bundle(deps: DepsMut, env: &Env, req: BundleRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let orderbook = ORDERBOOK.may_load(deps.storage)?;
    // The trader's tier before this purchase (a purchase never discounts itself).
    let discount = tier_of(deps.storage, &req.trader, env.block.time)?.discount;
    let source = RawPools {
        deps: deps.as_ref(),
        pool_contract: &config.pool_contract,
        orderbook: orderbook.as_ref(),
        discount,
    };
    let plan = plan_bundle(&source, deps.api, &req.items, &req.sla)?;
    if plan.total_cost > req.amount {
        return Err(ContractError::MaxInExceeded {
            needed: plan.total_cost,
            max: req.amount,
        });
    }
    let orders = plan.orders()?;
    let discount = (!discount.is_zero()).then_some(discount);
    let mut resp = Response::new().add_attribute("action", "buy_bundle");
    if let Some(d) = discount {
        resp = resp.add_attribute("fee_discount", d.to_string());
    }
    if !orders.is_empty() {
        let pools_cost = orders
            .iter()
            .try_fold(Uint128::zero(), |sum, o| sum.checked_add(o.cost))?;
        resp = resp.add_message(buy_msg(&config, orders, pools_cost, &req.to, discount)?);
    }
    for (leg, _) in &plan.legs {
        resp = resp.add_attribute(
            "leg",
            format!(
                "{}:{}:{}:{}",
                leg.pool_id, leg.cu_token, leg.amount, leg.cost
            ),
        );
    }
    if let Some(book) = &orderbook {
        for fill in &plan.book_fills {
            resp = resp
                .add_message(book_msg(&config.ai_token, book, fill, &req.to, discount)?)
                .add_attribute(
                    "book_fill",
                    format!(
                        "{}:{}:{}:{}",
                        fill.market_id, fill.cu_token, fill.amount, fill.cost
                    ),
                );
        }
    }
    record(deps.storage, &req.trader, plan.total_cost, env.block.time)?;
    let refund = req.amount.checked_sub(plan.total_cost)?;
    if !refund.is_zero() {
        resp = resp
            .add_message(WasmMsg::Execute {
                contract_addr: config.ai_token.to_string(),
                msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                    recipient: req.trader.to_string(),
                    amount: refund,
                })?,
                funds: vec![],
            })
            .add_attribute("refund", refund);
    }
    Ok(resp.add_attribute("total_cost", plan.total_cost))
}

/// The whole plan as one message: its cost in $AI sent to the pool contract with a `Buy` of every pool's order, the
/// CU for `to` (one $AI `Send`, one pool call, one CU transfer per token, however many pools the plan uses).
pub fn buy_msg(
    config: &Config,
    orders: Vec<PoolOrder>,
    cost: Uint128,
    to: &Addr,
    fee_discount: Option<Decimal>,
) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: config.ai_token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Send {
            contract: config.pool_contract.to_string(),
            amount: cost,
            msg: to_json_binary(&PoolReceiveMsg::Buy {
                orders: orders
                    .into_iter()
                    .map(|o| BuyOrder {
                        pool_id: o.pool_id,
                        lines: o.lines,
                    })
                    .collect(),
                deadline: None,
                to: Some(to.to_string()),
                fee_discount,
            })?,
        })?,
        funds: vec![],
    }
    .into())
}

/// A line's book part as one message: a cw20 `Send` of exactly its cost to the book with its fill-or-kill bid, the
/// CU for `to`. The bid takes exactly the planned fills (the plan replayed the book's matching on the same state),
/// or the whole transaction fails.
pub fn book_msg(
    ai_token: &Addr,
    book: &Addr,
    fill: &BookFill,
    to: &Addr,
    taker_fee_discount: Option<Decimal>,
) -> ContractResult<CosmosMsg> {
    let mut order = fill.order(to.as_str());
    order.taker_fee_discount = taker_fee_discount;
    Ok(WasmMsg::Execute {
        contract_addr: ai_token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Send {
            contract: book.to_string(),
            amount: fill.cost,
            msg: to_json_binary(&BookReceiveMsg::PlaceOrder(order))?,
        })?,
        funds: vec![],
    }
    .into())
}
