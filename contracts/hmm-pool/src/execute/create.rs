//! `CreatePool`: the engine builds the empty pool from the message, every parameter checked
//! (`hmm_pool_engine::new_pool`); the contract authorises, numbers and stores it.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use hmm::pool::CreatePoolMsg;
use hmm_pool_engine::new_pool;

use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, POOLS};

pub fn create_pool(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: CreatePoolMsg,
) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    if !config.permissionless_pools && !cw_ownable::is_owner(deps.storage, &info.sender)? {
        return Err(ContractError::Unauthorized(
            "the owner (pool creation is permissioned)",
        ));
    }
    let id = config.pool_count + 1;
    let pool = new_pool(
        deps.api,
        &config.ai_token,
        id,
        msg,
        env.block.time.seconds(),
    )?;
    config.pool_count = id;
    CONFIG.save(deps.storage, &config)?;
    POOLS.save(deps.storage, id, &pool)?;
    Ok(Response::new()
        .add_attribute("action", "create_pool")
        .add_attribute("pool_id", id.to_string()))
}
