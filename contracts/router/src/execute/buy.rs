//! `BuyBundle` (a cw20 `Send` of $AI): plan the bundle across the pools (2025 §6, 2026 eq.22) and buy it as one
//! `Buy` per pool, in the same transaction; refund what the plan did not spend.

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, DepsMut, Response, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;
use hmm::pool::{ReceiveMsg as PoolReceiveMsg, SlaRequirement};
use hmm::router::{BundleItem, PoolOrder};
use hmm_pool_engine::route::plan_bundle;

use crate::error::{ContractError, ContractResult};
use crate::source::RawPools;
use crate::state::{Config, CONFIG};

pub struct BundleRequest {
    pub trader: Addr,
    pub amount: Uint128,
    pub items: Vec<BundleItem>,
    pub sla: SlaRequirement,
    pub to: Addr,
}

pub fn buy_bundle(deps: DepsMut, req: BundleRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let source = RawPools {
        deps: deps.as_ref(),
        pool_contract: &config.pool_contract,
    };
    let plan = plan_bundle(&source, deps.api, &req.items, &req.sla)?;
    if plan.total_cost > req.amount {
        return Err(ContractError::MaxInExceeded {
            needed: plan.total_cost,
            max: req.amount,
        });
    }
    let mut resp = Response::new().add_attribute("action", "buy_bundle");
    for order in plan.orders()? {
        resp = resp.add_message(order_msg(&config, order, &req.to)?);
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

/// One pool's part of the plan: its cost in $AI sent to the pool contract with a `Buy` of its lines for `to`.
pub fn order_msg(config: &Config, order: PoolOrder, to: &Addr) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: config.ai_token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Send {
            contract: config.pool_contract.to_string(),
            amount: order.cost,
            msg: to_json_binary(&PoolReceiveMsg::Buy {
                pool_id: order.pool_id,
                lines: order.lines,
                deadline: None,
                to: Some(to.to_string()),
            })?,
        })?,
        funds: vec![],
    }
    .into())
}
