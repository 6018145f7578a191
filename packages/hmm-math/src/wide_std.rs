//! The same three operations as [`crate::wide`], on cosmwasm-std's 512-bit integers (bnum): the reference the
//! kernel is tested against, and the alternative it was measured against (feature `std-kernel` builds the contracts
//! on it; `docs/wasm-size.md`, "The 256-bit kernel").

use cosmwasm_std::{Int256, Int512, Isqrt, Uint256, Uint512};

use crate::wide::Failure;

/// `a × b ÷ d` in 512 bits, rounded down or (`round_up`) up.
pub(crate) fn mul_div(
    a: &Uint256,
    b: &Uint256,
    d: &Uint256,
    round_up: bool,
) -> Result<Uint256, Failure> {
    if d.is_zero() {
        return Err(Failure::DivideByZero);
    }
    let n = a.full_mul(*b);
    let d = Uint512::from(*d);
    let mut q = n / d;
    if round_up && !(n % d).is_zero() {
        q += Uint512::one();
    }
    Uint256::try_from(q).map_err(|_| Failure::Overflow)
}

/// The floor (or, `round_up`, the ceiling) of the exact signed quotient, in 512 bits.
pub(crate) fn signed_mul_div(
    a: &Int256,
    b: &Int256,
    d: &Int256,
    round_up: bool,
) -> Result<Int256, Failure> {
    if d.is_zero() {
        return Err(Failure::DivideByZero);
    }
    let n = Int512::from(*a) * Int512::from(*b);
    let d = Int512::from(*d);
    // `/` truncates toward zero; step to the floor or the ceiling when there is a remainder.
    let (mut q, r) = (n / d, n % d);
    if !r.is_zero() {
        let exact_negative = n.is_negative() != d.is_negative();
        if exact_negative && !round_up {
            q -= Int512::one();
        } else if !exact_negative && round_up {
            q += Int512::one();
        }
    }
    Int256::try_from(q).map_err(|_| Failure::Overflow)
}

/// `⌊√(a·b)⌋` and whether `a·b` is not a square, by cosmwasm-std's 512-bit `isqrt`.
pub(crate) fn sqrt_of_product(a: &Uint256, b: &Uint256) -> Result<(Uint256, bool), Failure> {
    let n = a.full_mul(*b);
    let root = n.isqrt();
    let root256 = Uint256::try_from(root).map_err(|_| Failure::Overflow)?;
    Ok((root256, root * root != n))
}
