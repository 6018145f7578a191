//! `Cancel`: removes resting orders and refunds their escrow. The owner may cancel its orders; anyone may cancel an
//! order that has expired (the refund still goes to its owner).

use cosmwasm_std::{DepsMut, Env, Event, MessageInfo, Response};
use hmm::orderbook::MAX_CANCEL;

use super::settle::{remove_with_refund, Payouts};
use crate::error::{ContractError, ContractResult};
use crate::state::{publish_top, CONFIG, MARKETS, ORDERS};

pub fn cancel(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    order_ids: Vec<u64>,
) -> ContractResult<Response> {
    if order_ids.is_empty() {
        return Err(ContractError::NothingToCancel);
    }
    if order_ids.len() > MAX_CANCEL as usize {
        return Err(ContractError::TooManyOrders {
            count: order_ids.len(),
            max: MAX_CANCEL,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let mut payouts = Payouts::default();
    let mut events = vec![];
    let mut markets: Vec<hmm::orderbook::Market> = vec![];
    for order_id in order_ids {
        // A repeated id is unknown the second time: the whole message fails.
        let mut order = ORDERS
            .may_load(deps.storage, order_id)?
            .ok_or(ContractError::UnknownOrder { order_id })?;
        let expired = order.expires_at.is_some_and(|t| t <= now);
        if order.owner != info.sender && !expired {
            return Err(ContractError::NotOrderOwner { order_id });
        }
        let market = MARKETS.load(deps.storage, order.market_id)?;
        let refund = remove_with_refund(
            deps.storage,
            &market,
            &config.quote,
            &mut order,
            &mut payouts,
        )?;
        events.push(
            Event::new(if expired { "expire" } else { "cancel" })
                .add_attribute("order_id", order_id.to_string())
                .add_attribute("owner", order.owner.as_str())
                .add_attribute("refund", refund.to_string()),
        );
        if !markets.iter().any(|m| m.id == market.id) {
            markets.push(market);
        }
    }
    for market in &markets {
        publish_top(deps.storage, market)?;
    }
    Ok(Response::new()
        .add_messages(payouts.messages()?)
        .add_events(events)
        .add_attribute("action", "cancel"))
}
