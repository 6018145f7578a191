//! `CreateMarket` and `UpdateMarket` (owner only). Markets are permissioned: a market's lot, tick, minimum and fees
//! are parameters of the exchange, and a listed base asset must be one the exchange pays out safely.

use cosmwasm_std::{Decimal, DepsMut, MessageInfo, Response, Uint128};
use hmm::orderbook::{
    CreateMarketMsg, Market, DEFAULT_MAKER_FEE_PERMILLE, DEFAULT_TAKER_FEE_PERMILLE,
    MAX_FEE_PERMILLE,
};

use crate::error::{ContractError, ContractResult};
use crate::state::{publish_top, CONFIG, MARKETS, MARKET_BY_BASE};

fn check_fee(rate: Decimal) -> ContractResult<Decimal> {
    let max = Decimal::permille(MAX_FEE_PERMILLE);
    if rate > max {
        return Err(ContractError::FeeTooHigh { rate, max });
    }
    Ok(rate)
}

fn positive(value: Uint128, what: &'static str) -> ContractResult<Uint128> {
    if value.is_zero() {
        return Err(ContractError::Zero { what });
    }
    Ok(value)
}

pub fn create_market(
    deps: DepsMut,
    info: MessageInfo,
    msg: CreateMarketMsg,
) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    let base = msg.base.check(deps.api)?;
    if base == config.quote {
        return Err(ContractError::BaseIsQuote {
            quote: config.quote.to_string(),
        });
    }
    let key = base.key();
    if let Some(market_id) = MARKET_BY_BASE.may_load(deps.storage, &key)? {
        return Err(ContractError::MarketExists {
            base: base.to_string(),
            market_id,
        });
    }
    let id = config
        .market_count
        .checked_add(1)
        .ok_or(ContractError::Zero {
            what: "market id space left",
        })?;
    let market = Market {
        id,
        base,
        lot_size: positive(msg.lot_size, "lot_size")?,
        tick_size: positive(msg.tick_size, "tick_size")?,
        min_lots: positive(msg.min_lots, "min_lots")?,
        min_notional: msg.min_notional,
        maker_fee: check_fee(
            msg.maker_fee
                .unwrap_or(Decimal::permille(DEFAULT_MAKER_FEE_PERMILLE)),
        )?,
        taker_fee: check_fee(
            msg.taker_fee
                .unwrap_or(Decimal::permille(DEFAULT_TAKER_FEE_PERMILLE)),
        )?,
    };
    config.market_count = id;
    CONFIG.save(deps.storage, &config)?;
    MARKETS.save(deps.storage, id, &market)?;
    publish_top(deps.storage, &market)?;
    MARKET_BY_BASE.save(deps.storage, &key, &id)?;
    Ok(Response::new()
        .add_attribute("action", "create_market")
        .add_attribute("market_id", id.to_string())
        .add_attribute("base", market.base.to_string()))
}

pub struct MarketUpdate {
    pub maker_fee: Option<Decimal>,
    pub taker_fee: Option<Decimal>,
    pub min_lots: Option<Uint128>,
    pub min_notional: Option<Uint128>,
}

pub fn update_market(
    deps: DepsMut,
    info: MessageInfo,
    market_id: u32,
    update: MarketUpdate,
) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut market = MARKETS
        .may_load(deps.storage, market_id)?
        .ok_or(ContractError::UnknownMarket { market_id })?;
    if let Some(rate) = update.maker_fee {
        market.maker_fee = check_fee(rate)?;
    }
    if let Some(rate) = update.taker_fee {
        market.taker_fee = check_fee(rate)?;
    }
    if let Some(min_lots) = update.min_lots {
        market.min_lots = positive(min_lots, "min_lots")?;
    }
    if let Some(min_notional) = update.min_notional {
        market.min_notional = min_notional;
    }
    MARKETS.save(deps.storage, market_id, &market)?;
    publish_top(deps.storage, &market)?;
    Ok(Response::new()
        .add_attribute("action", "update_market")
        .add_attribute("market_id", market_id.to_string()))
}
