//! The bookkeeping after reserves moved: the TWAP accumulators, the EWMA volatility of price moves and the dynamic
//! curvature λ(t) (2026 eq.30). The engine updates the pool value; writing a TWAP observation into storage is the
//! caller's, when [`update_prices`] or [`record_prices`] says one is due.

use cosmwasm_std::{Decimal256, Uint128, Uint256};
use hmm_math::swap::atoms;
use hmm_math::{MathError, Rounding, Udec};

use crate::curve::{accumulate, class_curve, class_of_mut, spot_price, spot_price_on};
use crate::error::EngineResult;
use crate::pool::Pool;
use crate::trade::{apply_leg, Leg};

/// Weight of a relative price move in the volatility estimate.
const VOLATILITY_NEW: Udec = Udec::raw(Uint256::from_u128(100_000_000_000_000_000));
/// Time constant (seconds) of the volatility estimate's decay: with no price moves it falls by a factor e per
/// hour. The decay depends on time only, never on the number of trades, so dust trades cannot wash it.
pub const VOLATILITY_WINDOW: u64 = 3_600;

/// What [`finish_trade`] leaves to the caller: the (treasury, burn) parts of each leg's fee, for the protocol's fee
/// ledger, and whether a TWAP observation is due (see [`record_prices`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "the protocol's fee parts and a due observation must be recorded"]
pub struct Finished {
    pub protocol_fees: Vec<(Uint128, Uint128)>,
    pub observe: bool,
}

/// Apply planned legs (reserves, LP fees), then update TWAP cumulatives, volatility and λ(t).
pub fn finish_trade(pool: &mut Pool, legs: &[Leg], now: u64) -> EngineResult<Finished> {
    let mut protocol_fees = Vec::with_capacity(legs.len());
    for leg in legs {
        protocol_fees.push(apply_leg(pool, leg)?);
    }
    let traded: Vec<TradedClass> = legs
        .iter()
        .map(|l| (l.class, Some(l.price_after)))
        .collect();
    let observe = update_prices(pool, Moved::Traded(&traded), now)?;
    Ok(Finished {
        protocol_fees,
        observe,
    })
}

/// A class a transaction traded, with its spot price after the trade when the solve already found it (`None`:
/// computed from the pool).
pub type TradedClass = (usize, Option<Decimal256>);

/// What moved since the pool's prices were last recorded.
#[derive(Clone, Copy)]
pub enum Moved<'a> {
    /// Trades on these classes. The others kept their reserves and curves, so their prices are the ones recorded
    /// (every path that changes a class's reserves or curve records its price: a trade, liquidity, λ(t), the
    /// owner's curvature update).
    Traded(&'a [TradedClass]),
    /// Every class's reserves (liquidity added or removed) or curve: every price is computed again.
    All,
}

/// TWAP accumulators (price × seconds at the price in force since the last update), the EWMA volatility of the
/// traded classes' relative price moves, and the dynamic curvature (2026 eq.30). True: a TWAP observation is due
/// (see [`record_prices`]).
#[must_use = "a due TWAP observation must be stored"]
pub fn update_prices(pool: &mut Pool, moved: Moved, now: u64) -> EngineResult<bool> {
    // Volatility: a time-decayed sum of the traded classes' relative moves |Δπ|/π.
    let mut largest_move = Udec::ZERO;
    // The prices after the transaction (`None`: computed below); the TWAP takes them unless λ(t) moves in between.
    let (traded, mut new_prices): (&[TradedClass], Vec<Option<Decimal256>>) = match moved {
        Moved::Traded(traded) => (
            traded,
            pool.classes.iter().map(|c| Some(c.last_price)).collect(),
        ),
        Moved::All => (&[], vec![None; pool.classes.len()]),
    };
    for &(i, known) in traded {
        let before = pool
            .classes
            .get(i)
            .map(|c| c.last_price)
            .unwrap_or_default();
        let after = match known {
            Some(price) => price,
            None => spot_price(pool, i)?,
        };
        if let Some(slot) = new_prices.get_mut(i) {
            *slot = Some(after);
        }
        if !before.is_zero() {
            let moved = Udec::from(before)
                .abs_diff(after.into())
                .div(before.into(), Rounding::Up)?;
            largest_move = largest_move.max(moved);
        }
    }
    // Vol ← Vol·e^(−dt/τ) + 0.1·move (rounded up: the estimate only ever raises a fee or a curvature). The same
    // move split into many trades adds up to the same sum; trades within one block decay nothing.
    let elapsed = now.saturating_sub(pool.last_update);
    let keep = Udec::one().saturating_sub(hmm_math::fees::ewma_alpha_for_elapsed(
        elapsed,
        VOLATILITY_WINDOW,
    )?);
    pool.volatility = Udec::from(pool.volatility)
        .mul(keep, Rounding::Up)?
        .checked_add(largest_move.mul(VOLATILITY_NEW, Rounding::Up)?)
        .map_err(|_| MathError::Overflow("volatility"))?
        .into();
    // λ(t) = λ₀(1 + α·Vol + β·Util) (2026 eq.30), at most once per observation interval and by a bounded step.
    if lambda_due(pool, now) {
        if let Some(lambda) = next_lambda(pool)? {
            pool.lambda_now = lambda;
            new_prices.fill(None);
        }
    }
    record_prices(pool, &new_prices, now)
}

/// Whether the dynamic curvature may move now: the pool has liquidity and α or β, and no λ step was taken within
/// the last [`OBSERVATION_INTERVAL`] (a λ step is taken only when an observation is due). On chain α = β = 0
/// (`DynamicCurvatureRefused`), so this is false there; the simulator runs eq.30 through it.
fn lambda_due(pool: &Pool, now: u64) -> bool {
    let c = &pool.curvature;
    (!c.alpha.is_zero() || !c.beta.is_zero())
        && !pool.total_shares.is_zero()
        && (pool.last_observation == 0
            || now >= pool.last_observation.saturating_add(OBSERVATION_INTERVAL))
}

/// The curvature to move to, if any: eq.30's value from the volatility and the depth-weighted utilisation
/// ([`hmm_math::fees::utilisation_weighted`]), approached by a step that moves no class's spot price by more
/// than half the pool's market fee and keeps every class sound.
///
/// Why bounded: a change of λ moves the price of every class off its target (`π` is linear in λ through the
/// potential's coefficient `b = λ·w·p̄/q̄`). Someone who could choose when λ jumps could buy before and sell after.
/// With each step below half the market fee and at most one step per [`OBSERVATION_INTERVAL`], a position held
/// across a step gains less than the two fees of opening and closing it (SECURITY.md, "dynamic curvature").
fn next_lambda(pool: &Pool) -> EngineResult<Option<Decimal256>> {
    let c = &pool.curvature;
    let q: Vec<Udec> = pool
        .classes
        .iter()
        .map(|k| Udec::from_amount(k.resource_reserve))
        .collect();
    let q_bar: Vec<Udec> = pool
        .classes
        .iter()
        .map(|k| Udec::from_amount(k.target_reserve))
        .collect();
    let depth: Vec<Udec> = pool
        .classes
        .iter()
        .map(|k| Udec::from_amount(k.reference_credit))
        .collect();
    let params = hmm_math::fees::CurvatureParams {
        lambda0: c.lambda.into(),
        alpha: c.alpha.into(),
        beta: c.beta.into(),
        lambda_min: c.lambda.into(),
        lambda_max: c.lambda_max.into(),
    };
    let util = hmm_math::fees::utilisation_weighted(&q, &q_bar, &depth)?;
    let target: Udec = hmm_math::fees::dynamic_curvature(&params, pool.volatility.into(), util)?;
    let now = Udec::from(pool.lambda_now);
    if target == now {
        return Ok(None);
    }
    let limit = Udec::from(pool.fees.market_fee).div(Udec::from_int(2), Rounding::Down)?;
    let full = price_jump(pool, target.into())?;
    let step = match full {
        Some(jump) if jump <= limit => target,
        Some(jump) => {
            // π is linear in λ: scale the step to the limit, rounded toward λ now.
            let span = target.abs_diff(now);
            let part = span.mul_div(limit, jump, Rounding::Down)?;
            if target > now {
                now.checked_add(part)?
            } else {
                now.saturating_sub(part)
            }
        }
        None => return Ok(None),
    };
    if step == now {
        return Ok(None);
    }
    Ok(match price_jump(pool, step.into())? {
        Some(jump) if jump <= limit => Some(step.into()),
        _ => None,
    })
}

/// The largest relative move of a class's spot price if the pool's curvature were `lambda`; `None` if some class
/// would be unsound there.
fn price_jump(pool: &Pool, lambda: Decimal256) -> EngineResult<Option<Udec>> {
    let mut largest = Udec::ZERO;
    for class in &pool.classes {
        if class.resource_reserve.is_zero() {
            continue;
        }
        let before = Udec::from(spot_price_on(
            &class_curve(pool.kind, class, pool.lambda_now, pool.curvature.mu)?,
            class,
        )?);
        let curve = class_curve(pool.kind, class, lambda, pool.curvature.mu)?;
        if curve
            .check_sound(atoms(class.resource_reserve)?, atoms(class.credit_reserve)?)
            .is_err()
        {
            return Ok(None);
        }
        let after = Udec::from(spot_price_on(&curve, class)?);
        if before.is_zero() {
            return Ok(None);
        }
        largest = largest.max(before.abs_diff(after).div(before, Rounding::Up)?);
    }
    Ok(Some(largest))
}

/// At most one TWAP observation per class per this many seconds, so a ring of 64 observations spans ≥ 64 min ≥ the
/// 30-min window of 2026 §12.2 whatever the trading rate. A λ(t) step is taken only when an observation is due.
pub const OBSERVATION_INTERVAL: u64 = 60;

/// The TWAP step: accumulate each class's recorded price over the time since the last update, then record its new
/// price (`None`: the pool's spot price now). True: an observation is due (the pool has liquidity and none was
/// taken in the last [`OBSERVATION_INTERVAL`]); the pool's `last_observation` is then `now`, and the caller stores
/// every class's `price_cumulative` as its observation at `now` (the contract's ring; the simulator keeps none).
#[must_use = "a due TWAP observation must be stored"]
pub fn record_prices(
    pool: &mut Pool,
    new_prices: &[Option<Decimal256>],
    now: u64,
) -> EngineResult<bool> {
    let dt = now.saturating_sub(pool.last_update);
    let observe = !pool.total_shares.is_zero()
        && (pool.last_observation == 0
            || now >= pool.last_observation.saturating_add(OBSERVATION_INTERVAL));
    for i in 0..pool.classes.len() {
        let new_price = match new_prices.get(i) {
            Some(Some(price)) => *price,
            _ => spot_price(pool, i).unwrap_or_default(),
        };
        let class = class_of_mut(pool, i)?;
        class.price_cumulative = accumulate(class.price_cumulative, class.last_price, dt)?;
        class.last_price = new_price;
    }
    if observe {
        pool.last_observation = now;
    }
    pool.last_update = now;
    Ok(observe)
}
