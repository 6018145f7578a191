//! The invariant of a pool, its prices, fee rates and the integrated (flow) swap. Formulas live in `hmm-math`;
//! this file only maps a pool's parameters onto them.

use cosmwasm_std::{Decimal256, Uint128};
use hmm::pool::CurveKind;
use hmm_math::fees::{self, FeeParams};
use hmm_math::swap::atoms;
use hmm_math::{
    Augmented, ClassCurve, Gradient, Hamiltonian, MathError, MultiAsset, Rounding, Scaling, Sdec,
    TargetReserve, Udec,
};

use crate::error::{EngineError, EngineResult};
use crate::pool::{Pool, PoolClass};

pub fn dec(d: Decimal256) -> EngineResult<Sdec> {
    Ok(Udec::from(d).to_signed()?)
}

/// The separable term of one class under curvature `lambda` (normalised form, see `hmm_math::hamiltonian`).
pub fn class_curve(
    kind: CurveKind,
    class: &PoolClass,
    lambda: Decimal256,
    mu: Decimal256,
) -> EngineResult<ClassCurve> {
    if kind == CurveKind::Bilinear {
        return Ok(ClassCurve::constant_product());
    }
    let weights = vec![dec(class.weight)?];
    let lambda = dec(lambda)?;
    let q_bar = atoms(class.target_reserve)?;
    let p_ref = atoms(class.reference_credit)?;
    if !q_bar.is_positive() || !p_ref.is_positive() {
        return Err(EngineError::NoLiquidity);
    }
    let scaling = Scaling::Normalised { p_ref: vec![p_ref] };
    let curve = match kind {
        CurveKind::Bilinear => ClassCurve::constant_product(),
        CurveKind::MultiAsset => MultiAsset {
            weights,
            lambda,
            q_ref: vec![q_bar],
            scaling,
        }
        .class_curve(0)?,
        CurveKind::TargetReserve => TargetReserve {
            weights,
            lambda,
            q_bar: vec![q_bar],
            scaling,
        }
        .class_curve(0)?,
        CurveKind::Augmented => Augmented {
            base: TargetReserve {
                weights,
                lambda,
                q_bar: vec![q_bar],
                scaling,
            },
            mu: vec![dec(mu)?],
        }
        .class_curve(0)?,
    };
    Ok(curve)
}

/// Class `i` of a pool.
pub fn class_of(pool: &Pool, i: usize) -> EngineResult<&PoolClass> {
    Ok(pool.classes.get(i).ok_or(MathError::ClassOutOfRange {
        index: i,
        classes: pool.classes.len(),
    })?)
}

/// Class `i` of a pool, to change it.
pub fn class_of_mut(pool: &mut Pool, i: usize) -> EngineResult<&mut PoolClass> {
    let classes = pool.classes.len();
    Ok(pool
        .classes
        .get_mut(i)
        .ok_or(MathError::ClassOutOfRange { index: i, classes })?)
}

/// The curve of class `i` of a pool at its current curvature.
pub fn pool_curve(pool: &Pool, i: usize) -> EngineResult<ClassCurve> {
    let class = class_of(pool, i)?;
    class_curve(pool.kind, class, pool.lambda_now, pool.curvature.mu)
}

/// Marginal price of class `i` in $AI atoms per CU atom (2025 eq.3, 2026 eq.7), rounded down.
pub fn spot_price(pool: &Pool, i: usize) -> EngineResult<Decimal256> {
    let class = class_of(pool, i)?;
    if class.resource_reserve.is_zero() {
        return Err(EngineError::NoLiquidity);
    }
    spot_price_on(&pool_curve(pool, i)?, class)
}

/// [`spot_price`] of `class` on its curve already built.
pub fn spot_price_on(curve: &ClassCurve, class: &PoolClass) -> EngineResult<Decimal256> {
    if class.resource_reserve.is_zero() {
        return Err(EngineError::NoLiquidity);
    }
    price_at(&curve.gradient(atoms(class.resource_reserve)?, atoms(class.credit_reserve)?)?)
}

/// The spot price at a class's gradient (a trade's solve finds the gradients before and after it).
pub fn price_at(gradient: &Gradient) -> EngineResult<Decimal256> {
    Ok(gradient.price(Rounding::Down)?.to_unsigned("price")?.into())
}

/// A TWAP accumulator advanced by `price` held for `seconds`: `cumulative + price·seconds`, the product rounded
/// down (as Decimal256 would, without its 512-bit division).
pub fn accumulate(
    cumulative: Decimal256,
    price: Decimal256,
    seconds: u64,
) -> EngineResult<Decimal256> {
    let held = Udec::from(price).mul(Udec::from_int(u128::from(seconds)), Rounding::Down)?;
    Ok(Udec::from(cumulative)
        .checked_add(held)
        .map_err(|_| MathError::Overflow("twap"))?
        .into())
}

/// The whole pool's invariant H (lower bound), for monitoring.
pub fn invariant(pool: &Pool) -> EngineResult<Decimal256> {
    let mut sum = Sdec::ZERO;
    for (i, class) in pool.classes.iter().enumerate() {
        if class.resource_reserve.is_zero() {
            continue;
        }
        let e = pool_curve(pool, i)?.energy(
            atoms(class.resource_reserve)?,
            atoms(class.credit_reserve)?,
            Rounding::Down,
        )?;
        sum = sum.checked_add(e)?;
    }
    Ok(sum.to_unsigned("invariant")?.into())
}

/// Every class of the pool is in the sound region under curvature `lambda`.
pub fn check_sound_with(pool: &Pool, lambda: Decimal256) -> EngineResult<()> {
    for class in &pool.classes {
        if class.resource_reserve.is_zero() {
            continue;
        }
        class_curve(pool.kind, class, lambda, pool.curvature.mu)?
            .check_sound(atoms(class.resource_reserve)?, atoms(class.credit_reserve)?)?;
    }
    Ok(())
}

/// The pool's fee configuration as the math crate's parameters.
pub fn fee_params(f: &hmm::pool::FeeConfig) -> FeeParams {
    FeeParams {
        market: f.market_fee.into(),
        risk: f.risk_fee.into(),
        volatility: f.volatility_fee.into(),
        max_total: f.max_fee.into(),
        burn_share: f.burn_share.into(),
        treasury_share: f.treasury_share.into(),
    }
}

/// Fee rate of a trade moving `amount_in` into a reserve of `reserve_in` (2025 eq.11, 2026 eq.28, capped). The
/// inventory move ‖Δq‖/‖q‖ is measured on the input side, known before the solve.
pub fn fee_rate(pool: &Pool, amount_in: Uint128, reserve_in: Uint128) -> EngineResult<Decimal256> {
    let rate = fees::fee_rate(
        &[Udec::from_amount(amount_in)],
        &[Udec::from_amount(reserve_in)],
        pool.volatility.into(),
        &fee_params(&pool.fees),
    )?;
    Ok(rate.into())
}

/// Splits a fee into (LP, treasury, burn) exactly (2025 §4.3).
pub fn split_fee(pool: &Pool, fee: Uint128) -> EngineResult<(Uint128, Uint128, Uint128)> {
    let split = fees::split_fee(fee, &fee_params(&pool.fees))?;
    Ok((split.lp, split.treasury, split.burn))
}

/// One class as a Hamiltonian, for the integrators.
struct OneClass(ClassCurve);

impl Hamiltonian for OneClass {
    fn classes(&self) -> usize {
        1
    }
    fn class_curve(&self, i: usize) -> hmm_math::MathResult<ClassCurve> {
        if i == 0 {
            Ok(self.0)
        } else {
            Err(MathError::ClassOutOfRange {
                index: i,
                classes: 1,
            })
        }
    }
}

/// Relative drift `|H_T − κ|/κ` the integrator may show before its projection (2026 Alg.1 step 5's ε).
const FLOW_DRIFT_TOLERANCE_PPB: i128 = 1_000; // 10⁻⁶

/// A swap executed by integrating the Hamiltonian flow (2026 Alg.1 Störmer–Verlet, Alg.2 Ruth-4) to the trade's
/// resource reserve, checking the drift (step 5) and projecting onto the level set (step 4).
///
/// The flow is parameterised by the resource reserve, so the target `q` comes from the closed-form solve (for a
/// trade that fixes the credit side it is the `q` that the credits buy). The projected credit reserve is then
/// used where the trade leaves it free (selling resource, exact-out purchases), never below the closed form's;
/// where the trader fixed it (exact-in purchases, exact-out sales) it must cover the integrated, projected state.
pub fn flow_swap(
    curve: &ClassCurve,
    mode: hmm::pool::ExecutionMode,
    q: Uint128,
    p: Uint128,
    direction: hmm_math::Direction,
    kind: hmm_math::SwapKind,
    amount: Uint128,
) -> EngineResult<hmm_math::SwapOutcome> {
    use hmm_math::integrator::{swap_along_flow, Method};
    use hmm_math::{Direction, PhaseState, SwapKind};
    let (steps, method) = match mode {
        hmm::pool::ExecutionMode::Exact => {
            return Ok(hmm_math::swap_exact(curve, q, p, direction, kind, amount)?)
        }
        hmm::pool::ExecutionMode::Verlet { steps } => (steps, Method::Verlet),
        hmm::pool::ExecutionMode::Ruth4 { steps } => (steps, Method::Ruth4),
    };
    let exact = hmm_math::swap_exact(curve, q, p, direction, kind, amount)?;
    let kappa = curve.energy(atoms(q)?, atoms(p)?, Rounding::Up)?;
    let tolerance = kappa.mul_div(
        Sdec::raw(cosmwasm_std::Int256::from_i128(FLOW_DRIFT_TOLERANCE_PPB)),
        Sdec::raw(cosmwasm_std::Int256::from_i128(1_000_000_000)),
        Rounding::Down,
    )?;
    let state = PhaseState::new(vec![atoms(q)?], vec![atoms(p)?])?;
    let end = swap_along_flow(
        &OneClass(*curve),
        &state,
        0,
        atoms(exact.q_after)?,
        steps,
        method,
        tolerance,
    )?;
    let p_flow = end
        .p
        .first()
        .copied()
        .ok_or(MathError::Empty("flow state"))?
        .to_unsigned("credit reserve")?
        .to_amount(Rounding::Up)?;
    let credits_free = matches!(
        (direction, kind),
        (Direction::SellResource, SwapKind::ExactIn) | (Direction::BuyResource, SwapKind::ExactOut)
    );
    if !credits_free {
        // The trader fixed the credit side: the flow's projected state must be covered by it.
        if p_flow > exact.p_after {
            return Err(MathError::InvariantDecreased.into());
        }
        return Ok(exact);
    }
    let p_after = p_flow.max(exact.p_after);
    let (amount_in, amount_out) = match direction {
        Direction::BuyResource => (p_after.checked_sub(p)?, exact.amount_out),
        Direction::SellResource => (exact.amount_in, p.checked_sub(p_after)?),
    };
    if amount_out.is_zero() {
        return Err(EngineError::ZeroAmount);
    }
    // The credit reserve moved past the closed form's: the gradient after is that of the flow's state.
    let gradient_after = curve.check_sound(atoms(exact.q_after)?, atoms(p_after)?)?;
    Ok(hmm_math::SwapOutcome {
        amount_in,
        amount_out,
        q_after: exact.q_after,
        p_after,
        gradient_before: exact.gradient_before,
        gradient_after,
    })
}
