//! Swaps: `Receive` hooks, the per-class legs, and the bookkeeping after a trade (fees, TWAP, volatility, λ(t)).
//!
//! A trade is planned on an in-memory copy of the pool (the same code answers `Quote`), then saved once.

use cosmwasm_std::{
    from_json, Addr, Decimal256, DepsMut, Env, MessageInfo, Response, Storage, Uint128, Uint256,
};
use cw20::Cw20ReceiveMsg;
use hmm::pool::{Ask, ExecutionMode, ReceiveMsg};
use hmm_math::swap::atoms;
use hmm_math::swap::swap_exact;
use hmm_math::{ClassCurve, Direction, MathError, Rounding, SwapKind, Udec};

use super::{check_deadline, load_pool, route, transfer_msg};
use crate::curve::{
    accumulate, class_curve, class_of, class_of_mut, fee_rate, pool_curve, price_at, split_fee,
    spot_price, spot_price_on,
};
use crate::error::{ContractError, ContractResult};
use crate::state::{
    Config, Observation, Pool, CONFIG, OBSERVATIONS, OBSERVATION_HEAD, OBSERVATION_INTERVAL,
    OBSERVATION_SLOTS, POOLS, PROTOCOL_FEES,
};

/// One side of a trade within a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Ai,
    Class(usize),
}

/// One leg: a trade between class `class` and credits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leg {
    pub class: usize,
    pub direction: Direction,
    /// What the trader pays, fee included.
    pub gross_in: Uint128,
    /// What reaches the curve.
    pub net_in: Uint128,
    pub fee: Uint128,
    pub fee_rate: Decimal256,
    pub out: Uint128,
    pub q_after: Uint128,
    pub p_after: Uint128,
    /// Price impact of the curve part against the spot price, in basis points (rounded up).
    pub impact_bps: u32,
    /// The class's spot price after the leg (what `update_prices` records), from the solve's own gradient.
    pub price_after: Decimal256,
}

/// The outcome of a planned swap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwapPlan {
    pub offer_amount: Uint128,
    pub return_amount: Uint128,
    /// Total fee expressed in the offered token (a second leg's fee converted at the first leg's rate).
    pub fee_amount: Uint128,
    pub fee_rate: Decimal256,
    pub impact_bps: u32,
    pub legs: Vec<Leg>,
}

fn reserves(pool: &Pool, class: usize) -> ContractResult<(Uint128, Uint128)> {
    let c = class_of(pool, class)?;
    if c.resource_reserve.is_zero() || pool.total_shares.is_zero() {
        return Err(ContractError::NoLiquidity);
    }
    Ok((c.resource_reserve, c.credit_reserve))
}

/// Solve the curve part of a leg: net input `amount` (exact in) or output `amount` (exact out).
fn curve_swap(
    pool: &Pool,
    curve: &ClassCurve,
    (q, p): (Uint128, Uint128),
    direction: Direction,
    kind: SwapKind,
    amount: Uint128,
) -> ContractResult<hmm_math::SwapOutcome> {
    match pool.execution {
        ExecutionMode::Exact => Ok(swap_exact(curve, q, p, direction, kind, amount)?),
        ExecutionMode::Verlet { .. } | ExecutionMode::Ruth4 { .. } => {
            crate::curve::flow_swap(curve, pool.execution, q, p, direction, kind, amount)
        }
    }
}

fn impact_bps(
    spot: Decimal256,
    direction: Direction,
    net_in: Uint128,
    out: Uint128,
) -> ContractResult<u32> {
    if spot.is_zero() {
        return Ok(0);
    }
    let spot = Udec::from(spot);
    // Effective price in credits per resource of the curve part.
    let (credits, resource) = match direction {
        Direction::BuyResource => (net_in, out),
        Direction::SellResource => (out, net_in),
    };
    let eff = Udec::from_amount(credits).div(Udec::from_amount(resource), Rounding::Up)?;
    let ratio = eff.div(spot, Rounding::Up)?;
    let one = Udec::one();
    let impact = match direction {
        Direction::BuyResource => ratio.saturating_sub(one),
        Direction::SellResource => one.saturating_sub(ratio),
    };
    let bps = impact.mul_amount(BPS, Rounding::Up)?;
    Ok(u32::try_from(bps.u128()).unwrap_or(u32::MAX))
}

/// What the earlier trades of one transaction did to one class of one pool (a bundle's lines and split steps):
/// the risk fee (2025 eq.11's ‖Δq‖/‖q‖) and the price-impact cap are measured on the transaction's total against
/// the class as it was before the transaction, so splitting a purchase into lines pays the fee and meets the cap
/// of one purchase of the total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prior {
    /// The input-side reserve before the transaction's first trade of this class.
    pub reserve_in: Uint128,
    /// The spot price before it.
    pub spot: Decimal256,
    /// Totals of the earlier trades: what was paid (fee included), what reached the curve, what came out.
    pub gross_in: Uint128,
    pub net_in: Uint128,
    pub out: Uint128,
}

impl Prior {
    /// The class as it is now, before any trade of the transaction.
    pub fn start(pool: &Pool, class: usize, direction: Direction) -> ContractResult<Prior> {
        let k = class_of(pool, class)?;
        Ok(Prior {
            reserve_in: match direction {
                Direction::BuyResource => k.credit_reserve,
                Direction::SellResource => k.resource_reserve,
            },
            spot: spot_price(pool, class)?,
            ..Prior::default()
        })
    }

    /// These totals after `leg` too.
    pub fn after(&self, leg: &Leg) -> ContractResult<Prior> {
        Ok(Prior {
            gross_in: self.gross_in.checked_add(leg.gross_in)?,
            net_in: self.net_in.checked_add(leg.net_in)?,
            out: self.out.checked_add(leg.out)?,
            ..*self
        })
    }
}

/// Plan one leg on class `class` (exact in: `amount` is the gross input; exact out: the output).
pub fn quote_leg(
    pool: &Pool,
    class: usize,
    direction: Direction,
    kind: SwapKind,
    amount: Uint128,
) -> ContractResult<Leg> {
    quote_leg_after(pool, class, direction, kind, amount, None)
}

/// [`quote_leg`] after the earlier trades `prior` of the same transaction on this class (`None`: the first).
/// The fee is what one trade of the total would pay minus what the earlier ones paid; the impact is the total's.
pub fn quote_leg_after(
    pool: &Pool,
    class: usize,
    direction: Direction,
    kind: SwapKind,
    amount: Uint128,
    prior: Option<&Prior>,
) -> ContractResult<Leg> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let (q, p) = reserves(pool, class)?;
    let curve = pool_curve(pool, class)?;
    let start = match prior {
        Some(prior) => *prior,
        None => Prior {
            reserve_in: match direction {
                Direction::BuyResource => p,
                Direction::SellResource => q,
            },
            ..Prior::default()
        },
    };
    let paid_before = start.gross_in.checked_sub(start.net_in)?;
    let (gross_in, net_in, fee, rate, outcome) = match kind {
        SwapKind::ExactIn => {
            let total = start.gross_in.checked_add(amount)?;
            let rate = fee_rate(pool, total, start.reserve_in)?;
            let fee = hmm_math::fees::fee_amount(total, rate.into())?
                .checked_sub(paid_before)
                .map_err(|_| MathError::Overflow("fee below the earlier trades'"))?;
            let net = amount.checked_sub(fee)?;
            if net.is_zero() {
                return Err(ContractError::ZeroAmount);
            }
            let outcome = curve_swap(pool, &curve, (q, p), direction, SwapKind::ExactIn, net)?;
            (amount, net, fee, rate, outcome)
        }
        SwapKind::ExactOut => {
            let outcome = curve_swap(pool, &curve, (q, p), direction, SwapKind::ExactOut, amount)?;
            let net = outcome.amount_in;
            let total_net = start.net_in.checked_add(net)?;
            let rate = fee_rate(pool, total_net, start.reserve_in)?;
            // gross = ⌈net / (1 − rate)⌉: the fee is charged on what is paid, as in exact-in.
            let keep = Udec::one().checked_sub(rate.into())?;
            let total_gross = Udec::from_amount(total_net)
                .div(keep, Rounding::Up)?
                .to_amount(Rounding::Up)?;
            let gross = total_gross
                .checked_sub(start.gross_in)
                .map_err(|_| MathError::Overflow("fee below the earlier trades'"))?
                .max(net);
            (gross, net, gross.checked_sub(net)?, rate, outcome)
        }
    };
    // Impact of the transaction's total on this class against its price before the transaction.
    let spot = match prior {
        Some(prior) => prior.spot,
        None => price_at(&outcome.gradient_before)?,
    };
    Ok(Leg {
        class,
        direction,
        gross_in,
        net_in,
        fee,
        fee_rate: rate,
        out: outcome.amount_out,
        q_after: outcome.q_after,
        p_after: outcome.p_after,
        impact_bps: impact_bps(
            spot,
            direction,
            start.net_in.checked_add(net_in)?,
            start.out.checked_add(outcome.amount_out)?,
        )?,
        price_after: price_at(&outcome.gradient_after)?,
    })
}

/// Plan buying exactly `amount` CU of class `class` with $AI after the transaction's earlier trades `prior` of
/// that class (a bundle's step), with the pool's price-impact cap applied to the total.
pub fn plan_buy_after(
    pool: &Pool,
    class: usize,
    amount: Uint128,
    prior: &Prior,
) -> ContractResult<SwapPlan> {
    let leg = quote_leg_after(
        pool,
        class,
        Direction::BuyResource,
        SwapKind::ExactOut,
        amount,
        Some(prior),
    )?;
    check_impact(pool, std::slice::from_ref(&leg))?;
    Ok(SwapPlan {
        offer_amount: leg.gross_in,
        return_amount: leg.out,
        fee_amount: leg.fee,
        fee_rate: leg.fee_rate,
        impact_bps: leg.impact_bps,
        legs: vec![leg],
    })
}

/// Refuses legs whose price impact exceeds the pool's cap.
fn check_impact(pool: &Pool, legs: &[Leg]) -> ContractResult<()> {
    let limit_bps = bps(pool.max_price_impact);
    match legs.iter().find(|l| l.impact_bps > limit_bps) {
        Some(leg) => Err(ContractError::PriceImpactTooHigh {
            impact_bps: leg.impact_bps,
            limit_bps,
        }),
        None => Ok(()),
    }
}

/// Move the reserves of a planned leg and credit the LPs' share of its fee; returns (treasury, burn) of the fee.
pub fn apply_leg(pool: &mut Pool, leg: &Leg) -> ContractResult<(Uint128, Uint128)> {
    let class = class_of_mut(pool, leg.class)?;
    class.resource_reserve = leg.q_after;
    class.credit_reserve = leg.p_after;
    credit_fee(pool, leg.class, leg.direction, leg.fee)
}

/// Split a fee paid into class `class` (in $AI when buying, in the class's CU when selling): the LP part accrues
/// per claimable share (2026 eq.32); returns the (treasury, burn) parts for the protocol ledger.
///
/// The per-share accumulator rounds down, and the [`hmm::pool::MINIMUM_LIQUIDITY`] locked shares belong to nobody:
/// what the accumulator cannot hand to any position (at most the atoms that rounding leaves) is added to the
/// class's reserve in the fee's token, so it belongs to every LP through the reserves and no atom is orphaned.
/// Call it after the trade's reserves are set.
pub fn credit_fee(
    pool: &mut Pool,
    class: usize,
    direction: Direction,
    fee: Uint128,
) -> ContractResult<(Uint128, Uint128)> {
    let (lp, treasury, burn) = split_fee(pool, fee)?;
    let claimable = pool
        .total_shares
        .checked_sub(Uint128::new(hmm::pool::MINIMUM_LIQUIDITY))
        .unwrap_or_default();
    let (growth, distributed) = if claimable.is_zero() || lp.is_zero() {
        (Udec::ZERO, Uint128::zero())
    } else {
        let growth = Udec::from_amount(lp)
            .div(Udec::from_amount(claimable), Rounding::Down)
            .map_err(|_| MathError::Overflow("fee growth"))?;
        // The most the positions can claim of it (each rounds its own share down).
        let distributed = growth
            .mul(Udec::from_amount(claimable), Rounding::Up)?
            .to_amount(Rounding::Up)?
            .min(lp);
        (growth, distributed)
    };
    let undistributed = lp.checked_sub(distributed)?;
    let growth: Decimal256 = growth.into();
    let overflow = |_| MathError::Overflow("fee growth");
    match direction {
        Direction::BuyResource => {
            pool.fee_growth_credits = pool
                .fee_growth_credits
                .checked_add(growth)
                .map_err(overflow)?;
            let c = class_of_mut(pool, class)?;
            c.credit_reserve = c.credit_reserve.checked_add(undistributed)?;
        }
        Direction::SellResource => {
            let c = class_of_mut(pool, class)?;
            c.fee_growth_resource = c
                .fee_growth_resource
                .checked_add(growth)
                .map_err(overflow)?;
            c.resource_reserve = c.resource_reserve.checked_add(undistributed)?;
        }
    }
    Ok((treasury, burn))
}

/// Add a fee's treasury and burn parts, in `token`, to the ledger `CollectProtocolFees` pays out.
pub fn record_protocol_fee(
    storage: &mut dyn Storage,
    token: &Addr,
    treasury: Uint128,
    burn: Uint128,
) -> ContractResult<()> {
    if !treasury.is_zero() || !burn.is_zero() {
        let (t, b) = PROTOCOL_FEES.may_load(storage, token)?.unwrap_or_default();
        PROTOCOL_FEES.save(
            storage,
            token,
            &(t.checked_add(treasury)?, b.checked_add(burn)?),
        )?;
    }
    Ok(())
}

/// Plan a swap of `offer` for `ask` in one pool: exact in with `amount`, or exact out of `exact_out` (then `amount`
/// is only the caller's budget, checked by the caller). The pool is not changed: [`apply_leg`] moves it.
pub fn plan_swap(
    pool: &Pool,
    offer: Side,
    ask: Side,
    amount: Uint128,
    exact_out: Option<Uint128>,
) -> ContractResult<SwapPlan> {
    let legs = match (offer, ask, exact_out) {
        (Side::Ai, Side::Ai, _) => return Err(ContractError::SameToken),
        (Side::Class(i), Side::Class(j), _) if i == j => return Err(ContractError::SameToken),
        (Side::Ai, Side::Class(j), None) => vec![quote_leg(
            pool,
            j,
            Direction::BuyResource,
            SwapKind::ExactIn,
            amount,
        )?],
        (Side::Ai, Side::Class(j), Some(out)) => vec![quote_leg(
            pool,
            j,
            Direction::BuyResource,
            SwapKind::ExactOut,
            out,
        )?],
        (Side::Class(i), Side::Ai, None) => vec![quote_leg(
            pool,
            i,
            Direction::SellResource,
            SwapKind::ExactIn,
            amount,
        )?],
        (Side::Class(i), Side::Ai, Some(out)) => vec![quote_leg(
            pool,
            i,
            Direction::SellResource,
            SwapKind::ExactOut,
            out,
        )?],
        (Side::Class(i), Side::Class(j), None) => {
            let first = quote_leg(pool, i, Direction::SellResource, SwapKind::ExactIn, amount)?;
            let second = quote_leg(
                pool,
                j,
                Direction::BuyResource,
                SwapKind::ExactIn,
                first.out,
            )?;
            vec![first, second]
        }
        (Side::Class(i), Side::Class(j), Some(out)) => {
            let second = quote_leg(pool, j, Direction::BuyResource, SwapKind::ExactOut, out)?;
            let first = quote_leg(
                pool,
                i,
                Direction::SellResource,
                SwapKind::ExactOut,
                second.gross_in,
            )?;
            vec![first, second]
        }
    };
    let (first, last) = match (legs.first(), legs.last()) {
        (Some(f), Some(l)) => (f.clone(), l.clone()),
        _ => return Err(ContractError::ZeroAmount),
    };
    let mut fee_amount = first.fee;
    if legs.len() == 2 {
        // The second leg's fee is in credits: convert at the first leg's rate (offer atoms per credit), rounded up.
        let converted = Udec::from_amount(last.fee)
            .mul_div(
                Udec::from_amount(first.gross_in),
                Udec::from_amount(first.out.max(Uint128::one())),
                Rounding::Up,
            )?
            .to_amount(Rounding::Up)?;
        fee_amount = fee_amount.checked_add(converted)?;
    }
    let impact_bps = legs.iter().map(|l| l.impact_bps).max().unwrap_or(0);
    let fee_rate = legs.iter().map(|l| l.fee_rate).max().unwrap_or_default();
    check_impact(pool, &legs)?;
    Ok(SwapPlan {
        offer_amount: first.gross_in,
        return_amount: last.out,
        fee_amount,
        fee_rate,
        impact_bps,
        legs,
    })
}

/// Basis points per unit.
const BPS: Uint128 = Uint128::new(10_000);

fn bps(d: Decimal256) -> u32 {
    Udec::from(d)
        .mul_amount(BPS, Rounding::Down)
        .ok()
        .and_then(|x| u32::try_from(x.u128()).ok())
        .unwrap_or(u32::MAX)
}

/// Weight of a relative price move in the volatility estimate.
const VOLATILITY_NEW: Udec = Udec::raw(Uint256::from_u128(100_000_000_000_000_000));
/// Time constant (seconds) of the volatility estimate's decay: with no price moves it falls by a factor e per
/// hour. The decay depends on time only, never on the number of trades, so dust trades cannot wash it.
pub const VOLATILITY_WINDOW: u64 = 3_600;

/// Record fees, then update TWAP cumulatives, volatility and λ(t) after the reserves moved.
pub fn finish_trade(
    storage: &mut dyn Storage,
    pool: &mut Pool,
    config: &Config,
    legs: &[Leg],
    now: u64,
) -> ContractResult<()> {
    for leg in legs {
        let (treasury, burn) = apply_leg(pool, leg)?;
        record_protocol_fee(storage, &fee_token(pool, config, leg)?, treasury, burn)?;
    }
    let traded: Vec<TradedClass> = legs
        .iter()
        .map(|l| (l.class, Some(l.price_after)))
        .collect();
    update_prices(storage, pool, Moved::Traded(&traded), now)
}

/// The token a leg's fee is paid in: $AI when buying a resource, the class's CU when selling one.
pub fn fee_token(pool: &Pool, config: &Config, leg: &Leg) -> ContractResult<Addr> {
    match leg.direction {
        Direction::BuyResource => Ok(config.ai_token.clone()),
        Direction::SellResource => Ok(class_of(pool, leg.class)?.cu_token.clone()),
    }
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

/// TWAP accumulators (price × seconds at the price in force since the last update), observations, the EWMA
/// volatility of the traded classes' relative price moves, and the dynamic curvature (2026 eq.30).
pub fn update_prices(
    storage: &mut dyn Storage,
    pool: &mut Pool,
    moved: Moved,
    now: u64,
) -> ContractResult<()> {
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
    record_prices(storage, pool, &new_prices, now)
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
fn next_lambda(pool: &Pool) -> ContractResult<Option<Decimal256>> {
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
fn price_jump(pool: &Pool, lambda: Decimal256) -> ContractResult<Option<Udec>> {
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

/// The TWAP step: accumulate each class's recorded price over the time since the last update, then record its new
/// price (`None`: the pool's spot price now), with an observation every [`OBSERVATION_INTERVAL`].
pub fn record_prices(
    storage: &mut dyn Storage,
    pool: &mut Pool,
    new_prices: &[Option<Decimal256>],
    now: u64,
) -> ContractResult<()> {
    let dt = now.saturating_sub(pool.last_update);
    let record = !pool.total_shares.is_zero()
        && (pool.last_observation == 0
            || now >= pool.last_observation.saturating_add(OBSERVATION_INTERVAL));
    let pool_id = pool.id;
    for i in 0..pool.classes.len() {
        let new_price = match new_prices.get(i) {
            Some(Some(price)) => *price,
            _ => spot_price(pool, i).unwrap_or_default(),
        };
        let class = class_of_mut(pool, i)?;
        class.price_cumulative = accumulate(class.price_cumulative, class.last_price, dt)?;
        class.last_price = new_price;
        if record {
            let idx = u8::try_from(i).map_err(|_| MathError::Overflow("class index"))?;
            let (head, count) = OBSERVATION_HEAD
                .may_load(storage, (pool_id, idx))?
                .unwrap_or((OBSERVATION_SLOTS - 1, 0));
            let next = (head + 1) % OBSERVATION_SLOTS;
            OBSERVATIONS.save(
                storage,
                (pool_id, idx, next),
                &Observation {
                    time: now,
                    cumulative: class.price_cumulative,
                },
            )?;
            OBSERVATION_HEAD.save(
                storage,
                (pool_id, idx),
                &(next, (count + 1).min(OBSERVATION_SLOTS)),
            )?;
        }
    }
    if record {
        pool.last_observation = now;
    }
    pool.last_update = now;
    Ok(())
}

/// Which side of `pool` a token is.
pub fn side_of(pool: &Pool, config: &Config, token: &Addr) -> ContractResult<Side> {
    if *token == config.ai_token {
        return Ok(Side::Ai);
    }
    pool.classes
        .iter()
        .position(|c| c.cu_token == *token)
        .map(Side::Class)
        .ok_or_else(|| ContractError::UnknownClass(token.to_string(), pool.id))
}

pub fn ask_side(
    deps_api: &dyn cosmwasm_std::Api,
    pool: &Pool,
    config: &Config,
    ask: &Ask,
) -> ContractResult<Side> {
    match ask {
        Ask::Ai => Ok(Side::Ai),
        Ask::Cu { token } => side_of(pool, config, &deps_api.addr_validate(token)?),
    }
}

pub fn token_of(pool: &Pool, config: &Config, side: Side) -> ContractResult<Addr> {
    match side {
        Side::Ai => Ok(config.ai_token.clone()),
        Side::Class(i) => Ok(class_of(pool, i)?.cu_token.clone()),
    }
}

pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    if wrapper.amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let trader = deps.api.addr_validate(&wrapper.sender)?;
    let token = info.sender;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::Swap {
            pool_id,
            ask,
            exact_out,
            min_out,
            deadline,
            to,
        } => {
            check_deadline(&env, deadline)?;
            let to = match to {
                Some(to) => deps.api.addr_validate(&to)?,
                None => trader.clone(),
            };
            swap(
                deps,
                env,
                SwapRequest {
                    pool_id,
                    token,
                    trader,
                    amount: wrapper.amount,
                    ask,
                    exact_out,
                    min_out,
                    to,
                },
            )
        }
        ReceiveMsg::BuyBundle {
            items,
            sla,
            deadline,
            to,
        } => {
            check_deadline(&env, deadline)?;
            let to = match to {
                Some(to) => deps.api.addr_validate(&to)?,
                None => trader.clone(),
            };
            route::buy_bundle(deps, env, token, trader, wrapper.amount, items, sla, to)
        }
        ReceiveMsg::BatchIntent {
            pool_id,
            ask,
            min_out,
        } => super::batch::add_intent(
            deps,
            env,
            token,
            trader,
            wrapper.amount,
            pool_id,
            ask,
            min_out,
        ),
    }
}

pub struct SwapRequest {
    pub pool_id: u64,
    pub token: Addr,
    pub trader: Addr,
    pub amount: Uint128,
    pub ask: Ask,
    pub exact_out: Option<Uint128>,
    pub min_out: Option<Uint128>,
    pub to: Addr,
}

fn swap(deps: DepsMut, env: Env, req: SwapRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, req.pool_id)?;
    if config.paused || pool.paused {
        return Err(ContractError::Paused);
    }
    if pool.batch_window.is_some() {
        return Err(ContractError::BatchOnly(pool.id));
    }
    let offer = side_of(&pool, &config, &req.token)
        .map_err(|_| ContractError::WrongToken(req.token.to_string()))?;
    let ask = ask_side(deps.api, &pool, &config, &req.ask)?;
    let plan = plan_swap(&pool, offer, ask, req.amount, req.exact_out)?;
    if plan.offer_amount > req.amount {
        return Err(ContractError::MaxInExceeded {
            needed: plan.offer_amount,
            max: req.amount,
        });
    }
    if let Some(min) = req.min_out {
        if plan.return_amount < min {
            return Err(ContractError::MinOutNotMet {
                got: plan.return_amount,
                min,
            });
        }
    }
    finish_trade(
        deps.storage,
        &mut pool,
        &config,
        &plan.legs,
        env.block.time.seconds(),
    )?;
    POOLS.save(deps.storage, pool.id, &pool)?;

    let ask_token = token_of(&pool, &config, ask)?;
    let mut resp = Response::new()
        .add_message(transfer_msg(&ask_token, &req.to, plan.return_amount)?)
        .add_attribute("action", "swap")
        .add_attribute("pool_id", pool.id.to_string())
        .add_attribute("offer_token", req.token.as_str())
        .add_attribute("offer_amount", plan.offer_amount)
        .add_attribute("ask_token", ask_token.as_str())
        .add_attribute("return_amount", plan.return_amount)
        .add_attribute("fee_amount", plan.fee_amount);
    let refund = req.amount.checked_sub(plan.offer_amount)?;
    if !refund.is_zero() {
        resp = resp
            .add_message(transfer_msg(&req.token, &req.trader, refund)?)
            .add_attribute("refund", refund);
    }
    Ok(resp)
}
