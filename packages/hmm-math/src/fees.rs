//! Swap fees and everything that scales them: the market and risk fee (2025 eq.11), the volatility surcharge
//! (2026 eq.28), the split of a collected fee between LPs, treasury and burn (2025 §4.3), HIP-8's quality
//! bonus/penalty and volume-discount tiers, a rolling volatility estimator (the `Vol_7d` of 2025 eq.12 and 2026
//! eq.28/30), and dynamic curvature (2025 eq.12, 2026 eq.30).
//!
//! Rounding rule of the crate: whatever the pool or protocol takes in rounds Up (fee rates, fee amounts), whatever it
//! pays out rounds Down (treasury and burn parts, provider bonuses); each function states its direction.

use cosmwasm_std::{Decimal256, SignedDecimal256, Uint128, Uint256};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec, Udec};
use crate::transcendental::{exp, ln};

const E15: u128 = 1_000_000_000_000_000;
const E16: u128 = 10_000_000_000_000_000;
const E17: u128 = 100_000_000_000_000_000;

/// 2025 §4.4 default market fee f_m: 30 bps.
pub const DEFAULT_MARKET_FEE: Udec = Udec::raw(Uint256::from_u128(3 * E15));
/// 2025 eq.11 default risk coefficient λ_r = 0.02 ("2% per 100% inventory move").
pub const DEFAULT_RISK_COEFFICIENT: Udec = Udec::raw(Uint256::from_u128(2 * E16));
/// Volatility surcharge f_v of 2026 eq.28. The seeds give no value; project choice: 0.1, i.e. 10 bps of fee per
/// 1% of per-observation log-return stdev.
pub const DEFAULT_VOLATILITY_COEFFICIENT: Udec = Udec::raw(Uint256::from_u128(E17));
/// Cap on the total fee rate. The seeds give none; project choice 5%, so that eq.28 cannot take most of a trade.
pub const DEFAULT_MAX_FEE: Udec = Udec::raw(Uint256::from_u128(5 * E16));
/// 2025 §4.4 fee burn ζ = 0.25.
pub const DEFAULT_BURN_SHARE: Udec = Udec::raw(Uint256::from_u128(25 * E16));
/// Treasury share of a fee. The seeds say "fees split to LPs and treasury" without a number; project choice 10%.
pub const DEFAULT_TREASURY_SHARE: Udec = Udec::raw(Uint256::from_u128(E17));

// ---------------------------------------------------------------------------------------------------------------
// Amount helpers
// ---------------------------------------------------------------------------------------------------------------

/// `amount × rate` in whole atoms, rounded as asked (exact floor or ceiling of the true product).
///
/// The 18-decimal product is rounded once in the asked direction and then to whole atoms in the same direction,
/// which gives exactly ⌊amount·rate⌋ (Down) or ⌈amount·rate⌉ (Up).
pub fn amount_times_rate(amount: Uint128, rate: Udec, rounding: Rounding) -> MathResult<Uint128> {
    rate.mul_amount(amount, rounding)
}

/// `amount × num ÷ den` in whole atoms with a 256-bit intermediate, rounded as asked.
pub fn mul_div_amount(
    amount: Uint128,
    num: Uint128,
    den: Uint128,
    rounding: Rounding,
) -> MathResult<Uint128> {
    if den.is_zero() {
        return Err(MathError::DivideByZero("mul_div_amount"));
    }
    let n = amount.full_mul(num);
    let d = Uint256::from(den);
    let q = n
        .checked_div(d)
        .map_err(|_| MathError::DivideByZero("mul_div_amount"))?;
    let r = n
        .checked_rem(d)
        .map_err(|_| MathError::DivideByZero("mul_div_amount"))?;
    let q = if rounding == Rounding::Up && !r.is_zero() {
        q.checked_add(Uint256::one())
            .map_err(|_| MathError::Overflow("mul_div_amount"))?
    } else {
        q
    };
    Uint128::try_from(q).map_err(|_| MathError::Overflow("mul_div_amount"))
}

/// Euclidean norm ‖v‖₂, rounded as asked (a bound in that direction).
///
/// Each component is divided by the largest one before squaring, so amounts of any size (up to `Udec::MAX`) work
/// without the squares overflowing.
pub fn norm2(v: &[Udec], rounding: Rounding) -> MathResult<Udec> {
    // One component (every single-class trade): the general path computes `√((x/x)²)·x = x` exactly, in either
    // rounding; skip its division, square and square root.
    if let [x] = v {
        return Ok(*x);
    }
    let m = v.iter().copied().fold(Udec::ZERO, Udec::max);
    if m.is_zero() {
        return Ok(Udec::ZERO);
    }
    let mut sum = Udec::ZERO;
    for x in v {
        let t = x.div(m, rounding)?;
        sum = sum.checked_add(t.mul(t, rounding)?)?;
    }
    sum.sqrt(rounding)?.mul(m, rounding)
}

/// ‖Δq‖₂ / ‖q‖₂, the relative inventory move of 2025 eq.11 and 2026 eq.28, rounded Up (it raises a fee).
pub fn inventory_move(delta_q: &[Udec], q: &[Udec]) -> MathResult<Udec> {
    if delta_q.is_empty() || q.is_empty() {
        return Err(MathError::Empty("inventory_move"));
    }
    if delta_q.len() != q.len() {
        return Err(MathError::InvalidParameter {
            name: "delta_q",
            reason: "length differs from the reserve vector",
        });
    }
    let den = norm2(q, Rounding::Down)?;
    if den.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    norm2(delta_q, Rounding::Up)?.div(den, Rounding::Up)
}

// ---------------------------------------------------------------------------------------------------------------
// Fee parameters, rate and split
// ---------------------------------------------------------------------------------------------------------------

/// Fee parameters of a pool: 2025 §4.4 / eq.11 and 2026 eq.28, plus the cap and the split (2025 §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeParams {
    /// f_m, the base market fee rate (2025 §4.4: 30 bps).
    pub market: Udec,
    /// f_r = λ_r of 2025 eq.11 / f_r of 2026 eq.28: fee rate per unit of ‖Δq‖/‖q‖ (default 0.02).
    pub risk: Udec,
    /// f_v of 2026 eq.28: fee rate per unit of volatility.
    pub volatility: Udec,
    /// Upper bound on the total fee rate; eq.28 is clamped to it.
    pub max_total: Udec,
    /// ζ, the burned fraction of each fee (2025 §4.3: 0.25).
    pub burn_share: Udec,
    /// The treasury fraction of each fee; LPs receive the rest.
    pub treasury_share: Udec,
}

impl Default for FeeParams {
    fn default() -> Self {
        FeeParams {
            market: DEFAULT_MARKET_FEE,
            risk: DEFAULT_RISK_COEFFICIENT,
            volatility: DEFAULT_VOLATILITY_COEFFICIENT,
            max_total: DEFAULT_MAX_FEE,
            burn_share: DEFAULT_BURN_SHARE,
            treasury_share: DEFAULT_TREASURY_SHARE,
        }
    }
}

impl FeeParams {
    /// Checks the parameters a pool may run with:
    /// - `0 < market ≤ max_total < 1`: a positive base fee is what makes every round trip cost something
    ///   (2025 App. A.1, 2026 Cor. 2) and every non-trivial swap pay a fee (2026 §12.4 property 3); a total rate of 1
    ///   or more would take the whole trade.
    /// - `risk ≤ 1`, `volatility ≤ 1`: catches a coefficient entered in bps instead of as a fraction.
    /// - `burn_share + treasury_share ≤ 1`: the LP part is what is left.
    pub fn validate(&self) -> MathResult<()> {
        let one = Udec::one();
        if self.market.is_zero() {
            return Err(MathError::InvalidParameter {
                name: "market",
                reason: "the base fee must be positive",
            });
        }
        if self.market > self.max_total {
            return Err(MathError::InvalidParameter {
                name: "market",
                reason: "above the fee cap",
            });
        }
        if self.max_total >= one {
            return Err(MathError::InvalidParameter {
                name: "max_total",
                reason: "the fee cap must be below 1",
            });
        }
        if self.risk > one {
            return Err(MathError::InvalidParameter {
                name: "risk",
                reason: "above 1 (a fraction, not bps)",
            });
        }
        if self.volatility > one {
            return Err(MathError::InvalidParameter {
                name: "volatility",
                reason: "above 1 (a fraction, not bps)",
            });
        }
        if self.burn_share.checked_add(self.treasury_share)? > one {
            return Err(MathError::InvalidParameter {
                name: "burn_share",
                reason: "burn and treasury shares exceed 1",
            });
        }
        Ok(())
    }
}

/// Risk fee rate of 2025 eq.11: `f_r = λ_r · ‖Δq‖₂ / ‖q‖₂`, rounded Up (taken in).
///
/// `q` is the reserve vector before the trade and `delta_q` the reserves the trade moves (absolute values).
pub fn risk_fee_rate(delta_q: &[Udec], q: &[Udec], lambda_r: Udec) -> MathResult<Udec> {
    inventory_move(delta_q, q)?.mul(lambda_r, Rounding::Up)
}

/// Total fee rate of 2026 eq.28, `f = f_m + f_r·‖Δq‖₂/‖q‖₂ + f_v·Vol`, clamped to `params.max_total`; rounded Up
/// (taken in). With `f_v = 0` it is the split fee `f_m + f_r` of 2025 §2.2 with the risk term of eq.11.
///
/// `vol` is the caller's volatility estimate (e.g. [`EwmaVolatility::stdev`]). The cap is a project addition:
/// eq.28 is unbounded in the trade size, and a fee rate near 1 would confiscate the trade.
pub fn fee_rate(delta_q: &[Udec], q: &[Udec], vol: Udec, params: &FeeParams) -> MathResult<Udec> {
    params.validate()?;
    let risk = match risk_fee_rate(delta_q, q, params.risk) {
        Ok(r) => r,
        // A move too large to represent is above any cap.
        Err(MathError::Overflow(_)) => return Ok(params.max_total),
        Err(e) => return Err(e),
    };
    let surcharge = params.volatility.mul(vol, Rounding::Up)?;
    // Saturate instead of failing: any sum above the cap is the cap.
    let total = params
        .market
        .checked_add(risk)
        .and_then(|t| t.checked_add(surcharge))
        .unwrap_or(Udec::MAX);
    Ok(total.min(params.max_total))
}

/// The fee in atoms on an input of `amount_in` atoms at `rate`: `⌈amount_in · rate⌉`, rounded Up (taken in), so it
/// is at least one atom for every non-zero amount at a positive rate.
pub fn fee_amount(amount_in: Uint128, rate: Udec) -> MathResult<Uint128> {
    amount_times_rate(amount_in, rate, Rounding::Up)
}

/// A collected fee divided between LPs, treasury and burn (2025 §4.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeeSplit {
    pub lp: Uint128,
    pub treasury: Uint128,
    pub burn: Uint128,
}

/// Splits a fee of `fee` atoms (2025 §4.3: a fraction ζ is burned, a share goes to the treasury, the rest to LPs).
/// `burn = ⌊fee·ζ⌋` and `treasury = ⌊fee·t⌋` round Down; `lp = fee − burn − treasury` takes the remainder, so the
/// three parts sum to `fee` exactly: no atom is created or lost.
///
/// ζ is applied to the whole fee, including the risk and volatility parts; 2025 §4.3 says "of market fees", and
/// a caller that wants the surcharges to go only to LPs splits the `f_m` part and adds the rest to `lp`.
pub fn split_fee(fee: Uint128, params: &FeeParams) -> MathResult<FeeSplit> {
    params.validate()?;
    let burn = amount_times_rate(fee, params.burn_share, Rounding::Down)?;
    let treasury = amount_times_rate(fee, params.treasury_share, Rounding::Down)?;
    let lp = fee
        .checked_sub(burn)
        .and_then(|r| r.checked_sub(treasury))
        .map_err(|_| MathError::Negative("split_fee"))?;
    Ok(FeeSplit { lp, treasury, burn })
}

// ---------------------------------------------------------------------------------------------------------------
// HIP-8 quality incentives and volume discounts
// ---------------------------------------------------------------------------------------------------------------

/// HIP-8 quality incentive band of a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QualityTier {
    /// Top 10% by quality: +50% fees.
    Top,
    Middle,
    /// Bottom 10% by quality: −50% fees.
    Bottom,
}

/// The HIP-8 band of the provider at `rank` (0 = best) among `population` providers.
///
/// The top band is the best `⌊N/10⌋` ranks and the bottom band the worst `⌊N/10⌋`, so the bands never overlap and
/// nobody is in either with fewer than 10 providers (HIP-8 does not say how to round 10% of a small set).
pub fn quality_tier(rank: u32, population: u32) -> MathResult<QualityTier> {
    if rank >= population {
        return Err(MathError::InvalidParameter {
            name: "rank",
            reason: "not below the population",
        });
    }
    let band = population / 10;
    Ok(if rank < band {
        QualityTier::Top
    } else if rank >= population - band {
        QualityTier::Bottom
    } else {
        QualityTier::Middle
    })
}

/// HIP-8 fee multiplier of a band: 1.5 (top 10%), 1 (middle), 0.5 (bottom 10%).
pub fn quality_fee_multiplier(tier: QualityTier) -> Udec {
    match tier {
        QualityTier::Top => Udec::raw(Uint256::from_u128(15 * E17)),
        QualityTier::Middle => Udec::one(),
        QualityTier::Bottom => Udec::raw(Uint256::from_u128(5 * E17)),
    }
}

/// A provider's fee earnings after the HIP-8 quality bonus or penalty, rounded Down (paid out).
///
/// The bonus is not budget-balanced: the top band's +50% and the bottom band's −50% cancel only if both bands
/// earned the same base. Whoever pays the difference (treasury, or a renormalisation) is the caller's choice.
pub fn quality_adjusted_fee(base_fee: Uint128, tier: QualityTier) -> MathResult<Uint128> {
    amount_times_rate(base_fee, quality_fee_multiplier(tier), Rounding::Down)
}

/// HIP-8 volume discount for a trader's 30-day volume, given in atoms of a token with `token_decimals` decimals:
/// 10% above 1,000 tokens, 20% above 10,000, 30% above 100,000 (strictly above, as HIP-8's ">" says).
pub fn volume_discount(monthly_volume: Uint128, token_decimals: u32) -> MathResult<Udec> {
    let unit = 10u128
        .checked_pow(token_decimals)
        .ok_or(MathError::Overflow("volume_discount"))?;
    let tier = |tokens: u128| -> MathResult<Uint128> {
        tokens
            .checked_mul(unit)
            .map(Uint128::new)
            .ok_or(MathError::Overflow("volume_discount"))
    };
    Ok(if monthly_volume > tier(100_000)? {
        Udec::raw(Uint256::from_u128(3 * E17))
    } else if monthly_volume > tier(10_000)? {
        Udec::raw(Uint256::from_u128(2 * E17))
    } else if monthly_volume > tier(1_000)? {
        Udec::raw(Uint256::from_u128(E17))
    } else {
        Udec::ZERO
    })
}

/// A fee rate after a discount: `rate · (1 − discount)`, rounded Up (taken in), so a positive rate stays positive.
pub fn discounted_fee_rate(rate: Udec, discount: Udec) -> MathResult<Udec> {
    let keep = Udec::one()
        .checked_sub(discount)
        .map_err(|_| MathError::InvalidParameter {
            name: "discount",
            reason: "above 1",
        })?;
    rate.mul(keep, Rounding::Up)
}

// ---------------------------------------------------------------------------------------------------------------
// Rolling volatility
// ---------------------------------------------------------------------------------------------------------------

/// Log-return `ln(next / prev)` of a positive series (prices, or trade sizes for the "volatility of trade volumes"
/// of 2026 eq.30). Rounded Down (the sign of a return does not matter to the variance it feeds).
pub fn log_return(prev: Udec, next: Udec) -> MathResult<Sdec> {
    if prev.is_zero() || next.is_zero() {
        return Err(MathError::LogOfNonPositive);
    }
    let lo = ln(next, Rounding::Down)?;
    let hi = ln(prev, Rounding::Up)?;
    lo.checked_sub(hi)
}

/// EWMA smoothing factor equivalent to a window of `n` observations, `α = 2/(n+1)` (the usual "span" rule), rounded
/// Up. For `Vol_7d` with one observation per block, `n` is the number of blocks in 7 days.
pub fn ewma_alpha_for_window(n: u64) -> MathResult<Udec> {
    if n == 0 {
        return Err(MathError::InvalidParameter {
            name: "n",
            reason: "an empty window",
        });
    }
    Udec::from_int(2).div(Udec::from_int(u128::from(n) + 1), Rounding::Up)
}

/// EWMA smoothing factor for an observation `elapsed` seconds after the previous one with time constant `window`
/// seconds: `α = 1 − e^(−elapsed/window)`, rounded Up. For irregular sampling (trades), pass it to
/// [`EwmaVolatility::observe_with_alpha`]; an observation in the same second as the previous one gets α = 0.
pub fn ewma_alpha_for_elapsed(elapsed: u64, window: u64) -> MathResult<Udec> {
    if window == 0 {
        return Err(MathError::InvalidParameter {
            name: "window",
            reason: "zero",
        });
    }
    if elapsed == 0 {
        return Ok(Udec::ZERO);
    }
    let t = Udec::from_ratio(u128::from(elapsed), u128::from(window), Rounding::Up)?;
    // e^(−t) rounded Down makes 1 − e^(−t) rounded Up.
    let decay = exp(t.to_signed()?.checked_neg()?, Rounding::Down)?;
    Ok(Udec::one().saturating_sub(decay))
}

/// Online exponentially weighted estimate of the mean and variance of a series (West 1979 form):
/// `d = x − m; m ← m + α·d; v ← (1 − α)·(v + α·d²)`. Deterministic fixed point, O(1) state, storable by a contract
/// (fields are cosmwasm decimal types). It is this crate's `Vol_7d` for 2025 eq.12 and 2026 eq.28/30: feed it
/// [`log_return`]s and read [`EwmaVolatility::stdev`].
///
/// EWMA rather than a fixed window: a 7-day window of every trade cannot be stored in O(1), the EWMA can.
/// The variance rounds Up (a volatility estimate only ever raises a fee or a curvature, so it is not understated).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub struct EwmaVolatility {
    /// Smoothing factor α ∈ (0, 1].
    pub alpha: Decimal256,
    pub mean: SignedDecimal256,
    pub variance: Decimal256,
    /// Number of observations so far (the first one only sets the mean).
    pub samples: u64,
}

impl EwmaVolatility {
    /// A fresh estimator with smoothing factor `alpha` ∈ (0, 1].
    pub fn new(alpha: Udec) -> MathResult<Self> {
        check_alpha(alpha)?;
        Ok(EwmaVolatility {
            alpha: alpha.into(),
            mean: SignedDecimal256::zero(),
            variance: Decimal256::zero(),
            samples: 0,
        })
    }

    /// Adds an observation with the stored α.
    pub fn observe(&mut self, x: Sdec) -> MathResult<()> {
        self.observe_with_alpha(x, Udec::from(self.alpha))
    }

    /// Adds an observation with its own α ∈ [0, 1] (e.g. from [`ewma_alpha_for_elapsed`]). On error the state is
    /// unchanged.
    pub fn observe_with_alpha(&mut self, x: Sdec, alpha: Udec) -> MathResult<()> {
        if alpha > Udec::one() {
            return Err(MathError::InvalidParameter {
                name: "alpha",
                reason: "above 1",
            });
        }
        if self.samples == 0 {
            self.mean = x.into();
            self.variance = Decimal256::zero();
            self.samples = 1;
            return Ok(());
        }
        let mean = Sdec::from(self.mean);
        let d = x.checked_sub(mean)?;
        let a = alpha.to_signed()?;
        let new_mean = mean.checked_add(d.mul(a, Rounding::Down)?)?;
        let d_abs = d.abs()?;
        let spread = alpha.mul(d_abs.mul(d_abs, Rounding::Up)?, Rounding::Up)?;
        let keep = Udec::one().checked_sub(alpha)?;
        let new_var = Udec::from(self.variance)
            .checked_add(spread)?
            .mul(keep, Rounding::Up)?;
        self.mean = new_mean.into();
        self.variance = new_var.into();
        self.samples = self.samples.saturating_add(1);
        Ok(())
    }

    pub fn mean(&self) -> Sdec {
        Sdec::from(self.mean)
    }

    /// The variance estimate, rounded Up.
    pub fn variance(&self) -> Udec {
        Udec::from(self.variance)
    }

    /// The standard deviation estimate √variance, rounded Up.
    pub fn stdev(&self) -> MathResult<Udec> {
        self.variance().sqrt(Rounding::Up)
    }
}

fn check_alpha(alpha: Udec) -> MathResult<()> {
    if alpha.is_zero() || alpha > Udec::one() {
        return Err(MathError::InvalidParameter {
            name: "alpha",
            reason: "must be in (0, 1]",
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Dynamic curvature
// ---------------------------------------------------------------------------------------------------------------

/// Utilisation of 2026 eq.30: `Util = 1 − min_i(q_i / q̄_i)`, clamped to [0, 1] (reserves all above target give 0,
/// not a negative utilisation). Rounded Down (the min ratio rounds Up).
pub fn utilisation(q: &[Udec], q_bar: &[Udec]) -> MathResult<Udec> {
    if q.is_empty() {
        return Err(MathError::Empty("utilisation"));
    }
    if q.len() != q_bar.len() {
        return Err(MathError::InvalidParameter {
            name: "q_bar",
            reason: "length differs from the reserve vector",
        });
    }
    let mut min_ratio = Udec::MAX;
    for (qi, ti) in q.iter().zip(q_bar) {
        if ti.is_zero() {
            return Err(MathError::DivideByZero("utilisation: zero target reserve"));
        }
        min_ratio = min_ratio.min(qi.div(*ti, Rounding::Up)?);
    }
    Ok(Udec::one().saturating_sub(min_ratio))
}

/// Depth-weighted utilisation, the form the pool uses in eq.30: `Util = Σᵢ dᵢ·max(0, 1 − qᵢ/q̄ᵢ) / Σᵢ dᵢ` with
/// `dᵢ` each class's depth (its reference credit reserve p̄ᵢ, in $AI). The paper's `1 − minᵢ(qᵢ/q̄ᵢ)` lets the
/// thinnest class set λ for every class: depleting a class worth 1 % of the pool moved the curvature of the other
/// 99 %, which an attacker trading those classes could exploit. Weighted by depth, a class moves `Util` at most by
/// its share of the pool. Rounded Down (each ratio rounds Up). Equals [`utilisation`] for one class.
pub fn utilisation_weighted(q: &[Udec], q_bar: &[Udec], depth: &[Udec]) -> MathResult<Udec> {
    if q.is_empty() {
        return Err(MathError::Empty("utilisation"));
    }
    if q.len() != q_bar.len() || q.len() != depth.len() {
        return Err(MathError::InvalidParameter {
            name: "q_bar",
            reason: "length differs from the reserve vector",
        });
    }
    let mut weighted = Udec::ZERO;
    let mut total = Udec::ZERO;
    for ((qi, ti), di) in q.iter().zip(q_bar).zip(depth) {
        if ti.is_zero() {
            return Err(MathError::DivideByZero("utilisation: zero target reserve"));
        }
        let used = Udec::one().saturating_sub(qi.div(*ti, Rounding::Up)?);
        weighted = weighted.checked_add(used.mul(*di, Rounding::Down)?)?;
        total = total.checked_add(*di)?;
    }
    if total.is_zero() {
        return Ok(Udec::ZERO);
    }
    Ok(weighted.div(total, Rounding::Down)?.min(Udec::one()))
}

/// Parameters of dynamic curvature, 2026 eq.30 (2025 eq.12 is the case `beta = 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurvatureParams {
    /// λ₀, the base curvature.
    pub lambda0: Udec,
    /// α, sensitivity to volatility.
    pub alpha: Udec,
    /// β, sensitivity to utilisation (2026 only).
    pub beta: Udec,
    /// Lower clamp.
    pub lambda_min: Udec,
    /// Upper clamp: the caller passes the bound of the sound region of its curve (e.g. λ < 2 for the κ-scaled
    /// target-reserve Hamiltonian), so no volatility or utilisation can push λ out of it.
    pub lambda_max: Udec,
}

/// Dynamic curvature, 2026 eq.30: `λ(t) = λ₀·(1 + α·Vol + β·Util)` clamped to `[λ_min, λ_max]`; with `β = 0` it is
/// 2025 eq.12, `λ₀·(1 + α·Vol₇d)`. Rounded Down: in the sound region a larger λ flattens the curve toward constant
/// sum, so rounding toward the smaller λ is the safe side.
pub fn dynamic_curvature(params: &CurvatureParams, vol: Udec, util: Udec) -> MathResult<Udec> {
    if params.lambda_min > params.lambda_max {
        return Err(MathError::InvalidParameter {
            name: "lambda_min",
            reason: "above lambda_max",
        });
    }
    // Anything that overflows is above any λ_max.
    let raised = || -> MathResult<Udec> {
        let factor = Udec::one()
            .checked_add(params.alpha.mul(vol, Rounding::Down)?)?
            .checked_add(params.beta.mul(util, Rounding::Down)?)?;
        params.lambda0.mul(factor, Rounding::Down)
    };
    let lambda = raised().unwrap_or(params.lambda_max);
    Ok(lambda.max(params.lambda_min).min(params.lambda_max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{sd, ud};
    use proptest::prelude::*;

    fn u(v: &[&str]) -> Vec<Udec> {
        v.iter().map(|s| ud(s)).collect()
    }

    #[test]
    fn defaults_validate_and_bad_params_are_refused() {
        let p = FeeParams::default();
        p.validate().unwrap();
        assert_eq!(p.market, ud("0.003"));
        assert_eq!(p.risk, ud("0.02"));
        assert_eq!(p.burn_share, ud("0.25"));
        let bad = [
            FeeParams {
                market: Udec::ZERO,
                ..p
            },
            FeeParams {
                market: ud("0.06"),
                ..p
            },
            FeeParams {
                max_total: Udec::one(),
                market: ud("0.003"),
                ..p
            },
            FeeParams {
                risk: ud("20"),
                ..p
            },
            FeeParams {
                burn_share: ud("0.95"),
                ..p
            },
        ];
        for b in bad {
            assert!(matches!(
                b.validate(),
                Err(MathError::InvalidParameter { .. })
            ));
        }
    }

    /// 2025 eq.11 and 2026 eq.28 against f64; tolerance 1e-17 absolute on the rate (a few ulps of 10⁻¹⁸).
    #[test]
    fn fee_rate_matches_f64() {
        let p = FeeParams::default();
        let q = u(&["1000", "2000", "500"]);
        let dq = u(&["10", "0", "25"]);
        let vol = ud("0.03");
        let got = fee_rate(&dq, &q, vol, &p).unwrap().to_f64();
        let nq = (1000f64.powi(2) + 2000f64.powi(2) + 500f64.powi(2)).sqrt();
        let nd = (10f64.powi(2) + 25f64.powi(2)).sqrt();
        let want = 0.003 + 0.02 * nd / nq + 0.1 * 0.03;
        assert!((got - want).abs() <= 1e-17, "{got} vs {want}");
        let risk = risk_fee_rate(&dq, &q, ud("0.02")).unwrap().to_f64();
        assert!((risk - 0.02 * nd / nq).abs() <= 1e-17);
        // A trade that moves the whole inventory is capped.
        let big = fee_rate(&u(&["5000", "5000", "5000"]), &q, ud("1"), &p).unwrap();
        assert_eq!(big, p.max_total);
        // Empty reserves are refused.
        assert_eq!(
            fee_rate(&u(&["1"]), &u(&["0"]), Udec::ZERO, &p),
            Err(MathError::InsufficientLiquidity)
        );
    }

    #[test]
    fn norm_handles_huge_amounts() {
        // Squares of 1e40 would overflow Udec; the scaled norm does not.
        let v = u(&[
            "30000000000000000000000000000000000000000",
            "40000000000000000000000000000000000000000",
        ]);
        let n = norm2(&v, Rounding::Down).unwrap();
        assert_eq!(n, ud("50000000000000000000000000000000000000000"));
        assert_eq!(norm2(&[Udec::ZERO], Rounding::Up).unwrap(), Udec::ZERO);
    }

    #[test]
    fn split_is_exact_with_remainder_to_lps() {
        let p = FeeParams::default();
        let s = split_fee(Uint128::new(1001), &p).unwrap();
        assert_eq!(s.burn, Uint128::new(250));
        assert_eq!(s.treasury, Uint128::new(100));
        assert_eq!(s.lp, Uint128::new(651));
        let one = split_fee(Uint128::new(1), &p).unwrap();
        assert_eq!(one.lp, Uint128::new(1));
    }

    #[test]
    fn hip8_quality_and_volume() {
        assert_eq!(quality_tier(0, 9).unwrap(), QualityTier::Middle);
        assert_eq!(quality_tier(0, 10).unwrap(), QualityTier::Top);
        assert_eq!(quality_tier(9, 10).unwrap(), QualityTier::Bottom);
        assert_eq!(quality_tier(1, 10).unwrap(), QualityTier::Middle);
        assert_eq!(quality_tier(19, 100).unwrap(), QualityTier::Middle);
        assert_eq!(quality_tier(9, 100).unwrap(), QualityTier::Top);
        assert_eq!(quality_tier(90, 100).unwrap(), QualityTier::Bottom);
        assert!(quality_tier(10, 10).is_err());
        assert_eq!(
            quality_adjusted_fee(Uint128::new(101), QualityTier::Top).unwrap(),
            Uint128::new(151)
        );
        assert_eq!(
            quality_adjusted_fee(Uint128::new(101), QualityTier::Bottom).unwrap(),
            Uint128::new(50)
        );
        let d = |v: u128| volume_discount(Uint128::new(v), 6).unwrap();
        assert_eq!(d(1_000_000_000), Udec::ZERO);
        assert_eq!(d(1_000_000_001), ud("0.1"));
        assert_eq!(d(10_000_000_001), ud("0.2"));
        assert_eq!(d(100_000_000_001), ud("0.3"));
        assert!(volume_discount(Uint128::new(1), 40).is_err());
        assert_eq!(
            discounted_fee_rate(ud("0.003"), ud("0.3")).unwrap(),
            ud("0.0021")
        );
        assert!(discounted_fee_rate(ud("0.003"), ud("1.1")).is_err());
    }

    /// EWMA against an f64 replica of the same recurrence; tolerance 1e-12 absolute on the stdev (measured ~1e-17).
    #[test]
    fn ewma_matches_f64() {
        let prices: [f64; 10] = [
            100.0, 101.5, 99.8, 102.3, 104.0, 103.1, 98.7, 100.2, 100.9, 97.5,
        ];
        let alpha = 0.2;
        let mut v = EwmaVolatility::new(ud("0.2")).unwrap();
        let (mut m, mut var, mut n): (f64, f64, u32) = (0.0, 0.0, 0);
        for w in prices.windows(2) {
            let r = log_return(
                format!("{}", w[0]).parse().unwrap(),
                format!("{}", w[1]).parse().unwrap(),
            )
            .unwrap();
            v.observe(r).unwrap();
            let x: f64 = (w[1] / w[0]).ln();
            if n == 0 {
                m = x;
            } else {
                let d = x - m;
                m += alpha * d;
                var = (1.0 - alpha) * (var + alpha * d * d);
            }
            n += 1;
        }
        let got = v.stdev().unwrap().to_f64();
        assert!((got - var.sqrt()).abs() < 1e-12, "{got} vs {}", var.sqrt());
        assert!((v.mean().to_f64() - m).abs() < 1e-12);
        assert_eq!(v.samples, 9);
        // A constant series has zero volatility.
        let mut c = EwmaVolatility::new(ud("0.5")).unwrap();
        for _ in 0..5 {
            c.observe(sd("0.01")).unwrap();
        }
        assert_eq!(c.variance(), Udec::ZERO);
        assert!(EwmaVolatility::new(Udec::ZERO).is_err());
        assert!(log_return(Udec::ZERO, Udec::one()).is_err());
    }

    #[test]
    fn ewma_alphas() {
        assert_eq!(ewma_alpha_for_window(1).unwrap(), Udec::one());
        assert_eq!(ewma_alpha_for_window(3).unwrap(), ud("0.5"));
        let a = ewma_alpha_for_elapsed(3600, 7 * 86400).unwrap().to_f64();
        let want = 1.0 - (-3600.0f64 / 604800.0).exp();
        assert!((a - want).abs() < 1e-16, "{a} vs {want}");
        assert_eq!(ewma_alpha_for_elapsed(0, 10).unwrap(), Udec::ZERO);
        assert!(ewma_alpha_for_elapsed(1, 0).is_err());
    }

    /// 2026 eq.30 against f64 (tolerance 1e-15 relative), and the clamp.
    #[test]
    fn curvature_matches_f64_and_clamps() {
        let p = CurvatureParams {
            lambda0: ud("0.5"),
            alpha: ud("2"),
            beta: ud("0.5"),
            lambda_min: ud("0.1"),
            lambda_max: ud("1.9"),
        };
        let util = utilisation(&u(&["80", "300"]), &u(&["100", "200"])).unwrap();
        assert_eq!(util, ud("0.2"));
        let got = dynamic_curvature(&p, ud("0.07"), util).unwrap().to_f64();
        let want = 0.5 * (1.0 + 2.0 * 0.07 + 0.5 * 0.2);
        assert!((got - want).abs() <= 1e-15 * want);
        // eq.12: beta = 0.
        let p12 = CurvatureParams {
            beta: Udec::ZERO,
            ..p
        };
        let got12 = dynamic_curvature(&p12, ud("0.07"), util).unwrap().to_f64();
        assert!((got12 - 0.5 * 1.14).abs() <= 1e-15);
        // Clamped to the sound bound however large the inputs.
        assert_eq!(dynamic_curvature(&p, ud("1000"), util).unwrap(), ud("1.9"));
        assert_eq!(
            dynamic_curvature(&p, Udec::MAX, Udec::MAX).unwrap(),
            ud("1.9")
        );
        let low = CurvatureParams {
            lambda0: ud("0.01"),
            ..p
        };
        assert_eq!(
            dynamic_curvature(&low, Udec::ZERO, Udec::ZERO).unwrap(),
            ud("0.1")
        );
        // Weighted by depth, a thin class moves it by its share only; one class: the paper's form.
        let thin = utilisation_weighted(&u(&["10", "100"]), &u(&["100", "100"]), &u(&["1", "99"]))
            .unwrap();
        assert_eq!(thin, Udec::from_ratio(9, 1000, Rounding::Down).unwrap());
        assert_eq!(
            utilisation_weighted(&u(&["80"]), &u(&["100"]), &u(&["5"])).unwrap(),
            utilisation(&u(&["80"]), &u(&["100"])).unwrap()
        );
        // Reserves above target: no negative utilisation.
        assert_eq!(utilisation(&u(&["300"]), &u(&["200"])).unwrap(), Udec::ZERO);
        let bad = CurvatureParams {
            lambda_min: ud("2"),
            ..p
        };
        assert!(dynamic_curvature(&bad, Udec::ZERO, Udec::ZERO).is_err());
    }

    /// Amounts spread over every order of magnitude: 1 to ~10^(max_exp + 6) atoms.
    fn atoms(max_exp: u32) -> impl Strategy<Value = u128> {
        (1u128..=999_999, 0..=max_exp).prop_map(|(m, e)| m * 10u128.pow(e))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// 2026 §12.4 property 3: every non-trivial swap pays a positive fee, at least the market fee, at most
        /// the cap (plus the one-atom ceiling).
        #[test]
        fn fee_is_positive_for_every_nontrivial_swap(
            amount in atoms(32),
            reserve in atoms(32),
            moved in prop_oneof![Just(0u128), atoms(32)],
            vol_bps in 0u128..100_000,
        ) {
            let p = FeeParams::default();
            let q = [Udec::from_amount(Uint128::new(reserve))];
            let dq = [Udec::from_amount(Uint128::new(moved))];
            let rate = fee_rate(&dq, &q, Udec::from_decimal(vol_bps, 4).unwrap(), &p).unwrap();
            prop_assert!(rate >= p.market && rate <= p.max_total);
            let fee = fee_amount(Uint128::new(amount), rate).unwrap();
            prop_assert!(!fee.is_zero());
            prop_assert!(fee <= Uint128::new(amount));
            let exact = amount as f64 * rate.to_f64();
            prop_assert!((fee.u128() as f64) >= exact * (1.0 - 1e-12));
        }

        /// The fee split sums exactly to the fee for any valid shares.
        #[test]
        fn fee_split_sums_exactly(
            fee in any::<u128>(),
            burn in 0u128..=1_000_000,
            treasury_seed in any::<u128>(),
        ) {
            let treasury = treasury_seed % (1_000_001 - burn);
            let p = FeeParams {
                burn_share: Udec::from_decimal(burn, 6).unwrap(),
                treasury_share: Udec::from_decimal(treasury, 6).unwrap(),
                ..FeeParams::default()
            };
            let s = split_fee(Uint128::new(fee), &p).unwrap();
            prop_assert_eq!(
                s.lp.checked_add(s.treasury).unwrap().checked_add(s.burn).unwrap(),
                Uint128::new(fee)
            );
            // Burn and treasury are the floors of their exact shares.
            let exact_burn = (fee as f64) * (burn as f64) / 1e6;
            prop_assert!((s.burn.u128() as f64) <= exact_burn * (1.0 + 1e-12) + 1e-9);
        }

        /// The EWMA variance is never negative and its stdev is bounded by the largest deviation seen.
        #[test]
        fn ewma_stdev_is_bounded(xs in proptest::collection::vec(-1_000_000i64..1_000_000, 2..8), a in 1u128..=100) {
            let mut v = EwmaVolatility::new(Udec::from_decimal(a, 2).unwrap()).unwrap();
            for x in &xs {
                v.observe(Sdec::from_int(i128::from(*x)).div(Sdec::from_int(1_000_000), Rounding::Down).unwrap()).unwrap();
            }
            let lo = *xs.iter().min().unwrap() as f64 / 1e6;
            let hi = *xs.iter().max().unwrap() as f64 / 1e6;
            prop_assert!(v.stdev().unwrap().to_f64() <= (hi - lo) + 1e-12);
        }
    }
}
