//! `a × b ÷ d` on 256-bit magnitudes with a 512-bit intermediate, in 32-bit limbs.
//!
//! Every fixed-point multiply and divide of [`crate::fixed`] is one `a × b ÷ d` (a product rescaled by 10¹⁸, or a
//! quotient scaled by it). cosmwasm-std's `full_mul` widens both operands to 512 bits and multiplies 8 × 8 64-bit
//! limbs, then bnum divides in 512 bits; on wasm32 every 64 × 64-bit product is a software `__multi3` call. Here the
//! limbs are 32 bits, so every partial product and every trial quotient of the long division (Knuth, TAOCP vol. 2,
//! §4.3.1, Algorithm D, as in Hacker's Delight `divmnu`) is one native 64-bit wasm instruction, and leading zero
//! limbs are skipped. Measured in the VM on the bilinear pool: a quote fell from 869 M to 426 M gas with this change
//! alone (`bash scripts/bench-gas.sh`, `docs/benchmarks.md`); results are bit-identical (tests below).
//! The square root ([`sqrt_of_product`]) is Newton's iteration on the same kernel. An earlier attempt started from
//! a power of two and measured slower than cosmwasm-std's 512-bit `isqrt`; started from the exact root of the top
//! 62 bits it needs three steps, and a root fell from 36 M to 1.8 M VM gas.
//!
//! The VM's price list shapes the rest: cosmwasm-vm charges a branch, block end, loop header or call 14× an
//! arithmetic operator. So the limb loops use wrapping operations where a comment bounds the value (a checked one
//! is a branch, and a checked u64 multiply a call to `__multi3`), iterate over exact slices instead of indexing
//! (no bounds check per limb), find the significant limbs a 64-bit word at a time, and the sign, the rounding
//! increment and the overflow checks are done on the limbs rather than through bnum's `Int256`/`Uint256`
//! operations. Measured with a loop of 100 `Udec::mul` inside the VM (typical operands: 4 × 3 limbs ÷ 10¹⁸):
//! 1.01 M gas each before these changes, 0.62 M after.

use cosmwasm_std::{Int256, Uint256};

/// Limbs of a 256-bit value.
const N256: usize = 8;
/// Limbs of a 512-bit product.
const N512: usize = 16;

/// Why an `a × b ÷ d` has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    DivideByZero,
    /// The quotient does not fit the result type.
    Overflow,
}

type Limbs = [u32; N256];

fn limbs_of(bytes: [u8; 32]) -> Limbs {
    let mut out = [0u32; N256];
    for (limb, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *limb = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    out
}

fn bytes_of(limbs: &[u32]) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (chunk, limb) in bytes.chunks_exact_mut(4).zip(limbs) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    bytes
}

fn to_limbs(v: &Uint256) -> Limbs {
    limbs_of(v.to_le_bytes())
}

fn from_limbs(limbs: &[u32]) -> Uint256 {
    Uint256::from_le_bytes(bytes_of(limbs))
}

/// Whether a two's-complement value is negative (its top bit).
fn sign_bit(limbs: &Limbs) -> bool {
    limbs[N256 - 1] >> 31 == 1
}

/// `−x` in two's complement (invert, add one); the magnitude of −2²⁵⁵ comes out as 2²⁵⁵, right as unsigned.
fn negate(limbs: &mut Limbs) {
    let mut carry = true;
    for limb in limbs.iter_mut() {
        let (sum, overflow) = (!*limb).overflowing_add(u32::from(carry));
        *limb = sum;
        carry = overflow;
    }
}

/// `x + 1` in place; false if it wrapped (x was 2²⁵⁶ − 1). Stops at the first limb that does not carry.
fn increment(limbs: &mut Limbs) -> bool {
    for limb in limbs.iter_mut() {
        let (sum, overflow) = limb.overflowing_add(1);
        *limb = sum;
        if !overflow {
            return true;
        }
    }
    false
}

/// `a × b ÷ d` on unsigned 256-bit values, rounded down or (`round_up`) up.
pub(crate) fn mul_div(
    a: &Uint256,
    b: &Uint256,
    d: &Uint256,
    round_up: bool,
) -> Result<Uint256, Failure> {
    mul_div_limbs(&to_limbs(a), &to_limbs(b), &to_limbs(d), round_up).map(|q| from_limbs(&q))
}

/// `a × b ÷ d` on signed 256-bit values, rounded toward −∞ or (`round_up`) toward +∞: the magnitudes go through
/// the unsigned kernel (a negative result's magnitude rounds the other way), and the signs are applied in limbs
/// (each `Int256` conversion, negation and check through bnum costs more than the whole multiply in the VM).
pub(crate) fn signed_mul_div(
    a: &Int256,
    b: &Int256,
    d: &Int256,
    round_up: bool,
) -> Result<Int256, Failure> {
    let (mut a, mut b, mut d) = (
        limbs_of(a.to_le_bytes()),
        limbs_of(b.to_le_bytes()),
        limbs_of(d.to_le_bytes()),
    );
    let mut negative = false;
    for x in [&mut a, &mut b, &mut d] {
        if sign_bit(x) {
            negate(x);
            negative = !negative;
        }
    }
    let mut q = mul_div_limbs(&a, &b, &d, round_up != negative)?;
    // The magnitude must fit: below 2²⁵⁵, or exactly 2²⁵⁵ for a negative result (−2²⁵⁵).
    if negative {
        negate(&mut q);
        if !sign_bit(&q) && q.iter().any(|&l| l != 0) {
            return Err(Failure::Overflow);
        }
    } else if sign_bit(&q) {
        return Err(Failure::Overflow);
    }
    Ok(Int256::from_le_bytes(bytes_of(&q)))
}

/// Number of limbs up to and including the highest non-zero one: one branch per 64-bit word from the top
/// (branches are what the VM charges most for).
fn significant(limbs: &[u32; N256]) -> usize {
    let word = |i: usize| (u64::from(limbs[2 * i + 1]) << 32) | u64::from(limbs[2 * i]);
    let (w0, w1, w2, w3) = (word(0), word(1), word(2), word(3));
    let top = |w: u64, limbs_below: usize| limbs_below + 2 - w.leading_zeros() as usize / 32;
    if w3 != 0 {
        top(w3, 6)
    } else if w2 != 0 {
        top(w2, 4)
    } else if w1 != 0 {
        top(w1, 2)
    } else if w0 != 0 {
        top(w0, 0)
    } else {
        0
    }
}

/// Whether any limb is non-zero, without a branch per limb.
fn any_nonzero(limbs: &[u32]) -> bool {
    limbs.iter().fold(0u32, |acc, &l| acc | l) != 0
}

/// `a × b ÷ d` in limbs, rounded down or (`round_up`) up to the next integer when the division leaves a
/// remainder.
///
/// The limb loops use wrapping operations where the comment beside them bounds the value: with the release
/// profile's overflow checks, every checked `+`, `-` and `*` on a limb is a branch (and a u64 multiply a call to
/// `__multi3`), and cosmwasm-vm charges each branch and call 14× an arithmetic operator. Slices of the exact
/// window replace per-element indexing for the same reason (no bounds check per limb). Results are unchanged
/// (the tests below compare with cosmwasm-std's 512-bit arithmetic).
fn mul_div_limbs(a: &Limbs, b: &Limbs, d: &Limbs, round_up: bool) -> Result<Limbs, Failure> {
    let mut q: Limbs = [0; N256];
    let inexact = floor_mul_div(&mut q, a, b, d)?;
    if round_up && inexact && !increment(&mut q) {
        return Err(Failure::Overflow);
    }
    Ok(q)
}

/// A 512-bit product in limbs, with one spare limb on top (zero) for the division's normalisation.
type Product = [u32; N512 + 1];

/// `a × b` into `product` (zero on entry; filled in place, not returned, because on wasm32 MVP moving 68 bytes is a
/// copy loop); returns its number of significant limbs. `None` only if the slicing below failed (it cannot: na,
/// nb ≤ 8 and the array has 2·8 + 1 limbs).
fn multiply(product: &mut Product, a: &Limbs, b: &Limbs) -> Option<usize> {
    let (na, nb) = (significant(a), significant(b));
    if na == 0 || nb == 0 {
        return Some(0);
    }
    let (a, b) = (a.get(..na)?, b.get(..nb)?);
    // Schoolbook: each partial product and carry fits a u64 ((2³²−1)² + 2·(2³²−1) = 2⁶⁴−1).
    for (i, &ai) in a.iter().enumerate() {
        // Row i adds ai·b into product[i .. i + nb] and writes its carry at product[i + nb].
        let (row, top) = product.get_mut(i..=i + nb)?.split_at_mut(nb);
        let mut carry = 0u64;
        for (limb, &bj) in row.iter_mut().zip(b) {
            let t = u64::from(ai)
                .wrapping_mul(u64::from(bj))
                .wrapping_add(u64::from(*limb))
                .wrapping_add(carry);
            *limb = t as u32;
            carry = t >> 32;
        }
        *top.first_mut()? = carry as u32;
    }
    // a ≥ 2^(32(na−1)) and b ≥ 2^(32(nb−1)), so the product has na + nb or na + nb − 1 limbs.
    let np = if *product.get(na + nb - 1)? == 0 {
        na + nb - 1
    } else {
        na + nb
    };
    Some(np)
}

/// `q = ⌊a × b ÷ d⌋` (written in place: cheaper than returning it on wasm32), and whether the division left a
/// remainder.
fn floor_mul_div(q: &mut Limbs, a: &Limbs, b: &Limbs, d: &Limbs) -> Result<bool, Failure> {
    let nd = significant(d);
    if nd == 0 {
        return Err(Failure::DivideByZero);
    }
    // `Overflow` stands in for the slicing failures that cannot happen (see `multiply`).
    let broken = Failure::Overflow;
    let mut product: Product = [0; N512 + 1];
    let np = multiply(&mut product, a, b).ok_or(broken)?;
    if np == 0 {
        // A zero factor (the curvature terms of a constant-product curve): nothing to divide.
        *q = [0; N256];
        return Ok(false);
    }
    let mut quotient = [0u32; N512];
    let inexact =
        divide(&mut quotient, &mut product, np, d.get(..nd).ok_or(broken)?).ok_or(broken)?;
    let (low, high) = quotient.split_at(N256);
    if any_nonzero(high) {
        return Err(Failure::Overflow);
    }
    q.copy_from_slice(low);
    Ok(inexact)
}

/// `⌊√(a × b)⌋` and whether it is inexact (`a × b` is not a square), by Newton's iteration from above on the
/// multiply-divide: `x ← ⌊(x + ⌊ab/x⌋)/2⌋` falls strictly while `x > ⌊√ab⌋` and stops there (the classic integer
/// square root; `ab/x ≤ √ab < 2²⁵⁶` for `x ≥ √ab`, so each quotient fits). The start is `(s + 1)·2^(k/2)` with
/// `s = ⌊√(ab >> k)⌋` of the top 62 bits (k even): it is above `√ab`, within a factor `1 + 2⁻³⁰`, so three
/// steps reach full width. cosmwasm-std's `Uint512::isqrt` (bnum, 64-bit digits and software 128-bit division on
/// wasm32) measured 36 M VM gas for one root; this takes a few multiply-divides.
pub(crate) fn sqrt_of_product(a: &Uint256, b: &Uint256) -> Result<(Uint256, bool), Failure> {
    let (a, b) = (to_limbs(a), to_limbs(b));
    let broken = Failure::Overflow;
    let mut product: Product = [0; N512 + 1];
    let np = multiply(&mut product, &a, &b).ok_or(broken)?;
    if np == 0 {
        return Ok((Uint256::zero(), false));
    }
    // Bit length of the product, and an even shift leaving its top 61–62 bits.
    let top_limb = *product.get(np - 1).ok_or(broken)?;
    let bits = 32 * np - top_limb.leading_zeros() as usize;
    let shift = bits.saturating_sub(61).next_multiple_of(2);
    let top = bits_at(&product, shift).ok_or(broken)?;
    let s = isqrt_u64(top);
    // x₀ = (s + 1)·2^(shift/2) ≥ √ab; s + 1 ≤ 2³¹ and shift/2 ≤ 226, so it fits 256 bits except at the very top,
    // where the largest value (also ≥ √ab, since √ab < 2²⁵⁶) stands in.
    let mut x: Limbs = [0; N256];
    let start = (s + 1) << (shift / 2 % 32);
    let word = shift / 2 / 32;
    let mut fits = true;
    for (k, part) in [start as u32, (start >> 32) as u32].into_iter().enumerate() {
        match x.get_mut(word + k) {
            Some(limb) => *limb = part,
            None => fits &= part == 0,
        }
    }
    if !fits {
        x = [u32::MAX; N256];
    }
    let mut q: Limbs = [0; N256];
    loop {
        let inexact = floor_mul_div(&mut q, &a, &b, &x)?;
        // y = ⌊(x + q)/2⌋ without overflow: x/2 + q/2 + (both odd).
        let y = halve_sum(&x, &q);
        if !less_than(&y, &x) {
            // x = ⌊√ab⌋; ab = x² exactly when ab/x divides evenly to x.
            return Ok((from_limbs(&x), inexact || q != x));
        }
        x = y;
    }
}

/// The 64 bits of `limbs` from bit `shift` up (the caller ensures fewer than 64 are set above it).
fn bits_at(limbs: &[u32], shift: usize) -> Option<u64> {
    let (word, offset) = (shift / 32, shift % 32);
    let mut window = 0u128;
    for k in (0..3).rev() {
        window = (window << 32) | u128::from(limbs.get(word + k).copied().unwrap_or(0));
    }
    u64::try_from(window >> offset).ok()
}

/// `⌊√n⌋` of a 64-bit integer, by Newton's iteration from above.
fn isqrt_u64(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    // 2^⌈bits/2⌉ ≥ √n.
    let mut x = 1u64 << (64 - n.leading_zeros()).div_ceil(2);
    loop {
        let y = (x + n / x) / 2;
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// `⌊(x + y)/2⌋` of two 256-bit values (no overflow).
fn halve_sum(x: &Limbs, y: &Limbs) -> Limbs {
    let mut out = [0u32; N256];
    let mut carry = 0u64;
    for ((o, &xi), &yi) in out.iter_mut().zip(x).zip(y) {
        let t = u64::from(xi) + u64::from(yi) + carry; // < 2³³
        *o = t as u32;
        carry = t >> 32;
    }
    // Shift the 257-bit sum right by one: each limb takes the low bit of the limb above (the carry for the top).
    let mut above = carry as u32;
    for limb in out.iter_mut().rev() {
        let this = *limb;
        *limb = (this >> 1) | (above << 31);
        above = this & 1;
    }
    out
}

/// `x < y` on limbs.
fn less_than(x: &Limbs, y: &Limbs) -> bool {
    for (xi, yi) in x.iter().zip(y).rev() {
        if xi != yi {
            return xi < yi;
        }
    }
    false
}

/// `quotient = ⌊u[..m] ÷ v⌋`, returns whether the remainder is non-zero. `v` has no leading zero limb; `u` has one
/// spare limb at `u[m]` (zero on entry) and is destroyed. `None` only if the slices are shorter than that (never,
/// for the callers above).
fn divide(quotient: &mut [u32], u: &mut [u32], m: usize, v: &[u32]) -> Option<bool> {
    const BASE: u64 = 1 << 32;
    let n = v.len();
    if m < n {
        // The quotient is zero and the dividend is the remainder.
        return Some(m > 0);
    }
    let u = u.get_mut(..=m)?;
    if let [divisor] = *v {
        // One-limb divisor: short division, top limb first.
        let divisor = u64::from(divisor);
        let mut rem = 0u64;
        for (q, &limb) in quotient.iter_mut().zip(u.iter()).take(m).rev() {
            let t = (rem << 32) | u64::from(limb);
            *q = (t / divisor) as u32;
            rem = t % divisor;
        }
        return Some(rem != 0);
    }
    // D1: normalise so the divisor's top limb has its high bit set (then each trial quotient is off by at most 2).
    let shift = v.last()?.leading_zeros();
    let mut vn = [0u32; N256];
    let vn = vn.get_mut(..n)?;
    let mut low = 0u32;
    for (out, &limb) in vn.iter_mut().zip(v) {
        *out = shl_pair(limb, low, shift);
        low = limb;
    }
    let mut low = 0u32;
    for limb in u.iter_mut() {
        let this = *limb;
        *limb = shl_pair(this, low, shift);
        low = this;
    }
    let (v_top, v_next) = (u64::from(*vn.last()?), u64::from(*vn.get(n - 2)?));
    for j in (0..=m - n).rev() {
        // The window u[j ..= j + n] this step divides.
        let window = u.get_mut(j..=j + n)?;
        let (&top_limb, rest) = window.split_last()?;
        // D3: estimate the quotient limb from the top two limbs, then correct it with the third.
        let top = (u64::from(top_limb) << 32) | u64::from(*rest.last()?);
        let third = u64::from(*rest.get(n - 2)?);
        let mut q_hat = top / v_top;
        let mut r_hat = top % v_top;
        // q_hat < 2³³ and r_hat < 2³² on entry; the product is only formed once q_hat < 2³², so it fits.
        while q_hat >= BASE || q_hat.wrapping_mul(v_next) > ((r_hat << 32) | third) {
            q_hat = q_hat.wrapping_sub(1);
            r_hat = r_hat.wrapping_add(v_top);
            if r_hat >= BASE {
                break;
            }
        }
        // D4: multiply and subtract; q_hat < 2³² now, so each product fits a u64, and `borrow` and `t` stay
        // within ±2³³, far inside an i64.
        let mut borrow = 0i64;
        let (&mut top_limb, rest) = window.split_last_mut()?;
        for (limb, &vi) in rest.iter_mut().zip(vn.iter()) {
            let p = q_hat.wrapping_mul(u64::from(vi));
            let t = i64::from(*limb)
                .wrapping_sub(borrow)
                .wrapping_sub((p & 0xFFFF_FFFF) as i64);
            *limb = t as u32;
            borrow = ((p >> 32) as i64).wrapping_sub(t >> 32);
        }
        let t = i64::from(top_limb).wrapping_sub(borrow);
        // D5/D6: the estimate was one too large (rare): add the divisor back.
        let (limb_top, rest) = window.split_last_mut()?;
        *limb_top = t as u32;
        if t < 0 {
            q_hat = q_hat.wrapping_sub(1);
            let mut carry = 0u64;
            for (limb, &vi) in rest.iter_mut().zip(vn.iter()) {
                // < 2·(2³²−1) + 1: fits.
                let s = u64::from(*limb)
                    .wrapping_add(u64::from(vi))
                    .wrapping_add(carry);
                *limb = s as u32;
                carry = s >> 32;
            }
            *limb_top = limb_top.wrapping_add(carry as u32);
        }
        *quotient.get_mut(j)? = q_hat as u32;
    }
    Some(any_nonzero(u.get(..n)?))
}

/// The high 32 bits of `(hi:lo) << shift` for `shift < 32`.
fn shl_pair(hi: u32, lo: u32, shift: u32) -> u32 {
    ((((u64::from(hi)) << 32 | u64::from(lo)) << shift) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: cosmwasm-std's 512-bit arithmetic (`wide_std`, the kernel the contracts can be built on).
    use crate::wide_std::{
        mul_div as reference, signed_mul_div as signed_reference,
        sqrt_of_product as sqrt_reference_checked,
    };

    /// Both roundings of the kernel against the reference.
    fn check(a: &Uint256, b: &Uint256, d: &Uint256) {
        for round_up in [false, true] {
            assert_eq!(
                mul_div(a, b, d, round_up),
                reference(a, b, d, round_up),
                "{a} × {b} ÷ {d} (up: {round_up})"
            );
        }
    }

    /// A 256-bit value with `bits` significant bits from four random words (covers 0, small and full widths).
    fn value(words: [u64; 4], bits: u32) -> Uint256 {
        let mut bytes = [0u8; 32];
        for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        let v = Uint256::from_le_bytes(bytes);
        if bits >= 256 {
            v
        } else {
            v >> (256 - bits).min(255) >> u32::from(bits == 0)
        }
    }

    #[test]
    fn edge_cases_match_the_reference() {
        let scale = Uint256::from(10u128.pow(18));
        let cases = [
            (Uint256::zero(), Uint256::MAX, scale),
            (Uint256::MAX, Uint256::one(), Uint256::MAX),
            (Uint256::MAX, Uint256::MAX, Uint256::MAX),
            (Uint256::MAX, Uint256::from(2u8), Uint256::one()),
            (Uint256::MAX, scale, scale),
            (
                Uint256::one() << 255,
                Uint256::from(2u8),
                Uint256::from(2u8),
            ),
            (Uint256::from(7u8), Uint256::from(1u8), Uint256::from(3u8)),
            (
                Uint256::from(u128::MAX),
                Uint256::from(u128::MAX),
                Uint256::from(u64::MAX),
            ),
            (
                Uint256::from(u128::MAX),
                Uint256::from(u128::MAX),
                Uint256::from(u128::MAX),
            ),
            (
                Uint256::from(1u8) << 200,
                Uint256::from(3u8),
                (Uint256::one() << 96) + Uint256::one(),
            ),
        ];
        for (a, b, d) in cases {
            check(&a, &b, &d);
        }
        assert_eq!(
            mul_div(&Uint256::one(), &Uint256::one(), &Uint256::zero(), false),
            Err(Failure::DivideByZero)
        );
        // Rounding up past the largest value overflows.
        assert_eq!(
            mul_div(
                &Uint256::MAX,
                &Uint256::MAX,
                &(Uint256::MAX - Uint256::one()),
                true
            ),
            Err(Failure::Overflow)
        );
    }

    /// Hacker's Delight's `divmnu` test vectors for the rare steps of Algorithm D (little-endian 32-bit limbs):
    /// the add-back, a trial quotient of 2³², and a multiply-subtract that must not be read as signed.
    #[test]
    fn long_division_corner_cases_match_the_reference() {
        let vectors: [(&[u32], &[u32]); 4] = [
            (&[0, 0, 0x8000_0000, 0x7fff_ffff], &[1, 0, 0x8000_0000]),
            (
                &[0, 0x0000_fffe, 0, 0x0000_8000],
                &[0x0000_ffff, 0, 0x0000_8000],
            ),
            (&[3, 0, 0x8000_0000], &[1, 0, 0x2000_0000]),
            (
                &[
                    0,
                    0,
                    0x8000_0000,
                    0x7fff_ffff,
                    0,
                    0,
                    0x8000_0000,
                    0x7fff_ffff,
                ],
                &[1, 0, 0x8000_0000],
            ),
        ];
        for (u, v) in vectors {
            let (u, v) = (from_limbs(u), from_limbs(v));
            check(&u, &Uint256::one(), &v);
            // The same through the product path, with the dividend split into two factors.
            check(&(u >> 1), &Uint256::from(2u8), &v);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn matches_the_512_bit_reference(
            a in any::<[u64; 4]>(), abits in 0u32..=256,
            b in any::<[u64; 4]>(), bbits in 0u32..=256,
            d in any::<[u64; 4]>(), dbits in 1u32..=256,
        ) {
            let (a, b, d) = (value(a, abits), value(b, bbits), value(d, dbits));
            for round_up in [false, true] {
                prop_assert_eq!(mul_div(&a, &b, &d, round_up), reference(&a, &b, &d, round_up));
            }
        }

        #[test]
        fn square_root_matches_the_512_bit_reference(
            a in any::<[u64; 4]>(), abits in 0u32..=256,
            b in any::<[u64; 4]>(), bbits in 0u32..=256,
            square in any::<bool>(),
        ) {
            let a = value(a, abits);
            // Perfect squares too (b = a), where the flag must say exact.
            let b = if square { a } else { value(b, bbits) };
            prop_assert_eq!(sqrt_of_product(&a, &b), Ok(sqrt_reference(&a, &b)));
        }

        #[test]
        fn signed_matches_the_512_bit_reference(
            a in any::<[u64; 4]>(), abits in 0u32..=256,
            b in any::<[u64; 4]>(), bbits in 0u32..=256,
            d in any::<[u64; 4]>(), dbits in 0u32..=256,
            signs in any::<(bool, bool, bool)>(),
        ) {
            // Values of every width and sign, including −2²⁵⁵ (256 bits with the top bit set) and zero divisors.
            let signed = |v: Uint256, negative: bool| {
                let v = Int256::from_le_bytes(v.to_le_bytes());
                if negative { Int256::zero().wrapping_sub(v) } else { v }
            };
            let a = signed(value(a, abits), signs.0);
            let b = signed(value(b, bbits), signs.1);
            let d = signed(value(d, dbits), signs.2);
            for round_up in [false, true] {
                prop_assert_eq!(signed_mul_div(&a, &b, &d, round_up), signed_reference(&a, &b, &d, round_up));
            }
        }
    }

    fn sqrt_reference(a: &Uint256, b: &Uint256) -> (Uint256, bool) {
        sqrt_reference_checked(a, b).unwrap()
    }

    #[test]
    fn square_roots_of_edge_cases_match_the_reference() {
        let scale = Uint256::from(10u128.pow(18));
        let cases = [
            (Uint256::zero(), scale),
            (Uint256::one(), Uint256::one()),
            (Uint256::from(4u8), Uint256::one()),
            (Uint256::from(2u8), scale),
            (Uint256::MAX, Uint256::MAX),
            (Uint256::MAX, Uint256::one()),
            (Uint256::MAX - Uint256::one(), Uint256::MAX),
            (Uint256::one() << 255, Uint256::from(2u8)),
            (Uint256::from(u128::MAX), Uint256::from(u128::MAX)),
            (Uint256::from(3u8), Uint256::from(3u8)),
            ((Uint256::one() << 61) - Uint256::one(), Uint256::one()),
            (Uint256::one() << 61, Uint256::one()),
            (Uint256::one() << 62, Uint256::one()),
        ];
        for (a, b) in cases {
            assert_eq!(
                sqrt_of_product(&a, &b),
                Ok(sqrt_reference(&a, &b)),
                "√({a} × {b})"
            );
        }
    }

    #[test]
    fn signed_edge_cases_match_the_reference() {
        let (min, max, one, scale) = (
            Int256::MIN,
            Int256::MAX,
            Int256::one(),
            Int256::from(10i128.pow(18)),
        );
        let minus = |v: Int256| Int256::zero() - v;
        let cases = [
            (min, one, one),
            (min, one, minus(one)),
            (min, minus(one), one),
            (max, one, minus(one)),
            (minus(max), one, minus(one)),
            (min, scale, scale),
            (minus(Int256::from(7)), one, Int256::from(2)),
            (Int256::from(7), one, minus(Int256::from(2))),
            (Int256::zero(), min, one),
            (one, one, Int256::zero()),
        ];
        for (a, b, d) in cases {
            for round_up in [false, true] {
                assert_eq!(
                    signed_mul_div(&a, &b, &d, round_up),
                    signed_reference(&a, &b, &d, round_up),
                    "{a} × {b} ÷ {d} (up: {round_up})"
                );
            }
        }
    }
}
