//! `RegisterPools` (anyone) and `DeregisterPools` (owner): the router's index of which pools sell a class.

use cosmwasm_std::{Addr, Deps, DepsMut, MessageInfo, Response};
use hmm::router::MAX_SCAN;
use hmm_pool_engine::Pool;

use crate::error::{ContractError, ContractResult};
use crate::source::RawPools;
use crate::state::{CLASS_POOLS, CONFIG};

/// Pool `id`'s record in the pool contract; an unknown id is refused.
fn record(deps: Deps, pool_contract: &Addr, id: u64) -> ContractResult<Pool> {
    RawPools {
        deps,
        pool_contract,
        orderbook: None,
        discount: cosmwasm_std::Decimal::zero(),
    }
    .may_load(id)?
    .ok_or(ContractError::UnknownPool { pool_id: id })
}

fn check_count(pool_ids: &[u64]) -> ContractResult<()> {
    if pool_ids.is_empty() || pool_ids.len() > MAX_SCAN {
        return Err(ContractError::PoolIdCount {
            got: pool_ids.len(),
            max: MAX_SCAN,
        });
    }
    Ok(())
}

/// Index each funded pool under every class it trades, as its record in the pool contract says. Indexing needs no
/// trust: the planner skips a pool that is paused, batch-only, emptied or off-SLA when it plans.
pub fn register(deps: DepsMut, pool_ids: Vec<u64>) -> ContractResult<Response> {
    check_count(&pool_ids)?;
    let config = CONFIG.load(deps.storage)?;
    let mut resp = Response::new().add_attribute("action", "register_pools");
    for id in pool_ids {
        let pool = record(deps.as_ref(), &config.pool_contract, id)?;
        // As the pool's own index was before 0.5: a pool joins once funded, so that empty pools, which anyone
        // may create where creation is permissionless, cannot crowd a class's scan window.
        if pool.total_shares.is_zero() {
            return Err(ContractError::PoolNotFunded { pool_id: id });
        }
        for class in &pool.classes {
            CLASS_POOLS.save(deps.storage, (&class.cu_token, id), &())?;
        }
        resp = resp.add_attribute("pool_id", id.to_string());
    }
    Ok(resp)
}

/// Remove pools from the index (owner): the way out if junk pools crowd a class's scan window.
pub fn deregister(
    deps: DepsMut,
    info: &MessageInfo,
    pool_ids: Vec<u64>,
) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    check_count(&pool_ids)?;
    let config = CONFIG.load(deps.storage)?;
    let mut resp = Response::new().add_attribute("action", "deregister_pools");
    for id in pool_ids {
        let pool = record(deps.as_ref(), &config.pool_contract, id)?;
        for class in &pool.classes {
            CLASS_POOLS.remove(deps.storage, (&class.cu_token, id));
        }
        resp = resp.add_attribute("pool_id", id.to_string());
    }
    Ok(resp)
}
