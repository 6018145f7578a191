//! $AI token economics: the worker bond (2026 eq.36), the per-block emission split (2025 §4.2), the PoAI bonus
//! (2025 §4.2), slashing (2025 §4.2, 2026 §12.3) and the experience-deposit refund (2025 §4.3).
//!
//! What the protocol takes (bonds, slashes) rounds Up; what it pays (emissions, bonuses, refunds) rounds Down.
//! Every split of an amount into parts returns parts that sum to the amount exactly.

use cosmwasm_std::{Uint128, Uint256, Uint512};

use crate::error::{MathError, MathResult};
use crate::fees::amount_times_rate;
use crate::fixed::{Rounding, Udec};

const E16: u128 = 10_000_000_000_000_000;
const E17: u128 = 100_000_000_000_000_000;

/// 2026 eq.36 collateralisation ratio γ = 1.5.
pub const DEFAULT_COLLATERAL_RATIO: Udec = Udec::raw(Uint256::from_u128(15 * E17));
/// 2025 §4.2: ρ ≤ 0.1.
pub const MAX_POAI_BONUS_RATE: Udec = Udec::raw(Uint256::from_u128(E17));
/// 2025 §4.4 registry bond D = 25 $AI (whole tokens; see [`default_experience_deposit`]).
pub const DEFAULT_EXPERIENCE_DEPOSIT_TOKENS: u128 = 25;

/// Bond a worker must stake, 2026 eq.36: `Stake_j = γ · Σ_i q_ij^raw · π_i`, with `q_ij^raw` the raw capacity it
/// declares in class i (atoms of that class's compute unit) and `π_i` the class price in $AI atoms per CU atom.
/// Rounded Up (taken in). γ must be at least 1: a bond worth less than the capacity it backs does not cover it.
pub fn bond_requirement(capacity: &[(Uint128, Udec)], gamma: Udec) -> MathResult<Uint128> {
    if gamma < Udec::one() {
        return Err(MathError::InvalidParameter {
            name: "gamma",
            reason: "a collateral ratio below 1",
        });
    }
    let mut value = Udec::ZERO;
    for (q, price) in capacity {
        value = value.checked_add(Udec::from_amount(*q).mul(*price, Rounding::Up)?)?;
    }
    value.mul(gamma, Rounding::Up)?.to_amount(Rounding::Up)
}

/// Emission shares of 2025 §4.2: validators β, workers γ, curators δ; the treasury gets `1 − β − γ − δ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmissionParams {
    pub validators: Udec,
    pub workers: Udec,
    pub curators: Udec,
}

impl Default for EmissionParams {
    /// 2025 §4.4: β, γ, δ = 0.35 / 0.50 / 0.10 (treasury 0.05).
    fn default() -> Self {
        EmissionParams {
            validators: Udec::raw(Uint256::from_u128(35 * E16)),
            workers: Udec::raw(Uint256::from_u128(5 * E17)),
            curators: Udec::raw(Uint256::from_u128(E17)),
        }
    }
}

impl EmissionParams {
    /// β + γ + δ ≤ 1 (the treasury share is what is left and cannot be negative).
    pub fn validate(&self) -> MathResult<()> {
        let sum = self
            .validators
            .checked_add(self.workers)?
            .checked_add(self.curators)?;
        if sum > Udec::one() {
            return Err(MathError::InvalidParameter {
                name: "emission shares",
                reason: "beta + gamma + delta exceeds 1",
            });
        }
        Ok(())
    }
}

/// One block's emission `R` divided as 2025 §4.2 says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmissionSplit {
    pub validators: Uint128,
    pub workers: Uint128,
    pub curators: Uint128,
    pub treasury: Uint128,
}

/// Splits a block emission `R`, 2025 §4.2: validators `⌊βR⌋`, workers `⌊γR⌋`, curators `⌊δR⌋` (rounded Down,
/// paid out), treasury `R` minus those three, so the parts sum to `R` exactly. Workers' and curators' parts are
/// then divided pro rata (verified work, experience quality shares) with [`split_by_weights`].
pub fn split_emissions(r: Uint128, params: &EmissionParams) -> MathResult<EmissionSplit> {
    params.validate()?;
    let validators = amount_times_rate(r, params.validators, Rounding::Down)?;
    let workers = amount_times_rate(r, params.workers, Rounding::Down)?;
    let curators = amount_times_rate(r, params.curators, Rounding::Down)?;
    let treasury = r
        .checked_sub(validators)
        .and_then(|x| x.checked_sub(workers))
        .and_then(|x| x.checked_sub(curators))
        .map_err(|_| MathError::Negative("split_emissions"))?;
    Ok(EmissionSplit {
        validators,
        workers,
        curators,
        treasury,
    })
}

/// Divides `amount` in proportion to `weights`, exactly: each part is `⌊amount·w_i/Σw⌋` and the few atoms left
/// over (fewer than the number of positive weights) go one each to the largest remainders, ties to the lower
/// index (Hamilton's method). Deterministic, and the parts sum to `amount`. Fails if every weight is zero.
pub fn split_by_weights(amount: Uint128, weights: &[Udec]) -> MathResult<Vec<Uint128>> {
    let mut total = Uint256::zero();
    for w in weights {
        total = total
            .checked_add(w.atomics())
            .map_err(|_| MathError::Overflow("split_by_weights"))?;
    }
    if total.is_zero() {
        return Err(MathError::Empty("split_by_weights: no positive weight"));
    }
    let total = Uint512::from(total);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = Uint128::zero();
    for (i, w) in weights.iter().enumerate() {
        let n = Uint512::from(amount)
            .checked_mul(Uint512::from(w.atomics()))
            .map_err(|_| MathError::Overflow("split_by_weights"))?;
        let q = n
            .checked_div(total)
            .map_err(|_| MathError::DivideByZero("split_by_weights"))?;
        let r = n
            .checked_rem(total)
            .map_err(|_| MathError::DivideByZero("split_by_weights"))?;
        let q = Uint256::try_from(q)
            .ok()
            .and_then(|q| Uint128::try_from(q).ok())
            .ok_or(MathError::Overflow("split_by_weights"))?;
        given = given
            .checked_add(q)
            .map_err(|_| MathError::Overflow("split_by_weights"))?;
        parts.push(q);
        remainders.push((r, i));
    }
    let left = amount
        .checked_sub(given)
        .map_err(|_| MathError::Negative("split_by_weights"))?;
    // Largest remainder first, then lower index.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = usize::try_from(left.u128()).map_err(|_| MathError::Overflow("split_by_weights"))?;
    for (_, i) in remainders.iter().take(left) {
        if let Some(p) = parts.get_mut(*i) {
            *p = p
                .checked_add(Uint128::one())
                .map_err(|_| MathError::Overflow("split_by_weights"))?;
        }
    }
    Ok(parts)
}

/// PoAI bonus of a job, 2025 §4.2: `ρ·V_j` with `ρ ≤ 0.1`, rounded Down (paid out). The seed names the verified
/// cost `K_j` but does not use it, and does not say who funds the bonus (emissions or fees); the caller decides.
pub fn poai_bonus(job_value: Uint128, rho: Udec) -> MathResult<Uint128> {
    if rho > MAX_POAI_BONUS_RATE {
        return Err(MathError::InvalidParameter {
            name: "rho",
            reason: "above 0.1",
        });
    }
    amount_times_rate(job_value, rho, Rounding::Down)
}

/// The PoAI bonus `ρ·V_j` split among the job's parties (2025 §4.2 "split among parties") in proportion to
/// `shares`; the parts sum exactly to [`poai_bonus`].
pub fn split_poai_bonus(
    job_value: Uint128,
    rho: Udec,
    shares: &[Udec],
) -> MathResult<Vec<Uint128>> {
    split_by_weights(poai_bonus(job_value, rho)?, shares)
}

/// Share of what a job burned that its rewards may add up to, all parties and all reward paths together (the
/// PoAI bonus and the emission claims the job's points earn): 9/10. Any party can be on both sides of a job (no
/// chain can tell Sybil identities apart), so a reward is safe only if it is smaller than what left every party
/// for good; the burned job fee (or a slash) is that, whatever flows back through the pool (SECURITY.md, "rewards").
pub const REWARD_PER_BURNED: Udec = Udec::raw(Uint256::from_u128(9 * E17));

/// A job's reward credit: `⌊(9/10)·burned⌋` ([`REWARD_PER_BURNED`]).
pub fn reward_credit(burned: Uint128) -> MathResult<Uint128> {
    amount_times_rate(burned, REWARD_PER_BURNED, Rounding::Down)
}

/// A job's reward credit and PoAI bonus `ρ·V_j` (2025 §4.2), both split among the job's parties by `shares`:
/// `(credit parts, bonus parts)`, where the bonus is `min(ρ·V_j, credit)` and no party's bonus part exceeds its
/// credit part (both splits round the same way; the `min` guards the odd atom of the largest remainders).
pub fn capped_poai_bonus(
    job_value: Uint128,
    rho: Udec,
    credit: Uint128,
    shares: &[Udec],
) -> MathResult<(Vec<Uint128>, Vec<Uint128>)> {
    let credit_parts = split_by_weights(credit, shares)?;
    let bonus = poai_bonus(job_value, rho)?.min(credit);
    let bonus_parts = split_by_weights(bonus, shares)?
        .into_iter()
        .zip(&credit_parts)
        .map(|(b, c)| b.min(*c))
        .collect();
    Ok((credit_parts, bonus_parts))
}

/// Amount slashed from a bond, 2025 §4.2 ("slashing burns a fraction σ of bonds"): `⌈σ·bond⌉`, rounded Up (taken
/// from the offender) and never more than the bond; σ ∈ [0, 1].
pub fn slash_amount(bond: Uint128, sigma: Udec) -> MathResult<Uint128> {
    if sigma > Udec::one() {
        return Err(MathError::InvalidParameter {
            name: "sigma",
            reason: "above 1",
        });
    }
    Ok(amount_times_rate(bond, sigma, Rounding::Up)?.min(bond))
}

/// The default experience deposit D = 25 $AI (2025 §4.4) in atoms of a token with `token_decimals` decimals.
pub fn default_experience_deposit(token_decimals: u32) -> MathResult<Uint128> {
    10u128
        .checked_pow(token_decimals)
        .and_then(|u| u.checked_mul(DEFAULT_EXPERIENCE_DEPOSIT_TOKENS))
        .map(Uint128::new)
        .ok_or(MathError::Overflow("default_experience_deposit"))
}

/// An experience deposit settled: what goes back to the submitter and what is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DepositSettlement {
    pub refund: Uint128,
    pub forfeit: Uint128,
}

/// Experience deposit refund, 2025 §4.3 ("refunds scale with measured utility"): `refund = ⌊D·u⌋` for measured
/// utility `u ∈ [0, 1]` (rounded Down, paid out), `forfeit = D − refund`; the two sum to `D` exactly. The seed
/// gives no formula; linear scaling is the simplest reading.
pub fn experience_refund(deposit: Uint128, utility: Udec) -> MathResult<DepositSettlement> {
    if utility > Udec::one() {
        return Err(MathError::InvalidParameter {
            name: "utility",
            reason: "must be in [0, 1]",
        });
    }
    let refund = amount_times_rate(deposit, utility, Rounding::Down)?;
    let forfeit = deposit
        .checked_sub(refund)
        .map_err(|_| MathError::Negative("experience_refund"))?;
    Ok(DepositSettlement { refund, forfeit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::ud;
    use proptest::prelude::*;

    fn u(v: u128) -> Uint128 {
        Uint128::new(v)
    }

    /// 2026 eq.36 against f64: the result is the ceiling of the f64 value (tolerance 1 atom + 1e-15 relative).
    #[test]
    fn bond_matches_f64() {
        let cap = [
            (u(1_000_000), ud("2.5")),
            (u(333), ud("0.333333333333333333")),
        ];
        let b = bond_requirement(&cap, DEFAULT_COLLATERAL_RATIO).unwrap();
        let want: f64 = 1.5 * (1_000_000.0 * 2.5 + 333.0 * (1.0 / 3.0));
        assert!(
            (b.u128() as f64 - want.ceil()).abs() <= 1.0,
            "{b} vs {want}"
        );
        assert!(b.u128() as f64 >= want - 1e-9);
        // Exact case rounds to itself.
        assert_eq!(
            bond_requirement(&[(u(10), ud("2"))], ud("1.5")).unwrap(),
            u(30)
        );
        assert_eq!(
            bond_requirement(&[(u(1), ud("0.1"))], ud("1.5")).unwrap(),
            u(1)
        );
        assert!(bond_requirement(&cap, ud("0.9")).is_err());
    }

    #[test]
    fn emissions_default_split() {
        let s = split_emissions(u(1_000_001), &EmissionParams::default()).unwrap();
        assert_eq!(s.validators, u(350_000));
        assert_eq!(s.workers, u(500_000));
        assert_eq!(s.curators, u(100_000));
        assert_eq!(s.treasury, u(50_001));
        let bad = EmissionParams {
            curators: ud("0.2"),
            ..EmissionParams::default()
        };
        assert!(split_emissions(u(1), &bad).is_err());
    }

    #[test]
    fn weights_split_exactly() {
        let parts = split_by_weights(u(10), &[ud("1"), ud("1"), ud("1")]).unwrap();
        assert_eq!(parts, vec![u(4), u(3), u(3)]);
        let parts = split_by_weights(u(100), &[ud("0.2"), ud("0"), ud("0.6")]).unwrap();
        assert_eq!(parts, vec![u(25), u(0), u(75)]);
        assert!(split_by_weights(u(1), &[Udec::ZERO]).is_err());
        assert!(split_by_weights(u(1), &[]).is_err());
        assert_eq!(
            split_by_weights(Uint128::MAX, &[Udec::MAX]).unwrap(),
            vec![Uint128::MAX]
        );
    }

    #[test]
    fn bonus_slash_and_refund() {
        assert_eq!(poai_bonus(u(1_000_000), ud("0.1")).unwrap(), u(100_000));
        assert!(poai_bonus(u(1), ud("0.11")).is_err());
        let parts = split_poai_bonus(u(1_000_001), ud("0.05"), &[ud("3"), ud("1")]).unwrap();
        assert_eq!(parts, vec![u(37_500), u(12_500)]);
        // The bonus is capped by the credit, part by part.
        let (credit, bonus) =
            capped_poai_bonus(u(1_000_001), ud("0.05"), u(900), &[ud("3"), ud("1")]).unwrap();
        assert_eq!(
            (credit, bonus),
            (vec![u(675), u(225)], vec![u(675), u(225)])
        );
        let (_, bonus) =
            capped_poai_bonus(u(1_000), ud("0.05"), u(900), &[ud("3"), ud("1")]).unwrap();
        assert_eq!(bonus, vec![u(38), u(12)]);
        assert_eq!(reward_credit(u(1_001)).unwrap(), u(900));
        assert_eq!(slash_amount(u(1001), ud("0.1")).unwrap(), u(101));
        assert_eq!(slash_amount(u(7), Udec::one()).unwrap(), u(7));
        assert_eq!(slash_amount(u(7), Udec::ZERO).unwrap(), u(0));
        assert!(slash_amount(u(7), ud("1.5")).is_err());
        let d = default_experience_deposit(6).unwrap();
        assert_eq!(d, u(25_000_000));
        let s = experience_refund(d, ud("0.3333333")).unwrap();
        assert_eq!(s.refund, u(8_333_332));
        assert_eq!(s.refund + s.forfeit, d);
        assert!(experience_refund(d, ud("1.2")).is_err());
        assert!(default_experience_deposit(40).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// Emission parts sum exactly to R, and each share is the floor of its exact value.
        #[test]
        fn emissions_sum_to_r(r in any::<u128>(), b in 0u128..=1_000_000, g_seed in any::<u128>(), d_seed in any::<u128>()) {
            let g = g_seed % (1_000_001 - b);
            let d = d_seed % (1_000_001 - b - g);
            let p = EmissionParams {
                validators: Udec::from_decimal(b, 6).unwrap(),
                workers: Udec::from_decimal(g, 6).unwrap(),
                curators: Udec::from_decimal(d, 6).unwrap(),
            };
            let s = split_emissions(u(r), &p).unwrap();
            let total = s.validators.checked_add(s.workers).and_then(|x| x.checked_add(s.curators)).and_then(|x| x.checked_add(s.treasury)).unwrap();
            prop_assert_eq!(total, u(r));
            prop_assert_eq!(s.workers, u(r).multiply_ratio(g, 1_000_000u128));
        }

        /// Any proportional split (worker rewards, PoAI bonus) sums exactly and each part is within one atom of
        /// its exact share.
        #[test]
        fn weighted_split_is_exact(amount in any::<u128>(), w in proptest::collection::vec(0u128..1_000_000_000_000_000_000_000, 1..8)) {
            let weights: Vec<Udec> = w.iter().map(|x| Udec::raw(Uint256::from(*x))).collect();
            let total: u128 = w.iter().sum();
            prop_assume!(total > 0);
            let parts = split_by_weights(u(amount), &weights).unwrap();
            let sum = parts.iter().try_fold(Uint128::zero(), |a, b| a.checked_add(*b)).unwrap();
            prop_assert_eq!(sum, u(amount));
            for (p, x) in parts.iter().zip(&w) {
                let floor = u(amount).full_mul(*x) / Uint256::from(total);
                prop_assert!(Uint256::from(*p) >= floor && Uint256::from(*p) <= floor + Uint256::one());
            }
        }

        /// The slash is σ·bond rounded up, never more than the bond; the bond requirement is never below γ·value.
        #[test]
        fn slash_and_bond_bounds(bond in any::<u128>(), sigma in 0u128..=1_000_000, q in 0u128..1_000_000_000_000_000_000_000, price in 0u128..1_000_000_000_000) {
            let s = slash_amount(u(bond), Udec::from_decimal(sigma, 6).unwrap()).unwrap();
            prop_assert!(s <= u(bond));
            prop_assert_eq!(Uint256::from(s), (u(bond).full_mul(u(sigma)) + Uint256::from(999_999u128)) / Uint256::from(1_000_000u128));
            let price = Udec::from_decimal(price, 6).unwrap();
            let need = bond_requirement(&[(u(q), price)], DEFAULT_COLLATERAL_RATIO).unwrap();
            let exact_times_2e6 = u(q).full_mul(Uint128::try_from(price.atomics() / Uint256::from(1_000_000_000_000u128)).unwrap()) * Uint256::from(3u128);
            prop_assert!(Uint256::from(need) * Uint256::from(2_000_000u128) >= exact_times_2e6);
        }
    }
}
