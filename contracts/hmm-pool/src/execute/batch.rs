//! Batch auctions (2026 §8.3, Alg.3): intents collected for a window, cleared at one price per class, filled pro
//! rata — no ordering advantage inside a window.
//!
//! Clearing one class with buyers paying `C` $AI (after fees) and sellers offering `R` CU (after fees): the sellers'
//! resource goes to the buyers and the pool absorbs only the imbalance, on its curve. With the pool delivering `X`
//! net resource (negative: taking it), buyers get `R + X` for `C`, so the clearing price is `π* = C/(R + X)`, and the
//! pool must receive `C − R·π* = C·X/(R + X)` credits. The pool's curve cost of `X` is convex, the right side
//! concave, both zero at `X = 0`; the non-trivial crossing is found by integer bisection on `X`, taking the side of
//! the root where the pool is paid at least its curve price (2026 Alg.3 steps 2–4). Fills are then pro rata to the
//! amounts sent (rounded down); the rounding dust stays in the pool's reserves, so `H` only rises.

use cosmwasm_std::{Addr, Deps, DepsMut, Env, Order, Response, Uint128};
use hmm::pool::{Ask, BatchIntentInfo, BatchResponse};
use hmm_math::{swap_exact, Direction, MathError, SwapKind};

use super::swap::{ask_side, credit_fee, record_protocol_fee, side_of, update_prices, Moved, Side};
use super::{load_pool, transfer_msg};
use crate::curve::{class_of, class_of_mut, fee_rate, pool_curve};
use crate::error::{ContractError, ContractResult};
use crate::state::{Intent, Pool, BATCHES, CONFIG, INTENTS, MAX_INTENTS, POOLS};

#[allow(clippy::too_many_arguments)]
pub fn add_intent(
    deps: DepsMut,
    env: Env,
    token: Addr,
    trader: Addr,
    amount: Uint128,
    pool_id: u64,
    ask: Ask,
    min_out: Option<Uint128>,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    if config.paused || pool.paused {
        return Err(ContractError::Paused);
    }
    let window = pool
        .batch_window
        .ok_or(ContractError::NotBatched(pool_id))?;
    if pool.total_shares.is_zero() {
        return Err(ContractError::NoLiquidity);
    }
    let offer = side_of(&pool, &config, &token)
        .map_err(|_| ContractError::WrongToken(token.to_string()))?;
    let ask = ask_side(deps.api, &pool, &config, &ask)?;
    let (class, buy) = match (offer, ask) {
        (Side::Ai, Side::Class(j)) => (j, true),
        (Side::Class(i), Side::Ai) => (i, false),
        (Side::Ai, Side::Ai) => return Err(ContractError::SameToken),
        (Side::Class(i), Side::Class(j)) if i == j => return Err(ContractError::SameToken),
        (Side::Class(_), Side::Class(_)) => {
            return Err(ContractError::InvalidParams(
                "batch intents trade one class against $AI".to_string(),
            ))
        }
    };
    let now = env.block.time.seconds();
    let (opened, count) = BATCHES.may_load(deps.storage, pool_id)?.unwrap_or((now, 0));
    let opened = if count == 0 { now } else { opened };
    let window_end = opened.saturating_add(window);
    if now >= window_end {
        return Err(ContractError::BatchWindow { window_end, now });
    }
    if count >= MAX_INTENTS {
        return Err(ContractError::BatchFull(MAX_INTENTS));
    }
    let class = u8::try_from(class).map_err(|_| MathError::Overflow("class index"))?;
    INTENTS.save(
        deps.storage,
        (pool_id, count),
        &Intent {
            trader,
            class,
            buy,
            amount,
            min_out,
        },
    )?;
    BATCHES.save(deps.storage, pool_id, &(opened, count + 1))?;
    Ok(Response::new()
        .add_attribute("action", "batch_intent")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("intent", count.to_string())
        .add_attribute("window_end", window_end.to_string()))
}

/// The pool-side trade that clears one class, and the totals handed to buyers and sellers.
struct Clearing {
    /// CU to all buyers together.
    to_buyers: Uint128,
    /// $AI to all sellers together.
    to_sellers: Uint128,
    q_after: Uint128,
    p_after: Uint128,
}

/// Clears net amounts `c` ($AI from buyers) and `r` (CU from sellers) against class `class` of `pool`.
fn clear_class(pool: &Pool, class: usize, c: Uint128, r: Uint128) -> ContractResult<Clearing> {
    let k = class_of(pool, class)?;
    let (q, p) = (k.resource_reserve, k.credit_reserve);
    let curve = pool_curve(pool, class)?;
    let swap = |d, kind, amount| swap_exact(&curve, q, p, d, kind, amount);
    if r.is_zero() {
        let o = swap(Direction::BuyResource, SwapKind::ExactIn, c)?;
        return Ok(Clearing {
            to_buyers: o.amount_out,
            to_sellers: Uint128::zero(),
            q_after: o.q_after,
            p_after: o.p_after,
        });
    }
    if c.is_zero() {
        let o = swap(Direction::SellResource, SwapKind::ExactIn, r)?;
        return Ok(Clearing {
            to_buyers: Uint128::zero(),
            to_sellers: o.amount_out,
            q_after: o.q_after,
            p_after: o.p_after,
        });
    }
    // Net buying: largest X (pool delivers) with curve cost(X) ≤ C·X/(R + X).
    let payable = |x: Uint128| c.multiply_ratio(x, r.checked_add(x).unwrap_or(Uint128::MAX));
    let cost_ok = |x: Uint128| -> bool {
        x.is_zero()
            || swap(Direction::BuyResource, SwapKind::ExactOut, x)
                .is_ok_and(|o| o.amount_in <= payable(x))
    };
    let x = last_true(q.saturating_sub(Uint128::one()), cost_ok);
    if !x.is_zero() {
        let o = swap(Direction::BuyResource, SwapKind::ExactOut, x)?;
        return Ok(Clearing {
            to_buyers: r.checked_add(x)?,
            to_sellers: c.checked_sub(o.amount_in)?,
            q_after: o.q_after,
            p_after: o.p_after,
        });
    }
    // Net selling: largest Y (pool takes) with C·Y/(R − Y) ≤ curve proceeds(Y).
    let needed = |y: Uint128| -> Option<Uint128> {
        let rest = r.checked_sub(y).ok().filter(|v| !v.is_zero())?;
        let (num, rem) = (c.full_mul(y), cosmwasm_std::Uint256::from(rest));
        Uint128::try_from(num.checked_add(rem - cosmwasm_std::Uint256::one()).ok()? / rem).ok()
    };
    let proceeds_ok = |y: Uint128| -> bool {
        y.is_zero()
            || match (
                needed(y),
                swap(Direction::SellResource, SwapKind::ExactIn, y),
            ) {
                (Some(n), Ok(o)) => n <= o.amount_out,
                _ => false,
            }
    };
    let y = last_true(r.saturating_sub(Uint128::one()), proceeds_ok);
    if !y.is_zero() {
        let o = swap(Direction::SellResource, SwapKind::ExactIn, y)?;
        return Ok(Clearing {
            to_buyers: r.checked_sub(y)?,
            to_sellers: c.checked_add(o.amount_out)?,
            q_after: o.q_after,
            p_after: o.p_after,
        });
    }
    // Balanced at the spot price: buyers and sellers trade with each other only.
    Ok(Clearing {
        to_buyers: r,
        to_sellers: c,
        q_after: q,
        p_after: p,
    })
}

/// `Σ amounts`, refusing overflow (`Uint128`'s `Sum` would panic).
fn checked_sum(mut amounts: impl Iterator<Item = Uint128>) -> ContractResult<Uint128> {
    amounts.try_fold(Uint128::zero(), |sum, a| Ok(sum.checked_add(a)?))
}

/// The largest `x ∈ [0, hi]` with `ok(x)`, for a predicate true up to a point and false after (`ok(0)` holds).
fn last_true(hi: Uint128, ok: impl Fn(Uint128) -> bool) -> Uint128 {
    let (mut lo, mut hi) = (Uint128::zero(), hi);
    while lo < hi {
        let mid = lo + (hi - lo + Uint128::one()) / Uint128::new(2);
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid - Uint128::one();
        }
    }
    lo
}

pub fn settle_batch(deps: DepsMut, env: Env, pool_id: u64) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, pool_id)?;
    let window = pool
        .batch_window
        .ok_or(ContractError::NotBatched(pool_id))?;
    let now = env.block.time.seconds();
    let (opened, count) = BATCHES.may_load(deps.storage, pool_id)?.unwrap_or((now, 0));
    if count == 0 {
        return Err(ContractError::NothingToClaim);
    }
    let window_end = opened.saturating_add(window);
    if now < window_end {
        return Err(ContractError::BatchWindow { window_end, now });
    }
    let intents: Vec<(u32, Intent)> = INTENTS
        .prefix(pool_id)
        .range(deps.storage, None, None, Order::Ascending)
        .collect::<Result<_, _>>()?;
    let mut resp = Response::new()
        .add_attribute("action", "settle_batch")
        .add_attribute("pool_id", pool_id.to_string());
    let mut traded = vec![];
    for class in 0..pool.classes.len() {
        // Intents still in the running; one that its min_out would refuse is refunded and the class cleared again.
        let mut live: Vec<&Intent> = intents
            .iter()
            .map(|(_, i)| i)
            .filter(|i| usize::from(i.class) == class)
            .collect();
        if live.is_empty() {
            continue;
        }
        let cu_token = class_of(&pool, class)?.cu_token.clone();
        let (fills, clearing, fee_c, fee_r) = loop {
            let gross_c = checked_sum(live.iter().filter(|i| i.buy).map(|i| i.amount))?;
            let gross_r = checked_sum(live.iter().filter(|i| !i.buy).map(|i| i.amount))?;
            let k = class_of(&pool, class)?;
            let fee_c = hmm_math::fees::fee_amount(
                gross_c,
                fee_rate(&pool, gross_c, k.credit_reserve)?.into(),
            )?;
            let fee_r = hmm_math::fees::fee_amount(
                gross_r,
                fee_rate(&pool, gross_r, k.resource_reserve)?.into(),
            )?;
            let clearing = clear_class(
                &pool,
                class,
                gross_c.checked_sub(fee_c)?,
                gross_r.checked_sub(fee_r)?,
            )?;
            let fills: Vec<Uint128> = live
                .iter()
                .map(|i| {
                    if i.buy {
                        clearing.to_buyers.multiply_ratio(i.amount, gross_c)
                    } else {
                        clearing.to_sellers.multiply_ratio(i.amount, gross_r)
                    }
                })
                .collect();
            let refused: Vec<usize> = live
                .iter()
                .zip(&fills)
                .enumerate()
                .filter(|(_, (intent, fill))| intent.min_out.is_some_and(|m| **fill < m))
                .map(|(n, _)| n)
                .collect();
            if refused.is_empty() {
                break (fills, clearing, fee_c, fee_r);
            }
            for n in refused.into_iter().rev() {
                let i = live.remove(n);
                let token = if i.buy {
                    config.ai_token.clone()
                } else {
                    cu_token.clone()
                };
                resp = resp.add_message(transfer_msg(&token, &i.trader, i.amount)?);
            }
            if live.is_empty() {
                break (
                    vec![],
                    Clearing {
                        to_buyers: Uint128::zero(),
                        to_sellers: Uint128::zero(),
                        q_after: k.resource_reserve,
                        p_after: k.credit_reserve,
                    },
                    Uint128::zero(),
                    Uint128::zero(),
                );
            }
        };
        if live.is_empty() {
            continue;
        }
        // Fees as in continuous trading, then the pool state; pro-rata dust stays in the reserves.
        let (t, b) = credit_fee(&mut pool, class, Direction::BuyResource, fee_c)?;
        record_protocol_fee(deps.storage, &config.ai_token, t, b)?;
        let (t, b) = credit_fee(&mut pool, class, Direction::SellResource, fee_r)?;
        record_protocol_fee(deps.storage, &cu_token, t, b)?;
        let paid_cu = checked_sum(
            live.iter()
                .zip(&fills)
                .filter(|(i, _)| i.buy)
                .map(|(_, f)| *f),
        )?;
        let paid_ai = checked_sum(
            live.iter()
                .zip(&fills)
                .filter(|(i, _)| !i.buy)
                .map(|(_, f)| *f),
        )?;
        let k = class_of_mut(&mut pool, class)?;
        k.resource_reserve = clearing
            .q_after
            .checked_add(clearing.to_buyers.checked_sub(paid_cu)?)?;
        k.credit_reserve = clearing
            .p_after
            .checked_add(clearing.to_sellers.checked_sub(paid_ai)?)?;
        for (i, fill) in live.iter().zip(&fills) {
            let token = if i.buy {
                cu_token.clone()
            } else {
                config.ai_token.clone()
            };
            if !fill.is_zero() {
                resp = resp.add_message(transfer_msg(&token, &i.trader, *fill)?);
            }
        }
        resp = resp.add_attribute(
            "cleared",
            format!("{cu_token}:{}:{}", clearing.to_buyers, clearing.to_sellers),
        );
        // The clearing moved the reserves off the solved state: the price is computed from the pool.
        traded.push((class, None));
    }
    for (n, _) in &intents {
        INTENTS.remove(deps.storage, (pool_id, *n));
    }
    BATCHES.remove(deps.storage, pool_id);
    update_prices(deps.storage, &mut pool, Moved::Traded(&traded), now)?;
    POOLS.save(deps.storage, pool_id, &pool)?;
    Ok(resp)
}

pub fn batch_query(deps: Deps, env: &Env, pool_id: u64) -> ContractResult<BatchResponse> {
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    let window = pool
        .batch_window
        .ok_or(ContractError::NotBatched(pool_id))?;
    let (opened, count) = BATCHES
        .may_load(deps.storage, pool_id)?
        .unwrap_or((env.block.time.seconds(), 0));
    let mut intents = vec![];
    for item in INTENTS
        .prefix(pool_id)
        .range(deps.storage, None, None, Order::Ascending)
    {
        let (_, i) = item?;
        let cu = pool
            .classes
            .get(usize::from(i.class))
            .map(|c| c.cu_token.clone())
            .ok_or(ContractError::NoLiquidity)?;
        let (offer_token, ask_token) = if i.buy {
            (config.ai_token.clone(), cu)
        } else {
            (cu, config.ai_token.clone())
        };
        intents.push(BatchIntentInfo {
            trader: i.trader,
            offer_token,
            offer_amount: i.amount,
            ask_token,
            min_out: i.min_out,
        });
    }
    Ok(BatchResponse {
        window_end: (count > 0).then(|| opened.saturating_add(window)),
        intents,
    })
}
