//! Storage. One [`Pool`] record per pool (loaded and saved once per trade, in the binary form of
//! [`crate::record`]), one [`Position`] per LP and pool, and a ring buffer of TWAP observations per class.

use cosmwasm_std::{Addr, Decimal256, StdResult, Storage, Uint128};
use cw_storage_plus::Map;
use hmm_record::Item as RecordItem;
use hmm_record::Map as RecordMap;
use serde::{Deserialize, Serialize};

pub use hmm_pool_engine::record::PoolRecords;
/// The pool record is the engine's (`hmm-pool-engine`), stored in the binary form of [`crate::record`].
pub use hmm_pool_engine::{Pool, PoolClass};

// The other stored types are compact records of layout version 1 (`hmm_record`: a version byte and the fields in
// postcard). Changing a field means a new version and a conversion in `migrate`.

/// The contract's configuration (record version 2; the owner is cw-ownable's, in its own item).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Config {
    pub ai_token: Addr,
    pub treasury: Addr,
    pub permissionless_pools: bool,
    pub paused: bool,
    pub pool_count: u64,
}

/// The config as record version 1 stored it (0.5 and older): the owner and a proposed owner in the record.
#[derive(Serialize, Deserialize)]
struct ConfigV1 {
    owner: Addr,
    pending_owner: Option<Addr>,
    ai_token: Addr,
    treasury: Addr,
    permissionless_pools: bool,
    paused: bool,
    pool_count: u64,
}

/// An LP position.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Position {
    pub shares: Uint128,
    /// Fee accumulators at the last settlement.
    pub fee_checkpoint_credits: Decimal256,
    pub fee_checkpoint_resources: Vec<Decimal256>,
    /// Fees settled but not yet claimed.
    pub owed_credits: Uint128,
    pub owed_resources: Vec<Uint128>,
    /// What was deposited in total (for impermanent loss, 2026 eq.25).
    pub deposited_credits: Uint128,
    pub deposited_resources: Vec<Uint128>,
}

/// A TWAP observation: the class's price cumulative at a block time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Observation {
    pub time: u64,
    pub cumulative: Decimal256,
}

pub const CONFIG: RecordItem<Config, 2> = RecordItem::new("config");
/// The router whose `Buy`s may carry a volume discount (`UpdateConfig.router`); kept beside the config record so
/// that adding it changed no record layout.
pub const ROUTER: cw_storage_plus::Item<Addr> = cw_storage_plus::Item::new("router");
const CONFIG_V1: RecordItem<ConfigV1, 1> = RecordItem::new("config");
pub const POOLS: PoolRecords = PoolRecords;
pub const POSITIONS: RecordMap<(u64, &Addr), Position, 1> = RecordMap::new("positions");
/// (pool, class, slot) → observation; slots form a ring of [`OBSERVATION_SLOTS`].
pub const OBSERVATIONS: RecordMap<(u64, u8, u16), Observation, 1> = RecordMap::new("obs");
/// (pool, class) → index of the newest slot and number of slots written.
pub const OBSERVATION_HEAD: Map<(u64, u8), (u16, u16)> = Map::new("obs_head");
/// Protocol fees held until `CollectProtocolFees`: token → (treasury share, burn share).
pub const PROTOCOL_FEES: Map<&Addr, (Uint128, Uint128)> = Map::new("protocol_fees");

/// Ring size of TWAP observations per class (one at most every `hmm_pool_engine::prices::OBSERVATION_INTERVAL`).
pub const OBSERVATION_SLOTS: u16 = 64;
/// (CU token, pool id) → (): the routing index of 0.4 and older, which the router (`contracts/router`) now keeps;
/// `migrate` from those versions deletes it.
const LEGACY_CLASS_POOLS: Map<(&Addr, u64), ()> = Map::new("class_pools");

/// A waiting batch-auction intent: sell `amount` of one side of class `class` for the other.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Intent {
    pub trader: Addr,
    pub class: u8,
    /// True: $AI in, CU out. False: CU in, $AI out.
    pub buy: bool,
    pub amount: Uint128,
    pub min_out: Option<Uint128>,
}

/// pool id → (block time the current batch opened, intents in it).
pub const BATCHES: Map<u64, (u64, u32)> = Map::new("batches");
/// (pool id, index) → intent of the current batch.
pub const INTENTS: RecordMap<(u64, u32), Intent, 1> = RecordMap::new("intents");
/// Most intents one batch holds (bounds the gas of `SettleBatch`). A full batch takes a new intent only if it is
/// worth more than the smallest one waiting, which is evicted to the owed ledger: dust cannot shut a window.
pub const MAX_INTENTS: u32 = 50;
/// (pool id, trader) → intents the trader holds in the current batch (at most `hmm::pool::MAX_INTENTS_PER_TRADER`).
pub const TRADER_INTENTS: Map<(u64, &Addr), u32> = Map::new("trader_intents");
/// An intent must be at least this fraction (parts per million) of the reserve it trades into.
pub const MIN_INTENT_PPM: u128 = 1;

/// (recipient, token) → atoms the contract owes: payouts deferred past a token that refused them, or evicted
/// intents. Paid by `ClaimOwed`; counted in every conservation check.
pub const OWED: Map<(&Addr, &Addr), Uint128> = Map::new("owed");

/// Converts the records of a 0.3 contract (the same fields without a version byte) to version 1. Returns how many
/// records it rewrote.
pub fn convert_records(storage: &mut dyn Storage) -> StdResult<u32> {
    drop_routing_index(storage);
    use hmm_record::legacy::{version_item, version_map};
    Ok(version_item(storage, CONFIG.as_slice(), 1)?
        + version_map(storage, POSITIONS.namespace_bytes(), 1)?
        + version_map(storage, OBSERVATIONS.namespace_bytes(), 1)?
        + version_map(storage, INTENTS.namespace_bytes(), 1)?)
}

/// Deletes the routing index of 0.4 and older (the router keeps its own).
pub fn drop_routing_index(storage: &mut dyn Storage) {
    LEGACY_CLASS_POOLS.clear(storage);
}

/// Rewrites a version-1 config (0.5 and older) as version 2: the owner moves to cw-ownable. A proposal waiting for
/// `AcceptOwner` is dropped, not carried over (the owner proposes again with `UpdateOwnership`): 0.5 proposals had
/// no expiry, and a transfer nobody confirmed after the upgrade should not complete under the new code. Returns
/// (records rewritten, the dropped proposal).
pub fn move_owner_to_cw_ownable(
    storage: &mut dyn Storage,
    api: &dyn cosmwasm_std::Api,
) -> StdResult<(u32, Option<Addr>)> {
    let old = CONFIG_V1.load(storage)?;
    cw_ownable::initialize_owner(storage, api, Some(old.owner.as_str()))?;
    CONFIG.save(
        storage,
        &Config {
            ai_token: old.ai_token,
            treasury: old.treasury,
            permissionless_pools: old.permissionless_pools,
            paused: old.paused,
            pool_count: old.pool_count,
        },
    )?;
    Ok((1, old.pending_owner))
}
