//! One file per action; shared helpers here.

pub mod admin;
pub mod batch;
pub mod buy;
pub mod create;
pub mod liquidity;
pub mod swap;

use cosmwasm_std::{to_json_binary, Addr, Api, CosmosMsg, Env, Storage, Uint128, WasmMsg};

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

/// The three cw20 execute messages the pool sends, wire-identical to `cw20::Cw20ExecuteMsg`'s variants (the unit test
/// below compares the JSON). Serialising the full enum links a serializer for all of its variants, bytes that
/// `hmm_pool.wasm` does not have under the 600 KiB limit (docs/wasm-size.md).
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Cw20Out {
    Transfer {
        recipient: String,
        amount: Uint128,
    },
    TransferFrom {
        owner: String,
        recipient: String,
        amount: Uint128,
    },
    Burn {
        amount: Uint128,
    },
}

/// A cw20 `Transfer` of `amount` of `token` to `recipient`.
pub fn transfer_msg(token: &Addr, recipient: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20Out::Transfer {
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
        msg: to_json_binary(&Cw20Out::TransferFrom {
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
        msg: to_json_binary(&Cw20Out::Burn { amount })?,
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

#[cfg(test)]
mod tests {
    use super::Cw20Out;
    use cosmwasm_std::{to_json_string, Uint128};
    use cw20::Cw20ExecuteMsg;

    #[test]
    fn cw20_messages_are_wire_identical() {
        let a = Uint128::new(7);
        let pairs = [
            (
                to_json_string(&Cw20Out::Transfer {
                    recipient: "r".into(),
                    amount: a,
                }),
                to_json_string(&Cw20ExecuteMsg::Transfer {
                    recipient: "r".into(),
                    amount: a,
                }),
            ),
            (
                to_json_string(&Cw20Out::TransferFrom {
                    owner: "o".into(),
                    recipient: "r".into(),
                    amount: a,
                }),
                to_json_string(&Cw20ExecuteMsg::TransferFrom {
                    owner: "o".into(),
                    recipient: "r".into(),
                    amount: a,
                }),
            ),
            (
                to_json_string(&Cw20Out::Burn { amount: a }),
                to_json_string(&Cw20ExecuteMsg::Burn { amount: a }),
            ),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours.unwrap(), theirs.unwrap());
        }
    }
}
