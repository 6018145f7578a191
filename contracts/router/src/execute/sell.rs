//! `Sell` (a cw20 `Send` of a CU token): sell it all for $AI, exact in, across the order book's bids and the pools
//! (`hmm_pool_engine::sell::plan_sell`), in the same transaction: one fill-or-kill ask on the book and one exact-in
//! swap on the pool, each bounded by exactly what the plan priced; refused as a whole below `min_out`.

use cosmwasm_std::{
    to_json_binary, Addr, CosmosMsg, Decimal, DepsMut, Env, Response, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use hmm::orderbook::ReceiveMsg as BookReceiveMsg;
use hmm::pool::{Ask, ReceiveMsg as PoolReceiveMsg};
use hmm_pool_engine::sell::plan_sell;

use crate::error::{ContractError, ContractResult};
use crate::source::RawPools;
use crate::state::{CONFIG, ORDERBOOK};
use crate::tiers::record;

pub struct SellRequest {
    pub seller: Addr,
    /// The CU token sent.
    pub token: Addr,
    pub amount: Uint128,
    pub min_out: Uint128,
    pub to: Addr,
}

pub fn sell(deps: DepsMut, env: &Env, req: SellRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if req.token == config.ai_token {
        return Err(ContractError::SellTakesCu);
    }
    let orderbook = ORDERBOOK.may_load(deps.storage)?;
    let source = RawPools {
        deps: deps.as_ref(),
        pool_contract: &config.pool_contract,
        orderbook: orderbook.as_ref(),
        discount: Decimal::zero(),
    };
    let plan = plan_sell(&source, &req.token, req.amount)?;
    if plan.total_out < req.min_out {
        return Err(ContractError::MinOutNotMet {
            out: plan.total_out,
            min_out: req.min_out,
        });
    }
    let send = |contract: &Addr,
                amount: Uint128,
                msg: cosmwasm_std::Binary|
     -> ContractResult<CosmosMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: req.token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Send {
                contract: contract.to_string(),
                amount,
                msg,
            })?,
            funds: vec![],
        }
        .into())
    };
    let mut resp = Response::new()
        .add_attribute("action", "sell")
        .add_attribute("cu_token", req.token.as_str())
        .add_attribute("amount", req.amount);
    if let (Some(sale), Some(book)) = (&plan.book, &orderbook) {
        let order = BookReceiveMsg::PlaceOrder(sale.order(req.to.as_str()));
        resp = resp
            .add_message(send(book, sale.quantity, to_json_binary(&order)?)?)
            .add_attribute(
                "book_sale",
                format!("{}:{}:{}", sale.market_id, sale.quantity, sale.out),
            );
    }
    if let Some(part) = &plan.pool {
        let swap = PoolReceiveMsg::Swap {
            pool_id: part.pool_id,
            ask: Ask::Ai,
            exact_out: None,
            min_out: Some(part.out),
            deadline: None,
            to: Some(req.to.to_string()),
        };
        resp = resp
            .add_message(send(
                &config.pool_contract,
                part.amount,
                to_json_binary(&swap)?,
            )?)
            .add_attribute(
                "pool_sale",
                format!("{}:{}:{}", part.pool_id, part.amount, part.out),
            );
    }
    record(deps.storage, &req.seller, plan.total_out, env.block.time)?;
    Ok(resp.add_attribute("total_out", plan.total_out))
}
