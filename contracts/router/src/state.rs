//! Storage: the config and the router's index of which pools sell a class.

use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Config {
    /// The `hmm-pool` contract.
    pub pool_contract: Addr,
    /// The $AI cw20 token.
    pub ai_token: Addr,
}

pub const CONFIG: hmm_record::Item<Config, 1> = hmm_record::Item::new("config");

/// (CU token, pool id) → (): the pools indexed under a class (`RegisterPools`), scanned in id order.
pub const CLASS_POOLS: Map<(&Addr, u64), ()> = Map::new("class_pools");

/// The order book whose asks lines may take (`SetOrderbook`); absent: pools only. Kept beside the config record so
/// that adding it changed no record layout.
pub const ORDERBOOK: Item<Addr> = Item::new("orderbook");

/// The volume tiers (`SetTiers`), ascending.
pub const TIERS: Item<Vec<hmm::router::VolumeTier>> = Item::new("tiers");

/// A trader's volume through the router: $AI atoms in the 30-day window `window` (block time ÷ 30 days) and in the
/// one before it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Volume {
    #[serde(rename = "w")]
    pub window: u64,
    #[serde(rename = "c")]
    pub current: cosmwasm_std::Uint128,
    #[serde(rename = "p")]
    pub previous: cosmwasm_std::Uint128,
}

/// Volume per trader (plain JSON with one-letter names: written by every purchase).
pub const VOLUME: Map<&Addr, Volume> = Map::new("volume");
