//! `a × b ÷ d` on 256-bit magnitudes with a 512-bit intermediate, in 32-bit limbs.
//!
//! Every fixed-point multiply and divide of [`crate::fixed`] is one `a × b ÷ d` (a product rescaled by 10¹⁸, or a
//! quotient scaled by it). cosmwasm-std's `full_mul` widens both operands to 512 bits and multiplies 8 × 8 64-bit
//! limbs, then bnum divides in 512 bits; on wasm32 every 64 × 64-bit product is a software `__multi3` call. Here the
//! limbs are 32 bits, so every partial product and every trial quotient of the long division (Knuth, TAOCP vol. 2,
//! §4.3.1, Algorithm D, as in Hacker's Delight `divmnu`) is one native 64-bit wasm instruction, and leading zero
//! limbs are skipped. Measured in the VM on the bilinear pool: a quote fell from 869 M to 426 M gas with this change
//! alone (`bash scripts/bench-gas.sh`, `docs/benchmarks.md`); results are bit-identical (tests below).
//! A square root by Newton's iteration on `mul_div` was also tried and measured slower than cosmwasm-std's 512-bit
//! `isqrt` for our operands (bilinear swap +0.8 % VM gas), so `Udec::sqrt` keeps the latter.

use cosmwasm_std::Uint256;

/// Limbs of a 256-bit value.
const N256: usize = 8;
/// Limbs of a 512-bit product.
const N512: usize = 16;

fn to_limbs(v: &Uint256) -> [u32; N256] {
    let bytes = v.to_le_bytes();
    let mut out = [0u32; N256];
    for (limb, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *limb = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    out
}

fn from_limbs(limbs: &[u32]) -> Uint256 {
    let mut bytes = [0u8; 32];
    for (chunk, limb) in bytes.chunks_exact_mut(4).zip(limbs) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    Uint256::from_le_bytes(bytes)
}

/// Number of limbs up to and including the highest non-zero one.
fn significant(limbs: &[u32]) -> usize {
    limbs.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1)
}

/// `⌊a × b ÷ d⌋` and whether the division left a remainder; `None` if `d` is zero or the quotient needs more than
/// 256 bits.
pub(crate) fn mul_div(a: &Uint256, b: &Uint256, d: &Uint256) -> Option<(Uint256, bool)> {
    let (a, b, d) = (to_limbs(a), to_limbs(b), to_limbs(d));
    let (na, nb, nd) = (significant(&a), significant(&b), significant(&d));
    if nd == 0 {
        return None;
    }
    if na == 0 || nb == 0 {
        // A zero factor (the curvature terms of a constant-product curve): nothing to multiply or divide.
        return Some((Uint256::zero(), false));
    }
    // Schoolbook product: each partial product and carry fits a u64 ((2³²−1)² + 2·(2³²−1) = 2⁶⁴−1).
    let mut product = [0u32; N512 + 1];
    for i in 0..na {
        let mut carry = 0u64;
        for j in 0..nb {
            let t = u64::from(a[i]) * u64::from(b[j]) + u64::from(product[i + j]) + carry;
            product[i + j] = t as u32;
            carry = t >> 32;
        }
        product[i + nb] = carry as u32;
    }
    // The product has at most na + nb limbs.
    let np = significant(product.get(..na + nb).unwrap_or(&product[..N512]));
    let mut quotient = [0u32; N512];
    let remainder = divide(&mut quotient, &mut product, np, &d[..nd]);
    if quotient[N256..].iter().any(|&l| l != 0) {
        return None;
    }
    Some((from_limbs(&quotient[..N256]), remainder))
}

/// `quotient = ⌊u[..m] ÷ v⌋`, returns whether the remainder is non-zero. `v` has no leading zero limb; `u` has one
/// spare limb at `u[m]` (zero on entry) and is destroyed.
fn divide(quotient: &mut [u32], u: &mut [u32], m: usize, v: &[u32]) -> bool {
    const BASE: u64 = 1 << 32;
    let n = v.len();
    if m < n {
        // The quotient is zero and the dividend is the remainder.
        return m > 0;
    }
    if n == 1 {
        let divisor = u64::from(v[0]);
        let mut rem = 0u64;
        for j in (0..m).rev() {
            let t = (rem << 32) | u64::from(u[j]);
            quotient[j] = (t / divisor) as u32;
            rem = t % divisor;
        }
        return rem != 0;
    }
    // D1: normalise so the divisor's top limb has its high bit set (then each trial quotient is off by at most 2).
    let shift = v[n - 1].leading_zeros();
    let mut vn = [0u32; N256];
    for i in (1..n).rev() {
        vn[i] = shl_pair(v[i], v[i - 1], shift);
    }
    vn[0] = v[0] << shift;
    u[m] = shr_carry(u[m - 1], shift);
    for i in (1..m).rev() {
        u[i] = shl_pair(u[i], u[i - 1], shift);
    }
    u[0] <<= shift;
    let (v_top, v_next) = (u64::from(vn[n - 1]), u64::from(vn[n - 2]));
    for j in (0..=m - n).rev() {
        // D3: estimate the quotient limb from the top two limbs, then correct it with the third.
        let top = (u64::from(u[j + n]) << 32) | u64::from(u[j + n - 1]);
        let mut q_hat = top / v_top;
        let mut r_hat = top % v_top;
        while q_hat >= BASE || q_hat * v_next > ((r_hat << 32) | u64::from(u[j + n - 2])) {
            q_hat -= 1;
            r_hat += v_top;
            if r_hat >= BASE {
                break;
            }
        }
        // D4: multiply and subtract; `borrow` and `t` stay within ±2³³, far inside an i64.
        let mut borrow = 0i64;
        for i in 0..n {
            let p = q_hat * u64::from(vn[i]);
            let t = i64::from(u[i + j]) - borrow - (p & 0xFFFF_FFFF) as i64;
            u[i + j] = t as u32;
            borrow = (p >> 32) as i64 - (t >> 32);
        }
        let t = i64::from(u[j + n]) - borrow;
        u[j + n] = t as u32;
        // D5/D6: the estimate was one too large (rare): add the divisor back.
        if t < 0 {
            q_hat -= 1;
            let mut carry = 0u64;
            for i in 0..n {
                let s = u64::from(u[i + j]) + u64::from(vn[i]) + carry;
                u[i + j] = s as u32;
                carry = s >> 32;
            }
            u[j + n] = u[j + n].wrapping_add(carry as u32);
        }
        quotient[j] = q_hat as u32;
    }
    u[..n].iter().any(|&l| l != 0)
}

/// The high 32 bits of `(hi:lo) << shift` for `shift < 32`.
fn shl_pair(hi: u32, lo: u32, shift: u32) -> u32 {
    ((((u64::from(hi)) << 32 | u64::from(lo)) << shift) >> 32) as u32
}

/// The bits of `x` shifted out at the top by `x << shift`.
fn shr_carry(x: u32, shift: u32) -> u32 {
    ((u64::from(x) << shift) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::Uint512;
    use proptest::prelude::*;

    /// The reference: cosmwasm-std's 512-bit arithmetic.
    fn reference(a: &Uint256, b: &Uint256, d: &Uint256) -> Option<(Uint256, bool)> {
        if d.is_zero() {
            return None;
        }
        let n = a.full_mul(*b);
        let d = Uint512::from(*d);
        let q = Uint256::try_from(n / d).ok()?;
        Some((q, !(n % d).is_zero()))
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
            assert_eq!(
                mul_div(&a, &b, &d),
                reference(&a, &b, &d),
                "{a} × {b} ÷ {d}"
            );
        }
        assert_eq!(
            mul_div(&Uint256::one(), &Uint256::one(), &Uint256::zero()),
            None
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
            let got = mul_div(&u, &Uint256::one(), &v);
            assert_eq!(got, reference(&u, &Uint256::one(), &v), "{u} ÷ {v}");
            // The same through the product path, with the dividend split into two factors.
            let got = mul_div(&(u >> 1), &Uint256::from(2u8), &v);
            assert_eq!(got, reference(&(u >> 1), &Uint256::from(2u8), &v));
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
            prop_assert_eq!(mul_div(&a, &b, &d), reference(&a, &b, &d));
        }
    }
}
