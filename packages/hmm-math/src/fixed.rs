//! 18-decimal fixed point on 256-bit integers, with an explicit rounding direction on every multiply and divide.
//!
//! [`Udec`] is unsigned (amounts, prices, fees), [`Sdec`] is signed (Hamiltonian values and gradients, which the
//! unsound region makes negative). Both store `value × 10¹⁸` in a cosmwasm-std 256-bit integer; every product and
//! quotient is one `a × b / c` with a 512-bit intermediate (`crate::wide`), so it never overflows in the middle when
//! its result fits, and it is rounded once.
//!
//! Rounding is never implicit (in the spirit of Mars red-bank's `ScalingOperation`): the caller says which way the
//! result must go, and the rule is that the pool never loses, so outputs round [`Rounding::Down`] and inputs
//! [`Rounding::Up`]. For [`Sdec`], `Down` is toward −∞ and `Up` toward +∞, so a rounded result is always a bound.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use cosmwasm_std::{Decimal256, Int256, SignedDecimal256, Uint128, Uint256};

use crate::error::{MathError, MathResult};
use crate::wide;

/// Which way a result that is not exactly representable is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Toward −∞: amounts paid out by the pool, lower bounds.
    Down,
    /// Toward +∞: amounts paid in to the pool, upper bounds.
    Up,
}

impl Rounding {
    /// The other direction: a quantity subtracted from a bound is rounded the opposite way.
    pub const fn flip(self) -> Self {
        match self {
            Rounding::Down => Rounding::Up,
            Rounding::Up => Rounding::Down,
        }
    }
}

/// Number of decimal places of both fixed-point types.
pub const DECIMALS: u32 = 18;
const SCALE_U128: u128 = 1_000_000_000_000_000_000;

fn scale_u256() -> Uint256 {
    Uint256::from(SCALE_U128)
}

/// `n × 10¹⁸` exactly (< 2¹²⁸ · 2⁶⁰ < 2²⁵⁶): two 64 × 64-bit products assembled into limbs, instead of a
/// 256 × 256-bit multiply (every token amount entering the math passes here).
fn scaled(n: u128) -> Uint256 {
    let lo = u128::from(n as u64) * SCALE_U128; // < 2¹²⁴
    let hi = (n >> 64) * SCALE_U128; // < 2¹²⁴
                                     // n·10¹⁸ = hi·2⁶⁴ + lo, in 64-bit words w0..w2.
    let middle = (lo >> 64) + u128::from(hi as u64); // < 2⁶⁵
    let words = [
        lo as u64,
        middle as u64,
        ((hi >> 64) + (middle >> 64)) as u64,
        0,
    ];
    let mut bytes = [0u8; 32];
    for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    Uint256::from_le_bytes(bytes)
}

const SCALE_I256: Int256 = Int256::from_i128(SCALE_U128 as i128);

fn failure(op: &'static str) -> impl Fn(wide::Failure) -> MathError {
    move |failure| match failure {
        wide::Failure::DivideByZero => MathError::DivideByZero(op),
        wide::Failure::Overflow => MathError::Overflow(op),
    }
}

/// `a × b ÷ d` rounded as asked (one rounding, 512-bit intermediate); fails on a zero `d` or a result over 256 bits.
fn mul_div_round(
    a: Uint256,
    b: Uint256,
    d: Uint256,
    rounding: Rounding,
    op: &'static str,
) -> MathResult<Uint256> {
    crate::kernel::mul_div(&a, &b, &d, rounding == Rounding::Up).map_err(failure(op))
}

/// Signed `a × b ÷ d`: floor (`Down`, toward −∞) or ceiling (`Up`, toward +∞) of the exact quotient.
fn signed_mul_div(
    a: Int256,
    b: Int256,
    d: Int256,
    rounding: Rounding,
    op: &'static str,
) -> MathResult<Int256> {
    crate::kernel::signed_mul_div(&a, &b, &d, rounding == Rounding::Up).map_err(failure(op))
}

// ---------------------------------------------------------------------------------------------------------------
// Udec
// ---------------------------------------------------------------------------------------------------------------

/// Unsigned 18-decimal fixed point: `raw = value × 10¹⁸` in a `Uint256` (max ≈ 1.16 × 10⁵⁹).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Udec(Uint256);

impl Udec {
    pub const ZERO: Udec = Udec(Uint256::zero());
    pub const MAX: Udec = Udec(Uint256::MAX);

    /// One unit of the last decimal place, 10⁻¹⁸.
    pub const fn ulp() -> Udec {
        Udec(Uint256::one())
    }

    pub fn one() -> Udec {
        Udec(scale_u256())
    }

    /// From the raw atomics (`value × 10¹⁸`).
    pub const fn raw(atomics: Uint256) -> Udec {
        Udec(atomics)
    }

    pub const fn atomics(self) -> Uint256 {
        self.0
    }

    /// An integer value: `from_int(3)` is 3.0.
    pub fn from_int(n: u128) -> Udec {
        Udec(scaled(n))
    }

    /// A token amount (whole atoms) as a fixed-point number of atoms.
    pub fn from_amount(amount: Uint128) -> Udec {
        Udec(scaled(amount.u128()))
    }

    /// `numerator / denominator` as a fixed-point number.
    pub fn from_ratio(numerator: u128, denominator: u128, rounding: Rounding) -> MathResult<Udec> {
        Udec::from_int(numerator).div(Udec::from_int(denominator), rounding)
    }

    /// `n × 10⁻ᵈ`, e.g. `from_decimal(30, 4)` is 30 bps.
    pub fn from_decimal(n: u128, decimals: u32) -> MathResult<Udec> {
        if decimals > DECIMALS {
            return Err(MathError::InvalidParameter {
                name: "decimals",
                reason: "more than 18",
            });
        }
        let factor = Uint256::from(10u128.pow(DECIMALS - decimals));
        Uint256::from(n)
            .checked_mul(factor)
            .map(Udec)
            .map_err(|_| MathError::Overflow("from_decimal"))
    }

    /// Whole atoms, rounded as asked; fails if the result does not fit a `Uint128`.
    pub fn to_amount(self, rounding: Rounding) -> MathResult<Uint128> {
        let q = mul_div_round(self.0, Uint256::one(), scale_u256(), rounding, "to_amount")?;
        Uint128::try_from(q).map_err(|_| MathError::Overflow("to_amount"))
    }

    /// `amount × self` in whole atoms with one rounding, as asked: the same as
    /// `from_amount(amount).mul(self, r).to_amount(r)` (whose first product is exact), in one `a × b ÷ d`.
    pub fn mul_amount(self, amount: Uint128, rounding: Rounding) -> MathResult<Uint128> {
        let q = mul_div_round(
            Uint256::from(amount),
            self.0,
            scale_u256(),
            rounding,
            "mul_amount",
        )?;
        Uint128::try_from(q).map_err(|_| MathError::Overflow("mul_amount"))
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, rhs: Udec) -> MathResult<Udec> {
        self.0
            .checked_add(rhs.0)
            .map(Udec)
            .map_err(|_| MathError::Overflow("add"))
    }

    pub fn checked_sub(self, rhs: Udec) -> MathResult<Udec> {
        self.0
            .checked_sub(rhs.0)
            .map(Udec)
            .map_err(|_| MathError::Negative("sub"))
    }

    /// `self − rhs`, or zero when `rhs > self`.
    pub fn saturating_sub(self, rhs: Udec) -> Udec {
        Udec(self.0.saturating_sub(rhs.0))
    }

    pub fn abs_diff(self, rhs: Udec) -> Udec {
        Udec(self.0.abs_diff(rhs.0))
    }

    /// `self × rhs`, rounded as asked.
    pub fn mul(self, rhs: Udec, rounding: Rounding) -> MathResult<Udec> {
        mul_div_round(self.0, rhs.0, scale_u256(), rounding, "mul").map(Udec)
    }

    /// `self ÷ rhs`, rounded as asked.
    pub fn div(self, rhs: Udec, rounding: Rounding) -> MathResult<Udec> {
        mul_div_round(self.0, scale_u256(), rhs.0, rounding, "div").map(Udec)
    }

    /// `self × num ÷ den` with one rounding at the end (512-bit intermediate).
    pub fn mul_div(self, num: Udec, den: Udec, rounding: Rounding) -> MathResult<Udec> {
        mul_div_round(self.0, num.0, den.0, rounding, "mul_div").map(Udec)
    }

    /// √self, exact to the last place in the direction asked (integer square root of `raw × 10¹⁸`).
    pub fn sqrt(self, rounding: Rounding) -> MathResult<Udec> {
        let (root, inexact) =
            crate::kernel::sqrt_of_product(&self.0, &scale_u256()).map_err(failure("sqrt"))?;
        if rounding == Rounding::Up && inexact {
            root.checked_add(Uint256::one())
                .map(Udec)
                .map_err(|_| MathError::Overflow("sqrt"))
        } else {
            Ok(Udec(root))
        }
    }

    /// `selfⁿ` by repeated squaring, every step rounded the same way (so the result is a bound).
    pub fn powi(self, mut n: u32, rounding: Rounding) -> MathResult<Udec> {
        let mut base = self;
        let mut acc = Udec::one();
        while n > 0 {
            if n & 1 == 1 {
                acc = acc.mul(base, rounding)?;
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(base, rounding)?;
            }
        }
        Ok(acc)
    }

    pub fn to_signed(self) -> MathResult<Sdec> {
        Int256::try_from(self.0)
            .map(Sdec)
            .map_err(|_| MathError::Overflow("to_signed"))
    }

    pub fn min(self, rhs: Udec) -> Udec {
        core::cmp::min(self, rhs)
    }

    pub fn max(self, rhs: Udec) -> Udec {
        core::cmp::max(self, rhs)
    }

    /// Lossy conversion for tests, reference models and the simulator. Never used on a contract path.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl From<Decimal256> for Udec {
    fn from(d: Decimal256) -> Self {
        Udec(d.atomics())
    }
}

impl From<Udec> for Decimal256 {
    fn from(d: Udec) -> Self {
        Decimal256::new(d.0)
    }
}

impl fmt::Display for Udec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Decimal256::new(self.0).fmt(f)
    }
}

impl FromStr for Udec {
    type Err = MathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal256::from_str(s)
            .map(Udec::from)
            .map_err(|_| MathError::InvalidParameter {
                name: "decimal",
                reason: "not an unsigned decimal string",
            })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Sdec
// ---------------------------------------------------------------------------------------------------------------

/// Signed 18-decimal fixed point: `raw = value × 10¹⁸` in an `Int256` (|max| ≈ 5.8 × 10⁵⁸).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sdec(Int256);

impl Sdec {
    pub const ZERO: Sdec = Sdec(Int256::zero());

    pub fn one() -> Sdec {
        Sdec(Int256::from_i128(SCALE_U128 as i128))
    }

    pub const fn raw(atomics: Int256) -> Sdec {
        Sdec(atomics)
    }

    pub const fn atomics(self) -> Int256 {
        self.0
    }

    pub fn from_int(n: i128) -> Sdec {
        // |n| × 10¹⁸ < 2¹⁸⁷: always fits, so the magnitude converts and negates without loss.
        let magnitude = Int256::from_be_bytes(scaled(n.unsigned_abs()).to_be_bytes());
        if n < 0 {
            Sdec(Int256::zero() - magnitude)
        } else {
            Sdec(magnitude)
        }
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_negative()
    }

    pub fn is_positive(self) -> bool {
        !self.0.is_negative() && !self.0.is_zero()
    }

    pub fn checked_add(self, rhs: Sdec) -> MathResult<Sdec> {
        self.0
            .checked_add(rhs.0)
            .map(Sdec)
            .map_err(|_| MathError::Overflow("add"))
    }

    pub fn checked_sub(self, rhs: Sdec) -> MathResult<Sdec> {
        self.0
            .checked_sub(rhs.0)
            .map(Sdec)
            .map_err(|_| MathError::Overflow("sub"))
    }

    pub fn checked_neg(self) -> MathResult<Sdec> {
        Int256::zero()
            .checked_sub(self.0)
            .map(Sdec)
            .map_err(|_| MathError::Overflow("neg"))
    }

    /// |self| as unsigned (every `Int256` magnitude fits a `Uint256`).
    pub fn abs(self) -> MathResult<Udec> {
        Ok(Udec(self.0.unsigned_abs()))
    }

    /// `self × rhs`; `Down` rounds toward −∞, `Up` toward +∞.
    pub fn mul(self, rhs: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        signed_mul_div(self.0, rhs.0, SCALE_I256, rounding, "mul").map(Sdec)
    }

    /// `self ÷ 2`; `Down` rounds toward −∞, `Up` toward +∞: the same as `div(from_int(2))`, by a shift.
    pub fn half(self, rounding: Rounding) -> Sdec {
        let magnitude = self.0.unsigned_abs();
        let floor = magnitude >> 1;
        let odd = floor << 1 != magnitude;
        // A negative value's magnitude rounds the other way (as in `signed_mul_div`).
        let up = odd && ((rounding == Rounding::Up) != self.0.is_negative());
        // ⌈m/2⌉ ≤ 2²⁵⁵ and ⌊m/2⌋ < 2²⁵⁵: the sum cannot overflow, and the magnitude fits back (−2²⁵⁵ is exact).
        let half = if up {
            floor.wrapping_add(Uint256::one())
        } else {
            floor
        };
        let half = Int256::from_be_bytes(half.to_be_bytes());
        if self.0.is_negative() {
            Sdec(Int256::zero().wrapping_sub(half))
        } else {
            Sdec(half)
        }
    }

    /// `self ÷ rhs`; `Down` rounds toward −∞, `Up` toward +∞.
    pub fn div(self, rhs: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        signed_mul_div(self.0, SCALE_I256, rhs.0, rounding, "div").map(Sdec)
    }

    /// `self × num ÷ den` with one rounding at the end.
    pub fn mul_div(self, num: Sdec, den: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        signed_mul_div(self.0, num.0, den.0, rounding, "mul_div").map(Sdec)
    }

    /// The value as unsigned; fails with `Negative` below zero.
    pub fn to_unsigned(self, op: &'static str) -> MathResult<Udec> {
        if self.0.is_negative() {
            return Err(MathError::Negative(op));
        }
        self.abs()
    }

    pub fn min(self, rhs: Sdec) -> Sdec {
        core::cmp::min(self, rhs)
    }

    pub fn max(self, rhs: Sdec) -> Sdec {
        core::cmp::max(self, rhs)
    }

    pub fn signum(self) -> Ordering {
        self.0.cmp(&Int256::zero())
    }

    /// Lossy conversion for tests, reference models and the simulator. Never used on a contract path.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl From<SignedDecimal256> for Sdec {
    fn from(d: SignedDecimal256) -> Self {
        Sdec(d.atomics())
    }
}

impl From<Sdec> for SignedDecimal256 {
    fn from(d: Sdec) -> Self {
        SignedDecimal256::new(d.0)
    }
}

impl fmt::Display for Sdec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        SignedDecimal256::new(self.0).fmt(f)
    }
}

impl FromStr for Sdec {
    type Err = MathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignedDecimal256::from_str(s)
            .map(Sdec::from)
            .map_err(|_| MathError::InvalidParameter {
                name: "decimal",
                reason: "not a signed decimal string",
            })
    }
}

/// Parse a decimal literal; for constants in tests and reference code only (panics on a bad literal).
#[cfg(test)]
pub(crate) fn ud(s: &str) -> Udec {
    s.parse().expect("valid decimal literal")
}

#[cfg(test)]
pub(crate) fn sd(s: &str) -> Sdec {
    s.parse().expect("valid decimal literal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mul_and_div_round_as_asked() {
        let third_down = Udec::one().div(Udec::from_int(3), Rounding::Down).unwrap();
        let third_up = Udec::one().div(Udec::from_int(3), Rounding::Up).unwrap();
        assert_eq!(third_down.to_string(), "0.333333333333333333");
        assert_eq!(third_up.to_string(), "0.333333333333333334");
        assert_eq!(third_up.checked_sub(third_down).unwrap(), Udec::ulp());
        // Exact results are not nudged.
        assert_eq!(ud("1.5").mul(ud("2"), Rounding::Up).unwrap(), ud("3"));
        assert_eq!(
            ud("0.000000000000000001")
                .mul(ud("0.5"), Rounding::Down)
                .unwrap(),
            Udec::ZERO
        );
        assert_eq!(
            ud("0.000000000000000001")
                .mul(ud("0.5"), Rounding::Up)
                .unwrap(),
            Udec::ulp()
        );
    }

    #[test]
    fn signed_rounding_is_floor_and_ceiling() {
        let minus_third_down = sd("-1").div(sd("3"), Rounding::Down).unwrap();
        let minus_third_up = sd("-1").div(sd("3"), Rounding::Up).unwrap();
        assert_eq!(minus_third_down.to_string(), "-0.333333333333333334");
        assert_eq!(minus_third_up.to_string(), "-0.333333333333333333");
        assert_eq!(
            sd("1").div(sd("-3"), Rounding::Down).unwrap().to_string(),
            "-0.333333333333333334"
        );
        assert_eq!(
            sd("-1").div(sd("-3"), Rounding::Up).unwrap().to_string(),
            "0.333333333333333334"
        );
        assert_eq!(
            sd("-0.000000000000000001")
                .mul(sd("0.5"), Rounding::Down)
                .unwrap()
                .to_string(),
            "-0.000000000000000001"
        );
        assert_eq!(
            sd("-0.000000000000000001")
                .mul(sd("0.5"), Rounding::Up)
                .unwrap(),
            Sdec::ZERO
        );
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            Udec::one().div(Udec::ZERO, Rounding::Down),
            Err(MathError::DivideByZero("div"))
        );
        assert_eq!(
            Udec::MAX.checked_add(Udec::ulp()),
            Err(MathError::Overflow("add"))
        );
        assert_eq!(
            Udec::ZERO.checked_sub(Udec::ulp()),
            Err(MathError::Negative("sub"))
        );
        assert_eq!(
            Udec::MAX.mul(ud("2"), Rounding::Down),
            Err(MathError::Overflow("mul"))
        );
        assert_eq!(sd("-1").to_unsigned("t"), Err(MathError::Negative("t")));
        assert_eq!(
            Sdec::one().div(Sdec::ZERO, Rounding::Up),
            Err(MathError::DivideByZero("div"))
        );
        assert!(Udec::MAX.to_amount(Rounding::Down).is_err());
    }

    #[test]
    fn amounts_round_trip() {
        let a = Uint128::new(123_456_789);
        assert_eq!(Udec::from_amount(a).to_amount(Rounding::Down).unwrap(), a);
        assert_eq!(
            ud("2.000000000000000001").to_amount(Rounding::Up).unwrap(),
            Uint128::new(3)
        );
        assert_eq!(
            ud("2.999999999999999999")
                .to_amount(Rounding::Down)
                .unwrap(),
            Uint128::new(2)
        );
        assert_eq!(Udec::from_decimal(30, 4).unwrap(), ud("0.003"));
    }

    #[test]
    fn the_most_negative_value_is_reachable() {
        let min = Sdec::raw(Int256::MIN);
        assert_eq!(min.mul(Sdec::one(), Rounding::Down), Ok(min));
        assert_eq!(min.div(Sdec::one(), Rounding::Up), Ok(min));
        assert_eq!(
            min.mul(sd("-1"), Rounding::Down),
            Err(MathError::Overflow("mul"))
        );
    }

    #[test]
    fn sqrt_is_exact_bound() {
        assert_eq!(ud("4").sqrt(Rounding::Down).unwrap(), ud("2"));
        assert_eq!(ud("4").sqrt(Rounding::Up).unwrap(), ud("2"));
        let lo = ud("2").sqrt(Rounding::Down).unwrap();
        let hi = ud("2").sqrt(Rounding::Up).unwrap();
        assert_eq!(lo.to_string(), "1.414213562373095048");
        assert_eq!(hi.checked_sub(lo).unwrap(), Udec::ulp());
    }

    #[test]
    fn powi_matches_repeated_multiplication() {
        assert_eq!(ud("1.5").powi(3, Rounding::Down).unwrap(), ud("3.375"));
        assert_eq!(ud("7").powi(0, Rounding::Down).unwrap(), Udec::one());
        let lo = ud("1.1").powi(10, Rounding::Down).unwrap().to_f64();
        assert!((lo - 1.1f64.powi(10)).abs() < 1e-14);
    }

    fn udec_strategy() -> impl Strategy<Value = (u64, u32)> {
        // mantissa and decimal exponent: values from 1e-12 to ~1.8e19
        (1u64..u64::MAX, 0u32..31)
    }

    fn make(m: u64, e: u32) -> Udec {
        Udec::raw(Uint256::from(m) * Uint256::from(10u128.pow(e.min(30) / 2)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn scaling_an_integer_is_exact(n in any::<u128>(), m in any::<i128>()) {
            let s = Uint256::from(SCALE_U128);
            prop_assert_eq!(scaled(n), Uint256::from(n) * s);
            prop_assert_eq!(Udec::from_amount(Uint128::new(n)).0, Uint256::from(n) * s);
            prop_assert_eq!(Sdec::from_int(m).0, Int256::from(m) * SCALE_I256);
            for edge in [0, 1, u64::MAX as u128, u64::MAX as u128 + 1, u128::MAX] {
                prop_assert_eq!(scaled(edge), Uint256::from(edge) * s);
            }
            for edge in [i128::MIN, -1, 0, i128::MAX] {
                prop_assert_eq!(Sdec::from_int(edge).0, Int256::from(edge) * SCALE_I256);
            }
        }

        /// Fixed-point ops agree with f64 within the f64 precision, and Down ≤ exact ≤ Up.
        #[test]
        fn ops_agree_with_f64((m1, e1) in udec_strategy(), (m2, e2) in udec_strategy()) {
            let a = make(m1, e1);
            let b = make(m2, e2);
            let (fa, fb) = (a.to_f64(), b.to_f64());
            let prod_lo = a.mul(b, Rounding::Down).unwrap();
            let prod_hi = a.mul(b, Rounding::Up).unwrap();
            prop_assert!(prod_lo <= prod_hi);
            prop_assert!(prod_hi.checked_sub(prod_lo).unwrap() <= Udec::ulp());
            let close = |got: f64, want: f64| (got - want).abs() <= 1e-14 * want.abs() + 2e-18;
            prop_assert!(close(prod_lo.to_f64(), fa * fb));
            let q_lo = a.div(b, Rounding::Down).unwrap();
            let q_hi = a.div(b, Rounding::Up).unwrap();
            prop_assert!(q_hi.checked_sub(q_lo).unwrap() <= Udec::ulp());
            prop_assert!(close(q_lo.to_f64(), fa / fb));
            let s = a.sqrt(Rounding::Down).unwrap();
            prop_assert!(close(s.to_f64(), fa.sqrt()));
            // Down really is a lower bound: (q_lo * b) <= a (exactly, in Up rounding of the check)
            prop_assert!(q_lo.mul(b, Rounding::Down).unwrap() <= a);
            prop_assert!(q_hi.mul(b, Rounding::Up).unwrap() >= a);
            let sum = a.checked_add(b).unwrap();
            prop_assert_eq!(sum.checked_sub(b).unwrap(), a);
        }

        /// `half` (a shift) is `div(2)` (a division) in both directions, over the whole signed range.
        #[test]
        fn half_is_division_by_two(words in any::<[u64; 4]>(), shift in 0u32..256) {
            let mut bytes = [0u8; 32];
            for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
                chunk.copy_from_slice(&w.to_be_bytes());
            }
            let x = Sdec::raw(Int256::from_be_bytes(bytes) >> shift);
            for r in [Rounding::Down, Rounding::Up] {
                prop_assert_eq!(Ok(x.half(r)), x.div(Sdec::from_int(2), r));
            }
            for edge in [Int256::MIN, Int256::MAX, Int256::zero(), Int256::one(), Int256::from(-1i8), Int256::from(-3i8)] {
                for r in [Rounding::Down, Rounding::Up] {
                    prop_assert_eq!(Ok(Sdec::raw(edge).half(r)), Sdec::raw(edge).div(Sdec::from_int(2), r));
                }
            }
        }

        /// `mul_amount` is `from_amount(a).mul(rate).to_amount()` with one rounding instead of two.
        #[test]
        fn mul_amount_is_the_two_step_product((m, e) in udec_strategy(), a in any::<u128>()) {
            let rate = make(m, e);
            let amount = Uint128::new(a);
            for r in [Rounding::Down, Rounding::Up] {
                let two_steps = Udec::from_amount(amount).mul(rate, r).and_then(|x| x.to_amount(r));
                match (rate.mul_amount(amount, r), two_steps) {
                    (Ok(one), Ok(two)) => prop_assert_eq!(one, two),
                    (one, two) => prop_assert!(one.is_err() && two.is_err()),
                }
            }
        }

        /// Signed `a × b ÷ d` is exactly the floor (`Down`) or ceiling (`Up`) of the 512-bit quotient.
        #[test]
        fn signed_mul_div_is_floor_and_ceiling_of_the_exact_quotient(
            a in any::<i128>(), sa in 0u32..128,
            b in any::<i128>(), sb in 0u32..128,
            d in any::<i128>().prop_filter("nonzero", |d| *d != 0),
        ) {
            use cosmwasm_std::Int512;
            let a = Int256::from(a) << sa;
            let b = Int256::from(b) << sb;
            let d = Int256::from(d);
            let n = Int512::from(a) * Int512::from(b);
            let d5 = Int512::from(d);
            let (q, r) = (n / d5, n % d5);
            let floor = if !r.is_zero() && (r.is_negative() != d5.is_negative()) { q - Int512::one() } else { q };
            let ceil = if r.is_zero() { floor } else { floor + Int512::one() };
            let fit = |v: Int512| Int256::try_from(v).ok();
            prop_assert_eq!(signed_mul_div(a, b, d, Rounding::Down, "t").ok(), fit(floor));
            prop_assert_eq!(signed_mul_div(a, b, d, Rounding::Up, "t").ok(), fit(ceil));
        }

        #[test]
        fn signed_ops_bound_the_exact_result(a in any::<i64>(), b in any::<i64>().prop_filter("nonzero", |b| *b != 0)) {
            let x = Sdec::raw(Int256::from(a) * Int256::from(1_000_000i64));
            let y = Sdec::raw(Int256::from(b));
            let lo = x.div(y, Rounding::Down).unwrap();
            let hi = x.div(y, Rounding::Up).unwrap();
            prop_assert!(lo <= hi);
            prop_assert!(hi.checked_sub(lo).unwrap() <= Sdec::raw(Int256::one()));
            let exact = (a as f64) * 1e6 / (b as f64);
            let tol = exact.abs() * 1e-12 + 1e-12;
            prop_assert!(lo.to_f64() <= exact + tol);
            prop_assert!(hi.to_f64() >= exact - tol);
        }
    }
}
