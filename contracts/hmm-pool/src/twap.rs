//! The engine's price updates (`hmm_pool_engine::prices`: TWAP accumulators, volatility, λ(t)) with the part they
//! leave to storage: the ring of TWAP observations per class that the `Twap` query reads.

use cosmwasm_std::Storage;
use hmm_math::MathError;
use hmm_pool_engine::prices::{self, Moved};

use crate::error::ContractResult;
use crate::state::{Observation, Pool, OBSERVATIONS, OBSERVATION_HEAD, OBSERVATION_SLOTS};

/// [`prices::update_prices`] after reserves moved, storing the observation it makes due.
pub fn update_prices(
    storage: &mut dyn Storage,
    pool: &mut Pool,
    moved: Moved,
    now: u64,
) -> ContractResult<()> {
    let due = prices::update_prices(pool, moved, now)?;
    observe(storage, pool, due)
}

/// If `due` (what the engine's price updates return), each class's price cumulative at the pool's last observation
/// becomes the newest slot of its ring.
pub fn observe(storage: &mut dyn Storage, pool: &Pool, due: bool) -> ContractResult<()> {
    if !due {
        return Ok(());
    }
    for (i, class) in pool.classes.iter().enumerate() {
        let idx = u8::try_from(i).map_err(|_| MathError::Overflow("class index"))?;
        let (head, count) = OBSERVATION_HEAD
            .may_load(storage, (pool.id, idx))?
            .unwrap_or((OBSERVATION_SLOTS - 1, 0));
        let next = (head + 1) % OBSERVATION_SLOTS;
        OBSERVATIONS.save(
            storage,
            (pool.id, idx, next),
            &Observation {
                time: pool.last_observation,
                cumulative: class.price_cumulative,
            },
        )?;
        OBSERVATION_HEAD.save(
            storage,
            (pool.id, idx),
            &(next, (count + 1).min(OBSERVATION_SLOTS)),
        )?;
    }
    Ok(())
}
