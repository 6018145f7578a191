//! HIP-8's volume tiers: each trader's rolling 30-day volume through the router, and the taker-fee discount it
//! earns. The window is two counters per trader (this 30-day window and the last), the last weighted by how much of
//! it is still within 30 days (a sliding-window estimate): one small record written per purchase, whatever the
//! trader's activity, instead of one entry per day.

use cosmwasm_std::{Addr, Decimal, Deps, Storage, Timestamp, Uint128};
use cw20::TokenInfoResponse;
use hmm::pool::MAX_FEE_DISCOUNT;
use hmm::router::{TierResponse, VolumeTier, MAX_TIERS, VOLUME_WINDOW_SECONDS};

use crate::error::{ContractError, ContractResult};
use crate::state::{Volume, TIERS, VOLUME};

/// HIP-8's schedule in a token of `decimals` decimals: 10 / 20 / 30 % off above 1,000 / 10,000 / 100,000 $AI.
pub fn default_tiers(deps: Deps, ai_token: &Addr) -> ContractResult<Vec<VolumeTier>> {
    let info: TokenInfoResponse = deps
        .querier
        .query_wasm_smart(ai_token, &cw20::Cw20QueryMsg::TokenInfo {})?;
    let one = Uint128::new(10).checked_pow(u32::from(info.decimals))?;
    [(1_000u128, 10u64), (10_000, 20), (100_000, 30)]
        .iter()
        .map(|&(whole, percent)| {
            Ok(VolumeTier {
                min_volume: one.checked_mul(Uint128::new(whole))?,
                discount: Decimal::percent(percent),
            })
        })
        .collect()
}

/// Tiers must ascend in volume, not descend in discount, and stay within the discount cap.
pub fn validate(tiers: &[VolumeTier]) -> ContractResult<()> {
    let bad = |why: &str| Err(ContractError::InvalidTiers(why.to_string()));
    if tiers.len() > MAX_TIERS {
        return bad("more than 8 tiers");
    }
    for pair in tiers.windows(2) {
        if let [a, b] = pair {
            if b.min_volume <= a.min_volume || b.discount < a.discount {
                return bad("thresholds must ascend and discounts must not fall");
            }
        }
    }
    if tiers.iter().any(|t| t.discount > MAX_FEE_DISCOUNT) {
        return bad("a discount above 50 %");
    }
    Ok(())
}

/// The 30-day volume of a record at `now` (see the module doc).
fn volume_at(v: &Volume, now: Timestamp) -> Uint128 {
    let window = now.seconds() / VOLUME_WINDOW_SECONDS;
    let into = now.seconds() % VOLUME_WINDOW_SECONDS;
    let previous_weight = Decimal::from_ratio(VOLUME_WINDOW_SECONDS - into, VOLUME_WINDOW_SECONDS);
    let (current, previous) = match window.checked_sub(v.window) {
        Some(0) => (v.current, v.previous),
        Some(1) => (Uint128::zero(), v.current),
        _ => (Uint128::zero(), Uint128::zero()),
    };
    current.saturating_add(previous.mul_floor(previous_weight))
}

/// A trader's volume, discount and next tier now.
pub fn tier_of(
    storage: &dyn Storage,
    trader: &Addr,
    now: Timestamp,
) -> ContractResult<TierResponse> {
    let tiers = TIERS.may_load(storage)?.unwrap_or_default();
    let volume = VOLUME
        .may_load(storage, trader)?
        .map_or(Uint128::zero(), |v| volume_at(&v, now));
    let reached = tiers.iter().rev().find(|t| volume >= t.min_volume);
    Ok(TierResponse {
        volume,
        discount: reached.map_or(Decimal::zero(), |t| t.discount),
        next: tiers.iter().find(|t| volume < t.min_volume).cloned(),
    })
}

/// Adds `amount` $AI to the trader's volume (after the purchase is priced: a purchase never discounts itself).
pub fn record(
    storage: &mut dyn Storage,
    trader: &Addr,
    amount: Uint128,
    now: Timestamp,
) -> ContractResult<()> {
    let window = now.seconds() / VOLUME_WINDOW_SECONDS;
    let old = VOLUME.may_load(storage, trader)?;
    let mut v = match old {
        Some(v) if v.window == window => v,
        Some(v) if v.window + 1 == window => Volume {
            window,
            current: Uint128::zero(),
            previous: v.current,
        },
        _ => Volume {
            window,
            current: Uint128::zero(),
            previous: Uint128::zero(),
        },
    };
    v.current = v.current.checked_add(amount)?;
    VOLUME.save(storage, trader, &v)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    fn tiers() -> Vec<VolumeTier> {
        [(1_000u128, 10u64), (10_000, 20), (100_000, 30)]
            .iter()
            .map(|&(v, p)| VolumeTier {
                min_volume: Uint128::new(v),
                discount: Decimal::percent(p),
            })
            .collect()
    }

    #[test]
    fn volume_rolls_over_thirty_days_and_earns_the_tier_it_reaches() {
        let mut storage = MockStorage::new();
        TIERS.save(&mut storage, &tiers()).unwrap();
        let who = Addr::unchecked("trader");
        let start = Timestamp::from_seconds(10 * VOLUME_WINDOW_SECONDS);
        assert_eq!(
            tier_of(&storage, &who, start).unwrap().discount,
            Decimal::zero()
        );
        record(&mut storage, &who, Uint128::new(12_000), start).unwrap();
        let t = tier_of(&storage, &who, start).unwrap();
        assert_eq!(
            (t.volume.u128(), t.discount),
            (12_000, Decimal::percent(20))
        );
        assert_eq!(t.next.unwrap().min_volume.u128(), 100_000);
        // Half into the next window, half of it still counts; a window later, none.
        let half = start.plus_seconds(VOLUME_WINDOW_SECONDS + VOLUME_WINDOW_SECONDS / 2);
        let t = tier_of(&storage, &who, half).unwrap();
        assert_eq!((t.volume.u128(), t.discount), (6_000, Decimal::percent(10)));
        record(&mut storage, &who, Uint128::new(500), half).unwrap();
        assert_eq!(tier_of(&storage, &who, half).unwrap().volume.u128(), 6_500);
        let later = start.plus_seconds(3 * VOLUME_WINDOW_SECONDS);
        assert_eq!(tier_of(&storage, &who, later).unwrap().volume.u128(), 0);
    }

    #[test]
    fn tiers_must_ascend_and_stay_under_the_cap() {
        assert!(validate(&tiers()).is_ok());
        let mut down = tiers();
        down.swap(0, 1);
        assert!(validate(&down).is_err());
        let mut steep = tiers();
        steep[2].discount = Decimal::percent(60);
        assert!(validate(&steep).is_err());
        assert!(validate(&[]).is_ok());
    }
}
