//! What the actions share: payouts merged per recipient and asset (one transfer each per message), fees gathered per
//! asset and written to the ledger once per message, and removing a resting order with the refund of its escrow.

use cosmwasm_std::{Addr, CosmosMsg, Decimal, StdError, StdResult, Storage, Uint128};
use hmm::asset::{Asset, AssetInfo};
use hmm::orderbook::{FeeLedger, Market, Order, Side};

use crate::state::{reduce, FEES};

/// Payouts of one message, merged per (recipient, asset).
#[derive(Default)]
pub struct Payouts(Vec<(Addr, Asset)>);

impl Payouts {
    /// Adds `amount` of `asset` for `to` (nothing if zero).
    pub fn add(&mut self, to: &Addr, asset: &AssetInfo, amount: Uint128) -> StdResult<()> {
        if amount.is_zero() {
            return Ok(());
        }
        match self.0.iter_mut().find(|(a, x)| a == to && &x.info == asset) {
            Some((_, x)) => x.amount = x.amount.checked_add(amount)?,
            None => self.0.push((to.clone(), asset.with(amount))),
        }
        Ok(())
    }

    /// The transfers.
    pub fn messages(&self) -> StdResult<Vec<CosmosMsg>> {
        self.0.iter().map(|(to, a)| a.transfer_msg(to)).collect()
    }
}

/// Fees of one message, per asset.
#[derive(Default)]
pub struct Fees(Vec<Asset>);

impl Fees {
    pub fn add(&mut self, asset: &AssetInfo, amount: Uint128) -> StdResult<()> {
        if amount.is_zero() {
            return Ok(());
        }
        match self.0.iter_mut().find(|x| &x.info == asset) {
            Some(x) => x.amount = x.amount.checked_add(amount)?,
            None => self.0.push(asset.with(amount)),
        }
        Ok(())
    }

    /// Adds the fees to the ledger, each split into its burned share `burn_share` (rounded down) and the treasury's
    /// rest.
    pub fn record(&self, storage: &mut dyn Storage, burn_share: Decimal) -> StdResult<()> {
        for fee in &self.0 {
            let key = fee.info.key();
            let burn = fee
                .amount
                .checked_mul_floor(burn_share)
                .map_err(|e| StdError::generic_err(e.to_string()))?;
            let treasury = fee.amount.checked_sub(burn)?;
            let mut ledger = FEES.may_load(storage, &key)?.unwrap_or(FeeLedger {
                asset: fee.info.clone(),
                treasury: Uint128::zero(),
                burn: Uint128::zero(),
            });
            ledger.treasury = ledger.treasury.checked_add(treasury)?;
            ledger.burn = ledger.burn.checked_add(burn)?;
            FEES.save(storage, &key, &ledger)?;
        }
        Ok(())
    }
}

/// The asset an order of `side` escrows, and how much for `lots` at `price`: a bid `price × lots` of the quote, an
/// ask `lots × lot_size` of the base. Exact: no rounding.
pub fn escrow_of(
    market: &Market,
    quote: &AssetInfo,
    side: Side,
    price: Uint128,
    lots: Uint128,
) -> StdResult<Asset> {
    Ok(match side {
        Side::Bid => quote.with(price.checked_mul(lots)?),
        Side::Ask => market.base.with(lots.checked_mul(market.lot_size)?),
    })
}

/// Takes a resting order out of the book and adds the refund of its remaining escrow to `payouts`.
pub fn remove_with_refund(
    storage: &mut dyn Storage,
    market: &Market,
    quote: &AssetInfo,
    order: &mut Order,
    payouts: &mut Payouts,
) -> StdResult<Asset> {
    let refund = escrow_of(market, quote, order.side, order.price, order.remaining_lots)?;
    let lots = order.remaining_lots;
    reduce(storage, order, lots)?;
    payouts.add(&order.owner, &refund.info, refund.amount)?;
    Ok(refund)
}
