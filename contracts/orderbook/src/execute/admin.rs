//! `UpdateConfig` (owner only) and `CollectFees` (anyone).
//!
//! Collection pays the ledger as the pools do (`hmm-pool`'s `collect_protocol_fees`): the treasury part is
//! transferred to the treasury, the burn part destroyed: cw20 `Burn` for a cw20 asset, bank `Burn` for a native
//! denom (the chain's bank module burns it from the contract's balance; a tokenfactory denom's supply falls).

use cosmwasm_std::{Decimal, DepsMut, MessageInfo, Order, Response};
use hmm::asset::AssetInfo;
use hmm::orderbook::FeeLedger;

use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, FEES};

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    treasury: Option<String>,
    burn_share: Option<Decimal>,
    router: Option<String>,
) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    match router.as_deref() {
        Some("") => crate::state::ROUTER.remove(deps.storage),
        Some(r) => crate::state::ROUTER.save(deps.storage, &deps.api.addr_validate(r)?)?,
        None => {}
    }
    if let Some(t) = treasury {
        config.treasury = deps.api.addr_validate(&t)?;
    }
    if let Some(b) = burn_share {
        config.burn_share = check_burn_share(b)?;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}

pub fn check_burn_share(burn_share: Decimal) -> ContractResult<Decimal> {
    if burn_share > Decimal::one() {
        return Err(ContractError::BurnShareTooHigh { burn_share });
    }
    Ok(burn_share)
}

pub fn collect_fees(deps: DepsMut, assets: Vec<AssetInfo>) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let only: Vec<String> = assets.iter().map(AssetInfo::key).collect();
    let pending: Vec<(String, FeeLedger)> = FEES
        .range(deps.storage, None, None, Order::Ascending)
        .filter(|item| {
            item.as_ref()
                .map_or(true, |(key, _)| only.is_empty() || only.contains(key))
        })
        .collect::<Result<_, _>>()?;
    let mut resp = Response::new().add_attribute("action", "collect_fees");
    let mut any = false;
    for (key, ledger) in pending {
        if !ledger.treasury.is_zero() {
            resp = resp.add_message(
                ledger
                    .asset
                    .with(ledger.treasury)
                    .transfer_msg(&config.treasury)?,
            );
        }
        if !ledger.burn.is_zero() {
            resp = resp.add_message(ledger.asset.with(ledger.burn).burn_msg()?);
        }
        any |= !ledger.treasury.is_zero() || !ledger.burn.is_zero();
        resp = resp.add_attribute(
            "collected",
            format!("{}:{}:{}", ledger.asset, ledger.treasury, ledger.burn),
        );
        FEES.remove(deps.storage, &key);
    }
    if !any {
        return Err(ContractError::NothingToCollect);
    }
    Ok(resp)
}
