//! Trades: the per-class legs of a swap (fee, curve solve, price impact), planned on a pool value without changing
//! it, then applied to it. The contract plans on a copy of its stored pool (the same code answers `Quote`), applies
//! the plan and saves the pool once; the simulator does the same on the pool it holds.

use cosmwasm_std::{Decimal256, Uint128};
use hmm::pool::ExecutionMode;
use hmm_math::swap::swap_exact;
use hmm_math::{ClassCurve, Direction, MathError, Rounding, SwapKind, Udec};

use crate::curve::{
    class_of, class_of_mut, fee_rate, flow_swap, pool_curve, price_at, split_fee, spot_price,
};
use crate::error::{EngineError, EngineResult};
use crate::pool::Pool;

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

fn reserves(pool: &Pool, class: usize) -> EngineResult<(Uint128, Uint128)> {
    let c = class_of(pool, class)?;
    if c.resource_reserve.is_zero() || pool.total_shares.is_zero() {
        return Err(EngineError::NoLiquidity);
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
) -> EngineResult<hmm_math::SwapOutcome> {
    match pool.execution {
        ExecutionMode::Exact => Ok(swap_exact(curve, q, p, direction, kind, amount)?),
        ExecutionMode::Verlet { .. } | ExecutionMode::Ruth4 { .. } => {
            flow_swap(curve, pool.execution, q, p, direction, kind, amount)
        }
    }
}

fn impact_bps(
    spot: Decimal256,
    direction: Direction,
    net_in: Uint128,
    out: Uint128,
) -> EngineResult<u32> {
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
    pub fn start(pool: &Pool, class: usize, direction: Direction) -> EngineResult<Prior> {
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
    pub fn after(&self, leg: &Leg) -> EngineResult<Prior> {
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
) -> EngineResult<Leg> {
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
) -> EngineResult<Leg> {
    if amount.is_zero() {
        return Err(EngineError::ZeroAmount);
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
                return Err(EngineError::ZeroAmount);
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
) -> EngineResult<SwapPlan> {
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
fn check_impact(pool: &Pool, legs: &[Leg]) -> EngineResult<()> {
    let limit_bps = bps(pool.max_price_impact);
    match legs.iter().find(|l| l.impact_bps > limit_bps) {
        Some(leg) => Err(EngineError::PriceImpactTooHigh {
            impact_bps: leg.impact_bps,
            limit_bps,
        }),
        None => Ok(()),
    }
}

/// Move the reserves of a planned leg and credit the LPs' share of its fee; returns (treasury, burn) of the fee.
pub fn apply_leg(pool: &mut Pool, leg: &Leg) -> EngineResult<(Uint128, Uint128)> {
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
) -> EngineResult<(Uint128, Uint128)> {
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

/// Plan a swap of `offer` for `ask` in one pool: exact in with `amount`, or exact out of `exact_out` (then `amount`
/// is only the caller's budget, checked by the caller). The pool is not changed: [`apply_leg`] moves it.
pub fn plan_swap(
    pool: &Pool,
    offer: Side,
    ask: Side,
    amount: Uint128,
    exact_out: Option<Uint128>,
) -> EngineResult<SwapPlan> {
    let legs = match (offer, ask, exact_out) {
        (Side::Ai, Side::Ai, _) => return Err(EngineError::SameToken),
        (Side::Class(i), Side::Class(j), _) if i == j => return Err(EngineError::SameToken),
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
        _ => return Err(EngineError::ZeroAmount),
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
