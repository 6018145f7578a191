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

use cosmwasm_std::{
    Addr, CosmosMsg, DepsMut, Env, MessageInfo, Order, Response, Storage, Uint128, Uint256,
};
use hmm::pool::{Ask, BATCH_GRACE, DEFER_AFTER, MAX_INTENTS_PER_TRADER};
use hmm_math::{swap_exact, Direction, MathError, Rounding, SwapKind, Udec};
use hmm_pool_engine::curve::{class_of, class_of_mut, fee_rate, pool_curve};
use hmm_pool_engine::prices::Moved;
use hmm_pool_engine::trade::{credit_fee, quote_leg, Side};

use super::swap::{ask_side, record_protocol_fee, side_of};
use super::{credit_owed, deferred_tokens, load_pool, pay, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{
    Config, Intent, Pool, BATCHES, CONFIG, INTENTS, MAX_INTENTS, MIN_INTENT_PPM, POOLS,
    TRADER_INTENTS,
};
use crate::twap::update_prices;

/// The token an intent was paid in: $AI for a buy, the class's CU for a sale.
fn offer_token(pool: &Pool, config: &Config, intent: &Intent) -> ContractResult<Addr> {
    if intent.buy {
        Ok(config.ai_token.clone())
    } else {
        Ok(class_of(pool, usize::from(intent.class))?.cu_token.clone())
    }
}

/// What an intent is worth in $AI atoms at its class's recorded price (to compare intents of both sides when a
/// full batch evicts the smallest), rounded down.
fn intent_value(pool: &Pool, intent: &Intent) -> ContractResult<Uint128> {
    if intent.buy {
        return Ok(intent.amount);
    }
    let price = class_of(pool, usize::from(intent.class))?.last_price;
    Ok(Udec::from_amount(intent.amount)
        .mul(price.into(), Rounding::Down)?
        .to_amount(Rounding::Down)?)
}

/// The intents waiting in the batch of `pool_id`, by slot.
fn waiting_intents(storage: &dyn Storage, pool_id: u64) -> ContractResult<Vec<(u32, Intent)>> {
    Ok(INTENTS
        .prefix_range(storage, pool_id, Order::Ascending)
        .collect::<Result<_, _>>()?)
}

/// One fewer intent held by `trader` in the batch of `pool_id`.
fn release_slot(storage: &mut dyn Storage, pool_id: u64, trader: &Addr) -> ContractResult<()> {
    match TRADER_INTENTS.may_load(storage, (pool_id, trader))? {
        Some(n) if n > 1 => TRADER_INTENTS.save(storage, (pool_id, trader), &(n - 1))?,
        _ => TRADER_INTENTS.remove(storage, (pool_id, trader)),
    }
    Ok(())
}

/// The open batch of a pool: (block time it opened, slots used), and when its window closes.
fn open_batch(storage: &dyn Storage, pool: &Pool) -> ContractResult<(u64, u32, u64)> {
    let window = pool
        .batch_window
        .ok_or(ContractError::NotBatched(pool.id))?;
    let (opened, count) = BATCHES
        .may_load(storage, pool.id)?
        .ok_or(ContractError::NothingToClaim)?;
    Ok((opened, count, opened.saturating_add(window)))
}

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
    // An intent must be able to trade on its own: at least a millionth of the reserve it sells into, and enough
    // that its fee leaves something for the curve (a swap of it now would return a positive amount).
    let direction = if buy {
        Direction::BuyResource
    } else {
        Direction::SellResource
    };
    let k = class_of(&pool, class)?;
    let reserve_in = if buy {
        k.credit_reserve
    } else {
        k.resource_reserve
    };
    let minimum = reserve_in
        .checked_mul(Uint128::new(MIN_INTENT_PPM))?
        .checked_div(Uint128::new(1_000_000))
        .map_err(|_| MathError::DivideByZero("intent minimum"))?;
    let alone = quote_leg(&pool, class, direction, SwapKind::ExactIn, amount);
    if amount < minimum || !alone.is_ok_and(|leg| !leg.out.is_zero()) {
        return Err(ContractError::IntentTooSmall {
            amount,
            minimum: minimum.max(Uint128::one()),
        });
    }
    let now = env.block.time.seconds();
    let (opened, count) = match BATCHES.may_load(deps.storage, pool_id)? {
        Some((opened, count)) if count > 0 => (opened, count),
        _ => (now, 0),
    };
    let window_end = opened.saturating_add(window);
    if now >= window_end {
        return Err(ContractError::BatchWindow { window_end, now });
    }
    let held = TRADER_INTENTS
        .may_load(deps.storage, (pool_id, &trader))?
        .unwrap_or_default();
    if held >= MAX_INTENTS_PER_TRADER {
        return Err(ContractError::TooManyIntents(MAX_INTENTS_PER_TRADER));
    }
    let class = u8::try_from(class).map_err(|_| MathError::Overflow("class index"))?;
    let intent = Intent {
        trader: trader.clone(),
        class,
        buy,
        amount,
        min_out,
    };
    let mut resp = Response::new();
    // The slot: the next one while the batch has room, else a cancelled one, else the smallest intent's (evicted
    // to the owed ledger if the new intent is worth more).
    let (slot, next_count) = if count < MAX_INTENTS {
        (count, count + 1)
    } else {
        let waiting = waiting_intents(deps.storage, pool_id)?;
        let free = (0..MAX_INTENTS).find(|n| waiting.iter().all(|(i, _)| i != n));
        match free {
            Some(n) => (n, count),
            None => {
                let mut smallest: Option<(u32, &Intent, Uint128)> = None;
                for (n, i) in &waiting {
                    let v = intent_value(&pool, i)?;
                    if smallest.is_none_or(|(_, _, s)| v < s) {
                        smallest = Some((*n, i, v));
                    }
                }
                let new_value = intent_value(&pool, &intent)?;
                let Some((n, evicted, value)) = smallest.filter(|s| new_value > s.2) else {
                    return Err(ContractError::BatchFull(MAX_INTENTS));
                };
                credit_owed(
                    deps.storage,
                    &evicted.trader,
                    &offer_token(&pool, &config, evicted)?,
                    evicted.amount,
                )?;
                release_slot(deps.storage, pool_id, &evicted.trader)?;
                resp = resp.add_attribute("evicted", format!("{n}:{}:{value}", evicted.trader));
                (n, count)
            }
        }
    };
    INTENTS.save(deps.storage, (pool_id, slot), &intent)?;
    TRADER_INTENTS.save(deps.storage, (pool_id, &trader), &(held + 1))?;
    BATCHES.save(deps.storage, pool_id, &(opened, next_count))?;
    Ok(resp
        .add_attribute("action", "batch_intent")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("intent", slot.to_string())
        .add_attribute("window_end", window_end.to_string()))
}

/// The owner of a waiting intent takes it back before the window closes.
pub fn cancel_intent(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pool_id: u64,
    slot: u32,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    let (_, _, window_end) = open_batch(deps.storage, &pool)?;
    let intent = INTENTS
        .may_load(deps.storage, (pool_id, slot))?
        .ok_or(ContractError::UnknownIntent(slot))?;
    if intent.trader != info.sender {
        return Err(ContractError::Unauthorized("the intent's trader"));
    }
    let now = env.block.time.seconds();
    if now >= window_end {
        return Err(ContractError::BatchWindow { window_end, now });
    }
    INTENTS.remove(deps.storage, (pool_id, slot));
    release_slot(deps.storage, pool_id, &intent.trader)?;
    let token = offer_token(&pool, &config, &intent)?;
    Ok(Response::new()
        .add_message(transfer_msg(&token, &intent.trader, intent.amount)?)
        .add_attribute("action", "cancel_intent")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("intent", slot.to_string()))
}

/// Removes a batch and every trace of it (intents, per-trader counts).
fn close_batch(
    storage: &mut dyn Storage,
    pool_id: u64,
    intents: &[(u32, Intent)],
) -> ContractResult<()> {
    for (n, i) in intents {
        INTENTS.remove(storage, (pool_id, *n));
        TRADER_INTENTS.remove(storage, (pool_id, &i.trader));
    }
    BATCHES.remove(storage, pool_id);
    Ok(())
}

/// Anyone: refund every intent of a batch left unsettled [`BATCH_GRACE`] seconds past its window.
pub fn refund_batch(
    deps: DepsMut,
    env: Env,
    pool_id: u64,
    defer: Vec<String>,
) -> ContractResult<Response> {
    let defer = deferred_tokens(deps.api, &defer)?;
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    let (_, _, window_end) = open_batch(deps.storage, &pool)?;
    let now = env.block.time.seconds();
    let refundable_at = window_end.saturating_add(BATCH_GRACE);
    if now < refundable_at {
        return Err(ContractError::BatchWindow {
            window_end: refundable_at,
            now,
        });
    }
    let intents = waiting_intents(deps.storage, pool_id)?;
    let mut msgs: Vec<CosmosMsg> = vec![];
    for (_, i) in &intents {
        let token = offer_token(&pool, &config, i)?;
        msgs.extend(pay(deps.storage, &defer, &token, &i.trader, i.amount)?);
    }
    close_batch(deps.storage, pool_id, &intents)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "refund_batch")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("refunded", intents.len().to_string()))
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
    // C·X/(R + X) rounded down: the pool is never promised more than the buyers pay.
    let payable = |x: Uint128| -> Option<Uint128> {
        c.checked_multiply_ratio(x, r.checked_add(x).ok()?).ok()
    };
    let cost_ok = |x: Uint128| -> bool {
        x.is_zero()
            || match (
                payable(x),
                swap(Direction::BuyResource, SwapKind::ExactOut, x),
            ) {
                (Some(pay), Ok(o)) => o.amount_in <= pay,
                _ => false,
            }
    };
    let x = last_true(q.checked_sub(Uint128::one()).unwrap_or_default(), cost_ok);
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
    // ⌈C·Y/(R − Y)⌉: the credits the pool must add for the sellers, rounded up (in the pool's favour).
    let needed = |y: Uint128| -> Option<Uint128> {
        let rest = Uint256::from(r.checked_sub(y).ok().filter(|v| !v.is_zero())?);
        let num = c
            .full_mul(y)
            .checked_add(rest.checked_sub(Uint256::one()).ok()?)
            .ok()?;
        Uint128::try_from(num.checked_div(rest).ok()?).ok()
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
    let y = last_true(
        r.checked_sub(Uint128::one()).unwrap_or_default(),
        proceeds_ok,
    );
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
        // mid = lo + ⌈(hi − lo)/2⌉ ∈ (lo, hi]: no step can overflow or underflow.
        let span = hi.u128().abs_diff(lo.u128());
        let mid = Uint128::new(lo.u128().wrapping_add(span / 2 + span % 2));
        if ok(mid) {
            lo = mid;
        } else {
            hi = Uint128::new(mid.u128().wrapping_sub(1));
        }
    }
    lo
}

/// What clearing one class pays and books.
struct ClassSettlement {
    /// (trader, token, amount): fills and the refunds of intents whose `min_out` the clearing missed.
    payouts: Vec<(Addr, Addr, Uint128)>,
    /// (token, treasury, burn) parts of the class's fees.
    protocol: Vec<(Addr, Uint128, Uint128)>,
    /// CU to the buyers and $AI to the sellers, in total.
    cleared: (Uint128, Uint128),
}

/// Clears class `class` of `pool` (moved in place) for the intents `live`. An error leaves the caller to refund
/// the class's intents and keep its own copy of the pool.
fn settle_class(
    pool: &mut Pool,
    config: &Config,
    class: usize,
    mut live: Vec<&Intent>,
) -> ContractResult<ClassSettlement> {
    let cu_token = class_of(pool, class)?.cu_token.clone();
    let mut payouts = vec![];
    // Intents still in the running; one that its min_out would refuse is refunded and the class cleared again.
    let (fills, clearing, fee_c, fee_r) = loop {
        let gross_c = checked_sum(live.iter().filter(|i| i.buy).map(|i| i.amount))?;
        let gross_r = checked_sum(live.iter().filter(|i| !i.buy).map(|i| i.amount))?;
        let k = class_of(pool, class)?;
        let fee_c =
            hmm_math::fees::fee_amount(gross_c, fee_rate(pool, gross_c, k.credit_reserve)?.into())?;
        let fee_r = hmm_math::fees::fee_amount(
            gross_r,
            fee_rate(pool, gross_r, k.resource_reserve)?.into(),
        )?;
        let clearing = clear_class(
            pool,
            class,
            gross_c.checked_sub(fee_c)?,
            gross_r.checked_sub(fee_r)?,
        )?;
        // Pro rata, rounded down: the dust stays in the reserves.
        let fills: Vec<Uint128> = live
            .iter()
            .map(|i| {
                if i.buy {
                    clearing.to_buyers.checked_multiply_ratio(i.amount, gross_c)
                } else {
                    clearing
                        .to_sellers
                        .checked_multiply_ratio(i.amount, gross_r)
                }
            })
            .collect::<Result<_, _>>()
            .map_err(|_| MathError::Overflow("batch fill"))?;
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
            payouts.push((i.trader.clone(), token, i.amount));
        }
        if live.is_empty() {
            return Ok(ClassSettlement {
                payouts,
                protocol: vec![],
                cleared: (Uint128::zero(), Uint128::zero()),
            });
        }
    };
    let mut paid_cu = Uint128::zero();
    let mut paid_ai = Uint128::zero();
    for (i, fill) in live.iter().zip(&fills) {
        let token = if i.buy {
            paid_cu = paid_cu.checked_add(*fill)?;
            cu_token.clone()
        } else {
            paid_ai = paid_ai.checked_add(*fill)?;
            config.ai_token.clone()
        };
        payouts.push((i.trader.clone(), token, *fill));
    }
    let k = class_of_mut(pool, class)?;
    k.resource_reserve = clearing
        .q_after
        .checked_add(clearing.to_buyers.checked_sub(paid_cu)?)?;
    k.credit_reserve = clearing
        .p_after
        .checked_add(clearing.to_sellers.checked_sub(paid_ai)?)?;
    // The pool state, then the fees as in continuous trading; pro-rata dust stays in the reserves.
    let (t_c, b_c) = credit_fee(pool, class, Direction::BuyResource, fee_c)?;
    let (t_r, b_r) = credit_fee(pool, class, Direction::SellResource, fee_r)?;
    let protocol = vec![
        (config.ai_token.clone(), t_c, b_c),
        (cu_token.clone(), t_r, b_r),
    ];
    Ok(ClassSettlement {
        payouts,
        protocol,
        cleared: (clearing.to_buyers, clearing.to_sellers),
    })
}

/// Anyone, once the window closed: clear every class at one price (2026 Alg.3). A class whose clearing fails is
/// refunded and the others settle, so no intent can hold the batch.
pub fn settle_batch(
    deps: DepsMut,
    env: Env,
    pool_id: u64,
    defer: Vec<String>,
) -> ContractResult<Response> {
    let defer = deferred_tokens(deps.api, &defer)?;
    let config = CONFIG.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, pool_id)?;
    let (_, count, window_end) = open_batch(deps.storage, &pool)?;
    if count == 0 {
        return Err(ContractError::NothingToClaim);
    }
    let now = env.block.time.seconds();
    if now < window_end {
        return Err(ContractError::BatchWindow { window_end, now });
    }
    let defer_from = window_end.saturating_add(DEFER_AFTER);
    if !defer.is_empty() && now < defer_from {
        return Err(ContractError::DeferTooEarly {
            from: defer_from,
            now,
        });
    }
    let intents = waiting_intents(deps.storage, pool_id)?;
    let mut resp = Response::new()
        .add_attribute("action", "settle_batch")
        .add_attribute("pool_id", pool_id.to_string());
    let mut payouts: Vec<(Addr, Addr, Uint128)> = vec![];
    let mut traded = vec![];
    for class in 0..pool.classes.len() {
        let live: Vec<&Intent> = intents
            .iter()
            .map(|(_, i)| i)
            .filter(|i| usize::from(i.class) == class)
            .collect();
        if live.is_empty() {
            continue;
        }
        let cu_token = class_of(&pool, class)?.cu_token.clone();
        let mut trial = pool.clone();
        match settle_class(&mut trial, &config, class, live.clone()) {
            Ok(settled) => {
                pool = trial;
                for (token, treasury, burn) in &settled.protocol {
                    record_protocol_fee(deps.storage, token, *treasury, *burn)?;
                }
                payouts.extend(settled.payouts);
                resp = resp.add_attribute(
                    "cleared",
                    format!("{cu_token}:{}:{}", settled.cleared.0, settled.cleared.1),
                );
                // The clearing moved the reserves off the solved state: the price is computed from the pool.
                traded.push((class, None));
            }
            Err(e) => {
                for i in live {
                    payouts.push((i.trader.clone(), offer_token(&pool, &config, i)?, i.amount));
                }
                resp = resp.add_attribute("refunded_class", format!("{cu_token}: {e}"));
            }
        }
    }
    let mut msgs: Vec<CosmosMsg> = vec![];
    for (trader, token, amount) in &payouts {
        msgs.extend(pay(deps.storage, &defer, token, trader, *amount)?);
    }
    close_batch(deps.storage, pool_id, &intents)?;
    update_prices(deps.storage, &mut pool, Moved::Traded(&traded), now)?;
    POOLS.save(deps.storage, pool_id, &pool)?;
    Ok(resp.add_messages(msgs))
}
