//! Queries, every one of them. Quotes run the same planning code as swaps on copies of the pools. (Bundle routes
//! are the router's: `contracts/router`.)

use cosmwasm_std::{Decimal256, Deps, Env, Order, SignedDecimal256, Uint128};
use hmm::pool::{
    Ask, BatchIntentInfo, BatchResponse, ClassInfo, ConfigResponse, CrossPriceResponse,
    ImpermanentLossResponse, OwedResponse, PoolResponse, PoolsResponse, QuoteResponse,
    ShareResponse, SpotPriceResponse, TokenAmount, TwapResponse,
};
use hmm_math::swap::atoms;
use hmm_math::{Hamiltonian, MathError, PhaseState, Rounding, Sdec, Udec};
use hmm_pool_engine::curve::{
    accumulate, class_of, invariant, pool_curve, spot_price as class_spot,
};
use hmm_pool_engine::trade::{plan_swap, Side};

use crate::error::{ContractError, ContractResult};
use crate::execute::liquidity::settled_position;
use crate::execute::load_pool;
use crate::execute::swap::{ask_side, side_of};
use crate::state::{
    Pool, BATCHES, CONFIG, INTENTS, OBSERVATIONS, OBSERVATION_HEAD, OBSERVATION_SLOTS, OWED, POOLS,
    PROTOCOL_FEES,
};

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    let mut pending_treasury = vec![];
    let mut pending_burn = vec![];
    for item in PROTOCOL_FEES.range(deps.storage, None, None, Order::Ascending) {
        let (token, (t, b)) = item?;
        pending_treasury.push(TokenAmount {
            token: token.clone(),
            amount: t,
        });
        pending_burn.push(TokenAmount { token, amount: b });
    }
    Ok(ConfigResponse {
        ai_token: c.ai_token,
        treasury: c.treasury,
        permissionless_pools: c.permissionless_pools,
        paused: c.paused,
        pool_count: c.pool_count,
        pending_treasury,
        pending_burn,
    })
}

fn pool_response(pool: Pool) -> ContractResult<PoolResponse> {
    let mut classes = Vec::with_capacity(pool.classes.len());
    for (i, c) in pool.classes.iter().enumerate() {
        classes.push(ClassInfo {
            cu_token: c.cu_token.clone(),
            weight: c.weight,
            target_reserve: c.target_reserve,
            reference_credit: c.reference_credit,
            resource_reserve: c.resource_reserve,
            credit_reserve: c.credit_reserve,
            spot_price: if c.resource_reserve.is_zero() {
                Decimal256::zero()
            } else {
                class_spot(&pool, i)?
            },
        });
    }
    Ok(PoolResponse {
        pool_id: pool.id,
        kind: pool.kind,
        invariant: invariant(&pool)?,
        classes,
        lambda_now: pool.lambda_now,
        volatility: pool.volatility,
        curvature: pool.curvature,
        fees: pool.fees,
        execution: pool.execution,
        sla: pool.sla,
        max_price_impact: pool.max_price_impact,
        batch_window: pool.batch_window,
        total_shares: pool.total_shares,
        paused: pool.paused,
    })
}

pub fn pool(deps: Deps, pool_id: u64) -> ContractResult<PoolResponse> {
    pool_response(load_pool(deps.storage, pool_id)?)
}

pub fn pools(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<PoolsResponse> {
    let limit = limit.unwrap_or(10).min(30) as usize;
    let pools = POOLS
        .page(deps.storage, start_after, limit)?
        .into_iter()
        .map(pool_response)
        .collect::<ContractResult<Vec<_>>>()?;
    Ok(PoolsResponse { pools })
}

fn class_index(deps: Deps, pool: &Pool, token: &str) -> ContractResult<usize> {
    let config = CONFIG.load(deps.storage)?;
    match side_of(pool, &config, &deps.api.addr_validate(token)?)? {
        Side::Class(i) => Ok(i),
        Side::Ai => Err(ContractError::UnknownClass(token.to_string(), pool.id)),
    }
}

pub fn spot_price(deps: Deps, pool_id: u64, cu_token: String) -> ContractResult<SpotPriceResponse> {
    let pool = load_pool(deps.storage, pool_id)?;
    let i = class_index(deps, &pool, &cu_token)?;
    Ok(SpotPriceResponse {
        price: class_spot(&pool, i)?,
    })
}

/// Two-class view of the pool for the trait-level cross prices (eq.21 and the credit route).
struct TwoClasses {
    curves: [hmm_math::ClassCurve; 2],
}

impl Hamiltonian for TwoClasses {
    fn classes(&self) -> usize {
        2
    }
    fn class_curve(&self, i: usize) -> hmm_math::MathResult<hmm_math::ClassCurve> {
        self.curves
            .get(i)
            .copied()
            .ok_or(MathError::ClassOutOfRange {
                index: i,
                classes: 2,
            })
    }
}

pub fn cross_price(
    deps: Deps,
    pool_id: u64,
    offer_cu: String,
    ask_cu: String,
) -> ContractResult<CrossPriceResponse> {
    let pool = load_pool(deps.storage, pool_id)?;
    let i = class_index(deps, &pool, &offer_cu)?;
    let j = class_index(deps, &pool, &ask_cu)?;
    if i == j {
        return Err(ContractError::SameToken);
    }
    let h = TwoClasses {
        curves: [pool_curve(&pool, i)?, pool_curve(&pool, j)?],
    };
    let (ci, cj) = (class_of(&pool, i)?, class_of(&pool, j)?);
    let state = PhaseState::new(
        vec![atoms(ci.resource_reserve)?, atoms(cj.resource_reserve)?],
        vec![atoms(ci.credit_reserve)?, atoms(cj.credit_reserve)?],
    )?;
    let route = h.route_cross_price(&state, 0, 1, Rounding::Down)?;
    let eq21 = h.cross_price(&state, 0, 1, Rounding::Down)?;
    Ok(CrossPriceResponse {
        route_price: route.to_unsigned("price")?.into(),
        eq21_price: SignedDecimal256::from(eq21),
    })
}

#[allow(clippy::too_many_arguments)]
pub fn quote(
    deps: Deps,
    env: &Env,
    pool_id: u64,
    offer: String,
    ask: Ask,
    amount: Uint128,
    reverse: bool,
) -> ContractResult<QuoteResponse> {
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    let offer_side = side_of(&pool, &config, &deps.api.addr_validate(&offer)?)?;
    let ask = ask_side(deps.api, &pool, &config, &ask)?;
    let plan = plan_swap(&pool, offer_side, ask, amount, reverse.then_some(amount))?;
    Ok(QuoteResponse {
        offer_amount: plan.offer_amount,
        return_amount: plan.return_amount,
        fee_amount: plan.fee_amount,
        fee_rate: plan.fee_rate,
        slippage_bps: plan.impact_bps,
        expiry_height: env.block.height,
    })
}

pub fn share(deps: Deps, pool_id: u64, owner: String) -> ContractResult<ShareResponse> {
    let pool = load_pool(deps.storage, pool_id)?;
    let owner = deps.api.addr_validate(&owner)?;
    let pos = settled_position(deps.storage, &pool, &owner)?;
    let (resources, credits) = pro_rata(&pool, pos.shares)?;
    Ok(ShareResponse {
        shares: pos.shares,
        total_shares: pool.total_shares,
        resources,
        credits,
        pending_fee_credits: pos.owed_credits,
        pending_fee_resources: pos.owed_resources,
    })
}

fn pro_rata(pool: &Pool, shares: Uint128) -> ContractResult<(Vec<Uint128>, Uint128)> {
    let mut resources = vec![];
    let mut credits = Uint128::zero();
    if pool.total_shares.is_zero() {
        return Ok((vec![Uint128::zero(); pool.classes.len()], credits));
    }
    for c in &pool.classes {
        resources.push(c.resource_reserve.multiply_ratio(shares, pool.total_shares));
        credits =
            credits.checked_add(c.credit_reserve.multiply_ratio(shares, pool.total_shares))?;
    }
    Ok((resources, credits))
}

pub fn twap(
    deps: Deps,
    env: &Env,
    pool_id: u64,
    cu_token: String,
    window: Option<u64>,
) -> ContractResult<TwapResponse> {
    let pool = load_pool(deps.storage, pool_id)?;
    let i = class_index(deps, &pool, &cu_token)?;
    let class = class_of(&pool, i)?;
    let window = window.unwrap_or(1800).max(1);
    let now = env.block.time.seconds();
    // Cumulative extrapolated to now at the price in force since the last update.
    let cumulative_now = accumulate(
        class.price_cumulative,
        class.last_price,
        now.saturating_sub(pool.last_update),
    )?;
    let idx = u8::try_from(i).map_err(|_| MathError::Overflow("class index"))?;
    let (head, count) = OBSERVATION_HEAD
        .may_load(deps.storage, (pool_id, idx))?
        .unwrap_or((0, 0));
    // Newest observation at or before now − window; else the oldest one kept. The ring holds observations in time
    // order (k = 0 the newest), so a binary search over k loads ~log₂ 64 = 6 records, not up to 64 (each load is a
    // storage read the caller pays for: poai prices collateral with this query).
    let target = now.saturating_sub(window);
    if count == 0 {
        return Err(ContractError::NoLiquidity);
    }
    let load = |k: u16| {
        let slot = (head + OBSERVATION_SLOTS - k) % OBSERVATION_SLOTS;
        OBSERVATIONS.load(deps.storage, (pool_id, idx, slot))
    };
    // Smallest k in [0, count − 1] whose observation is at or before the target; the oldest if none is.
    let (mut lo, mut hi) = (0u16, count - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if load(mid)?.time <= target {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let start = load(lo)?;
    let covered = now.saturating_sub(start.time);
    let price = if covered == 0 {
        class.last_price
    } else {
        let moved = cumulative_now
            .checked_sub(start.cumulative)
            .map_err(|_| MathError::Negative("twap"))?;
        Udec::from(moved)
            .div(Udec::from_int(u128::from(covered)), Rounding::Down)?
            .into()
    };
    Ok(TwapResponse {
        price,
        window: covered,
        cumulative_now,
        cumulative_start: start.cumulative,
        observations: u32::from(count),
        spot: class_spot(&pool, i)?,
        resource_reserve: class.resource_reserve,
    })
}

/// 2026 eq.25 at current spot prices, and 2025 eq.14 for the first class's price ratio since the deposit.
pub fn impermanent_loss(
    deps: Deps,
    pool_id: u64,
    owner: String,
) -> ContractResult<ImpermanentLossResponse> {
    let pool = load_pool(deps.storage, pool_id)?;
    let owner = deps.api.addr_validate(&owner)?;
    let pos = settled_position(deps.storage, &pool, &owner)?;
    if pos.shares.is_zero() {
        return Err(ContractError::InsufficientShares {
            has: Uint128::zero(),
            asked: Uint128::one(),
        });
    }
    let (resources, credits) = pro_rata(&pool, pos.shares)?;
    let mut value_pool = Udec::from_amount(credits);
    let mut value_hold = Udec::from_amount(pos.deposited_credits);
    for (i, (now_q, held_q)) in resources.iter().zip(&pos.deposited_resources).enumerate() {
        let price: Udec = class_spot(&pool, i)?.into();
        value_pool =
            value_pool.checked_add(Udec::from_amount(*now_q).mul(price, Rounding::Down)?)?;
        value_hold =
            value_hold.checked_add(Udec::from_amount(*held_q).mul(price, Rounding::Down)?)?;
    }
    let il = value_pool
        .to_signed()?
        .div(value_hold.to_signed()?, Rounding::Down)?
        .checked_sub(Sdec::one())?;
    // r = π_now / π_entry for class 0, entry price = deposited credits share of class 0 / deposited resource.
    let first = class_of(&pool, 0)?;
    let entry_price = Udec::from_amount(first.reference_credit)
        .div(Udec::from_amount(first.target_reserve), Rounding::Down)?;
    let r = Udec::from(class_spot(&pool, 0)?).div(entry_price, Rounding::Down)?;
    let cp = hmm_math::impermanent_loss::il_constant_product(r)?;
    Ok(ImpermanentLossResponse {
        impermanent_loss: il.into(),
        constant_product_reference: cp.into(),
        value_pool: value_pool.to_amount(Rounding::Down)?,
        value_hold: value_hold.to_amount(Rounding::Down)?,
    })
}

/// What the owed ledger holds for `address`, per token.
pub fn owed(deps: Deps, address: String) -> ContractResult<OwedResponse> {
    let address = deps.api.addr_validate(&address)?;
    let owed = OWED
        .prefix(&address)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|item| item.map(|(token, amount)| TokenAmount { token, amount }))
        .collect::<Result<_, _>>()?;
    Ok(OwedResponse { owed })
}

/// `Batch`: the intents waiting in a pool's batch and when its window closes.
pub fn batch(deps: Deps, env: &Env, pool_id: u64) -> ContractResult<BatchResponse> {
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    let window = pool
        .batch_window
        .ok_or(ContractError::NotBatched(pool_id))?;
    let (opened, count) = BATCHES
        .may_load(deps.storage, pool_id)?
        .unwrap_or((env.block.time.seconds(), 0));
    let mut intents = vec![];
    for item in INTENTS.prefix_range(deps.storage, pool_id, Order::Ascending) {
        let (n, i) = item?;
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
            intent: n,
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
