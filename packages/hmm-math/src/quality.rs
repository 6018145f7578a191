//! Quality and weighting formulas: the attestation EMA of 2026 eq.24, HIP-8's metric oracle (metric EMA and
//! weighted score), quality-weighted effective reserves (2025 eq.10 / 2026 eq.23), PoAI expert weights
//! (2025 eq.5) and the expected-free-energy softmax (2025 eq.15 / 2026 eq.34).
//!
//! Quality scores scale what a worker may mint, so they round Down; weights that must sum to 1 round Down and
//! hand the few remaining ulps to the largest weight, so they sum to exactly 1.

use cosmwasm_std::{Uint128, Uint256};

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec, Udec};
use crate::transcendental::exp;

const E17: u128 = 100_000_000_000_000_000;

/// 2026 eq.24 learning rate α = 0.1.
pub const QUALITY_ALPHA: Udec = Udec::raw(Uint256::from_u128(E17));
/// HIP-8 oracle: weight of the previous metric value in the rolling average (0.7).
pub const METRIC_EMA_KEEP: Udec = Udec::raw(Uint256::from_u128(7 * E17));
/// HIP-8 oracle: weight of a new metric observation (0.3).
pub const METRIC_EMA_NEW: Udec = Udec::raw(Uint256::from_u128(3 * E17));
/// HIP-8 score weights: latency 0.3, throughput 0.3, availability 0.2, accuracy 0.2.
pub const WEIGHT_LATENCY: Udec = Udec::raw(Uint256::from_u128(3 * E17));
pub const WEIGHT_THROUGHPUT: Udec = Udec::raw(Uint256::from_u128(3 * E17));
pub const WEIGHT_AVAILABILITY: Udec = Udec::raw(Uint256::from_u128(2 * E17));
pub const WEIGHT_ACCURACY: Udec = Udec::raw(Uint256::from_u128(2 * E17));
/// HIP-8 oracle: the value assumed for a metric never reported (`get(provider, 0.5)`).
pub const METRIC_DEFAULT: Udec = Udec::raw(Uint256::from_u128(5 * E17));
/// Largest reliability used in 2025 eq.5: `1 − 10⁻⁶`, so the odds `q/(1 − q)` stay below 10⁶.
pub const MAX_RELIABILITY: Udec = Udec::raw(Uint256::from_u128(999_999_000_000_000_000));

fn check_unit(x: Udec, name: &'static str) -> MathResult<()> {
    if x > Udec::one() {
        return Err(MathError::InvalidParameter {
            name,
            reason: "must be in [0, 1]",
        });
    }
    Ok(())
}

/// Quality EMA, 2026 eq.24: `q(t+1) = α·a(t) + (1 − α)·q(t)` with `a(t) = 1` for a passed attestation and 0 for a
/// failed one (α = [`QUALITY_ALPHA`] by default). Rounded Down (quality scales what a worker may mint); stays in
/// [0, 1].
pub fn quality_ema(prev: Udec, attested: bool, alpha: Udec) -> MathResult<Udec> {
    check_unit(prev, "prev")?;
    if alpha.is_zero() {
        return Err(MathError::InvalidParameter {
            name: "alpha",
            reason: "must be in (0, 1]",
        });
    }
    check_unit(alpha, "alpha")?;
    let kept = Udec::one().checked_sub(alpha)?.mul(prev, Rounding::Down)?;
    if attested {
        kept.checked_add(alpha)
    } else {
        Ok(kept)
    }
}

/// HIP-8 metric rolling average: `0.7·previous + 0.3·value`; the first observation (`prev = None`) is taken as is,
/// like the oracle's `get(provider, value)`. Rounded Down.
pub fn metric_ema(prev: Option<Udec>, value: Udec) -> MathResult<Udec> {
    match prev {
        None => Ok(value),
        Some(p) => p
            .mul(METRIC_EMA_KEEP, Rounding::Down)?
            .checked_add(value.mul(METRIC_EMA_NEW, Rounding::Down)?),
    }
}

/// A provider's HIP-8 metrics, each already normalised to [0, 1] with higher = better (see
/// [`score_lower_is_better`], [`score_higher_is_better`]); `None` for a metric never reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QualityMetrics {
    pub latency: Option<Udec>,
    pub throughput: Option<Udec>,
    pub availability: Option<Udec>,
    pub accuracy: Option<Udec>,
}

/// HIP-8 quality score: `0.3·latency + 0.3·throughput + 0.2·availability + 0.2·accuracy`, a missing metric counting
/// as 0.5. Rounded Down; in [0, 1].
///
/// HIP-8's oracle feeds raw values (milliseconds, tokens per second) into this sum, which is in [0, 1] only for
/// normalised metrics, and rewards high latency; so here every metric must be a normalised "higher is better"
/// score, and a value above 1 is refused.
pub fn quality_score(m: &QualityMetrics) -> MathResult<Udec> {
    let mut score = Udec::ZERO;
    for (value, weight, name) in [
        (m.latency, WEIGHT_LATENCY, "latency"),
        (m.throughput, WEIGHT_THROUGHPUT, "throughput"),
        (m.availability, WEIGHT_AVAILABILITY, "availability"),
        (m.accuracy, WEIGHT_ACCURACY, "accuracy"),
    ] {
        let v = value.unwrap_or(METRIC_DEFAULT);
        check_unit(v, name)?;
        score = score.checked_add(v.mul(weight, Rounding::Down)?)?;
    }
    Ok(score)
}

/// Normalises a metric where lower is better (latency): 1 at or below `best`, 0 at or above `worst`, linear in
/// between. Rounded Down.
pub fn score_lower_is_better(value: Udec, best: Udec, worst: Udec) -> MathResult<Udec> {
    if best >= worst {
        return Err(MathError::InvalidParameter {
            name: "best",
            reason: "must be below worst",
        });
    }
    if value <= best {
        return Ok(Udec::one());
    }
    if value >= worst {
        return Ok(Udec::ZERO);
    }
    worst
        .checked_sub(value)?
        .div(worst.checked_sub(best)?, Rounding::Down)
}

/// Normalises a metric where higher is better (throughput, availability, accuracy): 0 at or below `worst`, 1 at or
/// above `best`, linear in between. Rounded Down.
pub fn score_higher_is_better(value: Udec, worst: Udec, best: Udec) -> MathResult<Udec> {
    if worst >= best {
        return Err(MathError::InvalidParameter {
            name: "worst",
            reason: "must be below best",
        });
    }
    if value >= best {
        return Ok(Udec::one());
    }
    if value <= worst {
        return Ok(Udec::ZERO);
    }
    value
        .checked_sub(worst)?
        .div(best.checked_sub(worst)?, Rounding::Down)
}

/// Effective reserve of a resource class, 2025 eq.10 / 2026 eq.23: `Σ_j q_j · raw_j` over the workers offering it,
/// with `q_j ∈ [0, 1]` their quality and `raw_j` their raw capacity in atoms. Exact in fixed point, rounded Down
/// to whole atoms once at the end; never above `Σ raw_j`.
pub fn effective_reserve(contributions: &[(Udec, Uint128)]) -> MathResult<Uint128> {
    let mut sum = Udec::ZERO;
    for (q, raw) in contributions {
        check_unit(*q, "quality")?;
        sum = sum.checked_add(Udec::from_amount(*raw).mul(*q, Rounding::Down)?)?;
    }
    sum.to_amount(Rounding::Down)
}

/// Divides non-negative values by their sum, each rounded Down, then gives the remaining ulps (fewer than the
/// number of values) to the first largest value, so the result sums to exactly 1. All-zero values give equal
/// weights (same remainder rule).
fn normalise(values: &[Udec]) -> MathResult<Vec<Udec>> {
    if values.is_empty() {
        return Err(MathError::Empty("weights"));
    }
    let mut total = Udec::ZERO;
    for v in values {
        total = total.checked_add(*v)?;
    }
    let uniform = total.is_zero();
    let mut out = Vec::with_capacity(values.len());
    let mut sum = Udec::ZERO;
    let n = Udec::from_int(values.len() as u128);
    for v in values {
        let w = if uniform {
            Udec::one().div(n, Rounding::Down)?
        } else {
            v.div(total, Rounding::Down)?
        };
        sum = sum.checked_add(w)?;
        out.push(w);
    }
    let remainder = Udec::one().checked_sub(sum)?;
    let mut best = 0usize;
    for (i, v) in values.iter().enumerate() {
        if values.get(best).is_some_and(|b| v > b) {
            best = i;
        }
    }
    if let Some(w) = out.get_mut(best) {
        *w = w.checked_add(remainder)?;
    }
    Ok(out)
}

/// PoAI expert weights, 2025 eq.5: `η_m ∝ q_m / (1 − q_m)` (precision weighting), normalised to sum to exactly 1.
///
/// `q_m ∈ [0, 1]` is expert m's reliability; it is clamped to at most [`MAX_RELIABILITY`] = 1 − 10⁻⁶ first,
/// because at `q = 1` the odds are infinite (division by zero) and just below 1 a single expert with a perfect but
/// short record would take all the weight; 10⁻⁶ is finer than any attestation history can resolve (the eq.24
/// EMA needs 132 consecutive passes from 0 to get that close to 1). All-zero reliabilities give equal weights. Each
/// weight rounds Down and the remaining ulps go to the largest.
pub fn expert_weights(reliabilities: &[Udec]) -> MathResult<Vec<Udec>> {
    let mut odds = Vec::with_capacity(reliabilities.len());
    for q in reliabilities {
        check_unit(*q, "reliability")?;
        let q = (*q).min(MAX_RELIABILITY);
        odds.push(q.div(Udec::one().checked_sub(q)?, Rounding::Down)?);
    }
    normalise(&odds)
}

/// Expected free energy of a policy as the seeds define it (2025 §8.3, 2026 eq.34):
/// `EFE = ΔI + ΔU − λ_c·cost` (the caller supplies expectations). Rounded Down.
pub fn expected_free_energy(
    info_gain: Sdec,
    utility: Sdec,
    lambda_c: Udec,
    cost: Udec,
) -> MathResult<Sdec> {
    info_gain
        .checked_add(utility)?
        .checked_sub(lambda_c.mul(cost, Rounding::Up)?.to_signed()?)
}

/// EFE softmax, 2025 eq.15 / 2026 eq.34: `η_π = e^{β·EFE(π)} / Σ_π' e^{β·EFE(π')}`, normalised to sum to exactly 1.
///
/// Numerically stable: the largest `β·EFE` is subtracted before `exp`, so every exponent is ≤ 0 and nothing
/// overflows; terms more than ~41 below the maximum get weight 0. Each weight rounds Down and the remaining ulps go
/// to the largest.
pub fn efe_softmax(beta: Udec, efe: &[Sdec]) -> MathResult<Vec<Udec>> {
    let b = beta.to_signed()?;
    let mut x = Vec::with_capacity(efe.len());
    for e in efe {
        x.push(b.mul(*e, Rounding::Down)?);
    }
    let m = x
        .iter()
        .copied()
        .max()
        .ok_or(MathError::Empty("efe_softmax"))?;
    let mut e = Vec::with_capacity(x.len());
    for xi in &x {
        e.push(exp(xi.checked_sub(m)?, Rounding::Down)?);
    }
    normalise(&e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{sd, ud};
    use proptest::prelude::*;

    fn sum(w: &[Udec]) -> Udec {
        w.iter().fold(Udec::ZERO, |a, b| a.checked_add(*b).unwrap())
    }

    /// 2026 eq.24 against f64 over a run of attestations: tolerance 5e-16 absolute (the f64 side's own error; the
    /// fixed-point value here is exact).
    #[test]
    fn quality_ema_matches_f64() {
        let pattern = [
            true, true, false, true, false, false, true, true, true, true,
        ];
        let mut q = ud("0.5");
        let mut qf = 0.5f64;
        for a in pattern {
            q = quality_ema(q, a, QUALITY_ALPHA).unwrap();
            qf = 0.1 * if a { 1.0 } else { 0.0 } + 0.9 * qf;
        }
        assert!((q.to_f64() - qf).abs() <= 5e-16, "{q} vs {qf}");
        // Reaching 1 − 1e-6 from 0 takes 132 straight passes (0.9¹³² < 1e-6 < 0.9¹³¹).
        let mut q = Udec::ZERO;
        let mut n = 0;
        while q < MAX_RELIABILITY {
            q = quality_ema(q, true, QUALITY_ALPHA).unwrap();
            n += 1;
        }
        assert_eq!(n, 132);
        assert!(quality_ema(ud("1.1"), true, QUALITY_ALPHA).is_err());
        assert!(quality_ema(ud("0.5"), true, Udec::ZERO).is_err());
    }

    #[test]
    fn hip8_metric_score() {
        assert_eq!(metric_ema(None, ud("0.8")).unwrap(), ud("0.8"));
        assert_eq!(metric_ema(Some(ud("1")), ud("0")).unwrap(), ud("0.7"));
        let m = QualityMetrics {
            latency: Some(ud("0.9")),
            throughput: Some(ud("0.5")),
            availability: Some(ud("1")),
            accuracy: None,
        };
        let s = quality_score(&m).unwrap().to_f64();
        assert!((s - (0.3 * 0.9 + 0.3 * 0.5 + 0.2 * 1.0 + 0.2 * 0.5)).abs() < 2e-16);
        assert_eq!(
            quality_score(&QualityMetrics::default()).unwrap(),
            ud("0.5")
        );
        let bad = QualityMetrics {
            latency: Some(ud("250")),
            ..m
        };
        assert!(quality_score(&bad).is_err());
        assert_eq!(
            score_lower_is_better(ud("150"), ud("100"), ud("300")).unwrap(),
            ud("0.75")
        );
        assert_eq!(
            score_lower_is_better(ud("50"), ud("100"), ud("300")).unwrap(),
            Udec::one()
        );
        assert_eq!(
            score_higher_is_better(ud("0.995"), ud("0.99"), ud("1")).unwrap(),
            ud("0.5")
        );
        assert!(score_higher_is_better(ud("1"), ud("1"), ud("1")).is_err());
    }

    #[test]
    fn effective_reserves_round_down() {
        let c = [
            (ud("0.9"), Uint128::new(1001)),
            (ud("0.333333333333333333"), Uint128::new(10)),
            (Udec::one(), Uint128::new(5)),
        ];
        // 900.9 + 3.33… + 5 = 909.23… → 909.
        assert_eq!(effective_reserve(&c).unwrap(), Uint128::new(909));
        assert_eq!(effective_reserve(&[]).unwrap(), Uint128::zero());
        assert!(effective_reserve(&[(ud("1.5"), Uint128::new(1))]).is_err());
    }

    /// 2025 eq.5 against f64: tolerance 1e-15 absolute per weight (measured ≤ 1e-17).
    #[test]
    fn expert_weights_match_f64() {
        let q = ["0.9", "0.5", "0.75", "0"];
        let w = expert_weights(&q.iter().map(|s| ud(s)).collect::<Vec<_>>()).unwrap();
        assert_eq!(sum(&w), Udec::one());
        let odds: Vec<f64> = q
            .iter()
            .map(|s| {
                let x: f64 = s.parse().unwrap();
                x / (1.0 - x)
            })
            .collect();
        let total: f64 = odds.iter().sum();
        for (wi, oi) in w.iter().zip(&odds) {
            assert!((wi.to_f64() - oi / total).abs() <= 1e-15);
        }
        // q = 1 is clamped, not a division by zero.
        let w = expert_weights(&[Udec::one(), ud("0.5")]).unwrap();
        assert!((w[0].to_f64() - 999_999.0 / 1_000_000.0).abs() < 1e-12);
        assert_eq!(
            expert_weights(&[Udec::ZERO, Udec::ZERO]).unwrap(),
            vec![ud("0.5"); 2]
        );
        assert!(expert_weights(&[]).is_err());
        assert!(expert_weights(&[ud("1.01")]).is_err());
    }

    /// 2025 eq.15 / 2026 eq.34 against f64: tolerance 1e-15 absolute per weight (measured ≤ 2e-17).
    #[test]
    fn softmax_matches_f64_and_is_stable() {
        let efe = ["1.5", "-0.25", "3", "0"];
        let beta = ud("2");
        let w = efe_softmax(beta, &efe.iter().map(|s| sd(s)).collect::<Vec<_>>()).unwrap();
        assert_eq!(sum(&w), Udec::one());
        let ex: Vec<f64> = efe
            .iter()
            .map(|s| (2.0 * s.parse::<f64>().unwrap()).exp())
            .collect();
        let total: f64 = ex.iter().sum();
        for (wi, e) in w.iter().zip(&ex) {
            assert!(
                (wi.to_f64() - e / total).abs() <= 1e-15,
                "{wi} vs {}",
                e / total
            );
        }
        // Values whose exponentials overflow any fixed point: the max subtraction keeps them finite.
        let big = [sd("1000000"), sd("999999"), sd("-1000000")];
        let w = efe_softmax(Udec::one(), &big).unwrap();
        let e1 = (-1f64).exp();
        assert!((w[0].to_f64() - 1.0 / (1.0 + e1)).abs() <= 1e-15);
        assert_eq!(w[2], Udec::ZERO);
        assert_eq!(sum(&w), Udec::one());
        // β = 0: uniform.
        let w = efe_softmax(Udec::ZERO, &big).unwrap();
        assert_eq!(w[1], w[2]);
        assert_eq!(w[0], w[2].checked_add(Udec::ulp()).unwrap());
        assert!(efe_softmax(Udec::one(), &[]).is_err());
        let e = expected_free_energy(sd("0.4"), sd("1"), ud("0.5"), ud("2")).unwrap();
        assert_eq!(e, sd("0.4"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// Expert weights sum to exactly 1 and follow the order of the reliabilities.
        #[test]
        fn expert_weights_sum_to_one(q in proptest::collection::vec(0u128..=1_000_000, 1..8)) {
            let r: Vec<Udec> = q.iter().map(|x| Udec::from_decimal(*x, 6).unwrap()).collect();
            let w = expert_weights(&r).unwrap();
            prop_assert_eq!(sum(&w), Udec::one());
            for i in 0..r.len() {
                for j in 0..r.len() {
                    if r[i] < r[j] && r[j] < MAX_RELIABILITY {
                        prop_assert!(w[i] <= w[j]);
                    }
                }
            }
        }

        /// Softmax weights sum to exactly 1 and are within 1e-15 of f64.
        #[test]
        fn softmax_sums_to_one(e in proptest::collection::vec(-50_000i64..50_000, 1..6), b in 0u128..=10_000) {
            let efe: Vec<Sdec> = e.iter().map(|x| Sdec::from_int(i128::from(*x)).div(Sdec::from_int(1000), Rounding::Down).unwrap()).collect();
            let beta = Udec::from_decimal(b, 3).unwrap();
            let w = efe_softmax(beta, &efe).unwrap();
            prop_assert_eq!(sum(&w), Udec::one());
            // Reference: exponents from exact integers (β·EFE = b·e/10⁶), so f64 adds one rounding only.
            let m = e.iter().map(|x| i128::from(*x) * b as i128).max().unwrap();
            let ex: Vec<f64> = e
                .iter()
                .map(|x| ((i128::from(*x) * b as i128 - m) as f64 / 1e6).exp())
                .collect();
            let t: f64 = ex.iter().sum();
            for (wi, x) in w.iter().zip(&ex) {
                prop_assert!((wi.to_f64() - x / t).abs() <= 1e-15);
            }
        }

        /// The quality EMA stays in [0, 1] and moves toward the attestation result.
        #[test]
        fn quality_ema_stays_in_unit_interval(prev in 0u128..=1_000_000_000_000_000_000, a in any::<bool>(), alpha in 1u128..=1000) {
            let p = Udec::raw(Uint256::from(prev));
            let q = quality_ema(p, a, Udec::from_decimal(alpha, 3).unwrap()).unwrap();
            prop_assert!(q <= Udec::one());
            if a { prop_assert!(q >= p.checked_sub(Udec::ulp()).unwrap_or(Udec::ZERO)); } else { prop_assert!(q <= p); }
        }
    }
}
