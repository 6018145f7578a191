//! Impermanent loss: the constant-product closed form (2025 eq.14), the HMM "bound" of 2026 eq.26 as printed and
//! as it was presumably meant, and the general definition from two pool states and prices (2026 eq.25).
//!
//! IL is a reported quantity, neither paid nor taken; its values are signed (`IL ≤ 0` is a loss) and round Down,
//! toward −∞, so a loss is never understated. The eq.26 bounds round Up, so a bound stays a bound.
//!
//! Finding (tested below): eq.26 is not a valid bound. As printed, `|IL| ≤ IL_CP + c` has a negative right-hand side
//! whenever the correction `c` is smaller than `|IL_CP|`. Its correction term equals `(λ/2κ)·|IL_CP|`, because
//! `(√r − 1)²/(1 + r) = 1 − 2√r/(1 + r)`, so the intended form is `|IL_HMM| ≤ (1 − λ/2κ)·|IL_CP|` — a constant
//! factor, which 2026 Table 3 does not follow. And on the sound part of the κ-scaled target-reserve curve
//! (`λ < 2`) curvature flattens the curve toward constant sum, which *raises* IL at a given price ratio:
//! `λ = 0.5` loses 6.96% at `r = 2` where constant product loses 5.72% (Table 3 claims 3.84%).

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec, Udec};

fn two() -> Udec {
    Udec::from_int(2)
}

/// `2√r / (1 + r)`, rounded as asked.
fn cp_value_ratio(r: Udec, rounding: Rounding) -> MathResult<Udec> {
    let num = r.sqrt(rounding)?.mul(two(), rounding)?;
    let den = Udec::one().checked_add(r)?;
    num.div(den, rounding)
}

/// IL of constant product, 2025 eq.14 (= 2026 App. A): `IL = 2√r / (1 + r) − 1` with `r = p_final / p_initial`;
/// in [−1, 0], zero only at `r = 1`. Rounded Down (toward −∞).
pub fn il_constant_product(r: Udec) -> MathResult<Sdec> {
    cp_value_ratio(r, Rounding::Down)?
        .to_signed()?
        .checked_sub(Sdec::one())
}

/// |√r − 1|, rounded as asked.
fn sqrt_r_minus_one_abs(r: Udec, rounding: Rounding) -> MathResult<Udec> {
    if r >= Udec::one() {
        r.sqrt(rounding)?.checked_sub(Udec::one())
    } else {
        Udec::one().checked_sub(r.sqrt(rounding.flip())?)
    }
}

/// The curvature correction of 2026 eq.26, `(λ / 2κ)·(√r − 1)² / (1 + r)`, rounded as asked.
fn eq26_correction(r: Udec, lambda: Udec, kappa: Udec, rounding: Rounding) -> MathResult<Udec> {
    if kappa.is_zero() {
        return Err(MathError::DivideByZero("eq.26: kappa is zero"));
    }
    let d = sqrt_r_minus_one_abs(r, rounding)?;
    let sq = d.mul(d, rounding)?;
    let den = Udec::one().checked_add(r)?;
    lambda
        .mul(sq, rounding)?
        .div(kappa.mul(two(), rounding.flip())?, rounding)?
        .div(den, rounding)
}

/// The right-hand side of 2026 eq.26 exactly as printed:
/// `2√r/(1 + r) − 1 + (λ/2κ)·(√r − 1)²·1/(1 + r)`, rounded Up (a bound).
///
/// Kept for comparison only. It is negative whenever `λ/2κ < 1`, so the printed `|IL_HMM| ≤ …` cannot hold; it
/// equals `IL_CP · (1 − λ/2κ)`.
pub fn il_hmm_bound_as_printed(r: Udec, lambda: Udec, kappa: Udec) -> MathResult<Sdec> {
    let cp = cp_value_ratio(r, Rounding::Up)?
        .to_signed()?
        .checked_sub(Sdec::one())?;
    cp.checked_add(eq26_correction(r, lambda, kappa, Rounding::Up)?.to_signed()?)
}

/// 2026 eq.26 with the sign the proof describes ("the correction … reduces IL"): the claimed magnitude bound
/// `|IL_HMM| ≤ |IL_CP| − (λ/2κ)(√r − 1)²/(1 + r) = |IL_CP|·(1 − λ/2κ)`, floored at 0; rounded Up.
///
/// This is the paper's claim, not a proven property: κ has the units of `Σ w q p` while λ is normalised, so at real
/// reserve sizes the correction vanishes, and on the sound curve curvature increases IL (module notes).
pub fn il_hmm_bound_magnitude(r: Udec, lambda: Udec, kappa: Udec) -> MathResult<Udec> {
    let cp_loss = Udec::one().saturating_sub(cp_value_ratio(r, Rounding::Down)?);
    let c = eq26_correction(r, lambda, kappa, Rounding::Down)?;
    Ok(cp_loss.saturating_sub(c))
}

fn value(
    amounts: &[Udec],
    credits: &[Udec],
    prices: &[Udec],
    rounding: Rounding,
) -> MathResult<Udec> {
    let mut v = Udec::ZERO;
    for (a, p) in amounts.iter().zip(prices) {
        v = v.checked_add(a.mul(*p, rounding)?)?;
    }
    for c in credits {
        v = v.checked_add(*c)?;
    }
    Ok(v)
}

/// General IL, 2026 eq.25: `IL = V_pool(t₁) / V_hold(t₁) − 1`.
///
/// `q0`, `p0` are the LP's resource and credit holdings at deposit, `q1`, `p1` its claim on the pool at
/// withdrawal (any common share of the pool gives the same IL), `prices` the resource prices at `t₁` in credits
/// (credits are the numeraire, price 1). `V_pool` rounds Down and `V_hold` Up, so the result (rounded Down) never
/// understates the loss.
pub fn impermanent_loss(
    q0: &[Udec],
    p0: &[Udec],
    q1: &[Udec],
    p1: &[Udec],
    prices: &[Udec],
) -> MathResult<Sdec> {
    if q0.len() != prices.len() || q1.len() != prices.len() {
        return Err(MathError::InvalidParameter {
            name: "prices",
            reason: "one price per resource in both states",
        });
    }
    let hold = value(q0, p0, prices, Rounding::Up)?;
    if hold.is_zero() {
        return Err(MathError::DivideByZero("impermanent_loss: nothing held"));
    }
    let pool = value(q1, p1, prices, Rounding::Down)?;
    pool.div(hold, Rounding::Down)?
        .to_signed()?
        .checked_sub(Sdec::one())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{sd, ud};
    use proptest::prelude::*;

    fn il_cp_f64(r: f64) -> f64 {
        2.0 * r.sqrt() / (1.0 + r) - 1.0
    }

    fn dec(x: f64) -> Udec {
        format!("{x:.18}").parse().unwrap()
    }

    /// 2025 eq.14 against f64: tolerance 5e-16 absolute, the f64 reference's own cancellation error in
    /// `2√r/(1+r) − 1` (measured ≤ 1.2e-16); also the seeds' table values.
    #[test]
    fn constant_product_il() {
        assert_eq!(il_constant_product(Udec::one()).unwrap(), Sdec::ZERO);
        for (r, table) in [("2", -0.0572), ("5", -0.2546)] {
            let got = il_constant_product(ud(r)).unwrap().to_f64();
            assert!((got - table).abs() < 5e-5, "r = {r}: {got}");
        }
        // 2026 Table 3 prints −51.54% for r = 10; eq.14 gives −42.50%.
        let ten = il_constant_product(ud("10")).unwrap().to_f64();
        assert!((ten + 0.42504).abs() < 1e-5);
        assert_eq!(il_constant_product(Udec::ZERO).unwrap(), sd("-1"));
        for r in ["0.01", "0.5", "1.5", "3", "100", "1000000"] {
            let got = il_constant_product(ud(r)).unwrap().to_f64();
            let want = il_cp_f64(r.parse().unwrap());
            assert!((got - want).abs() <= 5e-16, "{r}: {got} vs {want}");
        }
    }

    #[test]
    fn eq26_as_printed_and_corrected() {
        // The correction term is (λ/2κ)·|IL_CP|, so the printed bound is IL_CP·(1 − λ/2κ): negative for λ < 2κ.
        let (l, k) = (ud("2"), ud("1.5"));
        for r in ["0.25", "2", "5", "10"] {
            let rf: f64 = r.parse().unwrap();
            let printed = il_hmm_bound_as_printed(ud(r), l, k).unwrap().to_f64();
            let want = il_cp_f64(rf) * (1.0 - 2.0 / 3.0);
            assert!((printed - want).abs() <= 1e-16, "{r}: {printed} vs {want}");
            assert!(printed < 0.0, "a |IL| bound cannot be negative");
            let mag = il_hmm_bound_magnitude(ud(r), l, k).unwrap().to_f64();
            assert!((mag + want).abs() <= 1e-16);
        }
        // Table 3 (λ = 2) is not a constant multiple of the CPMM row, so it did not come from eq.26.
        let ratios: [f64; 3] = [0.0191 / 0.0572, 0.0923 / 0.2546, 0.1641 / 0.5154];
        assert!((ratios[0] - ratios[1]).abs() > 0.02 && (ratios[1] - ratios[2]).abs() > 0.02);
        // Large λ/κ: the corrected bound floors at zero.
        assert_eq!(
            il_hmm_bound_magnitude(ud("2"), ud("10"), ud("1")).unwrap(),
            Udec::ZERO
        );
        assert!(il_hmm_bound_as_printed(ud("2"), ud("1"), Udec::ZERO).is_err());
    }

    /// eq.25 for a constant-product pool reproduces eq.14 (tolerance 1e-15).
    #[test]
    fn general_il_matches_closed_form() {
        // Deposit 100 resource + 100 credits at price 1; price goes to r: pool holds 100/√r and 100·√r.
        for r in [0.3f64, 2.0, 7.0] {
            let q1 = dec(100.0 / r.sqrt());
            let p1 = dec(100.0 * r.sqrt());
            let il = impermanent_loss(&[ud("100")], &[ud("100")], &[q1], &[p1], &[dec(r)])
                .unwrap()
                .to_f64();
            assert!((il - il_cp_f64(r)).abs() < 1e-15, "{r}: {il}");
        }
        assert!(impermanent_loss(&[ud("0")], &[], &[ud("1")], &[], &[ud("1")]).is_err());
        assert!(impermanent_loss(&[ud("1")], &[], &[ud("1")], &[], &[]).is_err());
    }

    /// On the κ-scaled target-reserve curve of 2026 eq.4 normalised to q̄ = p = κ = 1 (DESIGN.md),
    /// `p(q) = (1 − (λ/2)(q − 1)²)/q` with marginal price `π(q) = λ(q − 1)/q + p(q)/q`, curvature makes IL worse
    /// than constant product, contradicting 2025 §8.2 ("higher λ reduces IL") and 2026 eq.26 / Table 3.
    #[test]
    fn curvature_increases_il_on_the_sound_curve() {
        let state_at_price = |lambda: f64, r: f64| -> (f64, f64) {
            let p = |q: f64| (1.0 - lambda / 2.0 * (q - 1.0).powi(2)) / q;
            let pi = |q: f64| lambda * (q - 1.0) / q + p(q) / q;
            let (mut lo, mut hi) = (1e-9f64, 1.0f64); // r > 1: the pool sells resource, q < 1
            for _ in 0..200 {
                let m = 0.5 * (lo + hi);
                if pi(m) > r {
                    lo = m;
                } else {
                    hi = m;
                }
            }
            let q = 0.5 * (lo + hi);
            (q, p(q))
        };
        let mut last = 0.0;
        for (lambda, table) in [(0.0, None), (0.5, Some(-0.0384)), (1.0, None), (1.9, None)] {
            let (q1, p1) = state_at_price(lambda, 2.0);
            let il = impermanent_loss(&[ud("1")], &[ud("1")], &[dec(q1)], &[dec(p1)], &[ud("2")])
                .unwrap()
                .to_f64();
            assert!(il <= last + 1e-12, "λ = {lambda}: IL {il} not below {last}");
            if let Some(t) = table {
                assert!(il < t - 0.03, "Table 3 claims {t}, the curve gives {il}");
            }
            last = il;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// eq.14 is within [−1, 0], symmetric under r → 1/r, and within 5e-16 of f64.
        #[test]
        fn cp_il_properties(m in 1u64..1_000_000_000_000, e in 0u32..12) {
            let r = Udec::from_ratio(u128::from(m), 10u128.pow(e), Rounding::Down).unwrap();
            let il = il_constant_product(r).unwrap();
            prop_assert!(il <= Sdec::ZERO && il >= sd("-1"));
            let rf = r.to_f64();
            prop_assert!((il.to_f64() - il_cp_f64(rf)).abs() <= 5e-16);
            let inv = il_constant_product(Udec::one().div(r, Rounding::Down).unwrap()).unwrap();
            // 1/r carries an absolute error of 1e-18, which √ magnifies for tiny r.
            prop_assert!((inv.to_f64() - il.to_f64()).abs() <= 1e-11);
        }
    }
}
