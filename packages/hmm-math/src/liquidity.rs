//! LP shares and LP fees: the first deposit (2025 eq.13, minus a locked [`MINIMUM_LIQUIDITY`]), later deposits by
//! the min-ratio rule (HIP-8 `add_liquidity`) or the weighted geometric mean of 2026 eq.31, withdrawals, pro-rata
//! and time-weighted fees (2026 eq.32/33), and [`FeeAccumulator`], an O(1) storable accumulator that pays the
//! time-weighted fee of eq.33 without ever paying out more than was collected.
//!
//! Shares minted and amounts paid out round Down; amounts an LP must bring round Up.

use cosmwasm_std::{Isqrt, Uint128, Uint256, Uint512};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{MathError, MathResult};
use crate::fees::mul_div_amount;
use crate::fixed::{Rounding, Udec};
use crate::transcendental::pow;

/// Shares burned forever on the first deposit (Uniswap v2's rule): the share price can then never be inflated
/// from a dust supply, and the supply never returns to zero.
pub const MINIMUM_LIQUIDITY: Uint128 = Uint128::new(1000);

/// Shares of a first deposit: `minted` to the depositor, `locked` never redeemable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InitialShares {
    pub minted: Uint128,
    pub locked: Uint128,
}

fn too_small() -> MathError {
    MathError::InvalidParameter {
        name: "deposit",
        reason: "too small to mint a share",
    }
}

fn ensure_first_deposit(total: Uint128) -> MathResult<Uint128> {
    if total <= MINIMUM_LIQUIDITY {
        return Err(MathError::InvalidParameter {
            name: "deposit",
            reason: "a first deposit must mint more than MINIMUM_LIQUIDITY shares",
        });
    }
    total
        .checked_sub(MINIMUM_LIQUIDITY)
        .map_err(|_| MathError::Negative("initial_shares"))
}

/// First deposit, 2025 eq.13: `s = √(Δq·Δp)` (geometric mean, exact integer square root, rounded Down), of which
/// [`MINIMUM_LIQUIDITY`] is locked. Fails unless `s > MINIMUM_LIQUIDITY`.
pub fn initial_shares(delta_q: Uint128, delta_p: Uint128) -> MathResult<InitialShares> {
    let root = delta_q.full_mul(delta_p).isqrt();
    // √((2¹²⁸−1)²) < 2¹²⁸: always fits.
    let total = Uint128::try_from(root).map_err(|_| MathError::Overflow("initial_shares"))?;
    Ok(InitialShares {
        minted: ensure_first_deposit(total)?,
        locked: MINIMUM_LIQUIDITY,
    })
}

fn check_weights(weights: &[Udec], n: usize) -> MathResult<()> {
    if n == 0 {
        return Err(MathError::Empty("weights"));
    }
    if weights.len() != n {
        return Err(MathError::InvalidParameter {
            name: "weights",
            reason: "length differs from the deposit vector",
        });
    }
    let mut sum = Udec::ZERO;
    for w in weights {
        sum = sum.checked_add(*w)?;
    }
    // Weights like 1/3 are not exact in 18 decimals: accept a sum within n ulps of 1.
    let slack = Udec::raw(Uint256::from(n as u128));
    if sum.abs_diff(Udec::one()) > slack {
        return Err(MathError::InvalidParameter {
            name: "weights",
            reason: "must sum to 1",
        });
    }
    Ok(())
}

/// First deposit into a multi-asset pool: the weighted geometric mean `Π Δ_iʷⁱ` (with `w = (½, ½)` it is 2025
/// eq.13), through `pow`, rounded Down; [`MINIMUM_LIQUIDITY`] is locked.
pub fn initial_shares_weighted(
    deposits: &[Uint128],
    weights: &[Udec],
) -> MathResult<InitialShares> {
    check_weights(weights, deposits.len())?;
    let mut product = Udec::one();
    for (d, w) in deposits.iter().zip(weights) {
        let factor = pow(Udec::from_amount(*d), w.to_signed()?, Rounding::Down)?;
        product = product.mul(factor, Rounding::Down)?;
    }
    let total = product.to_amount(Rounding::Down)?;
    Ok(InitialShares {
        minted: ensure_first_deposit(total)?,
        locked: MINIMUM_LIQUIDITY,
    })
}

fn check_pool(reserves: &[Uint128], total_shares: Uint128, n: usize) -> MathResult<()> {
    if n == 0 {
        return Err(MathError::Empty("deposits"));
    }
    if reserves.len() != n {
        return Err(MathError::InvalidParameter {
            name: "reserves",
            reason: "length differs from the deposit vector",
        });
    }
    if total_shares.is_zero() {
        return Err(MathError::InvalidParameter {
            name: "total_shares",
            reason: "zero: the first deposit goes through initial_shares",
        });
    }
    if reserves.iter().any(Uint128::is_zero) {
        return Err(MathError::InsufficientLiquidity);
    }
    Ok(())
}

/// Later deposit, HIP-8 `add_liquidity`: `s = min_i ⌊Δ_i · S / q_i⌋`, rounded Down. The depositor is credited for
/// the scarcest side only, so existing LPs are never diluted; the contract takes [`deposit_for_shares`] and
/// refunds the excess. Fails if no share would be minted.
pub fn proportional_shares(
    deposits: &[Uint128],
    reserves: &[Uint128],
    total_shares: Uint128,
) -> MathResult<Uint128> {
    check_pool(reserves, total_shares, deposits.len())?;
    // Each ratio in 256 bits: a side far larger than the pool must not fail the deposit, only the minimum counts.
    let mut min = Uint256::MAX;
    for (d, q) in deposits.iter().zip(reserves) {
        let s = d
            .full_mul(total_shares)
            .checked_div(Uint256::from(*q))
            .map_err(|_| MathError::DivideByZero("proportional_shares"))?;
        min = min.min(s);
    }
    let shares = Uint128::try_from(min).map_err(|_| MathError::Overflow("proportional_shares"))?;
    if shares.is_zero() {
        return Err(too_small());
    }
    Ok(shares)
}

/// The amounts that buy `shares` new shares: `⌈s · q_i / S⌉` per reserve, rounded Up (taken in), so that
/// [`proportional_shares`] of the result is at least `shares`.
pub fn deposit_for_shares(
    shares: Uint128,
    reserves: &[Uint128],
    total_shares: Uint128,
) -> MathResult<Vec<Uint128>> {
    check_pool(reserves, total_shares, reserves.len())?;
    reserves
        .iter()
        .map(|q| mul_div_amount(shares, *q, total_shares, Rounding::Up))
        .collect()
}

/// Later deposit by 2026 eq.31: `s = Π (Δq_i / q_i)^{w_i} · S_total`, each factor through `pow`, rounded Down.
///
/// Pass every reserve the deposit touches, credits included (eq.31 as printed multiplies only the `Δq_i/q_i` of
/// the resources and ignores the `Δp_i` the LP also brings; with the credit side given its own weight that gap
/// closes). Not defined for the first deposit: with `S_total = 0` eq.31 mints 0 shares, so this fails and the
/// caller uses [`initial_shares`]. The weighted geometric mean lies between the smallest and the largest ratio,
/// so it credits at least [`proportional_shares`]: a lopsided deposit is paid for assets the pool has at a ratio
/// the pool did not choose, which is safe only when the weights equal the value shares of the reserves (the
/// Balancer condition). Contracts should use [`proportional_shares`]; the two agree on proportional deposits.
pub fn weighted_geometric_shares(
    deposits: &[Uint128],
    reserves: &[Uint128],
    weights: &[Udec],
    total_shares: Uint128,
) -> MathResult<Uint128> {
    check_pool(reserves, total_shares, deposits.len())?;
    check_weights(weights, deposits.len())?;
    let mut product = Udec::one();
    for ((d, q), w) in deposits.iter().zip(reserves).zip(weights) {
        let ratio = Udec::from_amount(*d).div(Udec::from_amount(*q), Rounding::Down)?;
        let factor = pow(ratio, w.to_signed()?, Rounding::Down)?;
        product = product.mul(factor, Rounding::Down)?;
    }
    let shares = Udec::from_amount(total_shares)
        .mul(product, Rounding::Down)?
        .to_amount(Rounding::Down)?;
    if shares.is_zero() {
        return Err(too_small());
    }
    Ok(shares)
}

/// Amounts paid for burning `shares` of `total_shares`: `⌊q_i · s / S⌋` per reserve, rounded Down (paid out).
pub fn withdraw_amounts(
    shares: Uint128,
    reserves: &[Uint128],
    total_shares: Uint128,
) -> MathResult<Vec<Uint128>> {
    check_pool(reserves, total_shares, reserves.len())?;
    if shares > total_shares {
        return Err(MathError::InvalidParameter {
            name: "shares",
            reason: "more than the total supply",
        });
    }
    reserves
        .iter()
        .map(|q| mul_div_amount(*q, shares, total_shares, Rounding::Down))
        .collect()
}

/// Pro-rata LP fee, 2026 eq.32: `s/S · F`, rounded Down (paid out).
pub fn pro_rata_fee(shares: Uint128, total_shares: Uint128, fees: Uint128) -> MathResult<Uint128> {
    mul_div_amount(fees, shares, total_shares, Rounding::Down)
}

/// Time-weighted LP fee, 2026 eq.33 as printed: `s·τ / (S·τ̄) · F`, rounded Down (paid out).
///
/// Unsound as printed when `τ̄` is the plain average holding time across LPs: `Σ_k s_k τ_k / (S τ̄)` is not 1,
/// so the payouts do not add up to `F` (two LPs with shares 90/10 and holding times 10/0 are paid 1.8·F). It is
/// budget-balanced exactly when `τ̄` is the share-weighted mean [`share_weighted_mean_duration`], which is what
/// [`FeeAccumulator`] implements online.
pub fn time_weighted_fee(
    shares: Uint128,
    tau: u64,
    total_shares: Uint128,
    tau_bar: Udec,
    fees: Uint128,
) -> MathResult<Uint128> {
    // s·τ·F·10¹⁸ / (S·τ̄_raw) in 512 bits (< 2³⁸⁰ and < 2³⁸⁴): no intermediate overflow.
    let overflow = |_| MathError::Overflow("time_weighted_fee");
    let num = Uint512::from(shares.full_mul(Uint128::from(tau)))
        .checked_mul(Uint512::from(fees))
        .and_then(|n| n.checked_mul(Uint512::from(1_000_000_000_000_000_000u128)))
        .map_err(overflow)?;
    let den = Uint512::from(total_shares)
        .checked_mul(Uint512::from(tau_bar.atomics()))
        .map_err(overflow)?;
    let q = num
        .checked_div(den)
        .map_err(|_| MathError::DivideByZero("time_weighted_fee"))?;
    Uint256::try_from(q)
        .ok()
        .and_then(|q| Uint128::try_from(q).ok())
        .ok_or(MathError::Overflow("time_weighted_fee"))
}

/// The share-weighted mean holding time `Σ s_k τ_k / Σ s_k` of `(shares, τ)` pairs, rounded Up (it divides a
/// payout). With it as `τ̄`, the fees of 2026 eq.33 sum to `F`.
pub fn share_weighted_mean_duration(positions: &[(Uint128, u64)]) -> MathResult<Udec> {
    let mut st = Uint256::zero();
    let mut s = Uint256::zero();
    for (shares, tau) in positions {
        st = st
            .checked_add(shares.full_mul(Uint128::from(*tau)))
            .map_err(|_| MathError::Overflow("share_weighted_mean_duration"))?;
        s = s
            .checked_add(Uint256::from(*shares))
            .map_err(|_| MathError::Overflow("share_weighted_mean_duration"))?;
    }
    if s.is_zero() {
        return Err(MathError::Empty("share_weighted_mean_duration"));
    }
    let scale = Uint256::from(1_000_000_000_000_000_000u128);
    let n = st.full_mul(scale);
    let d = Uint512::from(s);
    let q = n
        .checked_div(d)
        .map_err(|_| MathError::DivideByZero("share_weighted_mean_duration"))?;
    let r = n
        .checked_rem(d)
        .map_err(|_| MathError::DivideByZero("share_weighted_mean_duration"))?;
    let q = if r.is_zero() {
        q
    } else {
        q.checked_add(Uint512::one())
            .map_err(acc_err("share_weighted_mean_duration"))?
    };
    Uint256::try_from(q)
        .map(Udec::raw)
        .map_err(|_| MathError::Overflow("share_weighted_mean_duration"))
}

// ---------------------------------------------------------------------------------------------------------------
// Time-weighted fee accumulator
// ---------------------------------------------------------------------------------------------------------------

/// Scale of the accumulators: 10⁴⁸ per fee atom per share-second, so that one atom spread over 10⁴⁰
/// share-seconds still registers, and the per-event rounding costs a position below 10⁻⁸ atom for any
/// realistic share supply.
fn acc_scale() -> Uint512 {
    let e24 = Uint256::from(1_000_000_000_000_000_000_000_000u128);
    e24.full_mul(e24)
}

fn acc_err(op: &'static str) -> impl Fn(cosmwasm_std::OverflowError) -> MathError {
    move |_| MathError::Overflow(op)
}

/// Online, O(1) implementation of the time-weighted LP fee of 2026 eq.33 with `τ̄` the share-weighted mean, in the
/// MasterChef pattern: a global accumulator plus a checkpoint per position, both storable as they are.
///
/// A fee `F` collected at time `t` is shared among the positions in proportion to their share-seconds of age
/// `s_k·(t − t_k)` (`t_k` the position's entry time): position k gets `F · s_k(t − t_k) / W(t)` with
/// `W(t) = Σ_k s_k(t − t_k) = S·t − A`, `A = Σ_k s_k t_k`. That is eq.33 with `τ_k = t − t_k` and `τ̄` the
/// share-weighted mean age, evaluated at every fee event. Summed over the events,
/// `owed_k = s_k · Σ_e F_e t_e / W_e − (s_k t_k) · Σ_e F_e / W_e`, so two global sums (`fee_time_per_weight`,
/// `fee_per_weight`) and two numbers per position (`shares`, `share_time = s_k t_k`) suffice. Times are seconds
/// since `genesis`.
///
/// **Budget:** `S` and `A` are updated by exactly the same integers as the positions' `shares` and `share_time`,
/// so `Σ_k s_k(t − t_k) = W(t)` holds exactly and the exact entitlements sum to the fees distributed. The
/// computed owed amount rounds `fee_time_per_weight` Down, `fee_per_weight` Up, the result Down, and never goes
/// below zero, so each position receives at most its exact entitlement: the sum paid never exceeds the fees
/// collected (property test `accumulator_never_pays_more_than_collected`). A fee arriving while `W = 0` (no
/// shares, or every share entered this second) waits in `undistributed` for the next fee event.
///
/// Incentive note: weighting by age means a position's share of new fees grows without bound while it stays,
/// and one that entered just before a fee event gets almost nothing of it — which does deter just-in-time
/// liquidity, but also pays old capital more than current risk-bearing capital. The shares locked by
/// [`MINIMUM_LIQUIDITY`] should be registered as a position nobody claims: their part stays in the contract.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct FeeAccumulator {
    /// Time origin (seconds); every time is measured from it.
    pub genesis: u64,
    /// Latest time seen; time may not run backwards.
    pub last_update: u64,
    /// S, the shares of all registered positions.
    pub total_shares: Uint128,
    /// A = Σ_k s_k·t_k (t_k in seconds since genesis).
    pub share_time: Uint256,
    /// Σ_e F_e·scale / W_e, each term rounded Up.
    pub fee_per_weight: Uint512,
    /// Σ_e F_e·t_e·scale / W_e, each term rounded Down.
    pub fee_time_per_weight: Uint512,
    /// Fees collected while no share-seconds existed, carried to the next fee event.
    pub undistributed: Uint128,
    /// Every fee ever added.
    pub collected: Uint256,
    /// Every fee ever claimed.
    pub paid: Uint256,
}

/// One LP position's state in a [`FeeAccumulator`]. `Default` is an empty position.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq, Eq)]
pub struct FeePosition {
    pub shares: Uint128,
    /// s_k·t_k, seconds since genesis.
    pub share_time: Uint256,
    pub fee_per_weight_checkpoint: Uint512,
    pub fee_time_per_weight_checkpoint: Uint512,
    /// Fees settled to the position and not yet claimed.
    pub accrued: Uint128,
}

impl FeeAccumulator {
    pub fn new(genesis: u64) -> Self {
        FeeAccumulator {
            genesis,
            last_update: genesis,
            total_shares: Uint128::zero(),
            share_time: Uint256::zero(),
            fee_per_weight: Uint512::zero(),
            fee_time_per_weight: Uint512::zero(),
            undistributed: Uint128::zero(),
            collected: Uint256::zero(),
            paid: Uint256::zero(),
        }
    }

    /// Seconds since genesis at `now`; fails if `now` is before the last update.
    fn rel_time(&self, now: u64) -> MathResult<u64> {
        if now < self.last_update {
            return Err(MathError::InvalidParameter {
                name: "now",
                reason: "before the accumulator's last update",
            });
        }
        Ok(now - self.genesis)
    }

    /// W(t) = S·t − A, the total share-seconds of age at `t` (seconds since genesis).
    fn weight(&self, rel: u64) -> MathResult<Uint256> {
        self.total_shares
            .full_mul(Uint128::from(rel))
            .checked_sub(self.share_time)
            .map_err(|_| MathError::Negative("fee accumulator weight"))
    }

    /// Credits `amount` atoms of fees collected at `now` to the positions, by age-weighted shares.
    pub fn add_fees(&mut self, now: u64, amount: Uint128) -> MathResult<()> {
        let rel = self.rel_time(now)?;
        let pool = self
            .undistributed
            .checked_add(amount)
            .map_err(acc_err("add_fees"))?;
        let collected = self
            .collected
            .checked_add(Uint256::from(amount))
            .map_err(acc_err("add_fees"))?;
        let w = self.weight(rel)?;
        if w.is_zero() || pool.is_zero() {
            self.undistributed = pool;
        } else {
            let scale = acc_scale();
            let w = Uint512::from(w);
            let n0 = Uint512::from(pool)
                .checked_mul(scale)
                .map_err(acc_err("add_fees"))?;
            let inc0 = div_up(n0, w)?;
            let n1 = n0
                .checked_mul(Uint512::from(rel))
                .map_err(acc_err("add_fees"))?;
            let inc1 = n1
                .checked_div(w)
                .map_err(|_| MathError::DivideByZero("add_fees"))?;
            let g0 = self
                .fee_per_weight
                .checked_add(inc0)
                .map_err(acc_err("add_fees"))?;
            let g1 = self
                .fee_time_per_weight
                .checked_add(inc1)
                .map_err(acc_err("add_fees"))?;
            self.fee_per_weight = g0;
            self.fee_time_per_weight = g1;
            self.undistributed = Uint128::zero();
        }
        self.collected = collected;
        self.last_update = now;
        Ok(())
    }

    /// Fees earned by `pos` since its checkpoint, rounded Down and never below zero.
    fn owed(&self, pos: &FeePosition) -> MathResult<Uint128> {
        let d1 = self
            .fee_time_per_weight
            .checked_sub(pos.fee_time_per_weight_checkpoint)
            .map_err(|_| MathError::Negative("checkpoint ahead of the accumulator"))?;
        let d0 = self
            .fee_per_weight
            .checked_sub(pos.fee_per_weight_checkpoint)
            .map_err(|_| MathError::Negative("checkpoint ahead of the accumulator"))?;
        let gain = Uint512::from(pos.shares)
            .checked_mul(d1)
            .map_err(acc_err("owed"))?;
        let offset = Uint512::from(pos.share_time)
            .checked_mul(d0)
            .map_err(acc_err("owed"))?;
        if gain <= offset {
            return Ok(Uint128::zero());
        }
        let q = gain
            .checked_sub(offset)
            .map_err(acc_err("owed"))?
            .checked_div(acc_scale())
            .map_err(|_| MathError::DivideByZero("owed"))?;
        let q = Uint256::try_from(q).map_err(|_| MathError::Overflow("owed"))?;
        Uint128::try_from(q).map_err(|_| MathError::Overflow("owed"))
    }

    /// The position with its earnings moved into `accrued` and its checkpoints brought up to date.
    fn settled(&self, pos: &FeePosition) -> MathResult<FeePosition> {
        let owed = self.owed(pos)?;
        Ok(FeePosition {
            shares: pos.shares,
            share_time: pos.share_time,
            fee_per_weight_checkpoint: self.fee_per_weight,
            fee_time_per_weight_checkpoint: self.fee_time_per_weight,
            accrued: pos.accrued.checked_add(owed).map_err(acc_err("settle"))?,
        })
    }

    /// Claimable fees of `pos` now (for queries): settled plus not yet settled, rounded Down.
    pub fn claimable(&self, pos: &FeePosition) -> MathResult<Uint128> {
        Ok(self.settled(pos)?.accrued)
    }

    /// Adds `shares` to `pos` at `now` (a new position starts from `FeePosition::default()`). The new shares start
    /// aging at `now`; earlier earnings are settled first. On error nothing changes.
    pub fn deposit(&mut self, pos: &mut FeePosition, now: u64, shares: Uint128) -> MathResult<()> {
        let rel = self.rel_time(now)?;
        let mut p = self.settled(pos)?;
        let added = shares.full_mul(Uint128::from(rel));
        p.shares = p.shares.checked_add(shares).map_err(acc_err("deposit"))?;
        p.share_time = p
            .share_time
            .checked_add(added)
            .map_err(acc_err("deposit"))?;
        let total = self
            .total_shares
            .checked_add(shares)
            .map_err(acc_err("deposit"))?;
        let share_time = self
            .share_time
            .checked_add(added)
            .map_err(acc_err("deposit"))?;
        *pos = p;
        self.total_shares = total;
        self.share_time = share_time;
        self.last_update = now;
        Ok(())
    }

    /// Removes `shares` from `pos` at `now`, settling its earnings first. The remaining shares keep their age:
    /// the removed part of `share_time` is `⌈share_time · shares / pos.shares⌉` (rounded Up, so the remaining
    /// entry time never moves later than the true one). On error nothing changes.
    pub fn withdraw(&mut self, pos: &mut FeePosition, now: u64, shares: Uint128) -> MathResult<()> {
        self.rel_time(now)?;
        if shares > pos.shares {
            return Err(MathError::InvalidParameter {
                name: "shares",
                reason: "more than the position holds",
            });
        }
        let mut p = self.settled(pos)?;
        let removed = if shares == p.shares {
            p.share_time
        } else {
            let n = p.share_time.full_mul(Uint256::from(shares));
            let q = div_up(n, Uint512::from(p.shares))?;
            Uint256::try_from(q).map_err(|_| MathError::Overflow("withdraw"))?
        };
        p.shares = p.shares.checked_sub(shares).map_err(acc_err("withdraw"))?;
        p.share_time = p
            .share_time
            .checked_sub(removed)
            .map_err(acc_err("withdraw"))?;
        let total = self
            .total_shares
            .checked_sub(shares)
            .map_err(acc_err("withdraw"))?;
        let share_time = self
            .share_time
            .checked_sub(removed)
            .map_err(acc_err("withdraw"))?;
        *pos = p;
        self.total_shares = total;
        self.share_time = share_time;
        self.last_update = now;
        Ok(())
    }

    /// Pays out everything `pos` has earned (rounded Down) and returns it. On error nothing changes.
    pub fn claim(&mut self, pos: &mut FeePosition, now: u64) -> MathResult<Uint128> {
        self.rel_time(now)?;
        let mut p = self.settled(pos)?;
        let out = p.accrued;
        let paid = self
            .paid
            .checked_add(Uint256::from(out))
            .map_err(acc_err("claim"))?;
        p.accrued = Uint128::zero();
        *pos = p;
        self.paid = paid;
        self.last_update = now;
        Ok(out)
    }
}

fn div_up(n: Uint512, d: Uint512) -> MathResult<Uint512> {
    let q = n
        .checked_div(d)
        .map_err(|_| MathError::DivideByZero("div_up"))?;
    let r = n
        .checked_rem(d)
        .map_err(|_| MathError::DivideByZero("div_up"))?;
    if r.is_zero() {
        Ok(q)
    } else {
        q.checked_add(Uint512::one()).map_err(acc_err("div_up"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::ud;
    use proptest::prelude::*;

    fn u(v: u128) -> Uint128 {
        Uint128::new(v)
    }

    #[test]
    fn first_deposit_locks_minimum_liquidity() {
        let s = initial_shares(u(4_000_000), u(1_000_000)).unwrap();
        assert_eq!(s.minted, u(2_000_000 - 1000));
        assert_eq!(s.locked, MINIMUM_LIQUIDITY);
        // √(1001·1001) = 1001 > 1000: one share minted.
        assert_eq!(initial_shares(u(1001), u(1001)).unwrap().minted, u(1));
        assert!(initial_shares(u(1000), u(1000)).is_err());
        assert!(initial_shares(u(0), u(10_000_000)).is_err());
        // Largest inputs do not overflow.
        let max = initial_shares(Uint128::MAX, Uint128::MAX).unwrap();
        assert_eq!(max.minted, Uint128::MAX - MINIMUM_LIQUIDITY);
        // Weighted version with (½, ½) agrees with eq.13 to the last share (f64 tolerance 1e-15 relative).
        let half = ud("0.5");
        let w =
            initial_shares_weighted(&[u(4_000_000_000), u(9_000_000_000)], &[half, half]).unwrap();
        let exact = (4e9f64 * 9e9).sqrt() - 1000.0;
        assert!((w.minted.u128() as f64 - exact).abs() <= 1.0 + exact * 1e-15);
        assert!(initial_shares_weighted(&[u(1)], &[half]).is_err());
    }

    #[test]
    fn later_deposits_and_withdrawals() {
        let reserves = [u(1_000_000), u(4_000_000)];
        let total = u(2_000_000);
        // 10% of one side, 5% of the other: min-ratio credits 5%.
        let s = proportional_shares(&[u(100_000), u(200_000)], &reserves, total).unwrap();
        assert_eq!(s, u(100_000));
        let need = deposit_for_shares(s, &reserves, total).unwrap();
        assert_eq!(need, vec![u(50_000), u(200_000)]);
        assert!(proportional_shares(&[u(0), u(200_000)], &reserves, total).is_err());
        assert!(proportional_shares(&[u(1), u(1)], &reserves, u(0)).is_err());
        assert_eq!(
            proportional_shares(&[u(1), u(1)], &[u(0), u(1)], total),
            Err(MathError::InsufficientLiquidity)
        );
        let out = withdraw_amounts(u(1_000_000), &reserves, total).unwrap();
        assert_eq!(out, vec![u(500_000), u(2_000_000)]);
        let odd = withdraw_amounts(u(1), &[u(3), u(5)], u(2)).unwrap();
        assert_eq!(odd, vec![u(1), u(2)]);
        assert!(withdraw_amounts(u(3), &[u(3)], u(2)).is_err());
    }

    /// 2026 eq.31 against f64 (tolerance: 1 share + 1e-15 relative), and its relation to min-ratio.
    #[test]
    fn weighted_geometric_mean_shares() {
        let reserves = [u(1_000_000_000), u(4_000_000_000)];
        let w = [ud("0.3"), ud("0.7")];
        let total = u(10_000_000_000);
        let dep = [u(100_000_000), u(200_000_000)];
        let s = weighted_geometric_shares(&dep, &reserves, &w, total).unwrap();
        let want = 0.1f64.powf(0.3) * 0.05f64.powf(0.7) * 1e10;
        assert!(
            (s.u128() as f64 - want).abs() <= 1.0 + want * 1e-15,
            "{s} vs {want}"
        );
        // Between min-ratio (5%) and max-ratio (10%): more generous than HIP-8's rule.
        let min_ratio = proportional_shares(&dep, &reserves, total).unwrap();
        assert!(s > min_ratio && s < u(1_000_000_000));
        // Proportional deposits: both rules agree (up to the rounding of pow).
        let prop = [u(100_000_000), u(400_000_000)];
        let a = weighted_geometric_shares(&prop, &reserves, &w, total).unwrap();
        let b = proportional_shares(&prop, &reserves, total).unwrap();
        assert!(b.u128() - a.u128() <= 1);
        // S_total = 0: eq.31 would mint nothing; refused.
        assert!(weighted_geometric_shares(&dep, &reserves, &w, u(0)).is_err());
        // Weights must sum to 1.
        assert!(
            weighted_geometric_shares(&dep, &reserves, &[ud("0.3"), ud("0.3")], total).is_err()
        );
        // A zero component with positive weight mints nothing.
        assert!(weighted_geometric_shares(&[u(0), u(1)], &reserves, &w, total).is_err());
    }

    #[test]
    fn pro_rata_and_literal_time_weighted_fees() {
        assert_eq!(pro_rata_fee(u(25), u(100), u(1001)).unwrap(), u(250));
        // Literal eq.33 with the plain average τ̄ = 5 overpays: 90·10/(100·5)·F + 0 = 1.8·F.
        let f = u(1_000_000);
        let tau_bar = ud("5");
        let a = time_weighted_fee(u(90), 10, u(100), tau_bar, f).unwrap();
        let b = time_weighted_fee(u(10), 0, u(100), tau_bar, f).unwrap();
        assert_eq!(a + b, u(1_800_000));
        // With the share-weighted mean τ̄ = 9 it pays exactly F.
        let tw = share_weighted_mean_duration(&[(u(90), 10), (u(10), 0)]).unwrap();
        assert_eq!(tw, ud("9"));
        let a = time_weighted_fee(u(90), 10, u(100), tw, f).unwrap();
        let b = time_weighted_fee(u(10), 0, u(100), tw, f).unwrap();
        assert_eq!(a + b, f);
        assert!(share_weighted_mean_duration(&[]).is_err());
        assert!(time_weighted_fee(u(1), 1, u(1), Udec::ZERO, f).is_err());
        // Realistic magnitudes (10²⁴ shares, a year, 10³⁰ fee atoms) do not overflow in the middle.
        let big = time_weighted_fee(
            u(10u128.pow(24)),
            31_536_000,
            u(10u128.pow(25)),
            ud("31536000"),
            u(10u128.pow(30)),
        )
        .unwrap();
        assert_eq!(big, u(10u128.pow(29)));
    }

    /// The accumulator against an f64 evaluation of eq.33 with the share-weighted τ̄ at every fee event; tolerance
    /// one atom per claim (measured: payouts are the floors of the f64 values).
    #[test]
    fn accumulator_matches_eq33_reference() {
        let mut acc = FeeAccumulator::new(1_000);
        let mut a = FeePosition::default();
        let mut b = FeePosition::default();
        acc.deposit(&mut a, 1_000, u(3_000_000)).unwrap();
        acc.add_fees(1_000, u(777)).unwrap(); // W = 0: carried
        assert_eq!(acc.undistributed, u(777));
        acc.deposit(&mut b, 1_100, u(1_000_000)).unwrap();
        let events: [(u64, u128); 4] = [
            (1_200, 1_000_000),
            (1_500, 2_500_000),
            (1_501, 3),
            (2_000, 9_999_999),
        ];
        for (t, f) in events {
            acc.add_fees(t, u(f)).unwrap();
        }
        let (sa, ta, sb, tb) = (3e6f64, 0.0f64, 1e6f64, 100.0f64);
        let (mut ra, mut rb) = (0f64, 0f64);
        for (i, (t, f)) in events.iter().enumerate() {
            let t = (*t - 1_000) as f64;
            let f = *f as f64 + if i == 0 { 777.0 } else { 0.0 };
            let (wa, wb) = (sa * (t - ta), sb * (t - tb));
            ra += f * wa / (wa + wb);
            rb += f * wb / (wa + wb);
        }
        let pa = acc.claim(&mut a, 2_000).unwrap().u128() as f64;
        let pb = acc.claim(&mut b, 2_000).unwrap().u128() as f64;
        assert!(pa <= ra + 1e-6 && ra - pa < 1.0, "{pa} vs {ra}");
        assert!(pb <= rb + 1e-6 && rb - pb < 1.0, "{pb} vs {rb}");
        // Time may not run backwards; a claim with nothing owed pays zero.
        assert!(acc.add_fees(1_999, u(1)).is_err());
        assert_eq!(acc.claim(&mut a, 2_000).unwrap(), u(0));
        // Partial withdrawal keeps the remaining shares' age.
        acc.withdraw(&mut a, 2_000, u(1_000_000)).unwrap();
        assert_eq!(a.share_time, Uint256::zero());
        assert!(acc.withdraw(&mut a, 2_000, u(3_000_000)).is_err());
    }

    #[derive(Clone, Debug)]
    enum Op {
        Deposit(usize, u128),
        Withdraw(usize, u128),
        Fee(u128),
        Claim(usize),
        Wait(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..3, 1u128..1_000_000_000_000).prop_map(|(k, s)| Op::Deposit(k, s)),
            (0usize..3, 0u128..=100).prop_map(|(k, p)| Op::Withdraw(k, p)),
            (0u128..1_000_000_000_000_000_000).prop_map(Op::Fee),
            (0usize..3).prop_map(Op::Claim),
            (0u64..100_000).prop_map(Op::Wait),
        ]
    }

    /// Amounts spread over every order of magnitude: 1 to ~10^(max_exp + 6) atoms.
    fn atoms(max_exp: u32) -> impl Strategy<Value = u128> {
        (1u128..=999_999, 0..=max_exp).prop_map(|(m, e)| m * 10u128.pow(e))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// The sum paid out never exceeds the fees collected, and the dust kept back is below one atom per
        /// settlement.
        #[test]
        fn accumulator_never_pays_more_than_collected(ops in proptest::collection::vec(op(), 1..24)) {
            let mut acc = FeeAccumulator::new(1_700_000_000);
            let mut now = 1_700_000_000u64;
            // Position 0 plays the locked MINIMUM_LIQUIDITY.
            let mut pos = [FeePosition::default(), FeePosition::default(), FeePosition::default(), FeePosition::default()];
            acc.deposit(&mut pos[3], now, MINIMUM_LIQUIDITY).unwrap();
            let mut paid = 0u128;
            let mut settlements = 0u128;
            for o in ops {
                match o {
                    Op::Deposit(k, s) => { acc.deposit(&mut pos[k], now, u(s)).unwrap(); settlements += 1; }
                    Op::Withdraw(k, pct) => {
                        let x = pos[k].shares.multiply_ratio(pct, 100u128);
                        acc.withdraw(&mut pos[k], now, x).unwrap();
                        settlements += 1;
                    }
                    Op::Fee(f) => acc.add_fees(now, u(f)).unwrap(),
                    Op::Claim(k) => { paid += acc.claim(&mut pos[k], now).unwrap().u128(); settlements += 1; }
                    Op::Wait(dt) => now += dt,
                }
                prop_assert!(Uint256::from(paid) <= acc.collected);
            }
            for p in pos.iter_mut() {
                paid += acc.claim(p, now).unwrap().u128();
                settlements += 1;
            }
            let collected: u128 = acc.collected.to_string().parse().unwrap();
            let kept = collected - acc.undistributed.u128();
            prop_assert!(paid <= kept, "paid {} > distributed {}", paid, kept);
            prop_assert!(kept - paid <= settlements, "dust {} > {} settlements", kept - paid, settlements);
            prop_assert_eq!(Uint256::from(paid), acc.paid);
        }

        /// LP shares increase (weakly) with the deposit: first deposit, min-ratio and eq.31.
        #[test]
        fn shares_are_monotonic_in_the_deposit(
            a in atoms(24),
            extra in prop_oneof![Just(0u128), Just(1u128), atoms(24)],
            other in atoms(24),
            r0 in atoms(24),
            r1 in atoms(24),
            total in atoms(24),
        ) {
            let b = a + extra;
            // A refusal for size counts as the top of the order, one for smallness as zero.
            let shares = |r: MathResult<Uint128>| match r {
                Ok(s) => s.u128(),
                Err(MathError::Overflow(_)) => u128::MAX,
                Err(_) => 0,
            };
            let init = |x: u128| initial_shares(u(x), u(other)).map(|s| s.minted);
            prop_assert!(shares(init(a)) <= shares(init(b)));
            let reserves = [u(r0), u(r1)];
            let prop_ = |x: u128| proportional_shares(&[u(x), u(other)], &reserves, u(total));
            prop_assert!(shares(prop_(a)) <= shares(prop_(b)));
            let w = [ud("0.4"), ud("0.6")];
            let geo = |x: u128| weighted_geometric_shares(&[u(x), u(other)], &reserves, &w, u(total));
            prop_assert!(shares(geo(a)) <= shares(geo(b)));
        }

        /// Depositing what `deposit_for_shares` asks buys at least those shares, and withdrawing them right away
        /// returns no more than was paid: neither path dilutes the other LPs.
        #[test]
        fn deposit_and_withdraw_never_dilute(
            s in atoms(20),
            r0 in atoms(24),
            r1 in atoms(24),
            total in atoms(24),
        ) {
            let reserves = [u(r0), u(r1)];
            // Amounts beyond u128 are refused with a typed error; the property concerns the others.
            let Ok(need) = deposit_for_shares(u(s), &reserves, u(total)) else { return Ok(()) };
            let (Ok(n0), Ok(n1)) = (
                reserves[0].checked_add(need[0]),
                reserves[1].checked_add(need[1]),
            ) else {
                return Ok(());
            };
            let got = proportional_shares(&need, &reserves, u(total)).unwrap();
            prop_assert!(got >= u(s));
            let Ok(total_after) = u(total).checked_add(got) else { return Ok(()) };
            let out = withdraw_amounts(got, &[n0, n1], total_after).unwrap();
            prop_assert!(out[0] <= need[0] && out[1] <= need[1]);
        }
    }
}
