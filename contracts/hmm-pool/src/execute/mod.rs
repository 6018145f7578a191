//! One file per action; shared helpers here.

pub mod admin;
pub mod batch;
pub mod create;
pub mod liquidity;
pub mod route;
pub mod swap;

use cosmwasm_std::{to_json_binary, Addr, Api, CosmosMsg, Env, Storage, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;

use crate::error::{ContractError, ContractResult};
use crate::state::{Pool, OWED, POOLS};

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

/// Tokens a caller asked to have credited to the owed ledger rather than transferred (`defer` fields).
pub fn deferred_tokens(api: &dyn Api, defer: &[String]) -> ContractResult<Vec<Addr>> {
    Ok(defer
        .iter()
        .map(|t| api.addr_validate(t))
        .collect::<Result<_, _>>()?)
}

/// Adds `amount` of `token` to what the contract owes `to` (`ClaimOwed` pays it).
pub fn credit_owed(
    storage: &mut dyn Storage,
    to: &Addr,
    token: &Addr,
    amount: Uint128,
) -> ContractResult<()> {
    if amount.is_zero() {
        return Ok(());
    }
    let owed = OWED.may_load(storage, (to, token))?.unwrap_or_default();
    OWED.save(storage, (to, token), &owed.checked_add(amount)?)?;
    Ok(())
}

/// Pays `amount` of `token` to `to`: a transfer message, or (when `token` is in `defer`) a credit to the owed
/// ledger, so that one token refusing transfers cannot block a message that pays several. Zero pays nothing.
pub fn pay(
    storage: &mut dyn Storage,
    defer: &[Addr],
    token: &Addr,
    to: &Addr,
    amount: Uint128,
) -> ContractResult<Option<CosmosMsg>> {
    if amount.is_zero() {
        return Ok(None);
    }
    if defer.contains(token) {
        credit_owed(storage, to, token, amount)?;
        return Ok(None);
    }
    Ok(Some(transfer_msg(token, to, amount)?))
}
