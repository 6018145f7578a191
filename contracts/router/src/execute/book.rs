//! `SetOrderbook` (owner): which order book lines may take asks from. The book must quote its markets in the
//! router's $AI, or its prices would be read in the wrong unit.

use cosmwasm_std::{Addr, DepsMut, MessageInfo, Response};
use hmm::asset::AssetInfo;
use hmm::orderbook::{ConfigResponse as BookConfig, QueryMsg as BookQuery};

use crate::error::{ContractError, ContractResult};
use crate::state::{Config, CONFIG, ORDERBOOK};

pub fn set_orderbook(
    deps: DepsMut,
    info: &MessageInfo,
    orderbook: Option<String>,
) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let resp = Response::new().add_attribute("action", "set_orderbook");
    match orderbook {
        Some(book) => {
            let config = CONFIG.load(deps.storage)?;
            let book = check_and_save(deps, &config, &book)?;
            Ok(resp.add_attribute("orderbook", book))
        }
        None => {
            ORDERBOOK.remove(deps.storage);
            Ok(resp.add_attribute("orderbook", "none"))
        }
    }
}

/// Validates `book` (an order book quoted in the router's $AI) and saves it.
pub fn check_and_save(deps: DepsMut, config: &Config, book: &str) -> ContractResult<Addr> {
    let book = deps.api.addr_validate(book)?;
    let answer: BookConfig = deps
        .querier
        .query_wasm_smart(book.as_str(), &BookQuery::Config {})?;
    let ai = AssetInfo::cw20(config.ai_token.clone());
    if answer.quote != ai {
        return Err(ContractError::BookQuoteMismatch {
            quote: answer.quote.to_string(),
        });
    }
    ORDERBOOK.save(deps.storage, &book)?;
    Ok(book)
}
