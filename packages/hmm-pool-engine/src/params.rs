//! A pool's parameters: defaults, the bounds every one of them must meet, and [`new_pool`], which builds the empty
//! pool of a `CreatePool` message (the curve must be able to be sound).

use cosmwasm_std::{Addr, Api, Decimal256, Uint128};
use hmm::pool::{CreatePoolMsg, CurvatureConfig, CurveKind, ExecutionMode, FeeConfig};

use crate::curve::{class_curve, fee_params};
use crate::error::{EngineError, EngineResult};
use crate::pool::{Pool, PoolClass};

/// Most classes one pool may hold (bounds the gas of every trade, which touches all classes' prices).
pub const MAX_CLASSES: usize = 8;
/// Most integrator steps per swap.
pub const MAX_STEPS: u32 = 256;

/// The seeds' defaults, from `hmm_math::fees::FeeParams::default()` (f_m 30 bps, λ_r 0.02, f_v 0.1, cap 5 %,
/// ζ 0.25, treasury 10 %).
pub fn default_fees() -> FeeConfig {
    let d = hmm_math::fees::FeeParams::default();
    FeeConfig {
        market_fee: d.market.into(),
        risk_fee: d.risk.into(),
        volatility_fee: d.volatility.into(),
        max_fee: d.max_total.into(),
        burn_share: d.burn_share.into(),
        treasury_share: d.treasury_share.into(),
    }
}

pub fn default_curvature() -> CurvatureConfig {
    CurvatureConfig {
        lambda: Decimal256::percent(50),
        mu: Decimal256::percent(5),
        alpha: Decimal256::zero(),
        beta: Decimal256::zero(),
        lambda_max: Decimal256::percent(150),
    }
}

fn invalid(reason: &str) -> EngineError {
    EngineError::invalid(reason)
}

/// Fee bounds of `hmm_math::fees::FeeParams::validate` (positive base fee, cap below 1, shares ≤ 1), and a cap of
/// at most 50 %.
pub fn validate_fees(f: &FeeConfig) -> EngineResult<()> {
    if f.max_fee > Decimal256::percent(50) {
        return Err(invalid("fees: max_fee must be <= 0.5"));
    }
    fee_params(f).validate()?;
    Ok(())
}

/// The curvature bounds that keep each kind sound (see `hmm_math::hamiltonian`): at target the normalised
/// target-reserve curve is sound iff λ < 2, the normalised multi-asset curve iff λ < w.
pub fn validate_curvature(
    kind: CurveKind,
    c: &CurvatureConfig,
    min_weight: Decimal256,
) -> EngineResult<()> {
    if c.lambda > c.lambda_max {
        return Err(invalid("curvature: lambda must be <= lambda_max"));
    }
    match kind {
        CurveKind::Bilinear => {}
        CurveKind::TargetReserve | CurveKind::Augmented => {
            if c.lambda_max >= Decimal256::percent(200) {
                return Err(invalid("curvature: lambda_max must be < 2 (lambda = 2 is constant sum, > 2 gives negative prices)"));
            }
        }
        CurveKind::MultiAsset => {
            if c.lambda_max >= min_weight {
                return Err(invalid(
                    "curvature: multi-asset curve is sound only for lambda_max < every weight",
                ));
            }
        }
    }
    if c.mu > Decimal256::one() {
        return Err(invalid("curvature: mu must be <= 1"));
    }
    // Eq.30's α and β stay in the message (the simulator studies them) but a pool on chain keeps λ fixed between
    // owner updates: see `EngineError::DynamicCurvatureRefused`.
    if !c.alpha.is_zero() || !c.beta.is_zero() {
        return Err(EngineError::DynamicCurvatureRefused);
    }
    Ok(())
}

/// The execution mode must trade on the pool's curve. The integrators (2026 Alg.1, Alg.2) are offered where the
/// flow's projection lands on whole atoms in the pool's favour: constant product and target reserve. Where `H` has
/// a `p²` term (multi-asset, augmented) the projected credit reserve differs from the closed form by a fraction of
/// an atom that the exact-in check must refuse, so every trade would fail: those pools trade in exact mode only.
pub fn validate_execution(kind: CurveKind, e: &ExecutionMode) -> EngineResult<()> {
    let (mode, steps) = match e {
        ExecutionMode::Exact => return Ok(()),
        ExecutionMode::Verlet { steps } => ("verlet", *steps),
        ExecutionMode::Ruth4 { steps } => ("ruth4", *steps),
    };
    if steps == 0 || steps > MAX_STEPS {
        return Err(invalid("execution: steps must be in 1..=256"));
    }
    let kind = match kind {
        CurveKind::Bilinear | CurveKind::TargetReserve => return Ok(()),
        CurveKind::MultiAsset => "multi_asset",
        CurveKind::Augmented => "augmented",
    };
    Err(EngineError::UnsupportedExecution {
        mode,
        kind,
        reason: "the integrators' projection cannot keep H on a curve with a p² term: use exact",
    })
}

/// The price-impact cap of a trade: in (0, 1].
pub fn validate_max_price_impact(m: Decimal256) -> EngineResult<()> {
    if m.is_zero() || m > Decimal256::one() {
        return Err(invalid("max_price_impact must be in (0, 1]"));
    }
    Ok(())
}

/// Reserves of the probe class used to check a curvature at the target (the normalised curves are scale-free).
const PROBE_RESERVE: u128 = 1_000_000_000_000;

/// Every class is sound at its target (q = q̄, p = p̄) for every λ the pool may reach (λ₀ and λ_max: the
/// discriminant is monotone in λ), with the pool's μ: a pool that no deposit could make tradable is refused at
/// creation, not at its first deposit.
pub fn check_sound_at_target(
    kind: CurveKind,
    c: &CurvatureConfig,
    classes: &[PoolClass],
) -> EngineResult<()> {
    let probe = Uint128::new(PROBE_RESERVE);
    let q = hmm_math::swap::atoms(probe)?;
    for class in classes {
        let class = PoolClass {
            target_reserve: probe,
            reference_credit: probe,
            resource_reserve: probe,
            credit_reserve: probe,
            ..PoolClass::empty(Addr::unchecked(""), class.weight)
        };
        for lambda in [c.lambda, c.lambda_max] {
            class_curve(kind, &class, lambda, c.mu)?
                .check_sound(q, q)
                .map_err(|_| {
                    invalid(
                        "curvature: unsound at the target for lambda or lambda_max with this mu",
                    )
                })?;
        }
    }
    Ok(())
}

/// A curvature for a pool of `kind` with these classes: within its bounds ([`validate_curvature`], for the
/// smallest weight) and sound at every class's target ([`check_sound_at_target`]).
pub fn check_curvature(
    kind: CurveKind,
    c: &CurvatureConfig,
    classes: &[PoolClass],
) -> EngineResult<()> {
    let min_weight = classes.iter().map(|c| c.weight).min().unwrap_or_default();
    validate_curvature(kind, c, min_weight)?;
    check_sound_at_target(kind, c, classes)
}

/// The empty pool `id` that `msg` creates at block time `now`, every parameter checked (the contract's
/// `CreatePool`: class tokens are validated with `api` and may not be `ai_token`; unset parameters take their
/// defaults). Authorisation and the pool count are the caller's.
pub fn new_pool(
    api: &dyn Api,
    ai_token: &Addr,
    id: u64,
    msg: CreatePoolMsg,
    now: u64,
) -> EngineResult<Pool> {
    if msg.classes.is_empty() || msg.classes.len() > MAX_CLASSES {
        return Err(invalid("a pool holds 1 to 8 classes"));
    }
    let mut classes: Vec<PoolClass> = Vec::with_capacity(msg.classes.len());
    for c in &msg.classes {
        let token = api.addr_validate(&c.cu_token)?;
        if token == *ai_token {
            return Err(invalid("a class cannot be the $AI token"));
        }
        if classes.iter().any(|k| k.cu_token == token) {
            return Err(invalid("duplicate class token"));
        }
        if c.weight.is_zero() || c.weight > Decimal256::one() {
            return Err(invalid("class weights must be in (0, 1]"));
        }
        classes.push(PoolClass::empty(token, c.weight));
    }
    let curvature = msg.curvature.unwrap_or_else(default_curvature);
    check_curvature(msg.kind, &curvature, &classes)?;
    let fees = msg.fees.unwrap_or_else(default_fees);
    validate_fees(&fees)?;
    let execution = msg.execution.unwrap_or(ExecutionMode::Exact);
    validate_execution(msg.kind, &execution)?;
    let max_price_impact = msg.max_price_impact.unwrap_or(Decimal256::percent(20));
    validate_max_price_impact(max_price_impact)?;
    if let Some(w) = msg.batch_window {
        if w == 0 || w > 86_400 {
            return Err(invalid("batch_window must be 1 to 86400 seconds"));
        }
    }
    Ok(Pool {
        id,
        kind: msg.kind,
        classes,
        lambda_now: curvature.lambda,
        curvature,
        volatility: Decimal256::zero(),
        fees,
        execution,
        sla: msg.sla,
        max_price_impact,
        total_shares: Uint128::zero(),
        fee_growth_credits: Decimal256::zero(),
        paused: false,
        last_update: now,
        last_observation: 0,
        batch_window: msg.batch_window,
    })
}

/// The fee rates a taker pays with a volume discount `discount` (HIP-8's tiers, applied by the router): every rate
/// of `f` and its cap scaled by `1 − discount`, rounded down (the discount never charges more); the shares of the
/// fee that are burned or go to the treasury are unchanged. `discount` ≥ 1 leaves no fee.
pub fn discounted_fees(f: &FeeConfig, discount: cosmwasm_std::Decimal) -> FeeConfig {
    let keep = cosmwasm_std::Decimal256::one()
        .checked_sub(discount.into())
        .unwrap_or_default();
    let scale = |rate: cosmwasm_std::Decimal256| rate.checked_mul(keep).unwrap_or_default();
    FeeConfig {
        market_fee: scale(f.market_fee),
        risk_fee: scale(f.risk_fee),
        volatility_fee: scale(f.volatility_fee),
        max_fee: scale(f.max_fee),
        burn_share: f.burn_share,
        treasury_share: f.treasury_share,
    }
}
