//! `PlaceOrder`: validate, take the escrow, match against the opposite side in price-time priority within the work
//! bound (and, for an immediate bid, within the budget sent), then rest the remainder (limit, post-only) or refund it
//! (immediate-or-cancel, or a limit order whose bound ran out while its price still crosses the book); a
//! fill-or-kill order not filled whole is refused.
//!
//! Work per message: each maker order touched (filled, or removed as expired or as a self-trade) costs one unit of
//! `max_fills`. Finding the next order is one range step on the book map, so the cost of a fill does not depend on
//! how many orders rest elsewhere in the book or behind it at its price.

use cosmwasm_std::{Addr, Coin, DepsMut, Env, Event, Response, Uint128};
use hmm::asset::Asset;
use hmm::orderbook::{fee_of, Order, OrderKind, PlaceOrderMsg, Side, MAX_FILLS};

use super::settle::{escrow_of, remove_with_refund, Fees, Payouts};
use crate::error::{ContractError, ContractResult};
use crate::state::{
    best, insert, opposite, publish_top, reduce, CONFIG, MARKETS, ORDERS, ORDER_COUNT,
};

/// How an order was paid.
pub enum Paid {
    /// By a cw20 `Send`: this token, this amount.
    Cw20(Asset),
    /// With native funds.
    Native(Vec<Coin>),
}

/// Places `msg` for `owner`, who paid `paid`.
pub fn place_order(
    deps: DepsMut,
    env: Env,
    owner: Addr,
    msg: PlaceOrderMsg,
    paid: Paid,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let market =
        MARKETS
            .may_load(deps.storage, msg.market_id)?
            .ok_or(ContractError::UnknownMarket {
                market_id: msg.market_id,
            })?;
    let now = env.block.time.seconds();
    let PlaceOrderMsg {
        side,
        price,
        quantity,
        kind,
        expires_at,
        ..
    } = msg;
    if price.is_zero() {
        return Err(ContractError::Zero { what: "price" });
    }
    if quantity.is_zero() {
        return Err(ContractError::Zero { what: "quantity" });
    }
    if !price.checked_rem(market.tick_size)?.is_zero() {
        return Err(ContractError::OffTick {
            price,
            tick_size: market.tick_size,
        });
    }
    if !quantity.checked_rem(market.lot_size)?.is_zero() {
        return Err(ContractError::OffLot {
            quantity,
            lot_size: market.lot_size,
        });
    }
    let lots = quantity.checked_div(market.lot_size)?;
    let notional = price.checked_mul(lots)?;
    if lots < market.min_lots || notional < market.min_notional {
        return Err(ContractError::BelowMinimum {
            lots,
            notional,
            min_lots: market.min_lots,
            min_notional: market.min_notional,
        });
    }
    match (kind, expires_at) {
        (k, Some(_)) if k.is_immediate() => return Err(ContractError::ExpiryOnImmediate),
        (_, Some(t)) if t <= now => {
            return Err(ContractError::AlreadyExpired { expires_at: t, now })
        }
        _ => {}
    }
    let max_fills = msg.max_fills.unwrap_or(MAX_FILLS);
    if max_fills == 0 || max_fills > MAX_FILLS {
        return Err(ContractError::InvalidMaxFills {
            max_fills,
            cap: MAX_FILLS,
        });
    }
    // Fills go to the recipient; only an order that never rests may name one (a resting order's fills are paid to
    // its owner: the record keeps no recipient).
    let recipient = match msg.recipient {
        Some(r) if kind.is_immediate() => deps.api.addr_validate(&r)?,
        Some(_) => return Err(ContractError::RecipientOnResting),
        None => owner.clone(),
    };
    // A volume discount on the taker fee, only for the configured router (HIP-8 tiers are the router's).
    let taker_rate = match msg.taker_fee_discount {
        Some(d) => {
            let router = crate::state::ROUTER.may_load(deps.storage)?;
            if router.as_ref() != Some(&owner) || d > hmm::pool::MAX_FEE_DISCOUNT {
                return Err(ContractError::DiscountNotAllowed);
            }
            market
                .taker_fee
                .checked_mul(cosmwasm_std::Decimal::one().checked_sub(d)?)?
        }
        None => market.taker_fee,
    };
    let escrow = escrow_of(&market, &config.quote, side, price, lots)?;
    // The escrow's asset, exactly its amount: a cw20 through its hook, a native denom as the only coin sent.
    let paid = match paid {
        Paid::Cw20(sent) if sent.info == escrow.info => sent.amount,
        Paid::Cw20(sent) => {
            return Err(ContractError::WrongAsset {
                expected: escrow.info.to_string(),
                got: sent.info.to_string(),
            })
        }
        Paid::Native(funds) => escrow.info.paid_in(&funds)?,
    };
    // An immediate bid may send less than its escrow: a budget it spends at most (no rounding: fills cost
    // `price × lots` exactly). Every other order escrows exactly.
    let budget_ok =
        side == Side::Bid && kind.is_immediate() && !paid.is_zero() && paid < escrow.amount;
    if paid != escrow.amount && !budget_ok {
        return Err(ContractError::WrongAmount {
            expected: escrow.amount,
            got: paid,
        });
    }
    let order_id = ORDER_COUNT
        .may_load(deps.storage)?
        .unwrap_or(0)
        .checked_add(1)
        .ok_or(ContractError::Zero {
            what: "order id space left",
        })?;
    ORDER_COUNT.save(deps.storage, &order_id)?;

    let mut payouts = Payouts::default();
    let mut fees = Fees::default();
    let mut events = vec![];
    let mut remaining = lots;
    let mut spent = Uint128::zero();
    let mut work = 0u32;
    let mut bound_hit = false;
    let (quote, base) = (&config.quote, &market.base);
    while !remaining.is_zero() {
        let Some((maker_price, maker_id)) = best(deps.storage, market.id, opposite(side))? else {
            break;
        };
        let crosses = match side {
            Side::Bid => maker_price <= price,
            Side::Ask => maker_price >= price,
        };
        if !crosses {
            break;
        }
        if work >= max_fills {
            bound_hit = true;
            break;
        }
        // A bid's budget must pay at least one lot at this price.
        if side == Side::Bid && paid.checked_sub(spent)? < maker_price {
            break;
        }
        work += 1;
        let mut maker = ORDERS.load(deps.storage, maker_id)?;
        let expired = maker.expires_at.is_some_and(|t| t <= now);
        if expired || maker.owner == owner {
            // Expired: removed lazily here. The taker's own order: self-trade prevention cancels the resting one.
            let refund =
                remove_with_refund(deps.storage, &market, quote, &mut maker, &mut payouts)?;
            let kind = if expired {
                "expire"
            } else {
                "self_trade_cancel"
            };
            events.push(
                Event::new(kind)
                    .add_attribute("order_id", maker.id.to_string())
                    .add_attribute("owner", maker.owner.as_str())
                    .add_attribute("refund", refund.to_string()),
            );
            continue;
        }
        if kind == OrderKind::PostOnly {
            return Err(ContractError::PostOnlyWouldCross {
                price,
                best: maker_price,
            });
        }
        let mut n = remaining.min(maker.remaining_lots);
        if side == Side::Bid {
            n = n.min(paid.checked_sub(spent)?.checked_div(maker_price)?);
        }
        let base_amount = n.checked_mul(market.lot_size)?;
        let quote_amount = n.checked_mul(maker_price)?;
        reduce(deps.storage, &mut maker, n)?;
        remaining = remaining.checked_sub(n)?;
        // Each side pays its fee in the asset it receives, rounded up.
        let (taker_gets, maker_gets) = match side {
            Side::Bid => {
                spent = spent.checked_add(quote_amount)?;
                (base.with(base_amount), quote.with(quote_amount))
            }
            Side::Ask => {
                spent = spent.checked_add(base_amount)?;
                (quote.with(quote_amount), base.with(base_amount))
            }
        };
        let taker_fee = fee_of(taker_gets.amount, taker_rate)?;
        let maker_fee = fee_of(maker_gets.amount, market.maker_fee)?;
        payouts.add(
            &recipient,
            &taker_gets.info,
            taker_gets.amount.checked_sub(taker_fee)?,
        )?;
        payouts.add(
            &maker.owner,
            &maker_gets.info,
            maker_gets.amount.checked_sub(maker_fee)?,
        )?;
        fees.add(&taker_gets.info, taker_fee)?;
        fees.add(&maker_gets.info, maker_fee)?;
        events.push(
            Event::new("fill")
                .add_attribute("market_id", market.id.to_string())
                .add_attribute("order_id", maker.id.to_string())
                .add_attribute("taker_order_id", order_id.to_string())
                .add_attribute("maker", maker.owner.as_str())
                .add_attribute("taker", owner.as_str())
                .add_attribute("recipient", recipient.as_str())
                .add_attribute("price", maker_price)
                .add_attribute("lots", n)
                .add_attribute("base_amount", base_amount)
                .add_attribute("quote_amount", quote_amount)
                .add_attribute(
                    "maker_fee",
                    maker_fee.to_string() + &maker_gets.info.to_string(),
                )
                .add_attribute(
                    "taker_fee",
                    taker_fee.to_string() + &taker_gets.info.to_string(),
                ),
        );
    }

    if kind == OrderKind::FillOrKill && !remaining.is_zero() {
        return Err(ContractError::NotFilled {
            filled: lots.checked_sub(remaining)?,
            lots,
        });
    }
    // A resting order never crosses the book: with the bound reached while still crossing, the rest is refunded.
    let rests = !remaining.is_zero() && !kind.is_immediate() && !bound_hit;
    let resting = if rests { remaining } else { Uint128::zero() };
    let rest_escrow = escrow_of(&market, quote, side, price, resting)?;
    let refund = paid.checked_sub(spent)?.checked_sub(rest_escrow.amount)?;
    payouts.add(&owner, &escrow.info, refund)?;
    if rests {
        insert(
            deps.storage,
            &Order {
                id: order_id,
                market_id: market.id,
                owner: owner.clone(),
                side,
                price,
                lots,
                remaining_lots: remaining,
                expires_at,
                placed_at: now,
            },
        )?;
    }
    fees.record(deps.storage, config.burn_share)?;
    publish_top(deps.storage, &market)?;
    let status = match (rests, remaining == lots, remaining.is_zero()) {
        (_, _, true) => "filled",
        (true, true, _) => "resting",
        (true, false, _) => "partially_filled",
        (false, _, _) => "refunded",
    };
    Ok(Response::new()
        .add_messages(payouts.messages()?)
        .add_events(events)
        .add_attribute("action", "place_order")
        .add_attribute("order_id", order_id.to_string())
        .add_attribute("market_id", market.id.to_string())
        .add_attribute("owner", owner.as_str())
        .add_attribute(
            "side",
            match side {
                Side::Bid => "bid",
                Side::Ask => "ask",
            },
        )
        .add_attribute("price", price)
        .add_attribute("lots", lots)
        .add_attribute("filled_lots", lots.checked_sub(remaining)?)
        .add_attribute("resting_lots", resting)
        .add_attribute("refund", refund.to_string() + &escrow.info.to_string())
        .add_attribute("fills_touched", work.to_string())
        .add_attribute("status", status))
}
