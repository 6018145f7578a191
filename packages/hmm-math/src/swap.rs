//! Exact swap solves on one class's level set, in whole token atoms, rounded so the pool never loses.
//!
//! A swap touching one class changes one separable term `Hᵢ`, so the new state is the intersection of the class
//! level set with a line `p = p + Δp` or `q = q ± Δq`: a closed-form root of a quadratic ([`ClassCurve::solve_p`],
//! [`ClassCurve::solve_q`]). The solved reserve is rounded **up** to whole atoms (the pool keeps more), so the
//! amount paid out is rounded down and the amount taken in rounded up. Then 2026 Alg.1 step 5 is done for real:
//! a *lower* bound of `H` after is compared with an *upper* bound of `H` before, and the trade is refused with
//! [`MathError::InvariantDecreased`] unless `H_after ≥ H_before` holds for the exact
//! values. Both states must lie in the sound region ([`ClassCurve::check_sound`]).
//!
//! Amounts here are net of fees: the pool takes its fee before (exact in) or on top of (exact out) the curve.

use cosmwasm_std::Uint128;

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec, Udec};
use crate::hamiltonian::{ClassCurve, Gradient};

/// Which way resource moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Credits ($AI) in, resource (CU) out.
    BuyResource,
    /// Resource (CU) in, credits ($AI) out.
    SellResource,
}

/// Which side of the trade the caller fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapKind {
    /// `amount` is what the trader pays in; the output is solved (and rounded down).
    ExactIn,
    /// `amount` is what the trader receives; the input is solved (and rounded up).
    ExactOut,
}

/// The outcome of a swap on one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapOutcome {
    pub amount_in: Uint128,
    pub amount_out: Uint128,
    /// Resource reserve after the trade.
    pub q_after: Uint128,
    /// Credit reserve after the trade.
    pub p_after: Uint128,
    /// The class's gradient before the trade (its spot price, 2026 eq.7), found by the soundness check.
    pub gradient_before: Gradient,
    /// The gradient after the trade, likewise.
    pub gradient_after: Gradient,
}

/// Atoms to a fixed-point number of atoms.
pub fn atoms(amount: Uint128) -> MathResult<Sdec> {
    Udec::from_amount(amount).to_signed()
}

fn to_atoms_up(x: Sdec) -> MathResult<Uint128> {
    x.to_unsigned("solved reserve")?.to_amount(Rounding::Up)
}

/// How many extra atoms the verification may add to the solved reserve before refusing (covers the bounds' slack).
const VERIFY_BUMPS: u32 = 2;

/// Swap `amount` (net of fees) on one class with reserves `(q, p)`, exactly on the level set, pool-favouring.
pub fn swap_exact(
    curve: &ClassCurve,
    q: Uint128,
    p: Uint128,
    direction: Direction,
    kind: SwapKind,
    amount: Uint128,
) -> MathResult<SwapOutcome> {
    if amount.is_zero() {
        return Err(MathError::InvalidParameter {
            name: "amount",
            reason: "must be positive",
        });
    }
    let (qs, ps) = (atoms(q)?, atoms(p)?);
    let gradient_before = curve.check_sound(qs, ps)?;
    let h_before = curve.energy(qs, ps, Rounding::Up)?;

    // Fix one reserve, solve the other (rounded up to whole atoms).
    let (mut q_after, mut p_after, solved_is_q) = match (direction, kind) {
        (Direction::BuyResource, SwapKind::ExactIn) => {
            let p_new = p
                .checked_add(amount)
                .map_err(|_| MathError::Overflow("credit reserve"))?;
            let q_new = to_atoms_up(curve.solve_q(atoms(p_new)?, h_before, Rounding::Up)?)?;
            (q_new, p_new, true)
        }
        (Direction::SellResource, SwapKind::ExactIn) => {
            let q_new = q
                .checked_add(amount)
                .map_err(|_| MathError::Overflow("resource reserve"))?;
            let p_new = to_atoms_up(curve.solve_p(atoms(q_new)?, h_before, Rounding::Up)?)?;
            (q_new, p_new, false)
        }
        (Direction::BuyResource, SwapKind::ExactOut) => {
            let q_new = q
                .checked_sub(amount)
                .map_err(|_| MathError::InsufficientLiquidity)?;
            if q_new.is_zero() {
                return Err(MathError::InsufficientLiquidity);
            }
            let p_new = to_atoms_up(curve.solve_p(atoms(q_new)?, h_before, Rounding::Up)?)?;
            (q_new, p_new, false)
        }
        (Direction::SellResource, SwapKind::ExactOut) => {
            let p_new = p
                .checked_sub(amount)
                .map_err(|_| MathError::InsufficientLiquidity)?;
            if p_new.is_zero() {
                return Err(MathError::InsufficientLiquidity);
            }
            let q_new = to_atoms_up(curve.solve_q(atoms(p_new)?, h_before, Rounding::Up)?)?;
            (q_new, p_new, true)
        }
    };

    // 2026 Alg.1 step 5: verify H did not fall, with bounds that hold for the exact values.
    let mut bumps = 0;
    loop {
        let h_after = curve.energy(atoms(q_after)?, atoms(p_after)?, Rounding::Down)?;
        if h_after >= h_before {
            break;
        }
        if bumps == VERIFY_BUMPS {
            return Err(MathError::InvariantDecreased);
        }
        bumps += 1;
        if solved_is_q {
            q_after = q_after
                .checked_add(Uint128::one())
                .map_err(|_| MathError::Overflow("bump"))?;
        } else {
            p_after = p_after
                .checked_add(Uint128::one())
                .map_err(|_| MathError::Overflow("bump"))?;
        }
    }
    if q_after.is_zero() || p_after.is_zero() {
        return Err(MathError::InsufficientLiquidity);
    }
    let gradient_after = curve.check_sound(atoms(q_after)?, atoms(p_after)?)?;

    // A dust trade can round to no output (or, exact out, to no input) once the result is rounded to whole atoms in
    // the pool's favour: that is a too-small trade, not a lack of liquidity (emptied reserves were refused above).
    let too_small = MathError::InvalidParameter {
        name: "amount",
        reason: "too small: the trade rounds to nothing",
    };
    let (amount_in, amount_out) = match direction {
        Direction::BuyResource => (p_after.saturating_sub(p), q.saturating_sub(q_after)),
        Direction::SellResource => (q_after.saturating_sub(q), p.saturating_sub(p_after)),
    };
    if amount_out.is_zero() || amount_in.is_zero() {
        return Err(too_small);
    }
    Ok(SwapOutcome {
        amount_in,
        amount_out,
        q_after,
        p_after,
        gradient_before,
        gradient_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::sd;
    use crate::hamiltonian::{Augmented, Hamiltonian, MultiAsset, Scaling, TargetReserve};
    use proptest::prelude::*;

    fn u(n: u128) -> Uint128 {
        Uint128::new(n)
    }

    #[test]
    fn constant_product_matches_the_closed_form() {
        let c = ClassCurve::constant_product();
        // x·y = k: buy with 1000 credits from (1_000_000 q, 4_000_000 p): q' = ceil(4e12/4_001_000) = 999_751
        let out = swap_exact(
            &c,
            u(1_000_000),
            u(4_000_000),
            Direction::BuyResource,
            SwapKind::ExactIn,
            u(1000),
        )
        .unwrap();
        assert_eq!(out.q_after, u(999_751));
        assert_eq!(out.amount_out, u(249));
        assert_eq!(out.amount_in, u(1000));
        // Exact out: buy 249 resource: p' = ceil(4e12 / 999_751) = 4_000_997 (4_000_996.2…)
        let out = swap_exact(
            &c,
            u(1_000_000),
            u(4_000_000),
            Direction::BuyResource,
            SwapKind::ExactOut,
            u(249),
        )
        .unwrap();
        assert_eq!(out.amount_in, u(997));
    }

    /// Dust at 10²⁴-atom reserves: a sale of 6 CU atoms is worth ~16.5 $AI atoms and is paid 16 (whole atoms,
    /// rounded down); a purchase that rounds to no output is "too small", not a lack of liquidity.
    #[test]
    fn dust_trades_at_large_reserves_are_paid_or_called_too_small() {
        let q0 = 1_000_000_000_000_000_000_000_000u128;
        let curve = Augmented {
            base: TargetReserve {
                weights: vec![Sdec::one()],
                lambda: sd("0.5"),
                q_bar: vec![Sdec::from_int(q0 as i128)],
                scaling: Scaling::Normalised {
                    p_ref: vec![Sdec::from_int(3 * q0 as i128)],
                },
            },
            mu: vec![sd("0.1")],
        }
        .class_curve(0)
        .unwrap();
        let (q, p) = (
            u(995_983_672_243_486_331_420_565),
            u(3_010_980_889_352_943_913_428_846),
        );
        let sell = |n| {
            swap_exact(
                &curve,
                q,
                p,
                Direction::SellResource,
                SwapKind::ExactIn,
                u(n),
            )
        };
        let out = sell(6).unwrap();
        // Spot ≈ H_q/H_p ≈ 2.76 $AI atoms per CU atom: 6 atoms are worth 16.5, paid 16.
        assert_eq!(out.amount_out, u(16));
        assert_eq!(sell(1).unwrap().amount_out, u(2));
        // One $AI atom buys 0.36 CU atoms: nothing, once rounded in the pool's favour.
        let buy = swap_exact(
            &curve,
            q,
            p,
            Direction::BuyResource,
            SwapKind::ExactIn,
            u(1),
        );
        assert!(
            matches!(buy, Err(MathError::InvalidParameter { name: "amount", .. })),
            "{buy:?}"
        );
    }

    #[test]
    fn bad_input_is_refused_with_typed_errors() {
        let c = ClassCurve::constant_product();
        assert!(matches!(
            swap_exact(
                &c,
                u(1000),
                u(1000),
                Direction::BuyResource,
                SwapKind::ExactIn,
                Uint128::zero()
            ),
            Err(MathError::InvalidParameter { .. })
        ));
        assert_eq!(
            swap_exact(
                &c,
                u(1000),
                u(1000),
                Direction::BuyResource,
                SwapKind::ExactOut,
                u(1000)
            ),
            Err(MathError::InsufficientLiquidity)
        );
        assert_eq!(
            swap_exact(
                &c,
                u(1000),
                u(1000),
                Direction::SellResource,
                SwapKind::ExactOut,
                u(5000)
            ),
            Err(MathError::InsufficientLiquidity)
        );
        // An input so small the output rounds to zero.
        assert!(swap_exact(
            &c,
            u(1000),
            u(1_000_000),
            Direction::BuyResource,
            SwapKind::ExactIn,
            u(1)
        )
        .is_err());
        // Empty pool.
        assert_eq!(
            swap_exact(
                &c,
                Uint128::zero(),
                u(1000),
                Direction::BuyResource,
                SwapKind::ExactIn,
                u(10)
            ),
            Err(MathError::InsufficientLiquidity)
        );
    }

    #[test]
    fn target_reserve_refuses_to_drain_past_the_sound_region() {
        // Normalised λ = 1.9 at target: near constant sum; selling far past target empties p at finite q.
        let h = TargetReserve {
            weights: vec![sd("1")],
            lambda: sd("1.9"),
            q_bar: vec![sd("1000000")],
            scaling: Scaling::Normalised {
                p_ref: vec![sd("1000000")],
            },
        };
        let c = h.class_curve(0).unwrap();
        let r = swap_exact(
            &c,
            u(1_000_000),
            u(1_000_000),
            Direction::SellResource,
            SwapKind::ExactIn,
            u(5_000_000),
        );
        assert!(r.is_err(), "{r:?}");
    }

    fn curves() -> Vec<ClassCurve> {
        let tr = |lambda: &str| TargetReserve {
            weights: vec![sd("1")],
            lambda: sd(lambda),
            q_bar: vec![sd("1000000000")],
            scaling: Scaling::Normalised {
                p_ref: vec![sd("5000000000000")],
            },
        };
        vec![
            ClassCurve::constant_product(),
            tr("0.5").class_curve(0).unwrap(),
            tr("1.5").class_curve(0).unwrap(),
            Augmented {
                base: tr("0.5"),
                mu: vec![sd("0.05")],
            }
            .class_curve(0)
            .unwrap(),
            MultiAsset {
                weights: vec![sd("1")],
                lambda: sd("0.05"),
                q_ref: vec![sd("1000000000")],
                scaling: Scaling::Normalised {
                    p_ref: vec![sd("5000000000000")],
                },
            }
            .class_curve(0)
            .unwrap(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// 2026 §12.4 properties 1–2: H never decreases after any swap; reserves stay > 0. And a buy-then-sell
        /// round trip never ends with more than it started.
        #[test]
        fn invariant_never_falls_and_round_trips_lose(
            curve_ix in 0usize..5,
            q_scale in 0.2f64..3.0,
            p_scale in 0.3f64..3.0,
            frac in 0.000_001f64..0.5,
            buy in any::<bool>(),
            exact_out in any::<bool>(),
        ) {
            let c = curves()[curve_ix];
            let q = u((1e9 * q_scale) as u128);
            let p = u((5e12 * p_scale) as u128);
            prop_assume!(c.check_sound(atoms(q).unwrap(), atoms(p).unwrap()).is_ok());
            let (direction, base) = if buy { (Direction::BuyResource, if exact_out { q } else { p }) } else { (Direction::SellResource, if exact_out { p } else { q }) };
            let kind = if exact_out { SwapKind::ExactOut } else { SwapKind::ExactIn };
            let amount = u(((base.u128() as f64) * frac).max(1.0) as u128);
            let Ok(out) = swap_exact(&c, q, p, direction, kind, amount) else { return Ok(()); };
            let before = c.energy(atoms(q).unwrap(), atoms(p).unwrap(), Rounding::Up).unwrap();
            let after = c.energy(atoms(out.q_after).unwrap(), atoms(out.p_after).unwrap(), Rounding::Down).unwrap();
            prop_assert!(after >= before);
            prop_assert!(!out.q_after.is_zero() && !out.p_after.is_zero());
            match kind {
                SwapKind::ExactIn => prop_assert_eq!(out.amount_in, amount),
                SwapKind::ExactOut => prop_assert_eq!(out.amount_out, amount),
            }
            // Round trip: sell back exactly what was bought.
            let back_dir = if buy { Direction::SellResource } else { Direction::BuyResource };
            if let Ok(back) = swap_exact(&c, out.q_after, out.p_after, back_dir, SwapKind::ExactIn, out.amount_out) {
                prop_assert!(back.amount_out <= out.amount_in, "round trip profit: in {} back {}", out.amount_in, back.amount_out);
            }
        }
    }
}
