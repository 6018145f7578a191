//! One file per action; shared helpers here.

pub mod admin;
pub mod batch;
pub mod create;
pub mod liquidity;
pub mod route;
pub mod swap;

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Env, Storage, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;

use crate::error::{ContractError, ContractResult};
use crate::state::{Pool, POOLS};

pub fn load_pool(storage: &dyn Storage, pool_id: u64) -> ContractResult<Pool> {
    POOLS
        .may_load(storage, pool_id)?
        .ok_or(ContractError::UnknownPool(pool_id))
}

pub fn check_deadline(env: &Env, deadline: Option<u64>) -> ContractResult<()> {
    let now = env.block.time.seconds();
    match deadline {
        Some(deadline) if now > deadline => Err(ContractError::DeadlinePassed { deadline, now }),
        _ => Ok(()),
    }
}

/// A cw20 `Transfer` of `amount` of `token` to `recipient`.
pub fn transfer_msg(token: &Addr, recipient: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
            recipient: recipient.to_string(),
            amount,
        })?,
        funds: vec![],
    }
    .into())
}

/// A cw20 `TransferFrom` pulling `amount` of `token` from `owner` to this contract.
pub fn transfer_from_msg(
    token: &Addr,
    owner: &Addr,
    env: &Env,
    amount: Uint128,
) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::TransferFrom {
            owner: owner.to_string(),
            recipient: env.contract.address.to_string(),
            amount,
        })?,
        funds: vec![],
    }
    .into())
}

/// A cw20 `Burn` of `amount` of `token` from this contract's balance.
pub fn burn_msg(token: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Burn { amount })?,
        funds: vec![],
    }
    .into())
}
